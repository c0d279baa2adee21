"""The loader checks a source's files in batches (one GX raw checkpoint per table and batch, not
per file): on every defect class of `generate --defects`, and on files that only fail when
checked alone, a batched load ends as a file-by-file load does. Same files committed (raw tables
equal), same stored failures (suite, expectation, column), same error, and the defect's own
expectation among the failures, and the same failures reported (those since the last run that
passed, as the report reads them); on data that passes, with fewer checkpoints."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from rusmonitor.defects import CAUGHT_BY, inject
from rusmonitor.load import LoadError, load_source
from rusmonitor.quality import QualityGateFailed

# the years of NPR a defect test copies (the defects touch the newest; three keep it quick)
NPR_YEARS = ("2022", "2023", "2024")
ONE_BY_ONE = 1  # RUSMONITOR_LOAD_BATCH_ROWS that checks every file alone


def _copy_source(landing: Path, source: str, out: Path) -> None:
    for folder in sorted((landing / source).iterdir()):
        if source == "npr" and folder.name not in NPR_YEARS:
            continue
        shutil.copytree(folder, out / source / folder.name)


def _load(source: str, landing: Path, warehouse: Path, budget: int, monkeypatch) -> dict:
    """Load one source into a new warehouse with this batch size: how it ended, what raw holds
    and which expectations failed in the stored results."""
    monkeypatch.setenv("RUSMONITOR_LOAD_BATCH_ROWS", str(budget))
    try:
        load_source(source, landing, warehouse)
        ended = None
    except (LoadError, QualityGateFailed) as stopped:
        ended = (type(stopped).__name__, str(stopped).split("\n")[0])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' ORDER BY 1"
            ).fetchall()
        ]
        raw = {}
        for table in tables:
            # the load records without when and how long
            columns = "* EXCLUDE (loaded_at, seconds)" if table == "_loads" else "*"
            raw[table] = con.execute(
                f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) "
                f'FROM (SELECT {columns} FROM raw."{table}") AS t'
            ).fetchall()[0]
        failed = con.execute(
            "SELECT DISTINCT suite, expectation, column_name FROM quality.quality_results "
            "WHERE NOT success ORDER BY ALL"
        ).fetchall()
        runs = con.execute("SELECT count(*) FROM quality.quality_runs").fetchall()[0][0]
        # what the report says (report_data.quality_status): the failures since the last run
        # that passed
        since = con.execute(
            "SELECT DISTINCT r.suite, r.expectation, r.column_name FROM quality.quality_results r "
            "JOIN quality.quality_runs u USING (run_id) WHERE NOT u.success AND u.validated_at > "
            "(SELECT coalesce(max(validated_at), '-infinity'::TIMESTAMP) FROM quality.quality_runs "
            "WHERE success) AND NOT r.success ORDER BY ALL"
        ).fetchall()
    return {"ended": ended, "raw": raw, "failed": failed, "runs": runs, "reported": since}


def _compare(source: str, landing: Path, tmp_path: Path, monkeypatch) -> tuple[dict, dict]:
    batched = _load(source, landing, tmp_path / "batched.duckdb", 500_000, monkeypatch)
    alone = _load(source, landing, tmp_path / "alone.duckdb", ONE_BY_ONE, monkeypatch)
    assert batched["ended"] == alone["ended"]
    assert batched["raw"] == alone["raw"]
    assert batched["failed"] == alone["failed"]
    assert batched["reported"] == alone["reported"]
    return batched, alone


@pytest.mark.parametrize("defect", sorted(CAUGHT_BY))
def test_a_batched_load_ends_as_a_file_by_file_load_on_every_defect_class(
    default_landing, defect, tmp_path, monkeypatch
):
    landing = tmp_path / "landing"
    for source in ("npr", "ungdata", "is_24_8", "dodsarsak"):  # what the defects touch
        _copy_source(default_landing, source, landing)
    (changed, *_) = inject(landing, [defect])
    source = changed.relative_to(landing).parts[0]

    batched, alone = _compare(source, landing, tmp_path, monkeypatch)

    layer, suite, expectation, column = CAUGHT_BY[defect]
    if layer == "raw" and suite != "raw.freshness":  # caught by the load itself
        assert (suite, expectation, column) in batched["failed"], batched["failed"]
        assert batched["ended"] is not None
    else:  # caught after the loads: the loads pass, in fewer checkpoints when batched
        assert batched["ended"] is None and batched["failed"] == []
        assert batched["runs"] < alone["runs"], (batched["runs"], alone["runs"])


def test_a_file_left_empty_by_its_quarantine_fails_in_a_batch_as_it_does_alone(
    default_landing, tmp_path, monkeypatch
):
    """A file whose only record is set aside writes no row: alone it fails the raw suite's row
    count; checked beside the other files' rows it would pass, so the batch checks it alone."""
    landing = tmp_path / "landing"
    _copy_source(default_landing, "kriminalomsorgen", landing)
    (path,) = sorted((landing / "kriminalomsorgen").glob("2017/*.csv"))
    header, first, *_ = path.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = first.split(";")
    fields[1] = "ukjent_type"  # not an allowed unit type: the record is set aside
    path.write_text(header + ";".join(fields), encoding="utf-8")

    batched, _ = _compare("kriminalomsorgen", landing, tmp_path, monkeypatch)

    assert batched["ended"][0] == "QualityGateFailed"
    row_count = ("raw.kriminalomsorgen_measures", "expect_table_row_count_to_be_between", None)
    assert row_count in batched["failed"], batched["failed"]


def test_a_file_in_a_batch_is_compared_with_the_files_before_it_not_after(
    default_landing, tmp_path, monkeypatch
):
    """IS-24/8's 2012 file has a quarter of the rows of the two before it: alone, in order, it
    fails the profile suite's row ratio. The files after it are half the size, which brings the
    median of all files down to where 2012 would pass; a batch compares it with the files the
    table held when it was written, and so fails it too."""
    landing = tmp_path / "landing"
    _copy_source(default_landing, "is_24_8", landing)
    rows = {"2010": 2000, "2011": 2000, "2012": 480}  # the later years: 1000
    for path in sorted((landing / "is_24_8").glob("*/*.csv")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(lines[: 1 + rows.get(path.parent.name, 1000)]), encoding="utf-8")

    batched, _ = _compare("is_24_8", landing, tmp_path, monkeypatch)

    assert batched["ended"][0] == "QualityGateFailed" and "2012" in batched["ended"][1]
    assert ("raw.is_24_8_fte.periods", "expect_column_values_to_be_between", "ratio_rows") in batched[
        "failed"
    ]
