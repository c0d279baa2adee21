"""
### rusmonitor_transform

Scheduled on the raw Assets: when any `ingest_<source>` DAG announces new data, rebuild the
marts with dbt, run the GX mart suite and publish the serving file (Asset `rusmonitor.serving`).
A failed build or gate leaves the last published version in place.

The dbt project runs through astronomer-cosmos: one task per seed and model, each model's
tests right after it (`rusmonitor.cosmos_dbt`); dbt's unit tests, which cosmos cannot render
as tasks, run in one task after the models.
"""

from __future__ import annotations

from functools import reduce

import pendulum
from airflow.sdk import chain, dag

from rusmonitor.airflow_tasks import RAW_ASSETS, dbt_unit_tests, load_catalog, publish, validate_marts
from rusmonitor.cosmos_dbt import dbt_task_group
from rusmonitor.settings import WAREHOUSE_POOL


@dag(
    dag_id="rusmonitor_transform",
    schedule=reduce(lambda a, b: a | b, RAW_ASSETS.values()),
    start_date=pendulum.datetime(2024, 1, 1, tz="Europe/Oslo"),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1,
    default_args={
        "retries": 2,
        "retry_delay": pendulum.duration(seconds=30),
        "pool": WAREHOUSE_POOL,  # one task at a time opens the DuckDB file, across DAGs
    },
    tags=["rusmonitor", "transform"],
    doc_md=__doc__,
)
def rusmonitor_transform():
    chain(load_catalog(), dbt_task_group("dbt"), dbt_unit_tests(), validate_marts(), publish())


transform = rusmonitor_transform()
