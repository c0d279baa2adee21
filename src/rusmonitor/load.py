"""Load landing files into the raw schema of the DuckDB warehouse.

Each file is read as text, checked against its contract (contracts.py) and only then written, in
one transaction, with load metadata on every row (_load_id, _source_file, _content_hash,
_row_number). A file already loaded with the same content is skipped, so reruns change nothing; a
file whose content changed, or a resubmission of the same kind in the period's folder (a
correction or a higher version, versions.py), replaces exactly that period, and only with rows
of that period's year. Records that break the contract go to raw._quarantine with file, row (and
sheet cell), column, reason and the whole record: one record per value, so a bad cell of a wide
sheet row sets aside that cell's record and not its neighbours. A file wrong as a whole is
rejected with an error naming the file, the row and the column, and nothing in the warehouse
changes.

Only delivered files are read (delivery.py: a done-marker, or settled with a whole end); the
others are left for a retry: the rest load, then FilesStillBeingWritten (a transient error, so
Airflow retries the task) names them and why. Hidden and temporary names (.x.csv, ~x.csv) are
never read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import fnmatch
import io
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from rusmonitor import catalog, delivery, quality, quality_store, versions
from rusmonitor.contracts import (
    BRUKERPLAN_USERS,
    CONTRACTS,
    DODSARSAK_DRUG_DEATHS,
    IS_24_8_FTE,
    KARTLEGGING_CLIENTS,
    KRIMINALOMSORGEN_MEASURES,
    NPR_DETOX_STAYS,
    NPR_OUTPATIENT_CONTACTS,
    NPR_TSB_EPISODES,
    PASOPP_RESPONDENTS,
    SAMDATA_OPERATING_COSTS,
    SAMDATA_PRICE_INDEX,
    SAMDATA_TSB_ACTIVITY,
    SSB_POPULATION,
    UNGDATA_RESPONSES,
    Column,
    Contract,
)
from rusmonitor.faults import failpoint
from rusmonitor.settings import (
    COUNTY_VERSIONS_SEED,
    MUNICIPALITY_VERSIONS_SEED,
    landing_dir,
    warehouse_path,
)

log = logging.getLogger(__name__)

MAX_REPORTED_ERRORS = 20
# A file is wrong as a whole, not just a few of its rows, when more than this share of its rows
# break the contract (and more than MAX_BAD_ROWS_ANYWAY): a wrong date format or a shifted
# column breaks every row, a typo breaks one.
MAX_BAD_SHARE = 0.01
MAX_BAD_ROWS_ANYWAY = 2
ROW = "_row_number"


# ---------------------------------------------------------------- errors
MAX_VALUE_SHOWN = 80  # characters of a bad value echoed into a message (a 50 MB line is not)


def shown(value: str | None, limit: int = MAX_VALUE_SHOWN) -> str:
    """A value as a message quotes it: repr, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(value or '')} characters)"


MAX_LINE = 480  # characters of one message line


def _capped(line: str) -> str:
    return line if len(line) <= MAX_LINE else f"{line[: MAX_LINE - 30]}… ({len(line)} characters)"


@dataclass(frozen=True)
class RowError:
    file: str
    row: int  # the physical location: CSV line, sheet row, or JSON-stat value position
    column: str
    value: str | None
    reason: str
    where: str = "row"  # how `row` reads: "row", "sheet 'X' row", "value"
    # which record of the file (a sheet row unpivoted to one record per sector is several)
    record: int | None = field(default=None, compare=False)
    cell: str | None = None  # a spreadsheet cell, e.g. "D7"

    def __str__(self) -> str:
        value = "" if self.value is None else f" (value {shown(self.value)})"
        cell = f" (cell {self.cell})" if self.cell else ""
        return f"{self.file}: {self.where} {self.row}{cell}, column {self.column!r}: {self.reason}{value}"


class LoadError(Exception):
    """A landing file that breaks its contract. Nothing of it was written."""

    def __init__(
        self, file: str, message: str, errors: list[RowError] | None = None, total: int | None = None
    ):
        self.file = file
        self.errors = errors or []
        self.total = total if total is not None else len(self.errors)
        # each line readable: a parser's or GX's text can quote a whole (50 MB) line
        lines = [_capped(line) for line in message.split("\n")] + [f"  {e}" for e in self.errors]
        if self.total > len(self.errors):
            lines.append(f"  ... and {self.total - len(self.errors)} more")
        super().__init__("\n".join(lines))


SHORT_BY = "_short_by"  # how many fields a CSV line lacks against its header
EXTRA = "_extra"  # the non-empty fields of a CSV line after its header's last column
RECORD = "_record"  # which record of the file: what a quarantine sets aside, one per value
LETTER = "_letter"  # the spreadsheet column of a record's value (unpivoted sheets)


@dataclass
class Incoming:
    """One landing file's rows for one raw table, as text, with where each row came from."""

    contract: Contract
    frame: pd.DataFrame  # contract columns as strings + _row_number (+ _record, _letter)
    where: str = "row"
    # spreadsheet column letter of each contract column, for messages naming the cell
    letters: dict[str, str] = field(default_factory=dict)
    # the contract column whose letter is per record (in the frame's _letter column)
    letter_per_record: str | None = None

    def __post_init__(self) -> None:
        if RECORD not in self.frame.columns:
            self.frame[RECORD] = np.arange(len(self.frame))

    def cell(self, record: int, column: str, row: int) -> str | None:
        if column == self.letter_per_record:
            return f"{self.frame[LETTER].iloc[record]}{row}"
        return f"{self.letters[column]}{row}" if column in self.letters else None


@dataclass
class LoadResult:
    source: str
    file: str
    status: str  # loaded | replaced | unchanged
    rows: int
    load_id: str
    seconds: float = 0.0
    quarantined: list[RowError] = field(default_factory=list)


# ---------------------------------------------------------------- readers (file -> text frames)
def _decoded(path: Path) -> str:
    """The file as text; a byte that is not UTF-8 is reported by its offset in the file and its
    physical line, so it can be found with a hex editor or `sed -n <line>p`."""
    data = path.read_bytes()
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0  # not part of a name
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as e:
        at = bom + e.start  # the offset in the file, not in a parser's buffer
        line = data.count(b"\n", 0, at) + 1
        raise LoadError(
            str(path),
            f"{path}: the file is not UTF-8 text: byte {at} (line {line}) is "
            f"{data[at : at + 1]!r} ({e.reason}); re-export it as UTF-8",
        ) from e


def _read_csv(path: Path, contract: Contract) -> Incoming:
    text = _decoded(path)
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))  # a 50 MB field is read, then reported
    # strict: a quote left open would otherwise swallow the rest of the file into one field
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    start = 1
    try:
        header = next(reader, None)
        records, starts = [], []
        start = reader.line_num + 1
        for record in reader:
            if record:  # a blank line is no record
                records.append(record)
                starts.append(start)
            start = reader.line_num + 1
    except csv.Error as e:
        raise LoadError(
            str(path),
            f"{path}: line {start}: not a valid ';'-separated record ({e}; a quote opened and "
            "not closed, or text after a closing quote?)",
        ) from e
    if not header or not any(h.strip() for h in header):
        raise LoadError(str(path), f"{path}: the file is empty")
    while header and header[-1] == "":  # a ';' at the end of the header line is no column
        header.pop()
    _check_header(path, header, contract)
    if not records:
        raise LoadError(str(path), f"{path}: the file has a header but no data rows")
    width = len(header)
    fields = [r[:width] + [""] * (width - len(r)) for r in records]
    df = pd.DataFrame(fields, columns=header, dtype=object).replace({"": None})
    df[ROW] = starts  # where each record starts, a quoted field over several lines counted
    # pandas would pad a short line and fail on a long one; each is this record's fault only
    df[SHORT_BY] = [max(0, width - len(r)) for r in records]
    # fields after the last column: empty ones are a trailing ';' (dropped), others a value
    # that belongs to no column (the record is set aside, the extra text kept in it)
    extra = [";".join(r[width:]) if any(r[width:]) else None for r in records]
    df[EXTRA] = extra
    trailing = sum(1 for r, x in zip(records, extra, strict=True) if len(r) > width and x is None)
    if trailing:
        log.info(
            "%s: %d line(s) end with ';': the empty field after the last column is ignored", path, trailing
        )
    return Incoming(contract, df, where="line")


def _check_header(
    path: Path, found: list[str], contract: Contract, where: str = "line", row: int = 1
) -> None:
    expected = contract.column_names
    missing = [c for c in expected if c not in found]
    extra = [c for c in found if c not in expected]
    if not missing and not extra:
        return
    twice = sorted({c for c in found if found.count(c) > 1})
    if twice:
        raise LoadError(
            str(path), f"{path}: {where} {row}: the header names column(s) {twice} more than once"
        )
    hint = ""
    if len(found) == 1 and any(sep in found[0] for sep in ",\t|"):
        hint = " The header is one column: is the delimiter ';'?"
    errors = [RowError(str(path), row, c, None, "missing column", where=where) for c in missing]
    errors += [RowError(str(path), row, c, None, "column not in the contract", where=where) for c in extra]
    raise LoadError(
        str(path),
        # the hint first: a capped line keeps it
        f"{path}: the header does not match the contract for raw.{contract.table}.{hint} "
        f"Expected: {expected}",
        errors[:MAX_REPORTED_ERRORS],
        len(errors),
    )


SAMDATA_SHEETS = {
    # sheet name -> (contract, Norwegian header -> contract column)
    "Prisindeks": (SAMDATA_PRICE_INDEX, {"År": "aar", "Prisindeks": "prisindeks"}),
    "TSB aktivitet": (
        SAMDATA_TSB_ACTIVITY,
        {
            "År": "aar",
            "RHF": "rhf",
            "Helseforetak": "helseforetak",
            "Oppholdsdøgn": "oppholdsdogn",
            "Innleggelser": "innleggelser",
            "Polikliniske konsultasjoner": "polikliniske_konsultasjoner",
            "Døgnplasser offentlig": "dognplasser_offentlig",
            "Døgnplasser privat": "dognplasser_privat",
        },
    ),
}
SAMDATA_COST_SHEET = "Driftskostnader"
SAMDATA_HEADER_ROW = 3  # a title on row 1, a blank row 2


TOTAL_NAMES = ("hele landet", "totalt", "i alt", "sum")  # a sum row, not a health trust
TOTAL = "_total"  # a sheet row that sums others: set aside, never loaded to be summed again


def _sheet_rows(path: Path, name: str, df: pd.DataFrame) -> pd.DataFrame:
    """The sheet's table with its sheet row numbers: rows below it that are blank or hold only a
    note in column A (source, footnote) are no data, so they are dropped and the notes logged;
    a total row is flagged."""
    df = df.copy()
    df[ROW] = np.arange(SAMDATA_HEADER_ROW + 1, len(df) + SAMDATA_HEADER_ROW + 1)
    rest = df.iloc[:, 1 : len(df.columns) - 1]
    first = df.iloc[:, 0].astype("string").str.strip()
    is_year = first.str.fullmatch(r"\d{4}(\.0)?").fillna(False).astype(bool)
    no_data = rest.isna().all(axis=1).to_numpy() & ~is_year.to_numpy()
    end = len(df)
    while end > 0 and no_data[end - 1]:
        end -= 1
    for _, r in df.iloc[end:].iterrows():
        if pd.notna(r.iloc[0]):
            log.info(
                "%s: sheet %r cell A%d: a note under the table, not data: %s",
                path,
                name,
                r[ROW],
                shown(r.iloc[0]),
            )
    df = df.iloc[:end].copy()
    if "helseforetak" in df.columns:
        names = df[["rhf", "helseforetak"]].apply(lambda c: c.astype("string").str.strip().str.lower())
        df[TOTAL] = names.isin(TOTAL_NAMES).any(axis=1).to_numpy()
    return df


def _read_samdata(path: Path) -> list[Incoming]:
    try:
        # only the sheets the contract reads: a notes sheet beside them is no business of the load
        with pd.ExcelFile(path) as book:
            names = [s for s in book.sheet_names if s in (SAMDATA_COST_SHEET, *SAMDATA_SHEETS)]
            found_sheets = book.sheet_names
            # keep_default_na=False: a cell reading "n/a" is a value to report, not a silent blank
            sheets = pd.read_excel(
                book, sheet_name=names, header=SAMDATA_HEADER_ROW - 1, dtype=str, keep_default_na=False
            )
        sheets = {name: frame.replace({"": None}) for name, frame in sheets.items()}
    except Exception as e:  # openpyxl raises several types for a broken zip or workbook
        raise LoadError(str(path), f"{path}: not a readable XLSX workbook: {e}") from e
    wanted = [SAMDATA_COST_SHEET, *SAMDATA_SHEETS]
    missing = [s for s in wanted if s not in sheets]
    if missing:
        raise LoadError(str(path), f"{path}: missing sheet(s) {missing}; found {found_sheets}")
    out = []
    for name, (contract, header) in SAMDATA_SHEETS.items():
        df = sheets[name]
        renamed = [header.get(str(c), str(c)) for c in df.columns]
        _check_header(path, renamed, contract, where=f"sheet {name!r} row", row=SAMDATA_HEADER_ROW)
        df.columns = renamed
        df = _sheet_rows(path, name, df)
        letters = {c: get_column_letter(i + 1) for i, c in enumerate(renamed)}
        out.append(Incoming(contract, df, where=f"sheet {name!r} row", letters=letters))
    # Costs come wide (one column per sector), as Samdata publishes them; unpivot to the contract.
    df = sheets[SAMDATA_COST_SHEET]
    ids = {"År": "aar", "RHF": "rhf", "Helseforetak": "helseforetak"}
    sectors = SAMDATA_OPERATING_COSTS.column("sektor").allowed or ()
    found = [str(c) for c in df.columns]
    expected = [*ids, *sectors]
    if found != expected:
        missing = [c for c in expected if c not in found]
        extra = [c for c in found if c not in expected]
        errors = [
            RowError(
                str(path),
                SAMDATA_HEADER_ROW,
                c,
                None,
                "missing column",
                where=f"sheet {SAMDATA_COST_SHEET!r} row",
            )
            for c in missing
        ]
        errors += [
            RowError(
                str(path),
                SAMDATA_HEADER_ROW,
                c,
                None,
                "column not expected",
                where=f"sheet {SAMDATA_COST_SHEET!r} row",
            )
            for c in extra
        ]
        raise LoadError(
            str(path), f"{path}: sheet {SAMDATA_COST_SHEET!r} must have the columns {expected}", errors
        )
    df = _sheet_rows(path, SAMDATA_COST_SHEET, df.rename(columns=ids))
    long = df.melt(
        id_vars=["aar", "rhf", "helseforetak", ROW, TOTAL],
        value_vars=list(sectors),
        var_name="sektor",
        value_name="driftskostnader_mnok",
    )
    # one record per cell: a bad cost sets aside that sector's record, not its row's neighbours
    long[LETTER] = long.sektor.map({s: get_column_letter(found.index(s) + 1) for s in sectors})
    out.append(
        Incoming(
            SAMDATA_OPERATING_COSTS,
            long,
            where=f"sheet {SAMDATA_COST_SHEET!r} row",
            letters={c: get_column_letter(i + 1) for i, c in enumerate(ids.values())},
            letter_per_record="driftskostnader_mnok",
        )
    )
    return out


def jsonstat_frame(doc: dict) -> pd.DataFrame:
    """A JSON-stat 2.0 dataset as a long frame: one column per dimension (codes), then value and
    status. Values are row-major with the last dimension fastest; `value` and `status` may be
    lists or sparse objects keyed by position, as the standard allows."""
    if not isinstance(doc, dict) or doc.get("class") != "dataset" or "id" not in doc or "size" not in doc:
        raise ValueError("not a JSON-stat 2.0 dataset (needs class 'dataset', 'id' and 'size')")
    ids, sizes = doc["id"], doc["size"]
    codes = []
    for dim in ids:
        index = doc["dimension"][dim]["category"].get("index")
        if index is None:  # a single-category dimension may omit the index
            index = list(doc["dimension"][dim]["category"]["label"])
        ordered = index if isinstance(index, list) else sorted(index, key=index.get)
        codes.append(np.array(ordered, dtype=object))
    if len(sizes) != len(ids):
        raise ValueError(f"'id' names {len(ids)} dimensions but 'size' has {len(sizes)} entries")
    for dim, size, categories in zip(ids, sizes, codes, strict=True):
        if size != len(categories):  # the values would be read against the wrong categories
            raise ValueError(
                f"'size' says dimension {dim!r} has {size} categories, its index has {len(categories)}"
            )
    n = int(np.prod(sizes))
    positions = np.unravel_index(np.arange(n), sizes)
    frame = pd.DataFrame({dim: codes[i][positions[i]] for i, dim in enumerate(ids)})
    raw_values = doc.get("value", [])
    values = [None] * n
    if isinstance(raw_values, dict):
        for k, v in raw_values.items():
            if not 0 <= int(k) < n:
                raise ValueError(f"'value' has position {k}, but 'size' implies {n} values")
            values[int(k)] = v
    else:
        if len(raw_values) != n:
            raise ValueError(f"'value' has {len(raw_values)} entries but 'size' implies {n}")
        values = raw_values
    status = doc.get("status")
    statuses: list[str | None] = [None] * n
    if isinstance(status, str):
        statuses = [status] * n
    elif isinstance(status, list):
        statuses = status
    elif isinstance(status, dict):
        for k, v in status.items():
            statuses[int(k)] = v
    frame["value"] = pd.Series(values, dtype=object)
    frame["status"] = pd.Series(statuses, dtype=object)
    return frame


def _read_population(path: Path) -> Incoming:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        long = jsonstat_frame(doc)
    except UnicodeDecodeError as e:
        raise LoadError(str(path), f"{path}: the file is not UTF-8 text") from e
    except json.JSONDecodeError as e:
        raise LoadError(
            str(path),
            f"{path}: not valid JSON at character {e.pos} (line {e.lineno}, column {e.colno}): {e.msg}",
        ) from e
    except (ValueError, KeyError, TypeError, IndexError) as e:
        what = f"no {e}" if isinstance(e, KeyError) else str(e)
        raise LoadError(str(path), f"{path}: not a valid JSON-stat 2.0 dataset: {what}") from e
    need = {"Region", "Kjonn", "Alder", "Tid"}
    if not need <= set(long.columns):
        raise LoadError(
            str(path), f"{path}: JSON-stat dimensions {sorted(need)} expected, found {doc.get('id')}"
        )
    df = pd.DataFrame(
        {
            "region": long.Region.astype(str),
            "kjonn": long.Kjonn.astype(str),
            # SSB age codes are zero-padded with an open top band: "000" ... "105+"
            "alder": long.Alder.astype(str).str.rstrip("+").str.lstrip("0").replace("", "0"),
            "tid": long.Tid.astype(str),
            "personer": long.value.map(lambda v: None if v is None else str(v)),
            "status": long.status,
        }
    )
    df[ROW] = np.arange(1, len(df) + 1)
    return Incoming(SSB_POPULATION, df, where="value")


def read_landing_file(source: str, path: Path) -> list[Incoming]:
    if path.stat().st_size == 0:
        raise LoadError(str(path), f"{path}: the file is empty")
    if source in CSV_SOURCES:
        kind = file_kind(source, path)
        _, contract = next(k for k in CSV_SOURCES[source] if k[0] == kind)
        return [_read_csv(path, contract)]
    if source == "samdata":
        return _read_samdata(path)
    if source == "ssb_population":
        return [_read_population(path)]
    raise ValueError(f"unknown source {source!r}")


# CSV sources: per kind of file, its name pattern and contract (which says how its numbers
# are written). A source may deliver several kinds (NPR: TSB episodes and detox stays).
CSV_SOURCES: dict[str, list[tuple[str, Contract]]] = {
    "npr": [
        ("npr_tsb_episoder_*.csv", NPR_TSB_EPISODES),
        ("npr_avrusning_*.csv", NPR_DETOX_STAYS),
        ("npr_poliklinikk_*.csv", NPR_OUTPATIENT_CONTACTS),
    ],
    "is_24_8": [("*.csv", IS_24_8_FTE)],
    "dodsarsak": [("*.csv", DODSARSAK_DRUG_DEATHS)],
    "brukerplan": [("*.csv", BRUKERPLAN_USERS)],
    "kriminalomsorgen": [("*.csv", KRIMINALOMSORGEN_MEASURES)],
    "kartlegging": [("*.csv", KARTLEGGING_CLIENTS)],
    "pasopp": [("*.csv", PASOPP_RESPONDENTS)],
    "ungdata": [("*.csv", UNGDATA_RESPONSES)],
}
OTHER_PATTERNS = {"samdata": "*.xlsx", "ssb_population": "*.json"}


def file_kind(source: str, path: Path) -> str:
    """Which kind of extract a landing file is, from its name (the pattern it matches)."""
    if source in CSV_SOURCES:
        for pattern, _ in CSV_SOURCES[source]:
            if fnmatch.fnmatch(path.name, pattern):
                return pattern
        kinds = ", ".join(p for p, _ in CSV_SOURCES[source])
        raise LoadError(str(path), f"{path}: the name matches no extract of {source!r} ({kinds})")
    return OTHER_PATTERNS[source]


def _named_as_extracts(source: str, landing: Path) -> list[Path]:
    kinds = [p for p, _ in CSV_SOURCES[source]] if source in CSV_SOURCES else [OTHER_PATTERNS[source]]
    found = {f for kind in kinds for f in (landing / source).glob(f"*/{kind}")}
    # a dot or tilde name is a writer's temporary file (rsync, editors, copy-then-rename)
    return sorted(f for f in found if not f.name.startswith((".", "~")))


def landing_files(source: str, landing: Path) -> list[Path]:
    return [f for f in _named_as_extracts(source, landing) if f.is_file()]


def not_files(source: str, landing: Path) -> dict[str, str]:
    """Entries named as an extract that are no file to read: a folder named *.csv, a link to
    nothing. {path relative to landing: what it is}."""
    out = {}
    for f in _named_as_extracts(source, landing):
        rel = f"{source}/{f.relative_to(landing / source).as_posix()}"
        if f.is_symlink() and not f.exists():
            out[rel] = f"a symbolic link to {f.readlink()}, which does not exist"
        elif not f.is_file():
            out[rel] = "a folder, not a file" if f.is_dir() else "not a regular file"
    return out


def _not_files_error(source: str, landing: Path, broken: dict[str, str]) -> LoadError:
    listed = "; ".join(f"{name} is {what}" for name, what in list(broken.items())[:5])
    more = f" (and {len(broken) - 5} more)" if len(broken) > 5 else ""
    return LoadError(
        next(iter(broken)),
        f"[{source}] {listed}{more}: named as an extract but nothing to read, so its period is not "
        "loaded. Replace it with the file, or remove it.",
    )


class FilesStillBeingWritten(RuntimeError):
    """Landing files not complete yet (delivery.py's rule): not loaded, not quarantined.
    Transient: a retry, or the next run, loads them once they are complete."""

    def __init__(self, files: list[str], reasons: dict[str, str] | None = None):
        self.files = files
        self.reasons = reasons or {}
        listed = "; ".join(f"{f} ({self.reasons[f]})" if f in self.reasons else f for f in files)
        super().__init__(
            f"{len(files)} landing file(s) not complete yet, left for the next try: {listed}. "
            "Wait for the copy to finish, or have the publisher write <file>.done with its size "
            "and sha256."
        )


# ---------------------------------------------------------------- contract checks
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
        quality_store.record([result], "raw", context=file, con=con)
        found = ", ".join(f"{y} ({n} rows)" for y, n in years.items())
        raise LoadError(
            file,
            f"{file}: its rows are of {found} by column {inc.contract.period_column!r}, but the "
            f"file is in the period folder {period_year}: not loaded, period {period_year} is "
            "unchanged. Move the file to the folder of its year.",
        )


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


# ---------------------------------------------------------------- warehouse writes
META_DDL = """
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw._loads (
    load_id VARCHAR, source VARCHAR, source_file VARCHAR PRIMARY KEY, content_hash VARCHAR,
    tables VARCHAR, row_count BIGINT, loaded_at TIMESTAMP, seconds DOUBLE);
ALTER TABLE raw._loads ADD COLUMN IF NOT EXISTS quarantined_rows BIGINT DEFAULT 0;
ALTER TABLE raw._loads ADD COLUMN IF NOT EXISTS period VARCHAR;
CREATE TABLE IF NOT EXISTS raw._quarantine (
    load_id VARCHAR, source VARCHAR, table_name VARCHAR, source_file VARCHAR,
    row_number BIGINT, location VARCHAR, column_name VARCHAR, value VARCHAR, reason VARCHAR,
    record VARCHAR);
ALTER TABLE raw._quarantine ADD COLUMN IF NOT EXISTS cell VARCHAR;
"""


def _ensure_table(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    cols = ", ".join(f'"{c.name}" {c.sql_type}' for c in contract.columns)
    con.execute(
        f"CREATE TABLE IF NOT EXISTS raw.{contract.table} ({cols}, _load_id VARCHAR, "
        f"_source_file VARCHAR, _content_hash VARCHAR, {ROW} BIGINT)"
    )


def file_hash(path: Path) -> str:
    return delivery.sha256(path)


def relative_name(path: Path, landing: Path) -> str:
    try:
        return path.resolve().relative_to(landing.resolve()).as_posix()
    except ValueError:
        return path.name


def period_folder_year(source: str, name: str) -> int:
    """The year of a landing file's period folder: <source>/<year>/<file>."""
    parts = name.split("/")
    if len(parts) != 3 or not (parts[1].isdigit() and len(parts[1]) == 4):
        raise LoadError(
            name, f"{name}: not in a period folder {source}/<year>/ (a four-digit year); not loaded"
        )
    return int(parts[1])


def load_file(con: duckdb.DuckDBPyConnection, source: str, path: Path, landing: Path) -> LoadResult:
    started = time.perf_counter()
    name = relative_name(path, landing)
    period_year = period_folder_year(source, name)
    seen = delivery.fingerprint(path)
    digest = file_hash(path)
    load_id = f"{source}-{digest[:16]}"
    # The file replaces whatever its period held before: a period is one kind of extract in one
    # folder (source/<year>/). A rerun of the same file changes nothing; a resubmitted file
    # replaces exactly that period.
    folder = name.rsplit("/", 1)[0] if "/" in name else ""
    period = f"{folder}:{file_kind(source, path)}"
    # fetchall: DuckDB keeps a half-read result open on the connection after fetchone()
    prior = con.execute(
        "SELECT source_file, content_hash FROM raw._loads WHERE period = ? "
        "OR (period IS NULL AND source_file = ?)",
        [period, name],
    ).fetchall()
    if prior == [(name, digest)]:
        return LoadResult(source, name, "unchanged", 0, load_id)
    replaced = sorted({p[0] for p in prior} | {name})

    incoming = read_landing_file(source, path)
    if delivery.fingerprint(path) != seen:  # written to while it was read: not what was hashed
        raise FilesStillBeingWritten([name], {name: "it changed while it was being read"})
    quarantine: list[tuple[Incoming, list[RowError]]] = []
    try:
        for i, inc in enumerate(incoming):  # check everything before writing anything
            con.register(f"incoming_{i}", inc.frame)
            check_period(con, inc, name, f"incoming_{i}", period_year)
            try:
                errors, _ = contract_violations(con, inc, name, f"incoming_{i}", period_year)
            except LoadError as rejected:
                # the file is wrong as a whole: its GX raw suite names what, for the record
                typed = ", ".join(
                    f"{parsed(c, contract=inc.contract)} AS {c.name}" for c in inc.contract.columns
                )
                result = quality.check_incoming(con, inc.contract, f"incoming_{i}", typed)
                quality_store.record([result], "raw", context=name, con=con)
                failed = "; ".join(str(o) for o in result.outcomes if not o.success)
                raise LoadError(
                    rejected.file,
                    str(rejected).split("\n")[0] + (f"\n  GX: {failed}" if failed else ""),
                    rejected.errors,
                    rejected.total,
                ) from rejected
            quarantine.append((inc, errors))
        rows = 0
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM raw._quarantine WHERE list_contains(?, source_file)", [replaced])
            for i, (inc, errors) in enumerate(quarantine):
                rows += _write_rows(con, inc, f"incoming_{i}", errors, load_id, name, digest, replaced)
            seconds = time.perf_counter() - started
            set_aside = [e for _, errors in quarantine for e in errors]
            con.execute("DELETE FROM raw._loads WHERE list_contains(?, source_file)", [replaced])
            con.execute(
                "INSERT INTO raw._loads (load_id, source, source_file, content_hash, tables, "
                "row_count, loaded_at, seconds, quarantined_rows, period) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    load_id,
                    source,
                    name,
                    digest,
                    ",".join(i.contract.table for i in incoming),
                    rows,
                    dt.datetime.now(dt.UTC).replace(tzinfo=None),
                    seconds,
                    sum(len({e.record for e in errors}) for _, errors in quarantine),
                    period,
                ],
            )
            # the raw checkpoint: GX suites over what this load wrote, before it is committed
            checked = {inc.contract.table: inc.contract for inc in incoming}
            results = [r for c in checked.values() for r in quality.check_load(con, c, load_id)]
        except Exception:
            con.execute("ROLLBACK")
            raise
        passed = all(r.success for r in results)
        failpoint("load.before_commit")  # the fault tests kill the process here
        # a critical expectation failed: roll back, the period keeps its last good data
        con.execute("COMMIT" if passed else "ROLLBACK")
        quality_store.record(results, "raw", context=name, con=con)
        if not passed:
            # what was set aside is often why (a one-row sheet quarantined leaves it empty)
            why = f" after setting aside {set_aside[0]}" if set_aside else ""
            raise quality.QualityGateFailed(
                results, what=_capped(f"{name} was not loaded (raw unchanged){why}: ")
            )
    finally:
        for i in range(len(incoming)):
            con.unregister(f"incoming_{i}")
    status = "replaced" if prior else "loaded"
    return LoadResult(source, name, status, rows, load_id, time.perf_counter() - started, set_aside)


def _write_rows(
    con: duckdb.DuckDBPyConnection,
    inc: Incoming,
    view: str,
    errors: list[RowError],
    load_id: str,
    name: str,
    digest: str,
    replaced: list[str],
) -> int:
    """Replace the period's rows in raw.<table> with the file's; records with errors go to
    raw._quarantine with the whole original record, so nothing is lost. A record is one value's
    record: a bad cell of an unpivoted sheet row sets aside that cell's record only."""
    table = inc.contract.table  # exists: connect() creates every contract's table
    cols = ", ".join(parsed(c, contract=inc.contract) for c in inc.contract.columns)
    bad = sorted({e.record for e in errors})
    con.execute(f"DELETE FROM raw.{table} WHERE list_contains(?, _source_file)", [replaced])
    con.execute(
        f"INSERT INTO raw.{table} SELECT {cols}, ?, ?, ?, {ROW} FROM {view} "
        f"WHERE NOT list_contains(?, {RECORD}) ORDER BY {ROW}, {RECORD}",
        [load_id, name, digest, bad],
    )
    if errors:
        kept = [*inc.contract.column_names, ROW] + [EXTRA] * (EXTRA in inc.frame.columns)
        fields = ", ".join(f'{c!r}: t."{c}"' for c in kept)
        records = dict(
            con.execute(
                f"SELECT {RECORD}, CAST(to_json({{{fields}}}) AS VARCHAR) FROM {view} AS t "
                f"WHERE list_contains(?, {RECORD})",
                [bad],
            ).fetchall()
        )
        con.executemany(
            "INSERT INTO raw._quarantine (load_id, source, table_name, source_file, row_number, "
            "location, column_name, value, reason, record, cell) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    load_id,
                    inc.contract.source,
                    table,
                    name,
                    e.row,
                    e.where,
                    e.column,
                    # the value as far as it reads; the whole record keeps it all
                    e.value if e.value is None or len(e.value) <= MAX_LINE else _capped(e.value),
                    e.reason,
                    records.get(e.record),
                    e.cell,
                ]
                for e in errors
            ],
        )
    return len(inc.frame) - len(bad)


MUNICIPALITY_VERSIONS = "_municipality_versions"
COUNTY_VERSIONS = "_county_versions"
GEOGRAPHY_VERSIONS = {
    "municipality": (MUNICIPALITY_VERSIONS, "municipality_code"),
    "county": (COUNTY_VERSIONS, "county_code"),
}


def connect(warehouse: Path | None = None) -> duckdb.DuckDBPyConnection:
    path = warehouse or warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(META_DDL)
    # every raw table exists from the start, empty until its extract arrives: dbt's staging
    # reads optional extracts (NPR outpatient contacts) too
    for contract in CONTRACTS.values():
        _ensure_table(con, contract)
    # the municipality codes of every year, for the contract check (a temp table: not data)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {MUNICIPALITY_VERSIONS} AS SELECT * FROM read_csv(?, "
        "header = true, columns = {'municipality_code': 'VARCHAR', 'municipality_name': 'VARCHAR', "
        "'county_code': 'VARCHAR', 'valid_from': 'INTEGER', 'valid_to': 'INTEGER'})",
        [str(MUNICIPALITY_VERSIONS_SEED)],
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {COUNTY_VERSIONS} AS SELECT * FROM read_csv(?, "
        "header = true, columns = {'county_code': 'VARCHAR', 'county_name': 'VARCHAR', "
        "'valid_from': 'INTEGER', 'valid_to': 'INTEGER'})",
        [str(COUNTY_VERSIONS_SEED)],
    )
    return con


def load_source(source: str, landing: Path | None = None, warehouse: Path | None = None) -> list[LoadResult]:
    """Load every landing file of one source. Stops at the first bad file (those before it stay
    loaded: each file is its own transaction)."""
    landing = landing or landing_dir()
    files = landing_files(source, landing)
    broken = not_files(source, landing)  # a data error, not a transient one: said after the rest
    if not files and broken:
        raise _not_files_error(source, landing, broken)
    if not files:
        raise FileNotFoundError(f"no landing files for {source!r} under {landing / source}")
    # One file per period folder and kind is current, by versions.py's rule (a correction, then
    # the highest version number, then the newest); it replaces the period.
    periods: dict[tuple[Path, str], list[Path]] = {}
    for path in files:
        periods.setdefault((path.parent, file_kind(source, path)), []).append(path)
    current = []
    for _, candidates in sorted(periods.items()):
        newest = versions.current(candidates)
        for old in candidates:
            if old != newest:
                log.warning(
                    "[%s] %s is superseded by %s (%s): not loaded",
                    source,
                    relative_name(old, landing),
                    relative_name(newest, landing),
                    versions.why_newer(newest, old),
                )
        current.append(newest)
    files, pending = delivery.wait_for_delivery(current)
    unsettled = {relative_name(p, landing): why for p, why in pending.items()}
    for name, why in unsettled.items():
        log.warning("[%s] %s is not complete yet (%s): not loaded, left for the next try", source, name, why)
    results = []
    with connect(warehouse) as con:
        for i, path in enumerate(files, start=1):
            try:
                result = load_file(con, source, path, landing)
            except FilesStillBeingWritten as changed:  # written to while it was read
                log.warning("[%s] %s", source, changed)
                unsettled |= changed.reasons
                continue
            if result.quarantined:
                log.warning(
                    "[%s] %s: %d record(s) set aside in raw._quarantine, e.g. %s",
                    source,
                    result.file,
                    len({e.record for e in result.quarantined}),
                    "; ".join(str(e) for e in result.quarantined[:3]),
                )
            log.info(
                "[%s %d/%d] %s: %s, %d rows, %.1f s",
                source,
                i,
                len(files),
                result.file,
                result.status,
                result.rows,
                result.seconds,
            )
            results.append(result)
    if broken:  # everything else is loaded and committed
        raise _not_files_error(source, landing, broken)
    if unsettled:  # everything else is loaded and committed; a retry picks these up
        raise FilesStillBeingWritten(sorted(unsettled), unsettled)
    return results


def load_catalog(warehouse: Path | None = None) -> int:
    """Write the indicator catalog to raw.catalog_indicators (replacing it: it is small and
    versioned with the code, so the table always mirrors the catalog file)."""
    frame = pd.DataFrame(catalog.indicator_rows())
    with connect(warehouse) as con:
        con.register("catalog_frame", frame)
        con.execute("CREATE OR REPLACE TABLE raw.catalog_indicators AS SELECT * FROM catalog_frame")
        con.unregister("catalog_frame")
    return len(frame)
