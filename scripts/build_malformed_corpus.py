"""Build the corpus of malformed landing files in tests/fixtures/corpus/ (committed).

Small valid extracts of 2013 (base/) are loaded first; each malformed file (malformed/) is a
2014 extract broken in one way, with the outcome the loader must give recorded in MANIFEST.csv:
`reject` (the whole file, with a message) or `quarantine` (that many rows set aside).
Run it again after changing the generator's formats: uv run python scripts/build_malformed_corpus.py
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import openpyxl

from rusmonitor.generate import generate

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "corpus"
SEED = 2016
KEEP = {"npr": 40, "is_24_8": 30, "brukerplan": 30, "dodsarsak": 60}
REGIONS = 3  # municipalities kept in the JSON-stat population extract


def _shrink_csv(path: Path, rows: int) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[: rows + 1]) + "\n", encoding="utf-8")


def _shrink_jsonstat(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    region = doc["dimension"]["Region"]["category"]
    keep = sorted(region["index"], key=region["index"].get)[:REGIONS]
    per_region = len(doc["value"]) // doc["size"][0]
    doc["value"] = doc["value"][: REGIONS * per_region]
    doc["size"][0] = REGIONS
    region["index"] = {c: i for i, c in enumerate(keep)}
    region["label"] = {c: region["label"][c] for c in keep}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def extracts(year: int, into: Path) -> dict[str, Path]:
    with tempfile.TemporaryDirectory() as tmp:
        files = generate([year], SEED, tmp, sources=[*KEEP, "samdata", "ssb_population"])
        out = {}
        for f in files:
            source = f.relative_to(tmp).parts[0]
            target = into / f.relative_to(tmp)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, target)
            if source in KEEP:
                _shrink_csv(target, KEEP[source])
            elif source == "ssb_population":
                _shrink_jsonstat(target)
            out.setdefault(source, target)  # NPR's first file is its TSB episodes
    return out


def edit_csv(src: Path, dst: Path, edit) -> None:
    rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8")), delimiter=";"))
    edit(rows)
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\n").writerows(rows)
    dst.write_text(buf.getvalue(), encoding="utf-8")


def cell(rows, line: int, column: str, value: str) -> None:
    rows[line - 1][rows[0].index(column)] = value


def main() -> None:
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    base = extracts(2013, CORPUS / "base")
    good = extracts(2014, CORPUS / "good")
    bad = CORPUS / "malformed"
    manifest = []

    def case(name: str, source: str, expect: str, message: str, quarantined: int = 0):
        manifest.append(
            {
                "file": name,
                "source": source,
                "expect": expect,
                "message": message,
                "quarantined_rows": quarantined,
            }
        )
        return bad / name

    def npr(name, expect, message, edit=None, quarantined=0, text=None, raw=None):
        # the name tells the loader which NPR extract it is (TSB episodes)
        path = case(name.replace("npr_", "npr_tsb_episoder_", 1), "npr", expect, message, quarantined)
        path.parent.mkdir(parents=True, exist_ok=True)
        if raw is not None:
            path.write_bytes(raw)
        elif text is not None:
            path.write_text(text, encoding="utf-8")
        else:
            edit_csv(good["npr"], path, edit)

    npr_text = good["npr"].read_text(encoding="utf-8")
    npr("npr_wrong_delimiter.csv", "reject", "is the delimiter ';'?", text=npr_text.replace(";", ","))
    npr("npr_latin1.csv", "reject", "not UTF-8", raw=npr_text.replace("HF", "HF Tromsø", 1).encode("latin-1"))
    npr(
        "npr_missing_column.csv",
        "reject",
        "'tidspresisjon': missing column",
        edit=lambda r: [row.pop() for row in r],
    )
    npr(
        "npr_extra_column.csv",
        "reject",
        "'kommentar': column not in the contract",
        edit=lambda r: [row.append("kommentar" if i == 0 else "") for i, row in enumerate(r)],
    )
    npr(
        "npr_bad_date.csv",
        "quarantine",
        "line 7, column 'behandling_start': not a date",
        edit=lambda r: cell(r, 7, "behandling_start", "2014-02-30"),
        quarantined=1,
    )
    npr(
        "npr_date_format_ddmmyyyy.csv",
        "reject",
        "looks wrong as a whole",
        edit=lambda r: [cell(r, i, "henvisning_mottatt", "01.02.2014") for i in range(2, len(r) + 1)],
    )
    npr(
        "npr_unknown_municipality.csv",
        "quarantine",
        "line 5, column 'bostedskommune': not a municipality code in the geography of its year",
        edit=lambda r: cell(r, 5, "bostedskommune", "9999"),
        quarantined=1,
    )
    npr(
        "npr_municipality_code_of_2024.csv",
        "quarantine",
        "line 9, column 'bostedskommune': not a municipality code in the geography of its year",
        edit=lambda r: cell(r, 9, "bostedskommune", "3101"),
        quarantined=1,
    )
    npr(
        "npr_duplicate_key.csv",
        "quarantine",
        "duplicate key, on rows 2, 42",
        edit=lambda r: r.append(list(r[1])),
        quarantined=2,
    )
    npr("npr_empty.csv", "reject", "the file is empty", raw=b"")
    npr("npr_header_only.csv", "reject", "no data rows", text=npr_text.splitlines()[0] + "\n")
    npr(
        "npr_truncated.csv",
        "incomplete",  # a copy cut off: not delivered yet (delivery.py), neither loaded nor quarantined
        "its last line has no newline at the end",
        text=npr_text[: npr_text.rstrip("\n").rfind(";F1")],
    )
    npr(
        "npr_sex_code_3.csv",
        "quarantine",
        "line 3, column 'kjonn': not one of",
        edit=lambda r: cell(r, 3, "kjonn", "3"),
        quarantined=1,
    )
    npr(
        "npr_icd_code_not_f1x.csv",
        "quarantine",
        "line 4, column 'hovedtilstand': does not match",
        edit=lambda r: cell(r, 4, "hovedtilstand", "X10.2"),
        quarantined=1,
    )

    def fte(name, expect, message, edit, quarantined=0):
        path = case(name, "is_24_8", expect, message, quarantined)
        edit_csv(good["is_24_8"], path, edit)

    fte(
        "is_24_8_negative_fte.csv",
        "quarantine",
        "line 6, column 'arsverk': below the minimum 0",
        lambda r: cell(r, 6, "arsverk", "-2,0"),
        1,
    )
    fte(
        "is_24_8_text_for_fte.csv",
        "quarantine",
        "line 8, column 'arsverk': not a decimal",
        lambda r: cell(r, 8, "arsverk", "mange"),
        1,
    )
    fte(
        "is_24_8_unknown_work_area.csv",
        "quarantine",
        "line 10, column 'arbeidsomrade': not one of",
        lambda r: cell(r, 10, "arbeidsomrade", "rusomsorg"),
        1,
    )

    def samdata(name, expect, message, edit=None, quarantined=0, raw=None):
        path = case(name, "samdata", expect, message, quarantined)
        if raw is not None:
            path.write_bytes(raw)
            return
        book = openpyxl.load_workbook(good["samdata"])
        edit(book)
        book.save(path)

    samdata(
        "samdata_missing_sheet.xlsx",
        "reject",
        "missing sheet(s) ['Prisindeks']",
        lambda b: b.remove(b["Prisindeks"]),
    )
    samdata(
        "samdata_truncated.xlsx",
        "incomplete",
        "has no central directory at its end",
        raw=good["samdata"].read_bytes()[:2000],
    )
    samdata(
        "samdata_renamed_sector.xlsx",
        "reject",
        "must have the columns",
        lambda b: b["Driftskostnader"].cell(row=3, column=7, value="Rus"),
    )
    samdata(
        "samdata_text_in_cost.xlsx",
        "quarantine",
        "sheet 'Driftskostnader' row 5 (cell G5), column 'driftskostnader_mnok': not a decimal",
        lambda b: b["Driftskostnader"].cell(row=5, column=7, value="n/a"),
        1,
    )

    def population(name, expect, message, edit=None, quarantined=0, text=None):
        path = case(name, "ssb_population", expect, message, quarantined)
        if text is not None:
            path.write_text(text, encoding="utf-8")
            return
        doc = json.loads(good["ssb_population"].read_text(encoding="utf-8"))
        edit(doc)
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    pop_text = good["ssb_population"].read_text(encoding="utf-8")
    population(
        "population_truncated.json",
        "incomplete",
        "the JSON document ends before it is closed",
        text=pop_text[: len(pop_text) // 2],
    )
    population("population_size_mismatch.json", "reject", "'size' implies", lambda d: d["value"].pop())
    population(
        "population_not_jsonstat.json", "reject", "not a JSON-stat 2.0 dataset", text='{"data": [1, 2, 3]}'
    )
    population(
        "population_negative.json",
        "quarantine",
        "value 4, column 'personer': below the minimum 0",
        lambda d: d["value"].__setitem__(3, -5),
        1,
    )

    deaths = case(
        "dodsarsak_county_not_of_its_year.csv",
        "dodsarsak",
        "quarantine",
        "line 2, column 'fylkesnr': not a county code in the geography of its year",
        2,
    )
    # county 13 has not existed since 1915; two rows of 60 are few enough to set aside
    edit_csv(good["dodsarsak"], deaths, lambda r: [cell(r, i, "fylkesnr", "13") for i in (2, 3)])
    users = case(
        "brukerplan_level_with_norwegian_letters.csv",
        "brukerplan",
        "quarantine",
        "line 3, column 'funksjon_samlet': not one of",
        1,
    )
    edit_csv(good["brukerplan"], users, lambda r: cell(r, 3, "funksjon_samlet", "grønn"))

    faults = build_faults(good, bad)
    with (CORPUS / "FAULTS.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=FAULT_FIELDS)
        writer.writeheader()
        writer.writerows(faults)
    shutil.rmtree(CORPUS / "good")
    with (CORPUS / "MANIFEST.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(manifest[0]))
        writer.writeheader()
        writer.writerows(manifest)
    print(f"{len(manifest)} malformed files and {len(faults)} faults, bases for {sorted(base)} in {CORPUS}")


# ---------------------------------------------------------------- the fault corpus
# More bad inputs and landing faults, every source. Beside the outcome each records the record
# count of the file (counted here, not by the loader: loaded + quarantined must add up to it),
# the column and position its message must name, where in the landing folder it goes (empty:
# <source>/2014/<file>), and what the test makes itself instead of a committed file (a link, a
# folder, a 2 MB line).
FAULT_FIELDS = [
    "file",
    "source",
    "expect",
    "message",
    "quarantined_rows",
    "records",
    "column",
    "position",
    "landing",
    "make",
]


def csv_records(path: Path) -> int:
    text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=";") if r]
    return max(0, len(rows) - 1)


def xlsx_records(path: Path) -> int:
    book = openpyxl.load_workbook(path)
    per_row = {"Driftskostnader": 4, "TSB aktivitet": 1, "Prisindeks": 1}
    out = 0
    for sheet, n in per_row.items():
        for row in book[sheet].iter_rows(min_row=4, values_only=True):
            if any(v is not None for v in row[1:]):  # a note in column A only is no record
                out += n
    return out


def build_faults(good: dict[str, Path], bad: Path) -> list[dict]:
    cases = []

    def case(
        name,
        source,
        expect,
        message,
        quarantined=0,
        column="",
        position="",
        landing="",
        make="",
        records=None,
    ):
        path = bad / name
        cases.append(
            {
                "file": name,
                "source": source,
                "expect": expect,
                "message": message,
                "quarantined_rows": quarantined,
                "records": records,
                "column": column,
                "position": position,
                "landing": landing,
                "make": make,
            }
        )
        return path

    def finish(path: Path, source: str) -> None:
        row = cases[-1]
        if row["records"] is None and path.exists() and row["expect"] in ("quarantine", "loaded", "warning"):
            row["records"] = (
                xlsx_records(path)
                if source == "samdata"
                else (
                    len(json.loads(path.read_text(encoding="utf-8"))["value"])
                    if source == "ssb_population"
                    else csv_records(path)
                )
            )
        row["records"] = row["records"] or 0

    def csv_case(source, base, name, expect, message, edit=None, text=None, raw=None, **kw):
        path = case(name, source, expect, message, **kw)
        if raw is not None:
            path.write_bytes(raw)
        elif text is not None:
            path.write_text(text, encoding="utf-8", newline="")
        elif edit is not None:
            edit_csv(good[base], path, edit)
        finish(path, source)

    text = {k: good[k].read_text(encoding="utf-8") for k in KEEP}
    lines = {k: v.splitlines(keepends=True) for k, v in text.items()}

    def npr(name, expect, message, **kw):
        csv_case("npr", "npr", f"npr_tsb_episoder_{name}.csv", expect, message, **kw)

    def set_line(k, n, col, value):  # line n (1-based) of source k, one field replaced
        out = list(lines[k])
        header = out[0].rstrip("\n").split(";")
        fields = out[n - 1].rstrip("\n").split(";")
        fields[header.index(col)] = value
        out[n - 1] = ";".join(fields) + "\n"
        return out

    L = lines["npr"]
    npr(
        "extra_field",
        "quarantine",
        "a value after the last column",
        quarantined=1,
        column="tidspresisjon",
        position="line 6",
        text="".join(L[:5] + [L[5].rstrip("\n") + ";x\n"] + L[6:]),
    )
    npr(
        "semicolon_in_unquoted_name",
        "quarantine",
        "a value after the last column",
        quarantined=1,
        column="tidspresisjon",
        position="line 12",
        text="".join(set_line("npr", 12, "rapporteringsenhet", "Helse; Bergen HF")),
    )
    npr("trailing_semicolon_every_line", "loaded", "", text="".join(x.rstrip("\n") + ";\n" for x in L))
    npr(
        "trailing_semicolon_data_lines",
        "loaded",
        "",
        text="".join(L[:1] + [x.rstrip("\n") + ";\n" for x in L[1:]]),
    )
    npr("trailing_semicolons_two", "loaded", "", text="".join(x.rstrip("\n") + ";;\n" for x in L))
    bad_byte = (
        "".join(set_line("npr", 7, "rapporteringsenhet", "Tromsø HF"))
        .encode("utf-8")
        .replace("ø".encode(), b"\xf8")
    )
    at = bad_byte.index(b"\xf8")
    bad_line = bad_byte.count(b"\n", 0, at) + 1
    npr("latin1_byte_offset", "reject", f"byte {at} (line {bad_line})", raw=bad_byte, position=f"byte {at}")
    npr(
        "bom_then_latin1",
        "reject",
        f"byte {at + 3} (line {bad_line})",
        raw=codecs.BOM_UTF8 + bad_byte,
        position=f"byte {at + 3}",
    )
    multi = list(L)
    multi[3] = ";".join(
        '"Helse Bergen HF\navdeling Nord"' if i == 5 else v for i, v in enumerate(L[3].split(";"))
    )
    multi = set_line_list(multi, 8, 2, "9")
    npr(
        "multiline_field_then_bad_sex",
        "quarantine",
        "not one of",
        quarantined=1,
        column="kjonn",
        position="line 9",
        text="".join(multi),
    )
    npr("bom", "loaded", "", raw=codecs.BOM_UTF8 + text["npr"].encode("utf-8"))
    npr("crlf", "loaded", "", raw=text["npr"].replace("\n", "\r\n").encode("utf-8"))
    npr(
        "crlf_bad_date",
        "quarantine",
        "not a date",
        quarantined=1,
        column="episode_slutt",
        position="line 5",
        raw="".join(set_line("npr", 5, "episode_slutt", "2014-14-01")).replace("\n", "\r\n").encode("utf-8"),
    )
    blank = list(L)
    blank.insert(10, "\n")
    blank = set_line_list(blank, 14, 2, "0")
    npr(
        "blank_line_then_bad",
        "quarantine",
        "not one of",
        quarantined=1,
        column="kjonn",
        position="line 14",
        text="".join(blank),
    )
    npr(
        "duplicated_header_name",
        "reject",
        "more than once",
        column="kjonn",
        position="line 1",
        text=L[0].replace("fodselsar", "kjonn") + "".join(L[1:]),
    )
    npr(
        "header_repeated_as_a_row",
        "quarantine",
        "not one of",
        quarantined=1,
        column="kjonn",
        position="line 21",
        text="".join(L[:20] + [L[0]] + L[20:]),
    )
    npr(
        "renamed_column",
        "reject",
        "missing column",
        column="kjonn",
        position="line 1",
        text=L[0].replace("kjonn", "kjønn") + "".join(L[1:]),
    )
    npr(
        "short_line",
        "quarantine",
        "of the header's 16 fields",
        quarantined=1,
        column="tidspresisjon",
        position="line 8",
        text="".join(L[:7] + [L[7].rsplit(";", 2)[0] + "\n"] + L[8:]),
    )
    npr("only_blank_lines", "reject", "the file is empty", text="\n\n\n")
    npr(
        "birth_year_1800",
        "quarantine",
        "below the minimum 1900",
        quarantined=1,
        column="fodselsar",
        position="line 3",
        text="".join(set_line("npr", 3, "fodselsar", "1800")),
    )
    npr(
        "birth_year_in_future",
        "quarantine",
        "above the maximum 2024",
        quarantined=1,
        column="fodselsar",
        position="line 4",
        text="".join(set_line("npr", 4, "fodselsar", "2090")),
    )
    npr(
        "birth_year_text",
        "quarantine",
        "not an integer",
        quarantined=1,
        column="fodselsar",
        position="line 5",
        text="".join(set_line("npr", 5, "fodselsar", "nitten")),
    )
    npr(
        "birth_year_nan",
        "quarantine",
        "not an integer",
        quarantined=1,
        column="fodselsar",
        position="line 6",
        text="".join(set_line("npr", 6, "fodselsar", "NaN")),
    )
    npr(
        "birth_year_inf",
        "quarantine",
        "not an integer",
        quarantined=1,
        column="fodselsar",
        position="line 7",
        text="".join(set_line("npr", 7, "fodselsar", "inf")),
    )
    npr(
        "birth_year_decimal",
        "quarantine",
        "not an integer",
        quarantined=1,
        column="fodselsar",
        position="line 8",
        text="".join(set_line("npr", 8, "fodselsar", "1975.5")),
    )
    npr(
        "same_key_other_content",
        "quarantine",
        "duplicate key",
        quarantined=2,
        column="episode_id",
        position="line 2",
        text="".join(L + [L[1].replace(";3;", ";2;", 1)]),
    )
    npr(
        "month_13",
        "quarantine",
        "not a date",
        quarantined=1,
        column="behandling_start",
        position="line 10",
        text="".join(set_line("npr", 10, "behandling_start", "2014-13-01")),
    )
    npr(
        "one_row_of_another_year",
        "quarantine",
        "not of the year of its period folder",
        quarantined=1,
        column="behandling_start",
        position="line 11",
        text="".join(set_line("npr", 11, "behandling_start", "2016-06-30")),
    )
    npr(
        "tab_delimited",
        "reject",
        "is the delimiter ';'?",
        text=text["npr"].replace(";", "\t"),
        position="line 1",
    )
    npr(
        "quote_never_closed",
        "reject",
        "not a valid ';'-separated record",
        position="line 9",
        text="".join(set_line("npr", 9, "rapporteringsenhet", '"Helse Bergen HF')),
    )
    npr(
        "text_after_closing_quote",
        "reject",
        "not a valid ';'-separated record",
        position="line 13",
        text="".join(set_line("npr", 13, "rapporteringsenhet", '"Helse" Bergen HF')),
    )
    npr(
        "header_with_spaces",
        "reject",
        "missing column",
        column="kjonn",
        position="line 1",
        text=L[0].replace("kjonn", " kjonn ") + "".join(L[1:]),
    )
    npr(
        "all_rows_unknown_sex",
        "reject",
        "looks wrong as a whole",
        column="kjonn",
        edit=lambda r: [cell(r, i, "kjonn", "M") for i in range(2, len(r) + 1)],
    )

    def fte(name, expect, message, **kw):
        csv_case("is_24_8", "is_24_8", f"is_24_8_{name}.csv", expect, message, **kw)

    def fte_cell(n, value):
        return "".join(set_line("is_24_8", n, "arsverk", value))

    fte(
        "thousands_with_point",
        "quarantine",
        "ambiguous number",
        quarantined=1,
        column="arsverk",
        position="line 4",
        text=fte_cell(4, "1.234"),
    )
    fte(
        "decimal_point",
        "quarantine",
        "ambiguous number",
        quarantined=1,
        column="arsverk",
        position="line 5",
        text=fte_cell(5, "15.2"),
    )
    fte("thousands_with_space", "loaded", "", text=fte_cell(6, "1 234,5"))
    fte(
        "two_decimals",
        "quarantine",
        "more than 1 decimal(s)",
        quarantined=1,
        column="arsverk",
        position="line 7",
        text=fte_cell(7, "15,26"),
    )
    fte(
        "nan",
        "quarantine",
        "not a decimal",
        quarantined=1,
        column="arsverk",
        position="line 8",
        text=fte_cell(8, "NaN"),
    )
    fte(
        "inf",
        "quarantine",
        "not a decimal",
        quarantined=1,
        column="arsverk",
        position="line 9",
        text=fte_cell(9, "inf"),
    )
    fte(
        "empty_fte",
        "quarantine",
        "missing value",
        quarantined=1,
        column="arsverk",
        position="line 10",
        text=fte_cell(10, ""),
    )
    fte(
        "above_maximum",
        "quarantine",
        "above the maximum 10000",
        quarantined=1,
        column="arsverk",
        position="line 11",
        text=fte_cell(11, "20000,0"),
    )
    fte(
        "municipality_three_digits",
        "quarantine",
        "not a municipality code",
        quarantined=1,
        column="kommunenr",
        position="line 12",
        text="".join(set_line("is_24_8", 12, "kommunenr", "9999")),
    )
    fte(
        "year_text",
        "quarantine",
        "not an integer",
        quarantined=1,
        column="aar",
        position="line 13",
        text="".join(set_line("is_24_8", 13, "aar", "2014a")),
    )
    fte(
        "year_in_future",
        "quarantine",
        "not of the year of its period folder",
        quarantined=1,
        column="aar",
        position="line 14",
        text="".join(set_line("is_24_8", 14, "aar", "2090")),
    )
    fte(
        "header_only_trailing_semicolon",
        "reject",
        "no data rows",
        text=lines["is_24_8"][0].rstrip("\n") + ";\n",
    )
    fte(
        "comma_delimited",
        "reject",
        "is the delimiter ';'?",
        text=text["is_24_8"].replace(";", ","),
        position="line 1",
    )
    fte(
        "extra_column",
        "reject",
        "column not in the contract",
        column="merknad",
        position="line 1",
        edit=lambda r: [row.append("merknad" if i == 0 else "") for i, row in enumerate(r)],
    )

    def deaths(name, expect, message, **kw):
        csv_case("dodsarsak", "dodsarsak", f"narkotikautloste_dodsfall_{name}.csv", expect, message, **kw)

    deaths(
        "negative_count",
        "quarantine",
        "below the minimum 0",
        quarantined=1,
        column="antall",
        position="line 5",
        text="".join(set_line("dodsarsak", 5, "antall", "-1")),
    )
    deaths(
        "decimal_count",
        "quarantine",
        "not an integer",
        quarantined=1,
        column="antall",
        position="line 6",
        text="".join(set_line("dodsarsak", 6, "antall", "1,5")),
    )
    deaths("empty", "reject", "the file is empty", raw=b"")
    deaths(
        "missing_count_column",
        "reject",
        "missing column",
        column="antall",
        position="line 1",
        edit=lambda r: [row.pop() for row in r],
    )
    deaths(
        "duplicate_row",
        "quarantine",
        "duplicate key",
        quarantined=2,
        column="aar+fylkesnr+kjonn+aldersgruppe",
        edit=lambda r: r.insert(3, list(r[1])),
    )
    deaths(
        "bom_crlf",
        "loaded",
        "",
        raw=codecs.BOM_UTF8 + text["dodsarsak"].replace("\n", "\r\n").encode("utf-8"),
    )

    def users(name, expect, message, **kw):
        csv_case("brukerplan", "brukerplan", f"brukerplan_kartlegging_{name}.csv", expect, message, **kw)

    U = lines["brukerplan"]
    users(
        "age_text",
        "quarantine",
        "not an integer",
        quarantined=1,
        column="alder",
        position="line 7",
        text="".join(set_line("brukerplan", 7, "alder", "førti")),
    )
    users(
        "extra_field",
        "quarantine",
        "a value after the last column",
        quarantined=1,
        column="individuell_plan",
        position="line 9",
        text="".join(U[:8] + [U[8].rstrip("\n") + ";ja\n"] + U[9:]),
    )
    users(
        "short_line",
        "quarantine",
        "of the header's 11 fields",
        quarantined=1,
        column="individuell_plan",
        position="line 4",
        text="".join(U[:3] + [U[3].rsplit(";", 1)[0] + "\n"] + U[4:]),
    )

    # ---- Samdata workbooks
    def samdata(name, expect, message, edit=None, raw=None, **kw):
        path = case(f"samdata_{name}.xlsx", "samdata", expect, message, **kw)
        if raw is not None:
            path.write_bytes(raw)
        else:
            book = openpyxl.load_workbook(good["samdata"])
            edit(book)
            book.save(path)
        finish(path, "samdata")

    def notes(b):
        for sheet in ("Driftskostnader", "TSB aktivitet", "Prisindeks"):
            ws = b[sheet]
            row = ws.max_row + 2
            ws.cell(row=row, column=1, value="Kilde: Samdata spesialisthelsetjenesten")
            ws.cell(row=row + 1, column=1, value="* Tallene for 2014 er foreløpige")

    costs_rows = openpyxl.load_workbook(good["samdata"])["Driftskostnader"].max_row
    samdata(
        "footnotes_under_tables",
        "warning",
        "a note under the table, not data",
        position=f"sheet 'Driftskostnader' cell A{costs_rows + 2}",
        edit=notes,
    )

    def total(sheet, values):
        def edit(b):
            ws = b[sheet]
            row = ws.max_row + 1
            for i, v in enumerate(values, start=1):
                ws.cell(row=row, column=i, value=v)

        return edit

    samdata(
        "total_row_in_costs",
        "quarantine",
        "a total row",
        quarantined=1,
        column="helseforetak",
        position=f"sheet 'Driftskostnader' row {costs_rows + 1} (cell C{costs_rows + 1})",
        edit=total("Driftskostnader", [2014, None, "Hele landet", 90000.5, 15000, 3000, 4000]),
    )
    activity_rows = openpyxl.load_workbook(good["samdata"])["TSB aktivitet"].max_row
    samdata(
        "total_row_in_activity",
        "quarantine",
        "a total row",
        quarantined=1,
        column="rhf",
        position=f"sheet 'TSB aktivitet' row {activity_rows + 1} (cell B{activity_rows + 1})",
        edit=total("TSB aktivitet", [2014, "Hele landet", None, 500000, 10000, 400000, 800, 900]),
    )
    samdata("zero_bytes", "reject", "the file is empty", raw=b"")
    samdata(
        "wrong_sheet_name",
        "reject",
        "missing sheet(s) ['TSB aktivitet']",
        edit=lambda b: setattr(b["TSB aktivitet"], "title", "TSB-aktivitet"),
    )
    samdata(
        "negative_bed_days",
        "quarantine",
        "below the minimum 0",
        quarantined=1,
        column="oppholdsdogn",
        position="sheet 'TSB aktivitet' row 6 (cell D6)",
        edit=lambda b: b["TSB aktivitet"].cell(row=6, column=4, value=-10),
    )
    # the sheet's one row set aside leaves it empty: its raw suite stops the load, saying why
    samdata(
        "year_text_in_price_index",
        "reject",
        "not an integer",
        column="aar",
        position="sheet 'Prisindeks' row 4 (cell A4)",
        edit=lambda b: b["Prisindeks"].cell(row=4, column=1, value="2014*"),
    )
    samdata(
        "empty_price_index_cell",
        "reject",
        "missing value",
        column="prisindeks",
        position="sheet 'Prisindeks' row 4 (cell B4)",
        edit=lambda b: setattr(b["Prisindeks"]["B4"], "value", None),
    )  # cell(value=None) keeps it
    samdata(
        "duplicate_trust_row",
        "quarantine",
        "duplicate key",
        quarantined=2,
        column="aar+helseforetak",
        edit=lambda b: b["TSB aktivitet"].append([c.value for c in b["TSB aktivitet"][4]]),
    )
    samdata(
        "renamed_activity_header",
        "reject",
        "missing column",
        column="innleggelser",
        position="sheet 'TSB aktivitet' row 3",
        edit=lambda b: b["TSB aktivitet"].cell(row=3, column=5, value="Innlagte"),
    )
    samdata(
        "cost_cell_inf",
        "quarantine",
        "not a decimal",
        quarantined=1,
        column="driftskostnader_mnok",
        position="sheet 'Driftskostnader' row 6 (cell D6)",
        edit=lambda b: b["Driftskostnader"].cell(row=6, column=4, value="inf"),
    )
    samdata("extra_sheet", "loaded", "", edit=lambda b: b.create_sheet("Notater").append(["Se metode"]))

    # ---- SSB JSON-stat
    def population(name, expect, message, edit=None, text=None, raw=None, **kw):
        path = case(f"ssb_07459_{name}.json", "ssb_population", expect, message, **kw)
        if raw is not None:
            path.write_bytes(raw)
        elif text is not None:
            path.write_text(text, encoding="utf-8")
        else:
            doc = json.loads(good["ssb_population"].read_text(encoding="utf-8"))
            edit(doc)
            path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        finish(path, "ssb_population")

    def grow_size(d):
        d["size"][0] += 1
        d["value"] += d["value"][: len(d["value"]) // (d["size"][0] - 1)]

    population(
        "size_larger_than_index",
        "reject",
        "'size' says dimension 'Region' has 4 categories, its index has 3",
        edit=grow_size,
    )
    population(
        "size_shorter_than_id",
        "reject",
        "'id' names 5 dimensions but 'size' has 4",
        edit=lambda d: d["size"].pop(),
    )
    population(
        "not_json",
        "reject",
        "not valid JSON at character 0",
        text="<html>502 Bad Gateway</html>\n",
        position="character 0",
    )
    population(
        "single_quotes",
        "reject",
        "not valid JSON at character 1",
        text="{'class': 'dataset'}\n",
        position="character 1",
    )
    population(
        "wrong_dimension_id",
        "reject",
        "JSON-stat dimensions",
        edit=lambda d: (
            d["id"].__setitem__(0, "KOKkommuneregion0000"),
            d["dimension"].__setitem__("KOKkommuneregion0000", d["dimension"].pop("Region")),
        ),
    )
    population(
        "sparse_value_out_of_range",
        "reject",
        "'value' has position 99999",
        edit=lambda d: d.__setitem__("value", {"0": 5, "99999": 7}),
    )
    population(
        "value_fraction",
        "quarantine",
        "not an integer",
        quarantined=1,
        column="personer",
        position="value 7",
        edit=lambda d: d["value"].__setitem__(6, 1.5),
    )
    population(
        "value_text",
        "quarantine",
        "not an integer",
        quarantined=1,
        column="personer",
        position="value 9",
        edit=lambda d: d["value"].__setitem__(8, "mange"),
    )
    population("array_not_object", "reject", "not a JSON-stat 2.0 dataset", text="[1, 2, 3]\n")
    population(
        "latin1",
        "reject",
        "not UTF-8",
        raw=good["ssb_population"]
        .read_text(encoding="utf-8")
        .replace('"label"', '"labél"', 1)
        .encode("latin-1"),
    )
    population(
        "whole_file_of_2013",
        "reject",
        "in the period folder 2014",
        text=good["ssb_population"].read_text(encoding="utf-8").replace('"2014"', '"2013"'),
    )
    population("empty", "reject", "the file is empty", raw=b"")

    # ---- landing faults: entries the loader cannot read, and files in no place it reads
    case("npr_tsb_episoder_link.csv", "npr", "reject", "which does not exist", make="symlink")
    case("npr_tsb_episoder_folder.csv", "npr", "reject", "is a folder, not a file", make="folder")
    case(
        "npr_tsb_episoder_long_line.csv",
        "npr",
        "quarantine",
        "not one of",
        quarantined=1,
        column="kjonn",
        position="line 4",
        make="long_line",
        records=KEEP["npr"],
    )
    shutil.copy(
        good["npr"],
        case("npr_tsb_episoder_upper_case.CSV", "npr", "warning", "npr/2014/npr_tsb_episoder_upper_case.CSV"),
    )
    shutil.copy(
        good["npr"],
        case(
            "npr_tsb_episoder_in_NPR_folder.csv",
            "npr",
            "warning",
            "NPR/",
            landing="NPR/2014/npr_tsb_episoder_in_NPR_folder.csv",
        ),
    )
    shutil.copy(
        good["npr"],
        case(
            "npr_tsb_episoder_no_year_folder.csv",
            "npr",
            "warning",
            "npr/npr_tsb_episoder_no_year_folder.csv",
            landing="npr/npr_tsb_episoder_no_year_folder.csv",
        ),
    )
    # a statbank CSV download (long layout, Norwegian) of one cell where a year's population
    # belongs: read, then refused by the period profile (rows against the years before)
    path = case("ssb_07459_as_csv.csv", "ssb_population", "reject", "ratio_rows")
    path.write_text(
        '"region";"kjønn";"alder";"statistikkvariabel";"år";"07459: Befolkning"\n'
        '"0301 Oslo";"Menn";"020 20 år";"Personer";"2014";3990\n',
        encoding="utf-8",
    )
    for row in cases:
        row["records"] = row["records"] or 0
    return cases


def set_line_list(lines: list[str], n: int, index: int, value: str) -> list[str]:
    out = list(lines)
    fields = out[n - 1].rstrip("\n").split(";")
    fields[index] = value
    out[n - 1] = ";".join(fields) + "\n"
    return out


if __name__ == "__main__":
    main()
