"""Run the Airflow DAG on the embedded defaults: a project-local AIRFLOW_HOME with SQLite
metadata, the project's dags/ folder, no example DAGs. Used by the CLI and the tests."""

from __future__ import annotations

import importlib.util
import logging
import os
import subprocess
import sys
from pathlib import Path

from rusmonitor.settings import DAGS_DIR, WAREHOUSE_POOL, airflow_home

log = logging.getLogger(__name__)
DAG_ID = "rusmonitor_pipeline"


# No phoning home from the tools (cosmos, dbt, GX): the machines have no internet, and a
# warehouse of health statistics should not report its runs anywhere.
NO_TELEMETRY = {
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
    "DO_NOT_TRACK": "1",
    "SCARF_NO_ANALYTICS": "true",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    "GX_ANALYTICS_ENABLED": "False",
}


def airflow_env() -> dict[str, str]:
    """Settings Airflow must see before it is imported."""
    home = airflow_home()
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": os.environ.get(
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{home / 'airflow.db'}"
        ),
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        **NO_TELEMETRY,
    }


def configure() -> None:
    os.environ.update(airflow_env())
    airflow_home().mkdir(parents=True, exist_ok=True)


def migrate_db() -> None:
    """Create or upgrade the metadata database and the warehouse pool (both idempotent)."""
    configure()
    log.info("airflow db migrate (AIRFLOW_HOME=%s)", os.environ["AIRFLOW_HOME"])
    airflow = Path(sys.executable).with_name("airflow")
    migrated = subprocess.run(
        [str(airflow), "db", "migrate"],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if migrated.returncode != 0:  # say why: a missing driver, an unreachable database
        raise RuntimeError(f"airflow db migrate failed:\n{migrated.stderr.decode(errors='replace')[-3000:]}")
    subprocess.run(
        [str(airflow), "pools", "set", WAREHOUSE_POOL, "1", "one task at a time opens the DuckDB warehouse"],
        check=True,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
    )


def load_dags() -> dict:
    """Every DAG defined in the dags/ folder, by dag_id (the files as Airflow parses them)."""
    configure()
    from airflow.sdk import DAG

    dags = {}
    for path in sorted(DAGS_DIR.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"rusmonitor_dag_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        dags |= {v.dag_id: v for v in vars(module).values() if isinstance(v, DAG)}
    return dags


def load_dag(dag_id: str = DAG_ID):
    return load_dags()[dag_id]


def run_pipeline(migrate: bool = True):
    """Run the DAG once with dag.test(); return the DagRun. Raises if the run did not succeed."""
    if migrate:
        migrate_db()
    dag = load_dag()
    run = dag.test()
    state = str(getattr(run, "state", run))
    failed = (
        [ti.task_id for ti in run.get_task_instances() if str(ti.state) in ("failed", "upstream_failed")]
        if hasattr(run, "get_task_instances")
        else []
    )
    if state != "success":
        raise RuntimeError(f"DAG run {run.run_id} ended {state}; failed tasks: {failed}")
    return run
