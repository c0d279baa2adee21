"""Real publisher files (tests/fixtures/real/, SOURCES.md there) load through the normal loaders
with no hand edits, and known cells come out right."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
from pathlib import Path

import duckdb
import pytest

from rusmonitor.load import LoadError, load_source

REAL = Path(__file__).parent / "fixtures" / "real"
SSB_2023 = (
    "norway_population_by_age_sex_2023.csv",
    "a0ce7f62d7680c91318c938cee0ca2ac7327ad179ea9a0c9854656e703859bfe",
)
SSB_2020 = ("Personer2020.csv", "743159464e7f0e003df8d2f50239c73996926a1519e649db13e26ac3a72287fc")


def _real(name: str, sha256: str) -> bytes:
    data = gzip.decompress((REAL / "ssb" / f"{name}.gz").read_bytes())
    assert hashlib.sha256(data).hexdigest() == sha256, f"{name} is not the publisher's file"
    return data


def _land(landing: Path, year: int, name: str, data: bytes) -> Path:
    path = landing / "ssb_population" / str(year) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _population(warehouse: Path) -> dict[tuple[int, int], tuple[int, int]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT tid, kjonn, count(*), sum(personer) FROM raw.ssb_population GROUP BY ALL"
        ).fetchall()
    return {(tid, sex): (n, persons) for tid, sex, n, persons in rows}


def test_both_statbank_csv_variants_of_07459_load_with_ssb_totals(tmp_path, caplog):
    landing, warehouse = tmp_path / "landing", tmp_path / "wh.duckdb"
    _land(landing, 2023, SSB_2023[0], _real(*SSB_2023))  # title lines, ';', CRLF, by sex
    _land(landing, 2020, SSB_2020[0], _real(*SSB_2020))  # tab, no title, LF, both sexes
    with caplog.at_level(logging.INFO, logger="rusmonitor.load"):
        results = load_source("ssb_population", landing, warehouse)
    assert [(r.status, len(r.quarantined)) for r in results] == [("loaded", 0), ("loaded", 0)]
    # 356 municipalities of the 2020-2023 geography x 106 ages, per sex column; SSB's totals
    assert _population(warehouse) == {
        (2020, 0): (356 * 106, 5_367_580),
        (2023, 1): (356 * 106, 2_765_470),
        (2023, 2): (356 * 106, 2_723_514),
    }
    with duckdb.connect(str(warehouse), read_only=True) as con:
        oslo = con.execute(
            "SELECT kjonn, personer, _row_number FROM raw.ssb_population "
            "WHERE region = '0301' AND alder = 0 AND tid = 2023 ORDER BY kjonn"
        ).fetchall()
        top = con.execute("SELECT max(alder) FROM raw.ssb_population").fetchall()[0][0]
    assert oslo == [(1, 4203, 5410), (2, 3948, 5410)]  # the line of the file, for both cells
    assert top == 105  # "105 years or older"
    # the three regions that are no municipality hold no one, and the log says they were left out
    assert sum("non-municipality regions" in m for m in caplog.messages) == 2
    assert sum("ISO-8859-1" in m for m in caplog.messages) == 2
    # loading again changes nothing
    assert [r.status for r in load_source("ssb_population", landing, warehouse)] == ["unchanged"] * 2


def test_a_utf8_statbank_download_loads_the_same_rows(tmp_path):
    latin1, utf8 = tmp_path / "latin1", tmp_path / "utf8"
    data = _real(*SSB_2023)
    _land(latin1 / "landing", 2023, SSB_2023[0], data)
    _land(utf8 / "landing", 2023, SSB_2023[0], data.decode("iso-8859-1").encode("utf-8-sig"))
    for folder in (latin1, utf8):
        load_source("ssb_population", folder / "landing", folder / "wh.duckdb")
    query = "SELECT region, kjonn, alder, tid, personer FROM raw.ssb_population ORDER BY ALL"
    with duckdb.connect(str(latin1 / "wh.duckdb"), read_only=True) as a:
        with duckdb.connect(str(utf8 / "wh.duckdb"), read_only=True) as b:
            assert a.execute(query).fetchall() == b.execute(query).fetchall()


def test_persons_in_a_non_municipality_region_are_quarantined_naming_the_line(tmp_path):
    text = _real(*SSB_2023).decode("iso-8859-1").splitlines(keepends=True)
    line = next(i for i, t in enumerate(text) if t.startswith('"K-23 Continental shelf";"30 years"'))
    text[line] = '"K-23 Continental shelf";"30 years";2;0\r\n'
    landing = tmp_path / "landing"
    _land(landing, 2023, SSB_2023[0], "".join(text).encode("iso-8859-1"))
    (result,) = load_source("ssb_population", landing, tmp_path / "wh.duckdb")
    # both cells of the line are set aside (the 0 with the 2: the region is wrong, not the value)
    assert {(e.row, e.column, e.value) for e in result.quarantined} == {(line + 1, "region", "23")}
    assert len(result.quarantined) == 2
    assert _population(tmp_path / "wh.duckdb")[(2023, 1)] == (356 * 106, 2_765_470)


def test_a_column_that_is_not_year_and_sex_is_refused_naming_line_and_column(tmp_path):
    text = _real(*SSB_2020).decode("iso-8859-1").replace('"Persons 2020"', '"Persons per km2"', 1)
    landing = tmp_path / "landing"
    _land(landing, 2020, SSB_2020[0], text.encode("iso-8859-1"))
    with pytest.raises(LoadError) as caught:
        load_source("ssb_population", landing, tmp_path / "wh.duckdb")
    assert "line 1" in str(caught.value) and "Persons per km2" in str(caught.value)
    assert [(e.row, e.column) for e in caught.value.errors] == [(1, "Persons per km2")]


def test_the_long_norwegian_download_loads_the_same_rows_as_the_wide_one(tmp_path):
    # the statbank's other layout: a column each for sex, contents and year, codes before labels
    wide = _real(*SSB_2023).decode("iso-8859-1").splitlines()[3:]
    long = ['"region";"kjønn";"alder";"statistikkvariabel";"år";"07459: Befolkning"']
    for line in wide:
        region, age, men, women = line.split(";")
        label = age.strip('"')
        years = int(label.split()[0])
        age_cell = f'"{years:03d}{"+" if "older" in label else ""} {years} år"'
        region = region.replace('"K-', '"')
        long += [f'{region};"Menn";{age_cell};"Personer";"2023";{men}']
        long += [f'{region};"Kvinner";{age_cell};"Personer";"2023";{women}']
    for folder, text in (("wide", _real(*SSB_2023)), ("long", ("\n".join(long) + "\n").encode("utf-8"))):
        _land(tmp_path / folder / "landing", 2023, SSB_2023[0], text)
        load_source("ssb_population", tmp_path / folder / "landing", tmp_path / folder / "wh.duckdb")
    query = "SELECT region, kjonn, alder, tid, personer FROM raw.ssb_population ORDER BY ALL"
    with duckdb.connect(str(tmp_path / "wide" / "wh.duckdb"), read_only=True) as a:
        with duckdb.connect(str(tmp_path / "long" / "wh.duckdb"), read_only=True) as b:
            rows = b.execute(query).fetchall()
            assert rows == a.execute(query).fetchall() and len(rows) == 2 * 356 * 106


def test_a_json_and_a_csv_of_one_year_are_one_period_the_newer_current(tmp_path, caplog):
    landing, warehouse = tmp_path / "landing", tmp_path / "wh.duckdb"
    csv_file = _land(landing, 2023, SSB_2023[0], _real(*SSB_2023))
    doc = {
        "class": "dataset",
        "id": ["Region", "Kjonn", "Alder", "Tid"],
        "size": [1, 2, 1, 1],
        "dimension": {
            "Region": {"category": {"index": {"0301": 0}}},
            "Kjonn": {"category": {"index": {"1": 0, "2": 1}}},
            "Alder": {"category": {"index": {"000": 0}}},
            "Tid": {"category": {"index": {"2023": 0}}},
        },
        "value": [4203, 3948],
    }
    json_file = _land(landing, 2023, "ssb_07459_2023.json", json.dumps(doc).encode())
    os.utime(json_file, ns=(csv_file.stat().st_mtime_ns - 10**9,) * 2)  # the JSON is older
    with caplog.at_level(logging.WARNING, logger="rusmonitor.load"):
        (result,) = load_source("ssb_population", landing, warehouse)
    assert result.file.endswith(".csv") and result.status == "loaded"
    assert any("ssb_07459_2023.json is superseded by" in m for m in caplog.messages)
    # the JSON is delivered again, newer: it replaces the year, the CSV's rows go
    os.utime(json_file, ns=(csv_file.stat().st_mtime_ns + 10**9,) * 2)
    (result,) = load_source("ssb_population", landing, warehouse)
    assert result.file.endswith(".json") and result.status == "replaced"
    assert _population(warehouse) == {(2023, 1): (1, 4203), (2023, 2): (1, 3948)}


EUDA_SHA256 = {
    "maleDeaths": "20780ff681eaf2af48c11c2f5029b47a0222e7dd271dbaad87e4c6fde2fde680",
    "femaleDeaths": "73bc8b00a8dc3314c03b554cb7bebc41120d234385c1512d267eb6e49a40f7dd",
    "deaths15-19": "82376939538a9b269711ecb4efca7f4d29a0912dde9372333b223135d40bd0ab",
    "deaths20-24": "d7d331f288e26e452fdb5c78d168608fdf76c11fb177237d72bcd4e400c2bf47",
    "deaths25-29": "5f47a4b89d67865f96f1a5f0bd3cbaf0140ae3a75af9fba797f5f36a35830026",
    "deaths30-34": "ac93aefd9b68b023d067fc87aa1a13061c8d6c69f298b8739609038c3700a9e8",
    "deaths35-39": "f2d3ed724c08ff891a383c09de9a31578641e7fc7f8326414f23d1e2b9be7a27",
    "deaths40-44": "9b169c82f396be4f4a643bf1ffefb9963dee216602bfe9c8e4260aa443ccc3fe",
    "deaths45-49": "5cb4cf38b809741fbd27fc3777121362acc3b47a3c0b541d0ec219b3f4538dfa",
    "deaths50-54": "b1a360ef8c37ed1b25313241a252db4f1bb904c71fc9bfec64a718185d6c19dc",
    "deaths55-59": "00dad588b29512674072bc1c43f4ffa8b4209fbaa39691926ba5882f842523c1",
    "deaths60-64": "e883bdf7e7f24c63c791d77f4e4446410ff44839a969c6a0d3e04da0ba906490",
    "deaths65-inf": "9f67e61cba5dd1ee33d0899a0abb3e9c9fbd15c313c4aea99f6bf52d42dd6fef",
}


@pytest.fixture(scope="module")
def euda(tmp_path_factory):
    """EUDA's 2019 bulletin workbooks, as the generator lands them, loaded."""
    from rusmonitor.generate import generate

    root = tmp_path_factory.mktemp("euda")
    written = generate(out=root / "landing", sources=["euda_drug_deaths"])
    results = load_source("euda_drug_deaths", root / "landing", root / "wh.duckdb")
    return {"root": root, "written": written, "results": results}


def test_the_euda_workbooks_land_as_published_and_load_whole(euda):
    # byte for byte the agency's files: the "sample" of this source is the real bulletin
    assert {p.stem: hashlib.sha256(p.read_bytes()).hexdigest() for p in euda["written"]} == EUDA_SHA256
    assert [(r.status, len(r.quarantined)) for r in euda["results"]] == [("loaded", 0)] * 13
    with duckdb.connect(str(euda["root"] / "wh.duckdb"), read_only=True) as con:
        shape = con.execute(
            "SELECT count(DISTINCT land), min(aar), max(aar), count(*) FILTER (WHERE dodsfall IS NULL) "
            "FROM raw.euda_drug_deaths"
        ).fetchall()[0]
    # 30 countries (EU, Norway, Turkey), 1995-2017, '' where a country reported no figure
    assert shape == (30, 1995, 2017, 8970 - 7087)


def test_norway_2016_drug_induced_deaths_are_196_men_and_86_women_282_by_age(euda):
    with duckdb.connect(str(euda["root"] / "wh.duckdb"), read_only=True) as con:
        norway = con.execute(
            "SELECT tabell, kjonn, aldersgruppe, dodsfall, fotnote FROM raw.euda_drug_deaths "
            "WHERE land = 'Norway' AND aar = 2016 ORDER BY tabell"
        ).fetchall()
        latest = con.execute(
            "SELECT count(dodsfall) FROM raw.euda_drug_deaths WHERE land = 'Norway' AND aar = 2017"
        ).fetchall()[0][0]
    by_table = {table: deaths for table, _, _, deaths, _ in norway}
    assert (by_table["DRD-31"], by_table["DRD-32"]) == (196, 86)
    ages = [deaths for _, sex, age, deaths, _ in norway if sex == "T"]
    assert len(ages) == 11 and sum(ages) == 282 == 196 + 86
    assert {note for *_, note in norway} == {"*"}  # "Norway *": the bulletin's footnote, kept apart
    assert latest == 0  # Norway reported no 2017 figure to this edition


def _edited_workbook(tmp_path: Path, edit) -> Path:
    from openpyxl import load_workbook

    from rusmonitor.generate.euda_drug_deaths import PUBLISHED

    landing = tmp_path / "landing"
    target = landing / "euda_drug_deaths" / "2019" / "maleDeaths.xlsx"
    target.parent.mkdir(parents=True)
    book = load_workbook(PUBLISHED / "maleDeaths.xlsx")
    edit(book)
    book.save(target)
    return landing


def test_a_footnote_in_a_figure_is_quarantined_naming_its_cell(tmp_path):
    def edit(book):
        sheet = book.active
        row = next(r for r in range(1, sheet.max_row + 1) if str(sheet.cell(r, 1).value).startswith("Norway"))
        sheet.cell(row, 3).value = "196*"  # C: 2016

    landing = _edited_workbook(tmp_path, edit)
    (result,) = load_source("euda_drug_deaths", landing, tmp_path / "wh.duckdb")
    (error,) = result.quarantined
    assert (error.column, error.value, error.cell) == ("dodsfall", "196*", f"C{error.row}")
    assert result.rows == 690 - 1


def test_a_workbook_under_another_tables_name_is_refused(tmp_path):
    def edit(book):
        book.active.title = "DRD-32"

    landing = _edited_workbook(tmp_path, edit)
    with pytest.raises(LoadError, match="its sheet is 'DRD-32'; a file named so holds table 'DRD-31'"):
        load_source("euda_drug_deaths", landing, tmp_path / "wh.duckdb")


FHI_SHA256 = {
    "alkohol_rus": "6b6c08ff20af482e05fa323fc8dfa43b11b4577b2823b033d86ca9d33678c0c5",
    "psykiske_plager_ungdom": "1f38e81219b6c74623d18dcb5e83801950a808589081aa0381e9e587d0afd7b0",
    "Dødsårsaker, ettårig": "90c0e93a5761b2ba75c7d837fc323324276be7c8b1aa6c85bb50cd1d4dcc6608",
}


@pytest.fixture(scope="module")
def fhi(tmp_path_factory):
    """Tables exported from FHI's statistikkbank, as the generator lands them, loaded."""
    from rusmonitor.generate import generate

    root = tmp_path_factory.mktemp("fhi")
    written = generate(out=root / "landing", sources=["fhi_statistikkbank"])
    results = load_source("fhi_statistikkbank", root / "landing", root / "wh.duckdb")
    return {"root": root, "written": written, "results": {Path(r.file).stem: r for r in results}}


def test_the_fhi_exports_land_as_exported_with_their_symbols_apart(fhi):
    assert {p.stem: hashlib.sha256(p.read_bytes()).hexdigest() for p in fhi["written"]} == FHI_SHA256
    with duckdb.connect(str(fhi["root"] / "wh.duckdb"), read_only=True) as con:
        counts = con.execute(
            "SELECT tabell, status, count(*) FROM raw.fhi_statistikkbank_values "
            "WHERE status IS NOT NULL GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        drunk = con.execute(
            "SELECT aar, round(verdi, 2), dimensjoner FROM raw.fhi_statistikkbank_values "
            "WHERE tabell = 'alkohol_rus' AND geografi = 'Hele landet' AND kjonn = 'kjønn samlet' "
            "ORDER BY aar"
        ).fetchall()
    # FHI's symbols instead of figures, as counted in the files: '..' missing, ':' too few, '.' n/a
    assert counts == [
        ("Dødsårsaker, ettårig", ":", 19_669),
        ("alkohol_rus", "..", 79),
        ("alkohol_rus", ":", 3),
        ("psykiske_plager_ungdom", ".", 408),
        ("psykiske_plager_ungdom", ":", 25),
    ]
    # Ungdata, pupils in grades 8-10 drunk once or more, Norway: 12.58 % in 2019, 13.78 % in 2024
    assert [(year, float(share)) for year, share, _ in drunk] == [
        (2019, 12.58),
        (2020, 12.9),
        (2021, 12.65),
        (2022, 12.88),
        (2023, 13.06),
        (2024, 13.78),
    ]
    assert {d for *_, d in drunk} == {"Antallganger vises ikke=engangellerflere; Sosial status=samlet"}


def test_the_real_garbage_value_in_the_cause_of_death_export_is_quarantined(fhi):
    # Norway, 2017, men, all ages, all causes: 80000000000000.000000 per 100 000 in FHI's export
    deaths = fhi["results"]["Dødsårsaker, ettårig"]
    (error,) = deaths.quarantined
    assert (error.row, error.column, error.value) == (2, "verdi", "80000000000000.000000")
    assert "above the maximum 100000" in str(error) and deaths.rows == 22_610 - 1
    assert [len(fhi["results"][t].quarantined) for t in ("alkohol_rus", "psykiske_plager_ungdom")] == [0, 0]


def test_an_export_without_fhis_columns_is_refused_naming_the_line(tmp_path):
    from rusmonitor.generate.fhi_statistikkbank import PUBLISHED

    text = gzip.decompress((PUBLISHED / "alkohol_rus.csv.gz").read_bytes()).decode("utf-8")
    landing = tmp_path / "landing"
    target = landing / "fhi_statistikkbank" / "2025" / "alkohol_rus.csv"
    target.parent.mkdir(parents=True)
    target.write_text(text.replace("Geografi,År", "Sted,År", 1), encoding="utf-8")
    with pytest.raises(LoadError, match=r"line 1: a statistikkbank export has the columns Geografi"):
        load_source("fhi_statistikkbank", landing, tmp_path / "wh.duckdb")


def test_an_export_dated_by_when_it_was_made_does_not_make_the_other_sources_stale(fhi, tmp_path):
    """fhi_statistikkbank's folder is 2025, the year it was exported: the reporting year the
    freshness suite holds the sources to stays the newest year of the sources dated by their
    figures."""
    import shutil

    from rusmonitor.generate import generate
    from rusmonitor.quality import validate_freshness

    warehouse = tmp_path / "wh.duckdb"
    shutil.copy(fhi["root"] / "wh.duckdb", warehouse)
    generate(years=[2024], out=tmp_path / "landing", sources=["ssb_population"])
    load_source("ssb_population", tmp_path / "landing", warehouse)
    (result,) = validate_freshness(warehouse, sources=["ssb_population"])
    assert result.success, [(o.expectation, o.unexpected) for o in result.outcomes if not o.success]
