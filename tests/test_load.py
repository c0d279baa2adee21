"""Raw loads against a real DuckDB file: contracts, idempotency, clear errors, nothing lost."""

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import table_fingerprints
from rusmonitor.contracts import CONTRACTS
from rusmonitor.generate import generate, municipalities_in
from rusmonitor.load import LoadError, landing_files, load_source
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
        "samdata/2014/samdata_spesialisthelsetjenesten_2014.xlsx: sheet 'TSB aktivitet' row 7, "
        "column 'oppholdsdogn': not an integer (value 'mange')"
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
    lines = (landing / "npr" / "2014" / "npr_tsb_episoder_2014.csv").read_text(encoding="utf-8").splitlines()
    # all but the last row: a file of its own (another load id) whose keys were all loaded before
    again = landing / "npr" / "2015" / "npr_tsb_episoder_2015.csv"
    again.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    before = table_fingerprints(warehouse)
    with pytest.raises(QualityGateFailed, match="expect_column_values_to_be_unique"):
        load_source("npr", landing, warehouse)
    assert table_fingerprints(warehouse) == before
