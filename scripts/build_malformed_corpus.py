"""Build the corpus of malformed landing files in tests/fixtures/corpus/ (committed).

Small valid extracts of 2013 (base/) are loaded first; each malformed file (malformed/) is a
2014 extract broken in one way, with the outcome the loader must give recorded in MANIFEST.csv:
`reject` (the whole file, with a message) or `quarantine` (that many rows set aside).
Run it again after changing the generator's formats: uv run python scripts/build_malformed_corpus.py
"""

from __future__ import annotations

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

    shutil.rmtree(CORPUS / "good")
    with (CORPUS / "MANIFEST.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(manifest[0]))
        writer.writeheader()
        writer.writerows(manifest)
    print(f"{len(manifest)} malformed files, bases for {sorted(base)} in {CORPUS}")


if __name__ == "__main__":
    main()
