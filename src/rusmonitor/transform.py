"""Run the dbt project against the build warehouse."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from rusmonitor.settings import DBT_PROJECT_DIR, data_dir, warehouse_path

log = logging.getLogger(__name__)
progress = logging.getLogger("rusmonitor.progress")


class DbtFailed(Exception):
    pass


def dbt_args(command: str, warehouse: Path | None = None, extra: list[str] | None = None) -> list[str]:
    """The dbt command line, with target and log folders beside the data (not in the repo), so
    two data directories never share a manifest."""
    os.environ["RUSMONITOR_WAREHOUSE"] = str(warehouse or warehouse_path())
    work = data_dir() / "dbt"
    return [
        *command.split(),
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
        *(extra or []),
    ]


def _report_progress(event) -> None:
    """Each node dbt starts, as `rusmonitor pipeline`'s progress (rusmonitor.run_display)."""
    if event.info.name == "LogStartLine":
        progress.info("dbt %s %d/%d", "node", event.data.index, event.data.total)


def run_dbt(
    command: str = "build", warehouse: Path | None = None, extra: list[str] | None = None
) -> dict[str, int]:
    """Invoke dbt in this process; raise DbtFailed naming every failed node."""
    from dbt.cli.main import dbtRunner

    args = dbt_args(command, warehouse, extra)
    log.info("dbt %s", " ".join(args))
    try:
        result = dbtRunner(callbacks=[_report_progress]).invoke(args)
    finally:
        # dbt-duckdb keeps its connection open for the life of the process; close it so the
        # next step (GX, publish) can open the file, in this process or another
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        DuckDBConnectionManager.close_all_connections()
    counts: dict[str, int] = {}
    failed = []
    for node in getattr(result.result, "results", None) or []:
        status = str(node.status)
        counts[status] = counts.get(status, 0) + 1
        if status in ("error", "fail", "runtime error"):
            failed.append(f"{node.node.resource_type} {node.node.name}: {status}: {node.message}")
    if not result.success:
        detail = "\n  ".join(failed) or str(result.exception)
        raise DbtFailed(f"dbt {command} failed:\n  {detail}")
    log.info("dbt %s finished: %s", command, counts)
    return counts


def generate_docs(warehouse: Path | None = None) -> Path:
    """`dbt docs generate --static`: one self-contained HTML file (models, columns, tests, the
    catalog's definitions in each indicator model's description and meta, and the lineage
    graph) that opens without a server."""
    run_dbt("docs generate", warehouse, ["--static"])
    return data_dir() / "dbt" / "target" / "static_index.html"
