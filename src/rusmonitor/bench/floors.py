"""The floors: the same work as each stage, as plain SQL executed directly in DuckDB (no
contract check, quarantine, load metadata, GX or dbt)."""

from __future__ import annotations

import json
import shutil
import time

import duckdb

from rusmonitor.bench.expectations_sql import check_sql
from rusmonitor.bench.folder import Bench
from rusmonitor.bench.stages import raw_rows


def floor_load(b: Bench, period: str = "*") -> dict:
    """Every extract (or only those of one period folder) into a table with its contract's
    types, by DuckDB alone."""
    from rusmonitor.load import landing_files, read_landing_file
    from rusmonitor.sources import SOURCES

    target = b.floor if period == "*" else b.floor.with_name(f"floor_load_{period}.duckdb")
    target.parent.mkdir(parents=True, exist_ok=True)
    for left in (target, target.with_suffix(".duckdb.wal")):  # a killed bench's too
        left.unlink(missing_ok=True)
    rows = 0
    with duckdb.connect(str(target)) as con:
        con.execute("CREATE SCHEMA raw")
        csv_extracts = [(s.id, e) for s in SOURCES for e in s.extracts if e.reader == "csv"]
        for source, extract in csv_extracts:
            for contract in extract.contracts:
                files = [str(p) for p in (b.landing / source).glob(f"{period}/{extract.pattern}")]
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
        # XLSX and JSON-stat: their own readers
        for source in [s.id for s in SOURCES if any(e.reader != "csv" for e in s.extracts)]:
            for path in landing_files(source, b.landing):
                if period != "*" and path.parent.name != period:
                    continue
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
    from rusmonitor.sources import CONTRACTS

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
        rows = raw_rows(con)
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
    for left in (target, target.with_suffix(".duckdb.wal")):  # a killed bench's too
        left.unlink(missing_ok=True)
    rows = 0
    with duckdb.connect(str(target)) as con:
        con.execute(f"ATTACH '{b.warehouse}' AS build (READ_ONLY)")
        for table in PUBLISHED_TABLES:
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM build.marts.{table}")
            rows += con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    return {"rows": rows}
