"""Readers: a landing file as text frames, one Incoming per raw table, each row with where it
came from (CSV line, sheet row and cell, JSON-stat value position). Nothing is typed here: the
values stay text until the contract check (violations.py) has read them. A file that cannot be
read at all (not UTF-8, an open quote, a wrong header, a broken workbook) is a LoadError."""

from __future__ import annotations

import codecs
import csv
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from rusmonitor.contracts import Contract
from rusmonitor.load.errors import MAX_REPORTED_ERRORS, LoadError, RowError, shown
from rusmonitor.load.files import extract_of
from rusmonitor.sources import Extract
from rusmonitor.sources.euda_drug_deaths import EUDA_TABLES
from rusmonitor.sources.fhi_statistikkbank import FHI_SYMBOLS, FHI_TABLES
from rusmonitor.sources.samdata import SAMDATA_OPERATING_COSTS, SAMDATA_PRICE_INDEX, SAMDATA_TSB_ACTIVITY

# the package logs as one logger, "rusmonitor.load": run_display reads its per-file lines by
# that name and the tests capture it (a module's __name__ would be rusmonitor.load.<module>)
log = logging.getLogger("rusmonitor.load")

ROW = "_row_number"  # where a record is in its file: CSV line, sheet row, JSON-stat position
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


# a line as io.StringIO(text, newline="") yields it: up to and with its \n, \r\n or \r
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> Iterator[str]:
    """The text's lines, one at a time: a StringIO over a national NPR file would hold its
    text again at four bytes a character (300 MB more at the load's peak)."""
    return (m.group() for m in _LINE.finditer(text))


def _csv_records(path: Path) -> tuple[list[str] | None, list[list[str]], list[int]]:
    """The header, the records and the line each starts on. The file's text is let go when
    this returns, before the frame is built."""
    text = _decoded(path)
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))  # a 50 MB field is read, then reported
    # strict: a quote left open would otherwise swallow the rest of the file into one field
    reader = csv.reader(_lines(text), delimiter=";", strict=True)
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
    return header, records, starts


def _read_csv(path: Path, contract: Contract) -> Incoming:
    header, records, starts = _csv_records(path)
    if not header or not any(h.strip() for h in header):
        raise LoadError(str(path), f"{path}: the file is empty")
    while header and header[-1] == "":  # a ';' at the end of the header line is no column
        header.pop()
    _check_header(path, header, contract)
    if not records:
        raise LoadError(str(path), f"{path}: the file has a header but no data rows")
    width = len(header)
    # most records are whole: only a short or long one is copied to the header's width
    fields = [r if len(r) == width else r[:width] + [""] * (width - len(r)) for r in records]
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


def _read_samdata(path: Path, contracts: tuple[Contract, ...]) -> list[Incoming]:
    # Samdata's own layout: its sheets fill its own three tables and no others
    own = {SAMDATA_OPERATING_COSTS.table, *(c.table for c, _ in SAMDATA_SHEETS.values())}
    if {c.table for c in contracts} != own:
        raise ValueError(f"{path}: the samdata_workbook reader fills Samdata's tables only, {sorted(own)}")
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


def _read_population(path: Path, contract: Contract) -> Incoming:
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
    return Incoming(contract, df, where="value")


# SSB statbank's CSV download of a population table (07459 and its kind), in the interface's
# English or Norwegian: a title line or none, ';' or tab, Latin-1 unless saved as UTF-8, region
# cells "K-<code> <name>" or "<code> <name>", age labels ("20 years", "020 20 år"), and either
# wide (year and sex folded into the value columns' names) or long (a column each for sex,
# contents and year, then the value)
STATBANK_REGION = re.compile(r"(?:K-)?(\S+) (.*)", re.DOTALL)
STATBANK_AGE = re.compile(r"(?:\d+\+? )?(\d+)\+? (?:years?|år)(?: or older| eller eldre)?")
STATBANK_VALUE = re.compile(
    r"(?:Persons|Personer) (\d{4})(?: (Males|Females|Menn|Kvinner|Both sexes|Begge kjønn))?"
)
STATBANK_SEX = {None: "0", "Both sexes": "0", "Begge kjønn": "0", "Males": "1", "Menn": "1"}
STATBANK_SEX |= {"Females": "2", "Kvinner": "2"}
STATBANK_LONG = (("region",), ("kjønn", "sex"), ("alder", "age"), ("statistikkvariabel", "contents"))
STATBANK_LONG += (("år", "year"),)
STATBANK_PERSONS = ("Personer", "Persons")
# SSB's regions that are no municipality (Svalbard and Jan Mayen, the continental shelf, people
# of divided municipalities or unknown residence): no one lives in them in 07459
STATBANK_NOT_MUNICIPALITIES = ("21-22", "23", "Rest")


def _statbank_text(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        log.info("%s: not UTF-8: read as ISO-8859-1, the statbank's download encoding", path)
        return data.decode("iso-8859-1")


def _statbank_header_error(path: Path, line: int, header: list[str], bad: list[str]) -> LoadError:
    errors = [
        RowError(str(path), line, h, None, "not a statbank population column", where="line") for h in bad
    ]
    return LoadError(
        str(path),
        f"{path}: line {line}: a statbank population download has the columns region; age; "
        f"Persons <year> [Males|Females] (wide) or region; sex; age; contents; year; <value> "
        f"(long), found {header}",
        errors[:MAX_REPORTED_ERRORS],
        len(errors),
    )


def _statbank_cells(cells: list[str], symbols: tuple[str, ...]) -> tuple[list[str | None], list[str | None]]:
    """A value column's persons and status symbols: a symbol (SSB's '..', ':', those the
    contract's status column allows) is no number."""
    symbol = [c if c in symbols else None for c in cells]
    return [None if s is not None or c == "" else c for c, s in zip(cells, symbol, strict=True)], symbol


def _read_statbank_csv(path: Path, contract: Contract) -> Incoming:
    """SSB statbank's CSV download (table 07459: region, sex, age, year, persons) as the
    contract's rows, one per value, each naming its line."""
    symbols = contract.column("status").allowed or ()
    lines = list(_lines(_statbank_text(path)))
    start = next((i for i, line in enumerate(lines) if line.strip().strip('"').startswith("region")), None)
    if start is None:
        raise LoadError(
            str(path),
            f'{path}: no header line starting with "region": not a statbank CSV download '
            "(region, sex, age, year and persons)",
        )
    delimiter = "\t" if lines[start].count("\t") > lines[start].count(";") else ";"
    try:
        records = list(csv.reader(lines[start:], delimiter=delimiter, strict=True))
    except csv.Error as e:
        raise LoadError(str(path), f"{path}: not a valid {delimiter!r}-separated statbank CSV ({e})") from e
    header = [h.strip() for h in records[0]]
    kept = [(start + 2 + i, r) for i, r in enumerate(records[1:]) if r]  # one record per line here
    if not kept:
        raise LoadError(str(path), f"{path}: the file has a header but no data rows")

    def column(k: int) -> list[str]:
        return [r[k].strip() if len(r) > k else "" for _, r in kept]

    long = len(header) == len(STATBANK_LONG) + 1
    if long:
        bad = [h for h, names in zip(header, STATBANK_LONG, strict=False) if h.lower() not in names]
        if bad:
            raise _statbank_header_error(path, start + 1, header, bad)
        contents = column(3)
        other = next(
            ((line, c) for (line, _), c in zip(kept, contents, strict=True) if c not in STATBANK_PERSONS),
            None,
        )
        if other is not None:
            raise LoadError(
                str(path),
                f"{path}: line {other[0]}: contents {shown(other[1])}, not persons {list(STATBANK_PERSONS)}",
            )
        persons, symbol = _statbank_cells(column(5), symbols)
        df = pd.DataFrame(
            {
                "region": column(0),
                "kjonn": [STATBANK_SEX.get(c, c) for c in column(1)],  # an odd label stays, to be reported
                "alder": column(2),
                "tid": column(4),
                "personer": persons,
                "status": symbol,
                ROW: [line for line, _ in kept],
            }
        )
    else:
        values = [STATBANK_VALUE.fullmatch(h) for h in header[2:]]
        if header[:2] not in (["region", "age"], ["region", "alder"]) or not values or not all(values):
            raise _statbank_header_error(
                path, start + 1, header, [h for h, m in zip(header[2:], values, strict=True) if m is None]
            )
        frames = []
        for k, m in enumerate(values):
            persons, symbol = _statbank_cells(column(2 + k), symbols)
            frames.append(
                pd.DataFrame(
                    {
                        "region": column(0),
                        "kjonn": STATBANK_SEX[m.group(2)],
                        "alder": column(1),
                        "tid": m.group(1),
                        "personer": persons,
                        "status": symbol,
                        ROW: [line for line, _ in kept],
                    }
                )
            )
        df = pd.concat(frames, ignore_index=True)
    region = df.region.str.extract(f"^{STATBANK_REGION.pattern}$")[0]
    df["region"] = region.where(region.notna(), df.region)  # an odd label stays, to be reported
    age = df.alder.str.extract(f"^{STATBANK_AGE.pattern}$")[0]
    df["alder"] = age.where(age.notna(), df.alder)
    empty = df.region.isin(STATBANK_NOT_MUNICIPALITIES) & df.personer.fillna("0").eq("0")
    if empty.any():
        log.info(
            "%s: %d value(s) of SSB's non-municipality regions %s, all 0 persons: not loaded",
            path,
            int(empty.sum()),
            list(STATBANK_NOT_MUNICIPALITIES),
        )
        df = df[~empty].reset_index(drop=True)
    return Incoming(contract, df.astype({ROW: "int64"}), where="line")


def _read_euda_workbook(path: Path, extract: Extract) -> Incoming:
    """An EUDA Statistical Bulletin workbook (one table: a row per country, a column per year,
    newest first) as the contract's long rows, one per cell, each naming its cell."""
    (contract,) = extract.contracts
    expected = next(code for code, (name, _, _) in EUDA_TABLES.items() if extract.pattern == f"{name}*.xlsx")
    try:
        with pd.ExcelFile(path) as book:
            sheets = book.sheet_names
            # keep_default_na=False: the bulletin writes '' where no figure was reported
            frame = pd.read_excel(book, sheet_name=0, header=None, dtype=object, keep_default_na=False)
    except Exception as e:  # openpyxl raises several types for a broken zip or workbook
        raise LoadError(str(path), f"{path}: not a readable XLSX workbook: {e}") from e
    if sheets[0] != expected:
        raise LoadError(
            str(path), f"{path}: its sheet is {sheets[0]!r}; a file named so holds table {expected!r}"
        )
    header = ["" if pd.isna(h) else str(h).strip() for h in frame.iloc[0]]
    while header and header[-1] == "":  # the bulletin's trailing column has no year
        header.pop()
    years = header[1:]
    bad = [(i, h) for i, h in enumerate(years, start=2) if not re.fullmatch(r"\d{4}", h)]
    if header[:1] != ["Country"] or not years or bad:
        errors = [
            RowError(
                str(path),
                1,
                h,
                None,
                "not a year",
                where=f"sheet {expected!r} row",
                cell=f"{get_column_letter(i)}1",
            )
            for i, h in bad
        ]
        raise LoadError(
            str(path),
            f"{path}: sheet {expected!r} row 1: Country, then a year per column expected, found {header}",
            errors[:MAX_REPORTED_ERRORS],
            len(errors),
        )
    body = frame.iloc[1:, : len(header)].copy()
    body[ROW] = np.arange(2, len(body) + 2)
    body = body[body.iloc[:, 0].astype(str).str.strip() != ""]  # a blank row under the table
    country = body.iloc[:, 0].astype(str).str.strip()
    note = country.str.extract(r"^(.*?)\s*(\*)?$")
    code, (_, sex, age) = expected, EUDA_TABLES[expected]
    long = pd.DataFrame(
        {
            "land": np.repeat(note[0].to_numpy(), len(years)),
            "fotnote": np.repeat(note[1].to_numpy(), len(years)),
            "aar": np.tile(years, len(body)),
            "dodsfall": body.iloc[:, 1 : len(header)].to_numpy().ravel(),
            ROW: np.repeat(body[ROW].to_numpy(), len(years)),
            LETTER: np.tile([get_column_letter(i) for i in range(2, len(header) + 1)], len(body)),
        }
    )
    # a figure as text: '' (not reported) is no value; 196.0 from a float cell is 196
    long["dodsfall"] = long.dodsfall.map(
        lambda v: (
            None
            if v is None or str(v).strip() == ""
            else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip())
        )
    )
    long["fotnote"] = long.fotnote.where(long.fotnote.notna(), None)
    long.insert(0, "tabell", code)
    long.insert(1, "kjonn", sex)
    long.insert(2, "aldersgruppe", age)
    return Incoming(
        contract, long, where=f"sheet {expected!r} row", letters={"land": "A"}, letter_per_record="dodsfall"
    )


FHI_FIXED = ("Geografi", "År", "Kjønn", "Alder")  # then the table's own, then Måltall, value


def _read_fhi_csv(path: Path, extract: Extract) -> Incoming:
    """A table exported from FHI's statistikkbank (comma-separated, a header of place, year,
    sex, age, the table's own dimensions, measure and value) as the contract's rows: the
    table's own dimensions joined as 'name=value', a symbol (':', '..', '.') apart from the
    figure."""
    (contract,) = extract.contracts
    table = next(name for name in FHI_TABLES if extract.pattern == f"{name}*.csv")
    text = _decoded(path)
    try:
        records = list(csv.reader(_lines(text), delimiter=",", strict=True))
    except csv.Error as e:
        raise LoadError(str(path), f"{path}: not a valid ','-separated CSV ({e})") from e
    header = [h.strip() for h in records[0]] if records else []
    if tuple(header[:4]) != FHI_FIXED or header[-2:] != ["Måltall", "value"]:
        raise LoadError(
            str(path),
            f"{path}: line 1: a statistikkbank export has the columns {', '.join(FHI_FIXED)}, the "
            f"table's own, Måltall, value; found {header}",
        )
    own = header[4:-2]
    kept = [(i, r) for i, r in enumerate(records[1:], start=2) if r]
    if not kept:
        raise LoadError(str(path), f"{path}: the file has a header but no data rows")
    width = len(header)
    rows = [r + [""] * (width - len(r)) if len(r) < width else r for _, r in kept]
    values = [r[width - 1].strip() for r in rows]
    status = [v if v in FHI_SYMBOLS else None for v in values]
    df = pd.DataFrame(
        {
            "tabell": table,
            "geografi": [r[0] for r in rows],
            "aar": [r[1] for r in rows],
            "kjonn": [r[2] for r in rows],
            "alder": [r[3] for r in rows],
            "dimensjoner": ["; ".join(f"{n}={r[4 + k]}" for k, n in enumerate(own)) for r in rows],
            "maltall": [r[width - 2] for r in rows],
            "verdi": [None if s is not None or v == "" else v for v, s in zip(values, status, strict=True)],
            "status": status,
            ROW: [i for i, _ in kept],
        },
        dtype=object,
    )
    df[EXTRA] = [",".join(r[width:]) if any(r[width:]) else None for r in rows]
    return Incoming(contract, df.astype({ROW: "int64"}).replace({"": None}), where="line")


def read_landing_file(source: str, path: Path) -> list[Incoming]:
    """A landing file read as its source declares it: a CSV by its one contract, Samdata's
    workbook by its sheets, SSB's JSON-stat2 dataset by its dimensions, SSB's statbank CSV
    download by its region, age and year-and-sex columns, an EUDA bulletin workbook by its
    country rows and year columns, an FHI statistikkbank export by its place, year, sex, age and
    own columns."""
    if path.stat().st_size == 0:
        raise LoadError(str(path), f"{path}: the file is empty")
    extract = extract_of(source, path)
    if extract.reader == "csv":
        return [_read_csv(path, extract.contracts[0])]
    if extract.reader == "samdata_workbook":
        return _read_samdata(path, extract.contracts)
    if extract.reader == "statbank_csv":
        return [_read_statbank_csv(path, extract.contracts[0])]
    if extract.reader == "euda_workbook":
        return [_read_euda_workbook(path, extract)]
    if extract.reader == "fhi_csv":
        return [_read_fhi_csv(path, extract)]
    # JSON-stat2 (SSB's layout): region, sex, age and time dimensions into the extract's table
    return [_read_population(path, extract.contracts[0])]
