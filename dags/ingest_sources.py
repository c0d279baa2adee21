"""
### ingest_<source>: one DAG per source

Loads the source's landing files into `raw` (contract check, quarantine, load metadata) and
runs its GX raw suite. When new or changed files passed, the last task updates the Asset
`rusmonitor.raw.<source>`, which schedules `rusmonitor_transform`. A run over unchanged files
skips that task, so no Asset event and no rebuild.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag

from rusmonitor.airflow_tasks import RAW_ASSETS, load_source, validate_raw
from rusmonitor.settings import WAREHOUSE_POOL
from rusmonitor.sources import LOADED_SOURCES


def make_ingest_dag(source: str):
    @dag(
        dag_id=f"ingest_{source}",
        schedule=None,  # triggered when a publisher delivers (API, sensor or by hand)
        start_date=pendulum.datetime(2024, 1, 1, tz="Europe/Oslo"),
        catchup=False,
        max_active_runs=1,
        default_args={
            "retries": 2,
            "retry_delay": pendulum.duration(seconds=30),
            "pool": WAREHOUSE_POOL,  # one task at a time opens the DuckDB file, across DAGs
        },
        tags=["rusmonitor", "ingest", source],
        doc_md=__doc__,
    )
    def ingest():
        loaded = load_source.override(task_id="load")(source)
        validate_raw.override(task_id="validate_raw", outlets=[RAW_ASSETS[source]])(
            sources=[source], loaded=loaded
        )

    return ingest()


for _source in LOADED_SOURCES:
    globals()[f"ingest_{_source}"] = make_ingest_dag(_source)
