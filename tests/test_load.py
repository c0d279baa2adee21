"""Raw loads against a real DuckDB file: contracts, idempotency, clear errors, nothing lost."""

import json
import os
import shutil
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import table_fingerprints
from rusmonitor.generate import generate, municipalities_in
from rusmonitor.load import LoadError, landing_files, load_source
from rusmonitor.sources import CONTRACTS
from rusmonitor.sources import LOADED_SOURCES as SOURCES  # noqa: E402


@pytest.fixture(scope="module")
def small_landing(tmp_path_factory) -> Path:
    landing = tmp_path_factory.mktemp("landing")
    generate([2013, 2014], 2016, landing)
    return landing


@pytest.fixture(scope="module")
def loaded_once(tmp_path_factory, small_landing) -> Path:
    """Every source of 2013-2014 loaded once; the tests get copies of the file."""
    warehouse = tmp_path_factory.mktemp("loaded") / "wh.duckdb"
    for source in SOURCES:
        if landing_files(source, small_landing):  # the census (2003) has no file for 2013-2014
            load_source(source, small_landing, warehouse)
    return warehouse


@pytest.fixture()
def loaded(tmp_path, small_landing, loaded_once):
    """A warehouse with every source of 2013-2014 loaded, and its own copy of the landing files
    (copied with their modification times: the loader sees them as complete)."""
    landing = shutil.copytree(small_landing, tmp_path / "landing")
    warehouse = tmp_path / "wh.duckdb"
    shutil.copy(loaded_once, warehouse)
    return landing, warehouse


def test_every_row_carries_load_metadata(loaded):
    landing, warehouse = loaded
    expected = {c.table for c in CONTRACTS.values() if landing_files(c.source, landing)}
    expected.discard("npr_outpatient_contacts")  # national scale only (generate --national)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = {
            r[0]: r[1]
            for r in con.execute(
                "SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'raw' "
                "AND NOT starts_with(table_name, '_')"
            ).fetchall()
        }
        # every contract's table exists (dbt reads them all), rows only where files came
        assert set(tables) == set(CONTRACTS)
        present = {t for t in tables if con.execute(f"SELECT count(*) FROM raw.{t}").fetchall()[0][0]}
        assert present == expected
        for table in present:
            missing = con.execute(
                f"SELECT count(*) FROM raw.{table} WHERE _load_id IS NULL OR _source_file IS NULL "
                f"OR _content_hash IS NULL OR _row_number IS NULL"
            ).fetchall()[0][0]
            assert missing == 0
        files = con.execute("SELECT count(*) FROM raw._loads").fetchall()[0][0]
    assert files == sum(len(landing_files(s, loaded[0])) for s in SOURCES)


def test_loading_the_same_files_again_changes_nothing(loaded):
    landing, warehouse = loaded
    before = table_fingerprints(warehouse)
    for source in SOURCES:
        if landing_files(source, landing):
            results = load_source(source, landing, warehouse)
            assert {r.status for r in results} == {"unchanged"}
    assert table_fingerprints(warehouse) == before


def test_resubmitted_period_replaces_exactly_its_rows(loaded):
    landing, warehouse = loaded
    path = landing / "is_24_8" / "2014" / "is_24_8_arsverk_2014.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    # a corrected return: one municipality's value changes
    fields = lines[1].split(";")
    fields[-1] = "99,5"
    lines[1] = ";".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = load_source("is_24_8", landing, warehouse)
    assert [r.status for r in results] == ["unchanged", "replaced"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        per_year = dict(con.execute("SELECT aar, count(*) FROM raw.is_24_8_fte GROUP BY 1").fetchall())
        changed = con.execute(
            "SELECT arsverk FROM raw.is_24_8_fte WHERE aar = 2014 AND _row_number = 2"
        ).fetchall()[0][0]
    assert per_year == {2013: len(municipalities_in(2013)) * 6, 2014: len(municipalities_in(2014)) * 6}
    assert float(changed) == 99.5


def _rewrite(path: Path, line_no: int, column: str, value: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    fields = lines[line_no - 1].split(";")
    fields[header.index(column)] = value
    lines[line_no - 1] = ";".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _quarantine(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT source_file, location, row_number, column_name, value, reason, record "
            "FROM raw._quarantine ORDER BY row_number, column_name"
        ).fetchall()


def test_unparseable_date_sets_its_row_aside_naming_file_row_and_column(loaded):
    landing, warehouse = loaded
    path = landing / "npr" / "2014" / "npr_tsb_episoder_2014.csv"
    _rewrite(path, 1234, "behandling_start", "2014-13-45")
    before = table_fingerprints(warehouse)
    results = load_source("npr", landing, warehouse)

    replaced = [r for r in results if r.status == "replaced"]
    assert len(replaced) == 1 and len(replaced[0].quarantined) == 1
    message = str(replaced[0].quarantined[0])
    assert message.startswith("npr/2014/npr_tsb_episoder_2014.csv: line 1234, column 'behandling_start'")
    assert "not a date" in message and "2014-13-45" in message
    ((file, location, row, column, value, reason, record),) = _quarantine(warehouse)
    assert (file, location, row, column, value) == (
        "npr/2014/npr_tsb_episoder_2014.csv",
        "line",
        1234,
        "behandling_start",
        "2014-13-45",
    )
    assert '"episode_id":"E2014-' in record.replace(" ", "")  # the whole record is kept
    after = table_fingerprints(warehouse)
    assert after["raw.npr_tsb_episodes"][0] == before["raw.npr_tsb_episodes"][0] - 1
    assert {k: v for k, v in after.items() if k.startswith("raw.is_")} == {
        k: v for k, v in before.items() if k.startswith("raw.is_")
    }
    # loading the same files again changes nothing, the quarantine included
    load_source("npr", landing, warehouse)
    assert table_fingerprints(warehouse) == after


def test_a_wrong_date_format_throughout_rejects_the_file_whole(loaded):
    landing, warehouse = loaded
    path = landing / "npr" / "2014" / "npr_tsb_episoder_2014.csv"
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    frame["behandling_start"] = pd.to_datetime(frame.behandling_start).dt.strftime("%d.%m.%Y")
    frame.to_csv(path, sep=";", index=False)
    before = table_fingerprints(warehouse)
    with pytest.raises(LoadError) as err:
        load_source("npr", landing, warehouse)
    message = str(err.value)
    assert "looks wrong as a whole" in message
    assert "npr/2014/npr_tsb_episoder_2014.csv: line 2, column 'behandling_start': not a date" in message
    assert table_fingerprints(warehouse) == before


def test_wrong_column_names_file_and_column_and_keeps_data(loaded):
    landing, warehouse = loaded
    path = landing / "is_24_8" / "2014" / "is_24_8_arsverk_2014.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("malgruppe", "maalgruppe", 1), encoding="utf-8")
    before = table_fingerprints(warehouse)
    with pytest.raises(LoadError) as err:
        load_source("is_24_8", landing, warehouse)
    message = str(err.value)
    assert "is_24_8/2014/is_24_8_arsverk_2014.csv" in message
    assert "line 1, column 'malgruppe': missing column" in message
    assert "line 1, column 'maalgruppe': column not in the contract" in message
    assert table_fingerprints(warehouse) == before


@pytest.mark.parametrize(
    "damage, expected",
    [
        (lambda p: p.write_bytes(b""), "the file is empty"),
        (lambda p: p.write_text(p.read_text("utf-8").replace(";", ","), "utf-8"), "is the delimiter ';'?"),
        (
            lambda p: p.write_bytes(
                p.read_text("utf-8")
                .replace("Oslo", "Tromsø")
                .encode("utf-8")
                .replace("ø".encode(), "ø".encode("latin-1"))
            ),
            "not UTF-8",
        ),
    ],
)
def test_broken_files_are_rejected_whole(loaded, damage, expected):
    landing, warehouse = loaded
    path = landing / "is_24_8" / "2014" / "is_24_8_arsverk_2014.csv"
    damage(path)
    before = table_fingerprints(warehouse)
    with pytest.raises(LoadError, match=expected):
        load_source("is_24_8", landing, warehouse)
    assert table_fingerprints(warehouse) == before


def test_out_of_contract_values_are_quarantined_with_their_rows(loaded):
    landing, warehouse = loaded
    path = landing / "is_24_8" / "2014" / "is_24_8_arsverk_2014.csv"
    _rewrite(path, 5, "arbeidsomrade", "rusomsorg")
    _rewrite(path, 9, "arsverk", "-3,0")
    load_source("is_24_8", landing, warehouse)
    rows = [(r[2], r[3], r[5]) for r in _quarantine(warehouse)]
    assert rows == [
        (5, "arbeidsomrade", "not one of ['rus', 'psykisk_helse', 'felles']"),
        (9, "arsverk", "below the minimum 0"),
    ]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        loaded_rows = con.execute("SELECT count(*) FROM raw.is_24_8_fte WHERE aar = 2014").fetchall()
    assert loaded_rows[0][0] == len(municipalities_in(2014)) * 6 - 2


def test_a_municipality_code_unknown_in_its_year_is_quarantined(loaded):
    landing, warehouse = loaded
    path = landing / "is_24_8" / "2014" / "is_24_8_arsverk_2014.csv"
    _rewrite(path, 7, "kommunenr", "3101")  # Halden's 2024 code, in a 2014 return
    load_source("is_24_8", landing, warehouse)
    (row,) = _quarantine(warehouse)
    assert row[2:6] == (7, "kommunenr", "3101", "not a municipality code in the geography of its year (aar)")


def test_duplicate_keys_set_every_copy_aside(loaded):
    landing, warehouse = loaded
    path = landing / "is_24_8" / "2014" / "is_24_8_arsverk_2014.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(lines[3])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_source("is_24_8", landing, warehouse)
    rows = {(r[2], r[3]) for r in _quarantine(warehouse)}
    last = len(lines)
    assert rows == {
        (4, "aar+kommunenr+arbeidsomrade+malgruppe"),
        (last, "aar+kommunenr+arbeidsomrade+malgruppe"),
    }


def test_samdata_sheet_errors_name_the_sheet_and_row(loaded, tmp_path):
    import openpyxl

    landing, warehouse = loaded
    path = landing / "samdata" / "2014" / "samdata_spesialisthelsetjenesten_2014.xlsx"
    book = openpyxl.load_workbook(path)
    book["TSB aktivitet"]["D7"] = "mange"
    book.save(path)
    results = load_source("samdata", landing, warehouse)
    errors = [e for r in results for e in r.quarantined]
    assert [str(e) for e in errors] == [
        "samdata/2014/samdata_spesialisthelsetjenesten_2014.xlsx: sheet 'TSB aktivitet' row 7 "
        "(cell D7), column 'oppholdsdogn': not an integer (value 'mange')"
    ]


def test_a_resubmitted_period_in_a_new_file_replaces_exactly_that_period(loaded):
    """A correction arrives as a second file in the period's folder: it replaces the period,
    and the first file's rows do not linger beside it."""
    landing, warehouse = loaded
    first = landing / "is_24_8" / "2014" / "is_24_8_arsverk_2014.csv"
    corrected = first.with_name("is_24_8_arsverk_2014_korrigert.csv")
    lines = first.read_text(encoding="utf-8").splitlines()
    corrected.write_text("\n".join(lines[:-10]) + "\n", encoding="utf-8")  # ten rows withdrawn
    before = table_fingerprints(warehouse)

    results = load_source("is_24_8", landing, warehouse)

    assert [(r.file, r.status) for r in results] == [
        ("is_24_8/2013/is_24_8_arsverk_2013.csv", "unchanged"),
        ("is_24_8/2014/is_24_8_arsverk_2014_korrigert.csv", "replaced"),
    ]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = dict(con.execute("SELECT _source_file, count(*) FROM raw.is_24_8_fte GROUP BY 1").fetchall())
        loads = [
            r[0]
            for r in con.execute(
                "SELECT source_file FROM raw._loads WHERE source = 'is_24_8' ORDER BY 1"
            ).fetchall()
        ]
    assert files == {
        "is_24_8/2013/is_24_8_arsverk_2013.csv": len(municipalities_in(2013)) * 6,
        "is_24_8/2014/is_24_8_arsverk_2014_korrigert.csv": len(lines) - 1 - 10,
    }
    assert loads == [
        "is_24_8/2013/is_24_8_arsverk_2013.csv",
        "is_24_8/2014/is_24_8_arsverk_2014_korrigert.csv",
    ]
    after = table_fingerprints(warehouse)
    assert {t: v for t, v in after.items() if "is_24_8" not in t and "_loads" not in t} == {
        t: v for t, v in before.items() if "is_24_8" not in t and "_loads" not in t
    }
    load_source("is_24_8", landing, warehouse)  # and again: nothing changes
    assert table_fingerprints(warehouse) == after


def test_two_kinds_of_extract_in_one_period_replace_only_themselves(loaded):
    """NPR delivers TSB episodes and detox stays in the same period folder: resubmitting the
    detox stays leaves the episodes alone."""
    landing, warehouse = loaded
    detox = landing / "npr" / "2014" / "npr_avrusning_2014.csv"
    lines = detox.read_text(encoding="utf-8").splitlines()
    detox.with_name("npr_avrusning_2014_korrigert.csv").write_text(
        "\n".join(lines[:-5]) + "\n", encoding="utf-8"
    )
    before = table_fingerprints(warehouse)
    results = load_source("npr", landing, warehouse)
    assert {r.file: r.status for r in results if r.status != "unchanged"} == {
        "npr/2014/npr_avrusning_2014_korrigert.csv": "replaced"
    }
    after = table_fingerprints(warehouse)
    assert after["raw.npr_tsb_episodes"] == before["raw.npr_tsb_episodes"]
    assert after["raw.npr_detox_stays"][0] == before["raw.npr_detox_stays"][0] - 5


def test_keys_delivered_again_in_another_period_stop_the_load(loaded):
    """2014's episodes delivered again as 2015: each file is unique on its own, but the raw
    checkpoint sees its keys beside the rows already loaded, fails, and rolls the load back."""
    from rusmonitor.quality import QualityGateFailed

    landing, warehouse = loaded
    (landing / "npr" / "2015").mkdir()
    frame = pd.read_csv(
        landing / "npr" / "2014" / "npr_tsb_episoder_2014.csv", sep=";", dtype=str, keep_default_na=False
    )
    # dated 2015, so its rows are of its folder's year (else the period check rejects it first)
    frame["behandling_start"] = frame.behandling_start.str.replace("2014-", "2015-", n=1)
    # all but the last row: a file of its own (another load id) whose keys were all loaded before
    again = landing / "npr" / "2015" / "npr_tsb_episoder_2015.csv"
    frame.iloc[:-1].to_csv(again, sep=";", index=False)
    before = table_fingerprints(warehouse)
    with pytest.raises(QualityGateFailed, match="expect_column_values_to_be_unique"):
        load_source("npr", landing, warehouse)
    assert table_fingerprints(warehouse) == before


def _samdata_costs(warehouse: Path, year: int) -> dict[tuple[str, str], float]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT helseforetak, sektor, driftskostnader_mnok FROM raw.samdata_operating_costs "
            "WHERE aar = ?",
            [year],
        ).fetchall()
    return {(hf, sector): float(cost) for hf, sector, cost in rows}


def test_one_bad_samdata_cost_cell_sets_aside_only_that_cells_record(loaded):
    """Costs come one column per sector: a cost stored as text in one cell quarantines that
    trust's record of that sector, and its three other sectors in the same sheet row load."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    landing, warehouse = loaded
    path = landing / "samdata" / "2014" / "samdata_spesialisthelsetjenesten_2014.xlsx"
    before = _samdata_costs(warehouse, 2014)
    book = openpyxl.load_workbook(path)
    sheet = book["Driftskostnader"]
    header = [c.value for c in sheet[3]]
    row, column = 6, header.index("PHV voksne") + 1
    trust = sheet.cell(row, header.index("Helseforetak") + 1).value
    sheet.cell(row, column).value = "2 803,3"  # text in a cell the publisher keeps numeric
    book.save(path)

    results = load_source("samdata", landing, warehouse)

    after = _samdata_costs(warehouse, 2014)
    assert len(before) == 76 and len(after) == 75
    assert after == {k: v for k, v in before.items() if k != (trust, "PHV voksne")}
    errors = [e for r in results for e in r.quarantined]
    cell = f"{get_column_letter(column)}{row}"
    assert [str(e) for e in errors] == [
        f"samdata/2014/samdata_spesialisthelsetjenesten_2014.xlsx: sheet 'Driftskostnader' row {row} "
        f"(cell {cell}), column 'driftskostnader_mnok': not a decimal(12,1) (value '2 803,3')"
    ]
    ((file, location, row_number, column_name, value, _, record),) = _quarantine(warehouse)
    assert (file, location, row_number, column_name, value) == (
        "samdata/2014/samdata_spesialisthelsetjenesten_2014.xlsx",
        "sheet 'Driftskostnader' row",
        row,
        "driftskostnader_mnok",
        "2 803,3",
    )
    kept = json.loads(record)  # the bad cell's own record, not a neighbour's
    assert (kept["helseforetak"], kept["sektor"], kept["driftskostnader_mnok"]) == (
        trust,
        "PHV voksne",
        "2 803,3",
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (cell_of_record,) = con.execute("SELECT cell FROM raw._quarantine").fetchall()[0]
    assert cell_of_record == cell


@pytest.mark.parametrize(
    "written, stored, reason",
    [
        ("1 234,5", 1234.5, None),  # thousands grouped by a space
        ("1\u00a0234,5", 1234.5, None),  # ... or a no-break space, as spreadsheets export
        ("1\u202f234,5", 1234.5, None),  # ... or a narrow no-break space
        ("15,2", 15.2, None),
        ("1.234", None, "ambiguous number: a '.' in a file whose decimal separator is ','"),
        ("15,26", None, "more than 1 decimal(s): it would be rounded"),
        ("12 34,5", None, "not a decimal(10,1) with a decimal comma"),
    ],
)
def test_numbers_are_read_as_the_publisher_writes_them(loaded, written, stored, reason):
    """IS-24/8 writes a decimal comma: a '.' could be a thousands separator or a decimal point,
    so it is quarantined, never guessed; more decimals than the contract keeps are not rounded."""
    landing, warehouse = loaded
    path = landing / "is_24_8" / "2014" / "is_24_8_arsverk_2014.csv"
    _rewrite(path, 11, "arsverk", written)
    load_source("is_24_8", landing, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = con.execute(
            "SELECT arsverk FROM raw.is_24_8_fte WHERE _source_file = ? AND _row_number = 11",
            ["is_24_8/2014/is_24_8_arsverk_2014.csv"],
        ).fetchall()
    quarantined = _quarantine(warehouse)
    if reason is None:
        assert [float(v) for (v,) in found] == [stored] and quarantined == []
    else:
        assert found == []
        ((_, _, line, column, value, why, _),) = quarantined
        assert (line, column, value) == (11, "arsverk", written)
        assert why.startswith(reason)


@pytest.mark.parametrize(
    "source, kind",
    [("is_24_8", "is_24_8_arsverk_{}.csv"), ("npr", "npr_avrusning_{}.csv")],
)
def test_a_file_whose_years_disagree_with_its_period_folder_is_rejected(loaded, tmp_path, source, kind):
    """A 2015 extract placed in the 2013 folder as a 'correction' would replace 2013 with 2015:
    it is rejected, naming the file, the years in it and the folder, and 2013 stays."""
    landing, warehouse = loaded
    elsewhere = tmp_path / "elsewhere"
    generate([2015], 2016, elsewhere, sources=[source])
    misplaced = landing / source / "2013" / kind.format("2013_korrigert")
    shutil.copy(elsewhere / source / "2015" / kind.format(2015), misplaced)
    before = table_fingerprints(warehouse)

    with pytest.raises(LoadError) as err:
        load_source(source, landing, warehouse)

    message = str(err.value)
    assert message.startswith(f"{source}/2013/{misplaced.name}: its rows are of 2015 (")
    assert "but the file is in the period folder 2013: not loaded, period 2013 is unchanged" in message
    assert len(message) < 500
    assert table_fingerprints(warehouse) == before


def test_a_few_rows_of_another_year_are_quarantined(loaded):
    landing, warehouse = loaded
    path = landing / "is_24_8" / "2014" / "is_24_8_arsverk_2014.csv"
    _rewrite(path, 3, "aar", "2013")
    load_source("is_24_8", landing, warehouse)
    rows = [(r[2], r[3], r[4], r[5]) for r in _quarantine(warehouse)]
    assert (3, "aar", "2013", "not of the year of its period folder (2014)") in rows


def _current_file(warehouse: Path, source: str, year: int) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [
            r[0]
            for r in con.execute(
                "SELECT source_file FROM raw._loads WHERE source = ? AND period LIKE ? ORDER BY 1",
                [source, f"{source}/{year}:%"],
            ).fetchall()
        ]


@pytest.mark.parametrize(
    "older, newer",
    [
        # a name sort puts '-' before '.': the correction would lose to the original
        ("is_24_8_arsverk_2014.csv", "is_24_8_arsverk_2014-korrigert.csv"),
        ("is_24_8_arsverk_2014.csv", "is_24_8_arsverk_2014 KORRIGERTE.csv"),
        # a name sort puts '_v10' before '_v9'
        ("is_24_8_arsverk_2014_v9.csv", "is_24_8_arsverk_2014_v10.csv"),
    ],
)
def test_the_current_file_of_a_period_is_chosen_by_rule_not_by_name(loaded, caplog, older, newer):
    landing, warehouse = loaded
    folder = landing / "is_24_8" / "2014"
    original = folder / "is_24_8_arsverk_2014.csv"
    lines = original.read_text(encoding="utf-8").splitlines()
    if older != original.name:
        original.rename(folder / older)
    (folder / newer).write_text("\n".join(lines[:-6]) + "\n", encoding="utf-8")  # six rows withdrawn
    old_time = time.time() - 3600  # the older file is older on disk too: the name decides
    os.utime(folder / newer, (old_time, old_time))
    os.utime(folder / older, (old_time + 60, old_time + 60))

    with caplog.at_level("WARNING", logger="rusmonitor.load"):
        load_source("is_24_8", landing, warehouse)

    assert _current_file(warehouse, "is_24_8", 2014) == [f"is_24_8/2014/{newer}"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM raw.is_24_8_fte WHERE aar = 2014").fetchall()[0][0]
    assert rows == len(lines) - 1 - 6
    superseded = [r.getMessage() for r in caplog.records if "superseded" in r.getMessage()]
    assert superseded == [
        f"[is_24_8] is_24_8/2014/{older} is superseded by is_24_8/2014/{newer} "
        f"({'a correction' if 'orr' in newer.lower() else 'version 10 after 9'}): not loaded"
    ]


def test_what_no_source_loads_and_what_is_gone_is_said_once(loaded, caplog):
    from rusmonitor import landing_survey
    from rusmonitor.load import connect

    landing, warehouse = loaded
    episodes = landing / "npr" / "2014" / "npr_tsb_episoder_2014.csv"
    (landing / "NPR" / "2014").mkdir(parents=True)  # a source id in the wrong case
    shutil.copy(episodes, landing / "NPR" / "2014" / episodes.name)
    (landing / "lar").mkdir()  # a source the pipeline does not have
    shutil.copy(episodes, landing / "npr" / episodes.name)  # no year folder
    shutil.copy(episodes, landing / "npr" / "2014" / "npr_tsb_episoder_2014_ny.CSV")
    (landing / "npr" / "siste").mkdir()  # not a year
    (landing / "ssb_population" / "2014" / "07459.xlsx").write_text("region;tid\n", encoding="utf-8")
    (landing / "is_24_8" / "2014" / "mappe.csv").mkdir()  # a folder named like a file
    (landing / "npr" / "2014" / ".npr_tsb_episoder_2014.csv.part").write_text("", encoding="utf-8")
    (landing / "kriminalomsorgen" / "2013" / "kriminalomsorgen_2013.csv").unlink()  # deleted

    with caplog.at_level("WARNING", logger="rusmonitor.landing_survey"), connect(warehouse) as con:
        found = landing_survey.report(con, landing)

    assert found["unclaimed"] == [
        "NPR/",
        "is_24_8/2014/mappe.csv/",
        "lar/",
        "npr/2014/npr_tsb_episoder_2014_ny.CSV",
        "npr/npr_tsb_episoder_2014.csv",
        "npr/siste/",
        "ssb_population/2014/07459.xlsx",  # SSB's JSON-stat2 or CSV download, not a workbook
    ]
    assert found["gone"] == ["kriminalomsorgen/2013/kriminalomsorgen_2013.csv"]
    warnings = [r.getMessage() for r in caplog.records if r.name == "rusmonitor.landing_survey"]
    assert len(warnings) == 2
    assert warnings[0].startswith("7 landing entries under ") and "npr/siste/" in warnings[0]
    assert "kriminalomsorgen/2013/kriminalomsorgen_2013.csv" in warnings[1]
    assert all(len(w) < 500 for w in warnings)
    # the folder named like a file is not read as one
    assert "mappe.csv" not in {p.name for p in landing_files("is_24_8", landing)}


def test_a_huge_bad_value_is_quoted_short_and_kept_whole_in_its_record(loaded):
    landing, warehouse = loaded
    path = landing / "is_24_8" / "2014" / "is_24_8_arsverk_2014.csv"
    huge = "9" * 50 + "x" * 200_000
    _rewrite(path, 4, "arsverk", huge)
    (result, *_) = [r for r in load_source("is_24_8", landing, warehouse) if r.status == "replaced"]
    (error,) = result.quarantined
    assert len(str(error)) < 500
    assert str(error).startswith("is_24_8/2014/is_24_8_arsverk_2014.csv: line 4, column 'arsverk': not a ")
    assert "(200050 characters)" in str(error)
    ((_, _, line, _, value, _, record),) = _quarantine(warehouse)
    assert line == 4 and len(value) < 500
    assert json.loads(record)["arsverk"] == huge  # nothing of it lost


@pytest.mark.parametrize("missing", [1, 3])
def test_a_line_short_of_fields_is_quarantined_not_loaded_with_nulls(loaded, missing):
    """Brukerplan's last columns may be blank; a line that lacks them is not the same thing."""
    landing, warehouse = loaded
    path = landing / "brukerplan" / "2014" / "brukerplan_kartlegging_2014.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    width = len(lines[0].split(";"))
    lines[4] = ";".join(lines[4].split(";")[:-missing])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_source("brukerplan", landing, warehouse)
    rows = [(r[2], r[5]) for r in _quarantine(warehouse)]
    assert rows == [(5, f"the line has {width - missing} of the header's {width} fields")]


def test_lines_after_a_quoted_field_over_two_lines_are_named_by_their_physical_line(loaded):
    landing, warehouse = loaded
    path = landing / "is_24_8" / "2014" / "is_24_8_arsverk_2014.csv"
    _rewrite(path, 3, "kommunenavn", '"Nord-\nAurdal"')  # one record over lines 3 and 4
    _rewrite(path, 9, "arsverk", "mange")  # the record that starts on line 9
    load_source("is_24_8", landing, warehouse)
    assert [(r[2], r[3]) for r in _quarantine(warehouse)] == [(9, "arsverk")]


def test_csv_lines_are_split_as_a_stringio_with_untranslated_newlines_splits_them():
    """The CSV reader takes a file's lines from its text one at a time (readers._lines) instead
    of through io.StringIO, which would hold the text again at four bytes a character: the same
    lines, so the same records and line numbers, for every ending (\\n, \\r\\n, a lone \\r, none)
    and for the characters str.splitlines() would also split at."""
    import io
    import random

    from rusmonitor.load.readers import _lines

    texts = [
        "",
        "a",
        "a\n",
        "a\r\nb",
        "a\rb\r",
        "a\n\nb\r\n\r\n",
        "\r",
        'x;"q\nq";y\r\nz',
        "a\x0cb\u2028c\x85d\n",
    ]
    rng = random.Random(2016)
    texts += [
        "".join(rng.choice('ab;"\r\n\x0c\u2028 ') for _ in range(rng.randint(0, 30))) for _ in range(2000)
    ]
    for text in texts:
        assert list(_lines(text)) == list(io.StringIO(text, newline="")), repr(text)
