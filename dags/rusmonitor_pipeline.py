"""
### rusmonitor pipeline (all sources, one run)

The whole follow-up warehouse in one run on the embedded defaults, as `rusmonitor pipeline`
runs it with `dag.test()`:

1. **load** each source's landing files into the DuckDB warehouse (`raw` schema), checked
   against its contract; unchanged files are skipped, so a rerun changes nothing;
2. **validate_raw**: Great Expectations suites generated from the contracts;
3. **dbt_build**: staging → intermediate → marts, with dbt's tests;
4. **validate_marts**: the GX suite generated from the indicator catalog;
5. **publish**: copy the marts to the serving file the report reads, in one atomic rename.

Under a scheduler the same steps also run as `ingest_<source>` DAGs that announce new data as
Assets, and `rusmonitor_transform`, scheduled on those Assets. A failed load or quality gate
fails the run without retries and nothing after it runs: the report keeps the last version.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import chain, dag

from rusmonitor.airflow_tasks import (
    dbt_build,
    load_catalog,
    load_source,
    publish,
    validate_marts,
    validate_raw,
)
from rusmonitor.settings import WAREHOUSE_POOL
from rusmonitor.sources import LOADED_SOURCES


@dag(
    dag_id="rusmonitor_pipeline",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="Europe/Oslo"),
    catchup=False,
    max_active_runs=1,
    # one DuckDB file has one writer: run the tasks one at a time
    max_active_tasks=1,
    default_args={
        "retries": 2,
        "retry_delay": pendulum.duration(seconds=30),
        "pool": WAREHOUSE_POOL,  # one task at a time opens the DuckDB file, across DAGs
    },
    tags=["rusmonitor"],
    doc_md=__doc__,
)
def rusmonitor_pipeline():
    loads = [load_source.override(task_id=f"load_{s}")(s) for s in LOADED_SOURCES]
    chain(load_catalog(), loads, validate_raw(), dbt_build(), validate_marts(), publish())


pipeline = rusmonitor_pipeline()
