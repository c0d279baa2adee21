"""Validation results, kept: in the warehouse (schema `quality`) and, for the report, in a small
file beside the serving file (`quality.duckdb`, replaced in one rename), so the report can say
that the newest run failed quality while it keeps serving the last good data.

quality_runs     one row per validation run of one suite: run id, layer, suite, when,
                 success (no critical failure), rows validated, seconds, counts of failures
quality_results  one row per expectation per run: expectation, column, severity, success,
                 observed value, unexpected count, error, its GX kwargs, and what it is about:
                 indicator_id (a mart expectation whose row condition names one indicator;
                 null for whole-mart ones) and source (a raw suite: the catalog source whose
                 table it checks; null otherwise), so the report selects an indicator's
                 results with plain column filters
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import uuid
from pathlib import Path

import duckdb
import pandas as pd

from rusmonitor.quality import CRITICAL, SuiteResult
from rusmonitor.settings import quality_file, warehouse_path
from rusmonitor.sources import CONTRACTS, SOURCES

log = logging.getLogger(__name__)

DDL = """
CREATE SCHEMA IF NOT EXISTS quality;
CREATE TABLE IF NOT EXISTS quality.quality_runs (
    run_id VARCHAR, layer VARCHAR, suite VARCHAR, context VARCHAR, validated_at TIMESTAMP,
    success BOOLEAN, rows_validated BIGINT, seconds DOUBLE, expectations INTEGER,
    failed_critical INTEGER, failed_warning INTEGER);
CREATE TABLE IF NOT EXISTS quality.quality_results (
    run_id VARCHAR, suite VARCHAR, expectation VARCHAR, column_name VARCHAR, severity VARCHAR,
    success BOOLEAN, observed_value VARCHAR, unexpected_count BIGINT, error VARCHAR,
    kwargs VARCHAR, indicator_id VARCHAR, source VARCHAR);
"""
# columns added since the first stored results: a warehouse made before gets them, filled in
# from what its rows already hold (_backfill)
ADDED_COLUMNS = {"quality_results": {"indicator_id": "VARCHAR", "source": "VARCHAR"}}


def indicator_of(kwargs: dict | None) -> str | None:
    """The one indicator an expectation's row condition names (`indicator_id == x`, alone or
    in an AND of comparisons), else None: the whole-mart expectations, and any condition
    that names several indicators or none."""
    found: set[str] = set()

    def walk(condition) -> bool:
        if not isinstance(condition, dict):
            return False
        if condition.get("type") == "and":
            return all(walk(c) for c in condition.get("conditions") or [])
        if condition.get("type") == "comparison":
            column = condition.get("column") or {}
            name = column.get("name") if isinstance(column, dict) else column
            if name == "indicator_id":
                if condition.get("operator") != "==":
                    return False
                found.add(str(condition.get("parameter")))
            return True
        return False  # an OR, a NOT or a form not known here: not one indicator for sure

    condition = (kwargs or {}).get("row_condition")
    return found.pop() if walk(condition) and len(found) == 1 else None


def source_of(suite: str) -> str | None:
    """The catalog source whose raw table a suite checks (`raw.<table>`, its per-period suite
    `raw.<table>.periods`); None for the mart suite and raw.freshness (every source)."""
    layer, _, rest = suite.partition(".")
    contract = CONTRACTS.get(rest.split(".", 1)[0]) if layer == "raw" else None
    return contract.source if contract else None


def _migrate(c: duckdb.DuckDBPyConnection) -> None:
    """Create the tables, and give tables of an older layout the columns added since."""
    c.execute(DDL)
    for table, added in ADDED_COLUMNS.items():
        present = {
            r[0]
            for r in c.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'quality' "
                "AND table_name = ? AND database_name = current_database()",
                [table],
            ).fetchall()
        }
        missing = [name for name in added if name not in present]
        for name in missing:
            c.execute(f"ALTER TABLE quality.{table} ADD COLUMN IF NOT EXISTS {name} {added[name]}")
        if missing and table == "quality_results":
            _backfill(c)


def _backfill(c: duckdb.DuckDBPyConnection) -> None:
    """indicator_id and source of results stored before those columns: from the suite name
    and the stored kwargs (JSON cut at 2000 characters reads as none: null)."""
    stored = c.execute("SELECT DISTINCT suite, kwargs FROM quality.quality_results").df()
    if stored.empty:
        return

    def parsed(text):
        try:
            return json.loads(text) if isinstance(text, str) else None
        except ValueError:
            return None

    stored["indicator_id"] = [indicator_of(parsed(k)) for k in stored.kwargs]
    stored["source"] = [source_of(s) for s in stored.suite]
    c.register("backfill_frame", stored)
    c.execute(
        "UPDATE quality.quality_results r SET indicator_id = b.indicator_id, source = b.source "
        "FROM backfill_frame b WHERE r.suite = b.suite AND r.kwargs IS NOT DISTINCT FROM b.kwargs"
    )
    c.unregister("backfill_frame")


def new_run_id(layer: str) -> str:
    return f"{layer}-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def _json(value) -> str | None:
    if value is None:
        return None
    try:
        return json.dumps(value, default=str, ensure_ascii=False)[:2000]
    except (TypeError, ValueError):
        return str(value)[:2000]


def record(
    results: list[SuiteResult],
    layer: str,
    context: str = "",
    run_id: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    warehouse: Path | None = None,
) -> str:
    """Store the runs and one row per expectation; returns the run id."""
    run_id = run_id or new_run_id(layer)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    runs = pd.DataFrame(
        [
            {
                "run_id": run_id,
                "layer": layer,
                "suite": r.suite,
                "context": context,
                "validated_at": now,
                "success": r.success,
                "rows_validated": r.rows,
                "seconds": r.seconds,
                "expectations": len(r.outcomes),
                "failed_critical": sum(not o.success and o.severity == CRITICAL for o in r.outcomes),
                "failed_warning": sum(not o.success and o.severity != CRITICAL for o in r.outcomes),
            }
            for r in results
        ],
        columns=[
            "run_id", "layer", "suite", "context", "validated_at", "success", "rows_validated",
            "seconds", "expectations", "failed_critical", "failed_warning",
        ],
    )  # fmt: skip
    outcomes = pd.DataFrame(
        [
            {
                "run_id": run_id,
                "suite": o.suite,
                "expectation": o.expectation,
                "column_name": o.column,
                "severity": o.severity,
                "success": o.success,
                "observed_value": _json(o.observed),
                "unexpected_count": o.unexpected_count,
                "error": o.error,
                "kwargs": _json(o.kwargs),
                "indicator_id": indicator_of(o.kwargs),
                "source": source_of(o.suite),
            }
            for r in results
            for o in r.outcomes
        ],
        columns=[
            "run_id", "suite", "expectation", "column_name", "severity", "success",
            "observed_value", "unexpected_count", "error", "kwargs", "indicator_id", "source",
        ],
    )  # fmt: skip
    outcomes["unexpected_count"] = outcomes["unexpected_count"].astype("Int64")

    def write(c: duckdb.DuckDBPyConnection) -> None:
        _migrate(c)
        c.register("runs_frame", runs)
        c.register("outcomes_frame", outcomes)
        c.execute("INSERT INTO quality.quality_runs BY NAME SELECT * FROM runs_frame")
        c.execute("INSERT INTO quality.quality_results BY NAME SELECT * FROM outcomes_frame")
        c.unregister("runs_frame")
        c.unregister("outcomes_frame")

    if con is not None:
        write(con)
    else:
        with duckdb.connect(str(warehouse or warehouse_path())) as c:
            write(c)
    log.info(
        "quality run %s (%s): %d suite(s), %d expectation(s), %d critical failure(s)",
        run_id,
        layer,
        len(runs),
        len(outcomes),
        int(runs.failed_critical.sum()) if len(runs) else 0,
    )
    return run_id


def person_suites() -> set[str]:
    """The raw suites over person-level data (and their per-period suites): their row counts
    and unexpected counts are counts of persons."""
    return {f"raw.{c.table}" for s in SOURCES if s.persons for c in s.contracts}


def export(warehouse: Path | None = None, serving: Path | None = None) -> Path:
    """Copy the quality tables beside the serving file, replacing it in one rename: readers see
    the old file or the new one, never half of one."""
    target = quality_file(serving)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    with duckdb.connect(str(tmp)) as out:
        out.execute(f"ATTACH '{warehouse or warehouse_path()}' AS build (READ_ONLY)")
        present = {
            r[0]
            for r in out.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'build' "
                "AND schema_name = 'quality'"
            ).fetchall()
        }
        # counts of person-level rows stay in the build warehouse: the report needs to know
        # that a suite failed, not how many persons' records broke it
        persons = sorted(person_suites())
        out.execute("CREATE TEMP TABLE person_suites (suite VARCHAR)")
        out.executemany("INSERT INTO person_suites VALUES (?)", [[p] for p in persons])
        # a raw table's suite and its per-period suite (raw.<table>.periods)
        of_persons = "('raw.' || split_part(suite, '.', 2)) IN (SELECT suite FROM person_suites)"
        columns = {
            "quality_runs": {"rows_validated": "BIGINT"},
            "quality_results": {"observed_value": "VARCHAR", "unexpected_count": "BIGINT"},
        }
        for table, hide in columns.items():
            if table in present:
                replace = ", ".join(
                    f"CASE WHEN {of_persons} THEN NULL ELSE {c} END::{t} AS {c}" for c, t in hide.items()
                )
                out.execute(
                    f"CREATE TABLE {table} AS SELECT * REPLACE ({replace}) FROM build.quality.{table}"
                )
        out.execute("DETACH build")
    os.replace(tmp, target)
    return target
