"""The TaskFlow tasks the DAG files wire together. Each is a thin call into the tested logic of
this package; heavy imports happen inside the tasks, never when a DAG file is parsed."""

from __future__ import annotations

from airflow.sdk import Asset, task

from rusmonitor.sources import LOADED_SOURCES

# An Asset per source's raw tables (updated by ingest_<source> when new data passes its raw
# suite) and one for the published serving file.
RAW_ASSETS = {source: Asset(name=f"rusmonitor.raw.{source}") for source in LOADED_SOURCES}
SERVING_ASSET = Asset(name="rusmonitor.serving")


def fail_on_data_error(func, *args, **kwargs):
    """Bad data is not a transient error: fail the task without retrying it."""
    from airflow.sdk.exceptions import AirflowFailException

    from rusmonitor.load import LoadError
    from rusmonitor.quality import QualityGateFailed
    from rusmonitor.transform import DbtFailed

    try:
        return func(*args, **kwargs)
    except (LoadError, QualityGateFailed, DbtFailed) as e:
        raise AirflowFailException(str(e)) from e


@task
def load_catalog() -> int:
    """Write the indicator catalog (indicators.yml) to raw.catalog_indicators; and, once a run,
    warn of what in the landing folder no source loads and of loaded files now gone."""
    from rusmonitor import landing_survey, load
    from rusmonitor.settings import landing_dir

    rows = load.load_catalog()
    with load.connect() as con:
        landing_survey.report(con, landing_dir())
    return rows


def _publish_quality(docs: bool = True) -> None:
    """Results to the file beside the serving file, whatever the outcome (the report shows a
    failed run too), and with docs to the Data Docs site (rebuilt from every stored result)."""
    from rusmonitor import quality, quality_store

    quality_store.export()
    if docs:
        quality.build_data_docs()


# one XCom, not one per key: TaskFlow would push a `-> dict` task's keys (here file names) as
# XCom keys in the execution API's URL, and a name with ø or å (FHI's "Dødsårsaker, ettårig.csv")
# fails there
@task(multiple_outputs=False)
def load_source(source: str) -> dict:
    """Load one source's landing files into raw.<table>, in batches through their GX raw
    checkpoint (a critical failure rolls back the file that fails); returns what each file did."""
    from rusmonitor import load

    try:
        results = fail_on_data_error(load.load_source, source)
    except BaseException:
        # validate_raw will not run: the docs must show the failed checkpoint now
        _publish_quality(docs=True)
        raise
    # a passing load leaves the docs to validate_raw, which runs next and rebuilds them once
    _publish_quality(docs=False)
    return {r.file: f"{r.status} ({r.rows} rows, {len(r.quarantined)} quarantined)" for r in results}


@task
def validate_raw(sources: list[str] | None = None, loaded: dict | None = None) -> dict:
    """Run the GX freshness suite of these sources; fail on a critical failure. Given what the
    load did and nothing changed, skip: no new data, so no Asset event either."""
    from airflow.sdk.exceptions import AirflowSkipException

    from rusmonitor import quality, quality_store

    if loaded is not None and all(v.startswith("unchanged") for v in loaded.values()):
        raise AirflowSkipException("no new or changed files: nothing to validate or announce")
    # the contract and period suites ran in the load (its checkpoints); what is left
    # is the sources' freshness: has the newest period arrived?
    results = quality.validate_freshness(sources=sources)
    quality_store.record(results, "raw", context="freshness")
    _publish_quality()
    fail_on_data_error(quality.gate, results)
    return {r.suite: r.rows for r in results}


@task
def dbt_build() -> dict:
    """Build and test the dbt project against the warehouse."""
    from rusmonitor import transform

    return fail_on_data_error(transform.run_dbt, "build")


@task
def dbt_unit_tests() -> dict:
    """The dbt unit tests, after the models are built: cosmos renders models, seeds and data
    tests as tasks but not unit tests, so without this task the scheduled transform would
    never run them. A failing unit test stops publication like a failed data test."""
    from rusmonitor import transform

    return fail_on_data_error(transform.run_dbt, "test", extra=["--select", "test_type:unit"])


@task
def validate_marts() -> dict:
    """Run the GX mart suite (from the catalog); a critical failure stops publication, and the
    report, still on the last good data, says the newest run failed quality."""
    from rusmonitor import quality, quality_store

    results = quality.validate_marts()
    quality_store.record(results, "marts", context="mart_indicator_values")
    _publish_quality()
    fail_on_data_error(quality.gate, results)
    return {r.suite: r.rows for r in results}


@task(outlets=[SERVING_ASSET])
def publish(**context) -> dict:
    """Publish the marts to the serving file in one atomic rename."""
    from rusmonitor import publish as publishing

    return publishing.publish(run_id=context["run_id"])
