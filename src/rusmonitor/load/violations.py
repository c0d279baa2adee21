"""The contract as SQL, over a file's text frame registered in DuckDB: which records break it,
one RowError per record and column (a value that does not parse, is out of range or not
allowed, a code not in the geography of its year, a duplicated key, a shifted line, a Samdata
total row). Few bad records go to the quarantine; a file wrong as a whole (too many bad
records, or rows of another year than its period folder) is a LoadError, and nothing of the
file is written."""

from __future__ import annotations

import duckdb

from rusmonitor import quality
from rusmonitor.contracts import Column, Contract
from rusmonitor.load.errors import MAX_REPORTED_ERRORS, LoadError, RowError
from rusmonitor.load.readers import EXTRA, RECORD, ROW, SHORT_BY, TOTAL, TOTAL_NAMES, Incoming

# A file is wrong as a whole, not just a few of its rows, when more than this share of its rows
# break the contract (and more than MAX_BAD_ROWS_ANYWAY): a wrong date format or a shifted
# column breaks every row, a typo breaks one.
MAX_BAD_SHARE = 0.01
MAX_BAD_ROWS_ANYWAY = 2

# the codes of every year, per geography: (temp table, its code column); connect() creates them
MUNICIPALITY_VERSIONS = "_municipality_versions"
COUNTY_VERSIONS = "_county_versions"
GEOGRAPHY_VERSIONS = {
    "municipality": (MUNICIPALITY_VERSIONS, "municipality_code"),
    "county": (COUNTY_VERSIONS, "county_code"),
}

# A number as a decimal-comma publisher writes it: digits grouped in threes by a space, a
# no-break space or a narrow no-break space, then a comma and decimals ("2 803,3", "15,26").
GROUP_SPACE = r"[ \x{00A0}\x{202F}]"
DECIMAL_COMMA_NUMBER = rf"-?(\d{{1,3}}({GROUP_SPACE}\d{{3}})+|\d+)(,\d+)?"


def _number_text(text: str, contract: Contract | None) -> str:
    """SQL: the text of a number in the C form DuckDB casts ("2803.3"), from the publisher's."""
    if contract is None or not contract.decimal_comma:
        return text
    return (
        f"CASE WHEN regexp_full_match({text}, '{DECIMAL_COMMA_NUMBER}') THEN "
        f"replace(regexp_replace({text}, '{GROUP_SPACE}', '', 'g'), ',', '.') END"
    )


def parsed(c: Column, ref: str | None = None, contract: Contract | None = None) -> str:
    """SQL that turns the text column into its contract type (NULL where it cannot). Numbers
    are read as the contract says the publisher writes them (contract.decimal_comma)."""
    col = ref or f'"{c.name}"'
    text = f"NULLIF(trim({col}), '')"
    if c.dtype == "varchar":
        return text
    if c.dtype == "date":
        return f"CAST(TRY_STRPTIME({text}, '%Y-%m-%d') AS DATE)"
    number = _number_text(text, contract)
    if c.dtype == "integer":
        # "12.0" from a spreadsheet cell is still the integer 12; "12.5" is not.
        return (
            f"CASE WHEN TRY_CAST({number} AS DOUBLE) = TRY_CAST(TRY_CAST({number} AS DOUBLE) "
            f"AS BIGINT) THEN TRY_CAST(TRY_CAST({number} AS DOUBLE) AS BIGINT) END"
        )
    return f"TRY_CAST({number} AS {c.sql_type})"


def _scale(c: Column) -> int | None:
    """The decimals a decimal(p,s) column keeps."""
    if not c.dtype.startswith("decimal("):
        return None
    return int(c.dtype.rstrip(")").split(",")[1])


def _checks(c: Column, contract: Contract, period_year: int | None = None) -> list[tuple[str, str]]:
    """(condition that marks a bad row, reason) for one column."""
    text = f"NULLIF(trim(\"{c.name}\"), '')"
    value = parsed(c, contract=contract)
    out = []
    if not c.nullable:
        out.append((f"{text} IS NULL", "missing value"))
    fmt = {"date": "a date (YYYY-MM-DD)", "integer": "an integer"}.get(c.dtype, f"a {c.dtype}")
    numeric = c.dtype == "integer" or c.dtype.startswith("decimal")
    ambiguous = "FALSE"
    if numeric and contract.decimal_comma:
        # "1.234" in a decimal-comma file is 1234 to one reader and 1.234 to another
        ambiguous = f"({text} IS NOT NULL AND contains({text}, '.'))"
        out.append(
            (
                ambiguous,
                "ambiguous number: a '.' in a file whose decimal separator is ',' "
                "(write 1234 or 1 234 for thousands, 1,234 for decimals)",
            )
        )
    if c.dtype != "varchar":
        how = " with a decimal comma, e.g. 2 803,3" if numeric and contract.decimal_comma else ""
        out.append((f"{text} IS NOT NULL AND {value} IS NULL AND NOT {ambiguous}", f"not {fmt}{how}"))
    scale = _scale(c)
    if scale is not None:
        # 15,26 into one decimal would be stored as 15.3: more precision than the contract holds
        digits = _number_text(text, contract)
        out.append(
            (
                f"{value} IS NOT NULL AND NOT regexp_full_match({digits}, '-?\\d*(\\.\\d{{0,{scale}}})?')",
                f"more than {scale} decimal(s): it would be rounded",
            )
        )
    if c.allowed is not None:
        allowed = ", ".join("'" + a.replace("'", "''") + "'" for a in c.allowed)
        out.append((f"{text} IS NOT NULL AND {text} NOT IN ({allowed})", f"not one of {list(c.allowed)}"))
    if c.pattern is not None:
        out.append(
            (
                f"{text} IS NOT NULL AND NOT regexp_full_match({text}, '{c.pattern}')",
                f"does not match the pattern {c.pattern}",
            )
        )
    if c.min is not None:
        out.append((f"{value} < {c.min}", f"below the minimum {c.min:g}"))
    if c.max is not None:
        out.append((f"{value} > {c.max}", f"above the maximum {c.max:g}"))
    if c.valid_in_year_of is not None:
        year_column = contract.column(c.valid_in_year_of)
        year = parsed(year_column, contract=contract)
        if year_column.dtype == "date":
            year = f"year({year})"
        table, key = GEOGRAPHY_VERSIONS[c.geography]
        out.append(
            (
                f"{text} IS NOT NULL AND {year} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                f"{table} AS v WHERE v.{key} = {text} "
                f"AND {year} BETWEEN v.valid_from AND v.valid_to)",
                f"not a {c.geography} code in the geography of its year ({c.valid_in_year_of})",
            )
        )
    if period_year is not None and c.name == contract.period_column:
        out.append(
            (
                f"{period_year_of(contract)} <> {period_year}",
                f"not of the year of its period folder ({period_year})",
            )
        )
    return out


def period_year_of(contract: Contract) -> str:
    """SQL: the year a row belongs to, from the contract's period column."""
    column = contract.column(contract.period_column)
    year = parsed(column, contract=contract)
    return f"year({year})" if column.dtype == "date" else year


TOTAL_REASON = "a total row, not a health trust: set aside (the warehouse sums the trusts itself)"


def _violations_sql(inc: Incoming, view: str, period_year: int | None = None) -> str:
    parts = []
    if TOTAL in inc.frame.columns:
        name = "coalesce(CASE WHEN lower(trim(helseforetak)) IN ({t}) THEN 'helseforetak' END, 'rhf')"
        t = ", ".join(f"'{n}'" for n in TOTAL_NAMES)
        parts.append(
            f"SELECT {RECORD} AS record, {ROW} AS row, {name.format(t=t)} AS col, "
            f"CASE WHEN lower(trim(helseforetak)) IN ({t}) THEN helseforetak ELSE rhf END AS value, "
            f"'{TOTAL_REASON}' AS reason FROM {view} WHERE {TOTAL}"
        )
        view = f"(SELECT * FROM {view} WHERE NOT {TOTAL})"
    for c in inc.contract.columns:
        for cond, reason in _checks(c, inc.contract, period_year):
            r = reason.replace("'", "''")
            parts.append(
                f"SELECT {RECORD} AS record, {ROW} AS row, '{c.name}' AS col, "
                f"CAST(\"{c.name}\" AS VARCHAR) AS value, '{r}' AS reason FROM {view} WHERE {cond}"
            )
    if SHORT_BY in inc.frame.columns:  # its fields may be shifted: set the whole record aside
        n = len(inc.contract.columns)
        parts.append(
            f"SELECT {RECORD} AS record, {ROW} AS row, '{inc.contract.columns[-1].name}' AS col, "
            f"NULL AS value, 'the line has ' || ({n} - {SHORT_BY}) || ' of the header''s {n} fields' "
            f"AS reason FROM {view} WHERE {SHORT_BY} > 0"
        )
    if EXTRA in inc.frame.columns:  # a value after the last column: the fields may be shifted too
        n = len(inc.contract.columns)
        parts.append(
            f"SELECT {RECORD} AS record, {ROW} AS row, '{inc.contract.columns[-1].name}' AS col, "
            f"{EXTRA} AS value, 'the line has more fields than the header''s {n}: a value after "
            f"the last column (a '';'' inside an unquoted field?)' AS reason FROM {view} "
            f"WHERE {EXTRA} IS NOT NULL"
        )
    # every record of a duplicated key is set aside: which of them is right cannot be told
    key = ", ".join(f'"{k}"' for k in inc.contract.key)
    parts.append(
        f"SELECT unnest(records) AS record, unnest(rows) AS row, '{'+'.join(inc.contract.key)}' AS col, "
        f"value, 'duplicate key, on rows ' || array_to_string(rows, ', ') AS reason FROM ("
        f"SELECT list({RECORD} ORDER BY {RECORD}) AS records, list({ROW} ORDER BY {RECORD}) AS rows, "
        f"concat_ws('|', {key}) AS value FROM {view} GROUP BY {key} HAVING count(*) > 1)"
    )
    return " UNION ALL ".join(parts)


def check_period(
    con: duckdb.DuckDBPyConnection, inc: Incoming, file: str, view: str, period_year: int
) -> None:
    """A file whose rows are of other years than its period folder would replace the wrong
    period: reject it (a few stray rows are quarantined by the row checks instead)."""
    if inc.contract.period_column is None:
        return
    years = dict(
        con.execute(
            f"SELECT y, count(*) FROM (SELECT {period_year_of(inc.contract)} AS y FROM {view}) "
            "WHERE y IS NOT NULL GROUP BY y ORDER BY y"
        ).fetchall()
    )
    others = sum(n for y, n in years.items() if y != period_year)
    if others > max(MAX_BAD_ROWS_ANYWAY, MAX_BAD_SHARE * len(inc.frame)):
        # for the record (and the report's quality status): the GX check that says so
        year_sql = period_year_of(inc.contract)
        result = quality.check_period_folder(con, inc.contract, view, year_sql, period_year)
        found = ", ".join(f"{y} ({n} rows)" for y, n in years.items())
        rejected = LoadError(
            file,
            f"{file}: its rows are of {found} by column {inc.contract.period_column!r}, but the "
            f"file is in the period folder {period_year}: not loaded, period {period_year} is "
            "unchanged. Move the file to the folder of its year.",
        )
        rejected.checked = [result]
        raise rejected


def contract_violations(
    con: duckdb.DuckDBPyConnection, inc: Incoming, file: str, view: str, period_year: int | None = None
) -> tuple[list[RowError], int]:
    """Records that break the contract, one RowError per record and column, and the number of
    records.

    Raises LoadError when the file looks wrong as a whole: more than MAX_BAD_SHARE of its rows
    (and more than MAX_BAD_ROWS_ANYWAY) break the contract, as a wrong date format or a shifted
    column does. Fewer bad records go to the quarantine."""
    # one pass over the file's rows: the checks scan every row once per rule, so the result is
    # kept instead of running them again for the count and for the rows
    found = f"{view}_violations"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {found} AS {_violations_sql(inc, view, period_year)}")
    try:
        return _collect_violations(con, inc, file, found)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {found}")


def _row_error(inc: Incoming, file: str, r: tuple) -> RowError:
    record, row, column, value, reason = r
    return RowError(file, row, column, value, reason, inc.where, record, inc.cell(record, column, row))


def _collect_violations(
    con: duckdb.DuckDBPyConnection, inc: Incoming, file: str, found: str
) -> tuple[list[RowError], int]:
    bad, total, totals = con.execute(
        f"SELECT count(DISTINCT record), count(*), count(*) FILTER (reason = '{TOTAL_REASON}') FROM {found}"
    ).fetchall()[0]
    if bad - totals > max(MAX_BAD_ROWS_ANYWAY, MAX_BAD_SHARE * len(inc.frame)):
        first = con.execute(
            f"SELECT * FROM {found} ORDER BY row, record, col LIMIT {MAX_REPORTED_ERRORS}"
        ).fetchall()
        raise LoadError(
            file,
            f"{file}: {bad} of {len(inc.frame)} records break the contract for "
            f"raw.{inc.contract.table}, too many to set aside: the file looks wrong as a whole "
            "and was not loaded; the warehouse is unchanged",
            [_row_error(inc, file, r) for r in first],
            total,
        )
    rows = con.execute(f"SELECT * FROM {found} ORDER BY row, record, col").fetchall()
    return [_row_error(inc, file, r) for r in rows], bad
