"""
### rusmonitor pipeline

The whole follow-up warehouse in one run on the embedded defaults:

1. **load** each source's landing files into the DuckDB warehouse (`raw` schema), checked
   against its contract; unchanged files are skipped, so a rerun changes nothing;
2. **validate_raw**: Great Expectations suites generated from the contracts;
3. **dbt_build**: staging → intermediate → marts, with dbt's tests;
4. **validate_marts**: the GX suite generated from the indicator catalog;
5. **publish**: copy the marts to the serving file the report reads, in one atomic rename.

A failed load or quality gate fails the run without retries, and nothing after it runs: the
report keeps serving the last published version. Paths come from the RUSMONITOR_* environment
variables (see README); the logic lives in the `rusmonitor` package.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import chain, dag, task

from rusmonitor.sources import LOADED_SOURCES


def _fail_on_data_error(func, *args, **kwargs):
    """Bad data is not a transient error: fail the task without retrying it."""
    from airflow.sdk.exceptions import AirflowFailException

    from rusmonitor.load import LoadError
    from rusmonitor.quality import QualityGateFailed
    from rusmonitor.transform import DbtFailed

    try:
        return func(*args, **kwargs)
    except (LoadError, QualityGateFailed, DbtFailed) as e:
        raise AirflowFailException(str(e)) from e


@dag(
    dag_id="rusmonitor_pipeline",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="Europe/Oslo"),
    catchup=False,
    max_active_runs=1,
    # one DuckDB file has one writer: run the tasks one at a time
    max_active_tasks=1,
    default_args={"retries": 2, "retry_delay": pendulum.duration(seconds=30)},
    tags=["rusmonitor"],
    doc_md=__doc__,
)
def rusmonitor_pipeline():
    @task
    def load_catalog() -> int:
        """Write the indicator catalog (indicators.yml) to raw.catalog_indicators."""
        from rusmonitor import load

        return load.load_catalog()

    @task
    def load_source(source: str) -> dict:
        """Load one source's landing files into raw.<table>; returns what each file did."""
        from rusmonitor import load

        results = _fail_on_data_error(load.load_source, source)
        return {r.file: f"{r.status} ({r.rows} rows)" for r in results}

    @task
    def validate_raw() -> dict:
        """Run the GX raw suites (from the contracts); fail the run if any fails."""
        from rusmonitor import quality

        results = _fail_on_data_error(lambda: quality.gate(quality.validate_raw()))
        return {r.suite: r.rows for r in results}

    @task
    def dbt_build() -> dict:
        """Build and test the dbt project against the warehouse."""
        from rusmonitor import transform

        return _fail_on_data_error(transform.run_dbt, "build")

    @task
    def validate_marts() -> dict:
        """Run the GX mart suite (from the catalog); a failure stops publication."""
        from rusmonitor import quality

        results = _fail_on_data_error(lambda: quality.gate(quality.validate_marts()))
        return {r.suite: r.rows for r in results}

    @task
    def publish(**context) -> dict:
        """Publish the marts to the serving file in one atomic rename."""
        from rusmonitor import publish as publishing

        return publishing.publish(run_id=context["run_id"])

    loads = [load_source.override(task_id=f"load_{s}")(s) for s in LOADED_SOURCES]
    chain(load_catalog(), loads, validate_raw(), dbt_build(), validate_marts(), publish())


pipeline = rusmonitor_pipeline()
