"""Run the Airflow DAG on the embedded defaults: a project-local AIRFLOW_HOME with SQLite
metadata, the project's dags/ folder, no example DAGs. Used by the CLI and the tests."""

from __future__ import annotations

import importlib.util
import logging
import os
import subprocess
import sys
import tempfile
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
    Migration().finish()


class Migration:
    """`airflow db migrate`, started at once so that a run generating its sample extracts
    meanwhile need not wait for it: finish() waits for it and sets the warehouse pool; cancel()
    stops it (a run that fails before it needs Airflow leaves no migration behind)."""

    def __init__(self) -> None:
        configure()
        log.info("airflow db migrate (AIRFLOW_HOME=%s)", os.environ["AIRFLOW_HOME"])
        self.airflow = str(Path(sys.executable).with_name("airflow"))
        self.stderr = tempfile.TemporaryFile()
        try:
            self.process = subprocess.Popen(
                [self.airflow, "db", "migrate"],
                env=os.environ.copy(),
                stdout=subprocess.DEVNULL,
                stderr=self.stderr,
            )
        except BaseException:
            self.stderr.close()
            raise

    def finish(self) -> None:
        code = self.process.wait()
        self.stderr.seek(0)
        said = self.stderr.read().decode(errors="replace")
        self.stderr.close()
        if code != 0:  # say why: a missing driver, an unreachable database
            raise RuntimeError(f"airflow db migrate failed:\n{said[-3000:]}")
        subprocess.run(
            [
                self.airflow,
                "pools",
                "set",
                WAREHOUSE_POOL,
                "1",
                "one task at a time opens the DuckDB warehouse",
            ],
            check=True,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
        )

    def cancel(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait()
        self.stderr.close()


def load_dags(paths: list[Path] | None = None) -> dict:
    """Every DAG defined in the dags/ folder (or in these of its files), by dag_id (the files
    as Airflow parses them)."""
    configure()
    from airflow.sdk import DAG

    dags = {}
    for path in paths if paths is not None else sorted(DAGS_DIR.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"rusmonitor_dag_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        dags |= {v.dag_id: v for v in vars(module).values() if isinstance(v, DAG)}
    return dags


def load_dag(dag_id: str = DAG_ID):
    """One DAG, parsing only the files that name it (the transform DAG's file runs `dbt ls`
    through cosmos when parsed: seconds a run of another DAG does not need); all files if
    none of them names it literally."""
    naming = [p for p in sorted(DAGS_DIR.glob("*.py")) if f'"{dag_id}"' in p.read_text(encoding="utf-8")]
    dags = load_dags(naming) if naming else {}
    return dags[dag_id] if dag_id in dags else load_dags()[dag_id]


def run_dag(dag=None):
    """Run the DAG once with dag.test(); return the DagRun, whatever its outcome."""
    return (dag or load_dag()).test()


def task_states(run) -> dict[str, str]:
    return {ti.task_id: str(ti.state) for ti in run.get_task_instances()}


def run_pipeline(migrate: bool = True):
    """Run the DAG once with dag.test(); return the DagRun. Raises if the run did not succeed,
    naming the tasks that failed (not those that never ran because of them)."""
    if migrate:
        migrate_db()
    run = run_dag()
    state = str(run.state)
    if state != "success":
        failed = [task for task, s in task_states(run).items() if s == "failed"]
        raise RuntimeError(f"DAG run {run.run_id} ended {state}; failed tasks: {failed}")
    return run


def fail_runs_left_running(holder: dict, dag_id: str = DAG_ID) -> list[str]:
    """Mark failed the runs a dead `rusmonitor pipeline` process left `running` (it was killed:
    nothing else will ever finish them). `holder` is the dead run's lock note; only runs it
    started (at or after its start time) are touched. Its unfinished tasks end as Airflow's
    "mark failed" leaves them: running ones failed, the ones that never started skipped."""
    import datetime as dt

    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState, TaskInstanceState
    from sqlalchemy import select

    try:
        since = dt.datetime.fromisoformat(str(holder.get("started_at")))
    except ValueError:
        since = None
    now = dt.datetime.now(dt.UTC)
    marked = []
    with create_session() as session:
        query = select(DagRun).where(DagRun.dag_id == dag_id, DagRun.state == DagRunState.RUNNING)
        if since is not None:
            query = query.where(DagRun.start_date >= since)
        for run in session.scalars(query).all():
            for ti in run.get_task_instances(session=session):
                if ti.state in (TaskInstanceState.RUNNING, TaskInstanceState.QUEUED):
                    ti.state, ti.end_date = TaskInstanceState.FAILED, now
                elif ti.state is None or ti.state in (
                    TaskInstanceState.SCHEDULED,
                    TaskInstanceState.UP_FOR_RETRY,
                    TaskInstanceState.UP_FOR_RESCHEDULE,
                ):
                    ti.state, ti.end_date = TaskInstanceState.SKIPPED, now
            run.state, run.end_date = DagRunState.FAILED, now
            marked.append(run.run_id)
            log.warning(
                "run %s of %s was left running by pid %s (no longer running): marked failed",
                run.run_id,
                dag_id,
                holder.get("pid"),
            )
    return marked
