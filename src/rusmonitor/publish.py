"""Publish the marts to the serving file the report reads.

The marts are copied into a new DuckDB file beside the serving file, which then replaces it in
one rename: readers see the old version or the new one, never a half-built file, and the build
warehouse is never opened by the report. The previous version is kept as a hard link
(warehouse.prev.duckdb) so the last good data survives a bad publish.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import duckdb

from rusmonitor.settings import serving_path, warehouse_path

log = logging.getLogger(__name__)

# The public tables: aggregates and metadata only; person-level models are never copied.
PUBLISHED_TABLES = (
    "mart_indicator_values",
    "mart_indicator_lineage",
    "mart_indicator_trends",
    "dim_indicator",
    "dim_geography",
    "dim_time",
    *(f"mart_goal_{goal}" for goal in range(1, 6)),
)


def publish(
    warehouse: Path | None = None, serving: Path | None = None, run_id: str | None = None
) -> dict[str, int]:
    warehouse = warehouse or warehouse_path()
    serving = serving or serving_path()
    serving.parent.mkdir(parents=True, exist_ok=True)
    staging = serving.with_name(f".{serving.name}.{os.getpid()}.tmp")
    staging.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    try:
        with duckdb.connect(str(staging)) as con:
            con.execute(f"ATTACH '{warehouse}' AS build (READ_ONLY)")
            for table in PUBLISHED_TABLES:
                con.execute(f"CREATE TABLE {table} AS SELECT * FROM build.marts.{table}")
                counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            loads = con.execute("SELECT count(*), max(loaded_at) FROM build.raw._loads").fetchall()[0]
            con.execute("DETACH build")
            published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            con.execute(
                "CREATE TABLE publish_info AS SELECT ? AS version, ? AS published_at, ? AS run_id, "
                "? AS source_files, ? AS newest_load",
                [published_at.strftime("%Y%m%dT%H%M%S%fZ"), published_at, run_id, loads[0], loads[1]],
            )
            con.execute("CHECKPOINT")
        if serving.exists():  # keep the last good version before replacing it
            previous = serving.with_name(serving.stem + ".prev" + serving.suffix)
            previous.unlink(missing_ok=True)
            os.link(serving, previous)
        os.replace(staging, serving)  # atomic on POSIX: readers see old or new
    finally:
        staging.unlink(missing_ok=True)
    log.info("published %s to %s", counts, serving)
    return counts
