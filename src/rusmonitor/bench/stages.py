"""The pipeline's stages as the DAG runs them (generate, load, GX raw, dbt build, GX marts,
publish), and the disclosure audit and information loss of the published file: each run in a
child process (rusmonitor.bench.steps) and returning its figures."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb

from rusmonitor.bench.folder import Bench
from rusmonitor.catalog import default_suppression_limit


def raw_rows(con: duckdb.DuckDBPyConnection) -> int:
    tables = [
        r[0]
        for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'").fetchall()
    ]
    return sum(
        con.execute(f'SELECT count(*) FROM raw."{t}"').fetchall()[0][0]
        for t in tables
        if not t.startswith("_")
    )


def _count_rows(paths: list[Path]) -> int:
    rows = 0
    for path in paths:
        if path.suffix == ".csv":
            with path.open("rb") as f:
                rows += sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 24), b"")) - 1
    return rows


def stage_generate(b: Bench) -> dict:
    from rusmonitor.generate import generate, parse_years, source_years
    from rusmonitor.sources import LOADED_SOURCES

    shutil.rmtree(b.landing, ignore_errors=True)
    # every year each source covers (2010-2024, the deaths from 2002, the 2003 census), unless
    # a smaller run asks for fewer (--years, --sample)
    years = (
        parse_years(os.environ["RUSMONITOR_BENCH_YEARS"])
        if os.environ.get("RUSMONITOR_BENCH_YEARS")
        else None
    )
    national = os.environ.get("RUSMONITOR_BENCH_SAMPLE") != "1"
    written = generate(years, out=b.landing, national=national)
    # a source with none of its years in a smaller run's (the 2003 client census) gets its own,
    # so that every indicator has data and the mart suite, which asks for each, can pass
    for source in LOADED_SOURCES if years else ():
        if not source_years(source, years):
            written += generate(source_years(source), out=b.landing, sources=[source], national=national)
    return {"rows": _count_rows(written), "files": len(written)}


def load_all(warehouse: Path, landing: Path) -> dict:
    from rusmonitor import load
    from rusmonitor.sources import LOADED_SOURCES

    started = time.perf_counter()
    rows, statuses = 0, {}
    load.load_catalog(warehouse)
    for source in LOADED_SOURCES:
        if not load.landing_files(source, landing):
            continue
        for result in load.load_source(source, landing, warehouse):
            rows += result.rows
            statuses[result.status] = statuses.get(result.status, 0) + 1
    wall = time.perf_counter() - started
    with duckdb.connect(str(warehouse), read_only=True) as con:
        gx = con.execute(
            "SELECT coalesce(sum(seconds), 0) FROM quality.quality_runs WHERE layer = 'raw'"
        ).fetchall()[0][0]
    return {"rows": rows, "files": statuses, "gx_seconds": float(gx), "wall": wall}


def stage_load(b: Bench) -> dict:
    for path in (b.warehouse, b.warehouse.with_suffix(".duckdb.wal")):
        path.unlink(missing_ok=True)
    return load_all(b.warehouse, b.landing)


def stage_gx_raw(b: Bench) -> dict:
    """What the DAG's validate_raw runs after the loads: the freshness suite (the contract and
    period suites ran inside the load, per batch of files; their time is reported from quality_runs)."""
    from rusmonitor import quality

    results = quality.validate_freshness(b.warehouse)
    return {"rows": sum(r.rows for r in results), "passed": all(r.success for r in results)}


def stage_dbt(b: Bench) -> dict:
    from rusmonitor.transform import run_dbt

    counts = run_dbt("build", b.warehouse)
    with duckdb.connect(str(b.warehouse), read_only=True) as con:
        rows = raw_rows(con)
    return {"rows": rows, "nodes": counts}


def stage_gx_marts(b: Bench) -> dict:
    from rusmonitor import quality

    results = quality.validate_marts(b.warehouse)
    return {"rows": sum(r.rows for r in results), "passed": all(r.success for r in results)}


def stage_publish(b: Bench) -> dict:
    from rusmonitor.publish import publish

    counts = publish(b.warehouse, b.serving, run_id="bench")
    return {"rows": sum(counts.values())}


def disclosure_audit(b: Bench) -> dict:
    """The LP disclosure audit of the published file (and its truth check against the build)."""
    from rusmonitor.disclosure.audit import audit, format_report

    report = audit(b.serving, truth_warehouse=b.warehouse)
    s, t = report.summary, report.truth
    return {
        "rows": int(s.rows.sum()),
        "hidden_cells": int(s.hidden_cells.sum()),
        "exact": int(s.exact.sum()),
        "under_protected": int(s.under_protected.sum()),
        "findings": len(report.findings),
        "truly_small": int(t.true_value.between(1, default_suppression_limit()).sum()),
        "solves": report.solves,
        "text": format_report(report, max_findings=10),
    }


def disclosure_loss(b: Bench) -> dict:
    """Information loss per indicator and level, and beside tau-Argus' optimal suppression."""
    from rusmonitor.disclosure.loss import against_tauargus, format_loss, hidden_shares

    shares = hidden_shares(b.warehouse)
    timeout = float(os.environ.get("RUSMONITOR_BENCH_TAU_SECONDS", "60"))
    table, summary = against_tauargus(b.warehouse, timeout=timeout)
    return {**summary, "text": format_loss(shares, table, summary)}
