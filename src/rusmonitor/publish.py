"""Publish the marts to the serving file the report reads.

The marts are copied into a new DuckDB file beside the serving file, which then replaces it in
one rename: readers see the old version or the new one, never a half-built file, and the build
warehouse is never opened by the report. The previous version is kept as a hard link
(warehouse.prev.duckdb) so the last good data survives a bad publish.

A publish killed halfway (SIGKILL, a lost worker) leaves its temporary files, named with its
pid: the next publish, or the next `rusmonitor pipeline`, removes those of dead processes. The
previous version is never unlinked: a new hard link is renamed over it, so at every moment
warehouse.prev.duckdb is whole, and a publish killed between its two renames leaves its link to
the version it replaced, which the cleanup then puts in place.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from pathlib import Path

import duckdb

from rusmonitor.faults import failpoint
from rusmonitor.settings import serving_path, warehouse_path

log = logging.getLogger(__name__)

# The public tables: aggregates and metadata only; person-level models are never copied.
PUBLISHED_TABLES = (
    "mart_indicator_values",
    "mart_indicator_lineage",
    "mart_indicator_trends",
    "dim_indicator",
    "dim_geography",
    "dim_municipality_catchment",
    "dim_time",
    *(f"mart_goal_{goal}" for goal in range(1, 6)),
    "mart_measure_progress",
)


def previous_path(serving: Path) -> Path:
    return serving.with_name(serving.stem + ".prev" + serving.suffix)


def _temporary(final: Path, pid: int) -> Path:
    return final.with_name(f".{final.name}.{pid}.tmp")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def remove_killed_publishes(serving: Path | None = None) -> list[Path]:
    """Remove what publishes of dead processes left beside the serving file (their staging
    file and its DuckDB WAL, their link to the previous version); return what was removed."""
    serving = serving or serving_path()
    previous = previous_path(serving)
    pattern = re.compile(rf"^\.({re.escape(serving.name)}|{re.escape(previous.name)})\.(\d+)\.tmp(\.wal)?$")
    removed = []
    for path in sorted(serving.parent.glob(".*.tmp*")) if serving.parent.is_dir() else []:
        match = pattern.match(path.name)
        if not match or int(match[2]) == os.getpid() or _alive(int(match[2])):
            continue
        if match[1] == previous.name and not match[3] and serving.exists():
            if not os.path.samefile(path, serving):
                # killed after the new version was in place: this link is the version it
                # replaced, the true previous one
                os.replace(path, previous)
                log.warning("publish of pid %s was killed halfway: kept %s as %s", match[2], path, previous)
                removed.append(path)
                continue
        path.unlink(missing_ok=True)
        log.warning("removed %s, left by a killed publish (pid %s)", path, match[2])
        removed.append(path)
    return removed


def publish(
    warehouse: Path | None = None, serving: Path | None = None, run_id: str | None = None
) -> dict[str, int]:
    warehouse = warehouse or warehouse_path()
    serving = serving or serving_path()
    serving.parent.mkdir(parents=True, exist_ok=True)
    remove_killed_publishes(serving)
    staging = _temporary(serving, os.getpid())
    previous = previous_path(serving)
    linked = _temporary(previous, os.getpid())
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
        failpoint("publish.before_swap")
        had_serving = serving.exists()
        if had_serving:  # hold on to the version being replaced
            linked.unlink(missing_ok=True)
            os.link(serving, linked)
        os.replace(staging, serving)  # atomic on POSIX: readers see old or new
        failpoint("publish.after_swap")
        if had_serving:  # the replaced version becomes the previous one, in one rename too
            os.replace(linked, previous)
    finally:
        staging.unlink(missing_ok=True)
        linked.unlink(missing_ok=True)
    log.info("published %s to %s", counts, serving)
    return counts
