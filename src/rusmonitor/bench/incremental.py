"""The incremental run: the newest year's extracts arriving on a warehouse holding the years
before it."""

from __future__ import annotations

import shutil
import time

import duckdb

from rusmonitor.bench.folder import Bench
from rusmonitor.bench.stages import load_all

NEW_YEAR = 2024


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
    loaded = load_all(b.incremental, b.landing)
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
