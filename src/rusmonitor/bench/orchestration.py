"""Airflow's part: the parse time of every DAG file as the DAG processor parses it, and the dbt
stage run by cosmos inside Airflow (rusmonitor_transform with dag.test())."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from rusmonitor.bench.folder import Bench

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
