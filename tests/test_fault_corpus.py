"""The fault corpus (tests/fixtures/corpus/FAULTS.csv, built by scripts/build_malformed_corpus.py):
more bad inputs and landing faults of every source, each with its outcome. Whatever happens, no
row is lost, duplicated or misplaced: the 2013 period already loaded is unchanged, and a file
partly set aside adds up (loaded + quarantined = its records). Every message is short, names the
file, and the position, column and value where there is one."""

import csv
import json
import logging
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import table_fingerprints
from rusmonitor import landing_survey
from rusmonitor.load import MAX_LINE, FilesStillBeingWritten, LoadError, load_source
from rusmonitor.quality import QualityGateFailed
from rusmonitor.sources import contracts_for

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
CASES = list(csv.DictReader((CORPUS / "FAULTS.csv").open(encoding="utf-8")))
MAX_MESSAGE = 500
LONG_VALUE = 2_000_000  # a 50 MB line in production; 2 MB is enough to show the cut


def test_the_fault_corpus_covers_every_outcome_and_source():
    assert len(CASES) >= 60
    assert {c["expect"] for c in CASES} == {"reject", "quarantine", "incomplete", "warning", "loaded"} - {
        "incomplete"  # the cut-off files are in MANIFEST.csv
    }
    assert {c["source"] for c in CASES} >= {
        "npr",
        "is_24_8",
        "dodsarsak",
        "brukerplan",
        "samdata",
        "ssb_population",
    }


def _place(case: dict, landing: Path) -> Path:
    target = landing / (case["landing"] or f"{case['source']}/2014/{case['file']}")
    target.parent.mkdir(parents=True)
    if case["make"] == "symlink":
        target.symlink_to(target.parent / "gone_before_it_was_read.csv")
    elif case["make"] == "folder":
        target.mkdir()
    elif case["make"] == "long_line":  # one 2 MB value where one character belongs
        good = sorted((CORPUS / "base" / "npr" / "2013").glob("npr_tsb_episoder_*.csv"))[0]
        lines = good.read_text(encoding="utf-8").replace("2013-", "2014-").splitlines(keepends=True)
        fields = lines[3].split(";")
        fields[2] = "x" * LONG_VALUE
        lines[3] = ";".join(fields)
        target.write_text("".join(lines), encoding="utf-8")
    else:
        shutil.copy(CORPUS / "malformed" / case["file"], target)
    return target


def _earlier_period(warehouse: Path, source: str) -> dict:
    """Each raw table's rows of the 2013 files: the good neighbour that must not change."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            c.table: con.execute(
                f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM raw.{c.table} AS t "
                "WHERE _source_file LIKE '%/2013/%'"
            ).fetchall()[0]
            for c in contracts_for(source)
        }


def _assert_readable(message: str, case: dict, name: str) -> None:
    for line in message.split("\n"):
        assert len(line) < MAX_MESSAGE, line[:200]
    assert name in message, message
    assert case["message"] in message, message
    if case["position"]:
        assert case["position"] in message, message
    if case["column"]:
        assert repr(case["column"]) in message or case["column"] in message, message


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_fault(case, corpus_base_warehouse, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(corpus_base_warehouse, warehouse)
    landing = tmp_path / "landing"
    target = _place(case, landing)
    name = target.relative_to(landing).as_posix()
    before, earlier = table_fingerprints(warehouse), _earlier_period(warehouse, case["source"])

    if case["expect"] == "warning" and case["source"] != "samdata":
        # a file in no place the loader reads: named in the one warning of the run, not loaded
        with duckdb.connect(str(warehouse)) as con:
            found = landing_survey.report(con, landing)
        assert any(case["message"] in entry for entry in found["unclaimed"]), found
        (warning,) = [r.getMessage() for r in caplog.records if "no source loads" in r.getMessage()]
        _assert_readable(warning, case, case["message"])
        assert table_fingerprints(warehouse) == before
        return

    if case["expect"] == "reject":
        # a data error (airflow_tasks.fail_on_data_error): the task fails without a retry
        with pytest.raises((LoadError, QualityGateFailed)) as err:
            load_source(case["source"], landing, warehouse)
        assert not isinstance(err.value, FilesStillBeingWritten)
        _assert_readable(str(err.value), case, name)
        assert table_fingerprints(warehouse) == before  # nothing half-loaded
        return

    results = load_source(case["source"], landing, warehouse)
    (result,) = [r for r in results if r.file == name]
    assert _earlier_period(warehouse, case["source"]) == earlier  # the good neighbour is untouched
    set_aside = {e.record for e in result.quarantined}
    assert result.rows + len(set_aside) == int(case["records"])  # nothing lost, nothing twice
    with duckdb.connect(str(warehouse), read_only=True) as con:
        written = sum(
            con.execute(f"SELECT count(*) FROM raw.{c.table} WHERE _source_file = ?", [name]).fetchone()[0]
            for c in contracts_for(case["source"])
        )
        kept = con.execute(
            "SELECT row_number, value, record FROM raw._quarantine WHERE source_file = ?", [name]
        ).fetchall()
    assert written == result.rows
    assert len({(e.where, e.row) for e in result.quarantined}) == int(case["quarantined_rows"])
    assert {r[0] for r in kept} == {e.row for e in result.quarantined}
    if case["expect"] == "quarantine":
        messages = [str(e) for e in result.quarantined]
        _assert_readable(
            next(m for m in messages if case["message"] in m and repr(case["column"]) in m), case, name
        )
        for m in messages:
            assert len(m) < MAX_MESSAGE, m[:200]
    elif case["expect"] == "warning":  # loaded, and what was passed over is logged
        (note,) = [r.getMessage() for r in caplog.records if case["position"] in r.getMessage()]
        _assert_readable(note, case, name)
    else:
        assert result.quarantined == []
    if case["make"] == "long_line":
        # the quarantine's value is cut to a readable length; the whole record is kept in full
        (_, value, record) = kept[0]
        assert len(value) <= MAX_LINE
        assert len(json.loads(record)["kjonn"]) == LONG_VALUE
