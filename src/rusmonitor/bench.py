"""`rusmonitor bench`: the whole rebuild at national scale, stage by stage, against a floor.

Generates national-scale extracts for 2010-2024 (NPR at the register's volume: about 27 000
TSB patients and 600 000 outpatient contacts a year; every survey), then times each stage of
the pipeline as the DAG runs it (generate, load, GX raw, dbt build, GX marts, publish) and, in
the same run, the floor: the same work as plain SQL executed directly in DuckDB.

- load floor: every extract read by DuckDB's read_csv with the contract's types (no contract
  check, quarantine, load metadata or per-file transaction);
- GX raw floor: the contract's expectations as one SQL aggregate per raw table;
- dbt floor: the compiled SQL of every model run in dependency order (no tests, no dbt), plus
  the Python model's own execution time as dbt reports it;
- GX marts floor: the mart suite's expectations that SQL can state, as one aggregate;
- publish floor: the published tables copied with one CREATE TABLE AS each.

Every stage runs in a child process, so its peak memory (max RSS) is its own. Also measured:
an incremental run (the 2024 extracts arriving on a warehouse holding 2010-2023), the parse
time of every DAG file as the DAG processor parses it, and the dbt stage run by cosmos inside
Airflow (rusmonitor_transform with dag.test()) against one plain `dbt build`.

Figures, not assertions: machines are noisy; the ratios come from the same run.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from rusmonitor.catalog import default_suppression_limit, small_counts_text

log = logging.getLogger(__name__)

NEW_YEAR = 2024


# ---------------------------------------------------------------- paths of one bench folder
class Bench:
    def __init__(self, root: Path):
        self.root = root
        self.landing = root / "landing"
        self.warehouse = root / "warehouse" / "rusmonitor.duckdb"
        self.serving = root / "serving" / "warehouse.duckdb"
        self.floor = root / "floor" / "floor_load.duckdb"
        # a copy of the built warehouse with the same file stem, so dbt's relation names fit
        self.floor_dbt = root / "floor_dbt" / "rusmonitor.duckdb"
        self.incremental = root / "incremental" / "warehouse" / "rusmonitor.duckdb"

    def env(self, warehouse: Path | None = None) -> dict[str, str]:
        warehouse = warehouse or self.warehouse
        return {
            "RUSMONITOR_DATA": str(self.root / "data"),
            "RUSMONITOR_LANDING": str(self.landing),
            "RUSMONITOR_WAREHOUSE": str(warehouse),
            "RUSMONITOR_SERVING": str(warehouse.parent.parent / "serving" / "warehouse.duckdb"),
            "RUSMONITOR_QUALITY": str(warehouse.parent.parent / "quality"),
            "AIRFLOW_HOME": str(self.root / "airflow"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            # the bench writes its extracts whole before it loads them: time the load, not the
            # settle time a publisher's copy is given (delivery.py)
            "RUSMONITOR_SETTLE_SECONDS": "0",
        }


# ---------------------------------------------------------------- GX expectations as SQL
def _literal(value) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def expectation_sql(expectation, columns: set[str]) -> str | None:
    """An SQL aggregate over relation t that is non-zero when the expectation fails, or None
    when it needs what SQL over t cannot see (a column computed in pandas)."""
    kind = type(expectation).__name__
    get = expectation.__dict__.get
    column = get("column")
    if column is not None and column not in columns:
        return None
    if kind == "ExpectColumnValuesToNotBeNull":
        return f'count(*) FILTER (WHERE "{column}" IS NULL)'
    if kind == "ExpectColumnValuesToBeNull":
        return f'count(*) FILTER (WHERE "{column}" IS NOT NULL)'
    if kind in ("ExpectColumnValuesToBeInSet", "ExpectColumnValuesToNotBeInSet"):
        values = ", ".join(_literal(v) for v in get("value_set"))
        negate = "NOT " if kind == "ExpectColumnValuesToBeInSet" else ""
        return f'count(*) FILTER (WHERE "{column}" IS NOT NULL AND {negate}"{column}" IN ({values}))'
    if kind == "ExpectColumnValuesToMatchRegex":
        return (
            f'count(*) FILTER (WHERE "{column}" IS NOT NULL AND NOT regexp_matches("{column}", '
            f"{_literal(get('regex'))}))"
        )
    if kind == "ExpectColumnValuesToBeBetween":
        low, high = get("min_value"), get("max_value")
        tests = [f'"{column}" < {_literal(low)}' if low is not None else None]
        tests.append(f'"{column}" > {_literal(high)}' if high is not None else None)
        return f"count(*) FILTER (WHERE {' OR '.join(t for t in tests if t) or 'false'})"
    if kind == "ExpectColumnValuesToBeUnique":
        return f'count("{column}") - count(DISTINCT "{column}")'
    if kind == "ExpectCompoundColumnsToBeUnique":
        cols = get("column_list")
        if not set(cols) <= columns:
            return None
        quoted = ", ".join(f'"{c}"' for c in cols)
        return f"count(*) - count(DISTINCT ({quoted}))"
    if kind == "ExpectColumnPairValuesAToBeGreaterThanB":
        a, b = get("column_A"), get("column_B")
        if not {a, b} <= columns:
            return None
        op = "<" if get("or_equal") else "<="
        return f'count(*) FILTER (WHERE "{a}" {op} "{b}")'
    if kind == "ExpectTableRowCountToBeBetween":
        low = get("min_value") or 0
        return f"CAST(count(*) < {low} AS INTEGER)"
    if kind in ("ExpectTableColumnsToMatchSet", "ExpectTableColumnsToMatchOrderedList"):
        return "0"  # a catalog lookup, no scan: free in SQL
    if kind == "ExpectColumnDistinctValuesToContainSet":
        values = ", ".join(_literal(v) for v in get("value_set"))
        return f'len(list_filter([{values}], lambda v: NOT list_contains(list(DISTINCT "{column}"), v)))'
    return None


def check_sql(relation: str, expectations: list, columns: set[str]) -> tuple[str, int]:
    """One query running every expectation SQL can state; and how many it could state."""
    parts = [sql for e in expectations if (sql := expectation_sql(e, columns)) is not None]
    return f"SELECT {', '.join(parts) or '0'} FROM {relation} AS t", len(parts)


# ---------------------------------------------------------------- the stages (child processes)
def _raw_rows(con: duckdb.DuckDBPyConnection) -> int:
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
    from rusmonitor.generate import generate, parse_years

    shutil.rmtree(b.landing, ignore_errors=True)
    # every year each source covers (2010-2024, the deaths from 2002, the 2003 census), unless
    # a smaller run asks for fewer (--years, --sample)
    years = os.environ.get("RUSMONITOR_BENCH_YEARS")
    written = generate(
        parse_years(years) if years else None,
        out=b.landing,
        national=os.environ.get("RUSMONITOR_BENCH_SAMPLE") != "1",
    )
    return {"rows": _count_rows(written), "files": len(written)}


def _load_all(warehouse: Path, landing: Path) -> dict:
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
    return _load_all(b.warehouse, b.landing)


def stage_gx_raw(b: Bench) -> dict:
    """What the DAG's validate_raw runs after the loads: the freshness suite (the contract and
    period suites ran per file inside the load; their time is reported from quality_runs)."""
    from rusmonitor import quality

    results = quality.validate_freshness(b.warehouse)
    return {"rows": sum(r.rows for r in results), "passed": all(r.success for r in results)}


def stage_dbt(b: Bench) -> dict:
    from rusmonitor.transform import run_dbt

    counts = run_dbt("build", b.warehouse)
    with duckdb.connect(str(b.warehouse), read_only=True) as con:
        rows = _raw_rows(con)
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


# ---------------------------------------------------------------- the floors (child processes)
def floor_load(b: Bench) -> dict:
    """Every extract into a table with its contract's types, by DuckDB alone."""
    from rusmonitor.load import CSV_SOURCES, landing_files, read_landing_file

    shutil.rmtree(b.floor.parent, ignore_errors=True)
    b.floor.parent.mkdir(parents=True)
    rows = 0
    with duckdb.connect(str(b.floor)) as con:
        con.execute("CREATE SCHEMA raw")
        for source, kinds in CSV_SOURCES.items():
            for pattern, contract in kinds:
                files = [str(p) for p in (b.landing / source).glob(f"*/{pattern}")]
                if not files:
                    continue
                types = ", ".join(f"'{c.name}': '{c.sql_type}'" for c in contract.columns)
                con.execute(
                    f"CREATE TABLE raw.{contract.table} AS SELECT * FROM read_csv(?, delim = ';', "
                    f"header = true, columns = {{{types}}}, decimal_separator = "
                    f"'{',' if contract.decimal_comma else '.'}', union_by_name = true)",
                    [files],
                )
                rows += con.execute(f"SELECT count(*) FROM raw.{contract.table}").fetchall()[0][0]
        for source in ("samdata", "ssb_population"):  # XLSX and JSON-stat: their own readers
            for path in landing_files(source, b.landing):
                for incoming in read_landing_file(source, path):
                    table = incoming.contract.table
                    con.register("incoming", incoming.frame)
                    exists = con.execute(
                        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name = ?",
                        [table],
                    ).fetchall()[0][0]
                    verb = f"INSERT INTO raw.{table}" if exists else f"CREATE TABLE raw.{table} AS"
                    con.execute(f"{verb} SELECT * FROM incoming")
                    con.unregister("incoming")
                    rows += len(incoming.frame)
    return {"rows": rows}


def floor_gx_raw(b: Bench) -> dict:
    """The contract and period suites the loads ran, as one SQL aggregate per raw table."""
    from rusmonitor import quality
    from rusmonitor.contracts import CONTRACTS

    rows, stated, total, seconds = 0, 0, 0, 0.0
    with duckdb.connect(str(b.warehouse), read_only=True) as con:
        for table, contract in CONTRACTS.items():
            columns = {r[0] for r in con.execute(f"DESCRIBE raw.{table}").fetchall()}
            expectations = quality.raw_expectations(contract)
            sql, n = check_sql(f"raw.{table}", expectations, columns)
            started = time.perf_counter()
            con.execute(sql).fetchall()
            seconds += time.perf_counter() - started
            rows += con.execute(f"SELECT count(*) FROM raw.{table}").fetchall()[0][0]
            stated, total = stated + n, total + len(expectations)
    # the SQL alone: importing GX to build the expectations is not the floor's work
    return {"rows": rows, "expectations": f"{stated}/{total}", "seconds_override": seconds}


def floor_dbt(b: Bench) -> dict:
    """The compiled SQL of every model, in dependency order, run by DuckDB alone on a copy of
    the built warehouse (CREATE OR REPLACE: the same work as building it new). Seeds and the
    Python model cannot run as SQL: their tables stay and dbt's own timing of them is added."""
    work = b.root / "data" / "dbt" / "target"
    manifest = json.loads((work / "manifest.json").read_text())
    timings = {
        r["unique_id"]: r["execution_time"]
        for r in json.loads((work / "run_results.json").read_text())["results"]
    }
    nodes = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] in ("model", "seed")}
    order, seen = [], set()

    def visit(uid: str) -> None:
        if uid in seen or uid not in nodes:
            return
        seen.add(uid)
        for parent in nodes[uid]["depends_on"].get("nodes", []):
            visit(parent)
        order.append(uid)

    for uid in sorted(nodes):
        visit(uid)
    shutil.rmtree(b.floor_dbt.parent, ignore_errors=True)
    b.floor_dbt.parent.mkdir(parents=True)
    shutil.copy(b.warehouse, b.floor_dbt)
    not_sql, ran = 0.0, 0
    started = time.perf_counter()
    with duckdb.connect(str(b.floor_dbt)) as con:
        for uid in order:
            node = nodes[uid]
            materialized = node["config"]["materialized"]
            if node["resource_type"] == "seed" or node.get("language") == "python":
                not_sql += timings.get(uid, 0.0)
                continue
            if materialized == "ephemeral":
                continue
            target = f'"{node["schema"]}"."{node["alias"] or node["name"]}"'
            kind = "VIEW" if materialized == "view" else "TABLE"
            con.execute(f"CREATE OR REPLACE {kind} {target} AS {node['compiled_code']}")
            ran += 1
        rows = _raw_rows(con)
    return {
        "rows": rows,
        "models": ran,
        "python_seconds": not_sql,
        "seconds_override": time.perf_counter() - started + not_sql,
    }


def floor_gx_marts(b: Bench) -> dict:
    from rusmonitor import quality

    with duckdb.connect(str(b.warehouse), read_only=True) as con:
        years = quality.loaded_years(con)
        relation = (
            "(SELECT m.*, i.is_person_count, i.is_denominator_person_count "
            "FROM marts.mart_indicator_values m JOIN marts.dim_indicator i USING (indicator_id))"
        )
        columns = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}
        expectations = quality.mart_expectations(years)
        sql, n = check_sql(relation, expectations, columns)
        started = time.perf_counter()
        con.execute(sql).fetchall()
        seconds = time.perf_counter() - started
        rows = con.execute("SELECT count(*) FROM marts.mart_indicator_values").fetchall()[0][0]
    return {"rows": rows, "expectations": f"{n}/{len(expectations)}", "seconds_override": seconds}


def floor_publish(b: Bench) -> dict:
    from rusmonitor.publish import PUBLISHED_TABLES

    target = b.root / "floor" / "published.duckdb"
    target.unlink(missing_ok=True)
    rows = 0
    with duckdb.connect(str(target)) as con:
        con.execute(f"ATTACH '{b.warehouse}' AS build (READ_ONLY)")
        for table in PUBLISHED_TABLES:
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM build.marts.{table}")
            rows += con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    return {"rows": rows}


# ---------------------------------------------------------------- incremental, DAGs, cosmos
def incremental_prepare(b: Bench) -> dict:
    """The built warehouse as it stood before the 2024 extracts came: their rows and load
    records removed (cheaper than loading 2010-2023 again, and the same state)."""
    shutil.rmtree(b.root / "incremental", ignore_errors=True)
    b.incremental.parent.mkdir(parents=True)
    shutil.copy(b.warehouse, b.incremental)
    with duckdb.connect(str(b.incremental)) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'"
            ).fetchall()
        ]
        for table in tables:
            cols = {r[0] for r in con.execute(f'DESCRIBE raw."{table}"').fetchall()}
            if "_source_file" in cols:
                con.execute(f"DELETE FROM raw.\"{table}\" WHERE _source_file LIKE '%/{NEW_YEAR}/%'")
        con.execute(f"DELETE FROM raw._loads WHERE source_file LIKE '%/{NEW_YEAR}/%'")
    return {"rows": 0}


def incremental_run(b: Bench) -> dict:
    """The 2024 files arrive: load (the rest is unchanged and skipped), dbt, GX, publish."""
    from rusmonitor import quality
    from rusmonitor.publish import publish
    from rusmonitor.transform import run_dbt

    times = {}
    started = time.perf_counter()
    loaded = _load_all(b.incremental, b.landing)
    times["load"] = time.perf_counter() - started
    t = time.perf_counter()
    quality.validate_freshness(b.incremental)
    run_dbt("build", b.incremental)
    times["dbt"] = time.perf_counter() - t
    t = time.perf_counter()
    quality.validate_marts(b.incremental)
    times["gx_marts"] = time.perf_counter() - t
    t = time.perf_counter()
    publish(b.incremental, b.incremental.parent.parent / "serving" / "warehouse.duckdb", run_id="incremental")
    times["publish"] = time.perf_counter() - t
    return {"rows": loaded["rows"], "files": loaded["files"], "times": times}


PARSE_ONE = """
import sys, time
import airflow  # the DAG processor has Airflow imported before it parses a file
from airflow.dag_processing.dagbag import DagBag
started = time.perf_counter()
bag = DagBag(dag_folder=sys.argv[1], safe_mode=True)
print("PARSE", time.perf_counter() - started, len(bag.dags), sum(len(d.tasks) for d in bag.dags.values()),
      len(bag.import_errors))
"""


def dag_parse(b: Bench) -> dict:
    """Each DAG file parsed as the DAG processor parses it: in a fresh process with Airflow
    imported, DagBag over the one file; twice, since cosmos runs `dbt ls` on a cold cache."""
    from rusmonitor import orchestrate
    from rusmonitor.settings import DAGS_DIR

    orchestrate.migrate_db()
    out = {}
    for path in sorted(DAGS_DIR.glob("*.py")):
        for attempt in ("cold", "warm"):
            proc = subprocess.run(
                [sys.executable, "-c", PARSE_ONE, str(path)], capture_output=True, text=True, env=os.environ
            )
            line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("PARSE ")), None)
            if line is None:
                raise RuntimeError(f"parsing {path.name} failed:\n{proc.stderr[-2000:]}")
            seconds, dags, tasks, errors = line.split()[1:]
            fig = out.setdefault(path.name, {"dags": int(dags), "tasks": int(tasks), "errors": int(errors)})
            fig[attempt] = float(seconds)
    return {"rows": 0, "files": out}


def cosmos_transform(b: Bench) -> dict:
    """The dbt stage as Airflow runs it under the Asset schedule: rusmonitor_transform (cosmos,
    one task per node) with dag.test(); its dbt tasks timed apart from the rest."""
    from rusmonitor import orchestrate

    orchestrate.migrate_db()
    dag = orchestrate.load_dag("rusmonitor_transform")
    started = time.perf_counter()
    run = dag.test()
    wall = time.perf_counter() - started
    tis = run.get_task_instances()
    dbt_seconds = sum(ti.duration or 0 for ti in tis if ti.task_id.startswith("dbt."))
    dbt_tasks = [ti for ti in tis if ti.task_id.startswith("dbt.")]
    first = min(ti.start_date for ti in dbt_tasks)
    last = max(ti.end_date for ti in dbt_tasks)
    from rusmonitor.cosmos_dbt import describe_modes

    return {
        "rows": 0,
        "mode": describe_modes(),
        "state": str(run.state),
        "failed": sorted(ti.task_id for ti in tis if str(ti.state) in ("failed", "upstream_failed"))[:10],
        "tasks": len(tis),
        "dbt_tasks": len(dbt_tasks),
        "dbt_wall": (last - first).total_seconds(),
        "dbt_task_seconds": dbt_seconds,
        "wall": wall,
    }


STEPS = {
    "generate": stage_generate,
    "load": stage_load,
    "gx_raw": stage_gx_raw,
    "dbt": stage_dbt,
    "gx_marts": stage_gx_marts,
    "publish": stage_publish,
    "floor_load": floor_load,
    "floor_gx_raw": floor_gx_raw,
    "floor_dbt": floor_dbt,
    "floor_gx_marts": floor_gx_marts,
    "floor_publish": floor_publish,
    "incremental_prepare": incremental_prepare,
    "incremental_run": incremental_run,
    "dag_parse": dag_parse,
    "plain_dbt": stage_dbt,
    "cosmos_transform": cosmos_transform,
    "disclosure_audit": disclosure_audit,
    "disclosure_loss": disclosure_loss,
}


def child(step: str, root: Path) -> None:
    """Run one step in this (fresh) process and print its figures as the last line."""
    b = Bench(root)
    started = time.perf_counter()
    figures = STEPS[step](b)
    seconds = figures.pop("seconds_override", None) or time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        "BENCH " + json.dumps({"step": step, "seconds": seconds, "peak_mb": peak_mb, **figures}, default=str)
    )


# ---------------------------------------------------------------- the parent: run and report
def run_step(step: str, b: Bench, warehouse: Path | None = None, extra_env: dict | None = None) -> dict:
    env = {**os.environ, **b.env(warehouse), **(extra_env or {})}
    log.info("bench: %s ...", step)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "rusmonitor.bench", "--child", step, "--dir", str(b.root)],
        env=env,
        capture_output=True,
        text=True,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")]
    if proc.returncode != 0 or not lines:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
        raise RuntimeError(f"bench step {step} failed (exit {proc.returncode}):\n{tail}")
    figures = json.loads(lines[-1][len("BENCH ") :])
    log.info(
        "bench: %s done in %.1f s (process %.1f s)", step, figures["seconds"], time.perf_counter() - started
    )
    return figures


def _fmt(x: float | None, digits: int = 1) -> str:
    return "" if x is None else f"{x:,.{digits}f}".replace(",", " ")


def report(results: dict[str, dict]) -> str:
    lines = []
    load = results["load"]
    gx_in_load = load["gx_seconds"]
    stages = [
        ("generate", results["generate"], None),
        (
            "load (contract, quarantine, metadata)",
            {**load, "seconds": load["seconds"] - gx_in_load},
            results["floor_load"],
        ),
        (
            "GX raw (per-file checkpoints + freshness)",
            {
                **results["gx_raw"],
                "seconds": gx_in_load + results["gx_raw"]["seconds"],
                "rows": load["rows"],
                "peak_mb": max(load["peak_mb"], results["gx_raw"]["peak_mb"]),
            },
            results["floor_gx_raw"],
        ),
        ("dbt build (models + tests)", results["dbt"], results["floor_dbt"]),
        ("GX marts", results["gx_marts"], results["floor_gx_marts"]),
        ("publish", results["publish"], results["floor_publish"]),
    ]
    head = f"{'stage':<44}{'seconds':>9}{'rows':>13}{'rows/s':>12}{'peak MB':>9}{'floor s':>9}{'ratio':>7}"
    lines += [head, "-" * len(head)]
    total = floor_total = 0.0
    for label, fig, floor in stages:
        seconds, rows = fig["seconds"], fig.get("rows") or 0
        ratio = seconds / floor["seconds"] if floor and floor["seconds"] else None
        total += seconds if floor else 0
        floor_total += floor["seconds"] if floor else 0
        lines.append(
            f"{label:<44}{_fmt(seconds):>9}{_fmt(rows, 0):>13}{_fmt(rows / seconds if seconds else 0, 0):>12}"
            f"{_fmt(fig['peak_mb'], 0):>9}{_fmt(floor['seconds'] if floor else None):>9}"
            f"{(_fmt(ratio) + '×') if ratio else '':>7}"
        )
    lines.append(
        f"{'rebuild (load → publish)':<44}{_fmt(total):>9}{'':>13}{'':>12}{'':>9}{_fmt(floor_total):>9}"
        f"{_fmt(total / floor_total) + '×':>7}"
    )
    lines.append("")
    lines.append(
        f"outcomes: load {load['files']}; GX raw freshness passed: {results['gx_raw']['passed']}; "
        f"dbt {results['dbt']['nodes']}; GX marts passed: {results['gx_marts']['passed']}"
    )
    floor_dbt = results["floor_dbt"]
    lines.append(
        f"floors: GX raw states {results['floor_gx_raw']['expectations']} expectations in SQL, "
        f"GX marts {results['floor_gx_marts']['expectations']}; the dbt floor runs "
        f"{floor_dbt['models']} SQL models (seeds and the Python model: "
        f"{_fmt(floor_dbt['python_seconds'])} s as dbt timed them)"
    )
    if "incremental_run" in results:
        inc = results["incremental_run"]
        parts = ", ".join(f"{k} {_fmt(v)} s" for k, v in inc["times"].items())
        lines.append(
            f"incremental run (the {NEW_YEAR} extracts on a warehouse holding the years before): "
            f"{_fmt(inc['seconds'])} s ({parts}); files {inc['files']}; "
            f"rows loaded {_fmt(inc['rows'], 0)}; peak {_fmt(inc['peak_mb'], 0)} MB; "
            f"{_fmt(inc['seconds'] / total, 2)}× the full rebuild"
        )
    if "dag_parse" in results:
        lines.append("DAG parse time (DagBag over one file in a fresh process, as the DAG processor does):")
        for name, fig in results["dag_parse"]["files"].items():
            lines.append(
                f"  {name:<24} first {_fmt(fig['cold'], 2):>6} s, again {_fmt(fig['warm'], 2):>6} s  "
                f"{fig['dags']} DAG(s), {fig['tasks']} tasks, {fig['errors']} import errors"
            )
    for key in ("cosmos_transform", "cosmos_transform_after_each", "cosmos_transform_subprocess"):
        if key not in results:
            continue
        c, plain = results[key], results["plain_dbt"]
        per_task = c["dbt_task_seconds"] / max(c["dbt_tasks"], 1)
        lines.append(
            f"orchestration: plain `dbt build` {_fmt(plain['seconds'])} s; the same project under "
            f"Airflow by cosmos ({c['mode']}): {c['dbt_tasks']} dbt tasks in {_fmt(c['dbt_wall'])} s "
            f"({_fmt(c['dbt_wall'] / plain['seconds'], 1)}× plain dbt; {_fmt(per_task, 2)} s a task); "
            f"whole DAG run {_fmt(c['wall'])} s, {c['state']}"
            + (f" (failed: {', '.join(c['failed'])})" if c.get("failed") else "")
            + f"; peak {_fmt(c['peak_mb'], 0)} MB"
        )
    if "disclosure_audit" in results:
        a = results["disclosure_audit"]
        lines.append("")
        lines.append(
            f"disclosure audit of the published file: {_fmt(a['seconds'])} s, {a['solves']} linear "
            f"programmes; {a['hidden_cells']} hidden cells ({a['truly_small']} truly {small_counts_text()}): "
            f"{a['exact']} exactly derivable, {a['under_protected']} under-protected, "
            f"{a['findings']} findings; peak {_fmt(a['peak_mb'], 0)} MB"
        )
    if "disclosure_loss" in results:
        lines.append("")
        lines.append(
            "information loss (rows of the long mart; cells of the protected system beside tau-Argus):"
        )
        lines.append(results["disclosure_loss"]["text"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rusmonitor bench", description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: data/bench)")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--reuse-landing", action="store_true", help="keep extracts generated before")
    parser.add_argument("--years", default=None, help="a smaller run: e.g. 2020-2024 (default: all)")
    parser.add_argument(
        "--sample", action="store_true", help="the default sample (no NPR outpatient contacts): a smoke run"
    )
    parser.add_argument(
        "--cosmos-compare",
        action="store_true",
        help="also run the cosmos transform with TestBehavior.AFTER_EACH and with "
        "InvocationMode.SUBPROCESS, for comparison",
    )
    parser.add_argument("--skip", default="", help="comma-separated: audit, loss, incremental, dags, cosmos")
    args = parser.parse_args(argv)
    from rusmonitor.settings import data_dir

    root = (args.dir or data_dir() / "bench").resolve()
    if args.child:
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
        child(args.child, root)
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    root.mkdir(parents=True, exist_ok=True)
    if args.years:
        os.environ["RUSMONITOR_BENCH_YEARS"] = args.years
    if args.sample:
        os.environ["RUSMONITOR_BENCH_SAMPLE"] = "1"
    b, skip = Bench(root), {s.strip() for s in args.skip.split(",") if s.strip()}
    results: dict[str, dict] = {}
    if args.reuse_landing and b.landing.exists():
        results["generate"] = {"seconds": 0.0, "rows": 0, "peak_mb": 0.0}
    else:
        results["generate"] = run_step("generate", b)
    for step in (
        "load",
        "floor_load",
        "gx_raw",
        "floor_gx_raw",
        "dbt",
        "floor_dbt",
        "gx_marts",
        "floor_gx_marts",
        "publish",
        "floor_publish",
    ):
        results[step] = run_step(step, b)
    if "audit" not in skip:
        results["disclosure_audit"] = run_step("disclosure_audit", b)
    if "loss" not in skip:
        results["disclosure_loss"] = run_step("disclosure_loss", b)
    if "incremental" not in skip:
        run_step("incremental_prepare", b)
        results["incremental_run"] = run_step("incremental_run", b, warehouse=b.incremental)
    if "dags" not in skip:
        results["dag_parse"] = run_step("dag_parse", b)
    if "cosmos" not in skip:
        results["plain_dbt"] = run_step("plain_dbt", b)
        results["cosmos_transform"] = run_step("cosmos_transform", b)
        if args.cosmos_compare:  # the modes we did not pick, each against the same plain build
            results["cosmos_transform_after_each"] = run_step(
                "cosmos_transform", b, extra_env={"RUSMONITOR_COSMOS_TEST_BEHAVIOR": "after_each"}
            )
            results["cosmos_transform_subprocess"] = run_step(
                "cosmos_transform", b, extra_env={"RUSMONITOR_COSMOS_INVOCATION": "subprocess"}
            )
    text = report(results)
    (root / "bench.json").write_text(json.dumps(results, indent=2, default=str))
    (root / "bench.txt").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
