"""The DAG files: they parse, one ingest DAG per source announces new data as an Asset, and the
transform DAG scheduled on those Assets rebuilds and publishes. Real dag.test() runs."""

import os

import pandas as pd
import yaml

from conftest import file_digest, pipeline_paths
from rusmonitor.orchestrate import load_dags
from rusmonitor.settings import DAGS_DIR, DBT_PROJECT_DIR
from rusmonitor.sources import LOADED_SOURCES


def test_every_dag_file_parses_without_errors(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    # safe mode on, as the DAG processor runs: a file must mention "airflow" and "dag"
    bag = DagBag(dag_folder=str(DAGS_DIR), safe_mode=True)
    assert bag.import_errors == {}
    assert set(bag.dag_ids) == {"rusmonitor_pipeline", "rusmonitor_transform"} | {
        f"ingest_{s}" for s in LOADED_SOURCES
    }


def test_transform_is_scheduled_on_every_raw_asset():
    dags = load_dags()
    condition = dags["rusmonitor_transform"].timetable.asset_condition
    assert type(condition).__name__ == "AssetAny"  # any source's new data triggers a rebuild
    assert {a.name for a in condition.objects} == {f"rusmonitor.raw.{s}" for s in LOADED_SOURCES}
    ingest = dags["ingest_npr"]
    assert [a.name for a in ingest.get_task("validate_raw").outlets] == ["rusmonitor.raw.npr"]


def test_the_scheduled_transform_runs_every_dbt_unit_test(copied):
    """Cosmos renders no task for a dbt unit test: one task runs them all once the models are
    built and before the mart gate, so a failing unit test stops publication."""
    dag = load_dags()["rusmonitor_transform"]
    unit = dag.get_task("dbt_unit_tests")
    leaves = {
        t.task_id
        for t in dag.tasks
        if t.task_id.startswith("dbt.") and not t.downstream_task_ids - {unit.task_id}
    }
    assert leaves and unit.upstream_task_ids == leaves
    assert unit.downstream_task_ids == {"validate_marts"}
    declared = sum(
        len((yaml.safe_load(f.read_text(encoding="utf-8")) or {}).get("unit_tests") or [])
        for f in (DBT_PROJECT_DIR / "models").rglob("*.yml")
    )
    with pipeline_paths(**copied):
        counts = unit.python_callable()  # what the task runs
    assert declared > 0 and counts == {"pass": declared}, (counts, declared)


def test_the_transform_renders_in_the_watcher_mode_the_bench_compares(airflow_db, monkeypatch):
    """`rusmonitor bench --cosmos-compare` also times cosmos' watcher mode: one producer task
    builds the project, each model's run and tests are sensors, and a test over two models is
    not detached (the producer gives it no result of its own to wait for)."""
    default = load_dags([DAGS_DIR / "transform.py"])["rusmonitor_transform"]
    monkeypatch.setenv("RUSMONITOR_COSMOS_EXECUTION", "watcher")
    watcher = load_dags([DAGS_DIR / "transform.py"])["rusmonitor_transform"]
    kinds = {type(t).__name__ for t in watcher.tasks if t.task_id.startswith("dbt.")}
    assert "DbtProducerWatcherOperator" in kinds and "DbtRunWatcherOperator" in kinds, kinds
    assert not {type(t).__name__ for t in default.tasks} & {"DbtProducerWatcherOperator"}
    detached = {t.task_id for t in default.tasks if t.task_id == "dbt.crosswalk_keeps_fte_totals_test"}
    assert detached and not detached & set(watcher.task_ids)
    sensors = [t for t in watcher.tasks if type(t).__name__ == "DbtRunWatcherOperator"]
    assert all(t.mode == "reschedule" and not t.deferrable for t in sensors)


def _asset_events(name: str) -> int:
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session

    with create_session() as session:
        return (
            session.query(AssetEvent)
            .join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .filter(AssetModel.name == name)
            .count()
        )


def test_ingest_announces_new_data_and_transform_publishes_it(copied):
    """The transform's run here is dag.test(); where a PostgreSQL server is given (CI),
    tests/test_scheduler.py runs the same flow under the real scheduler instead, and this test
    stops after the ingest part rather than build the 100-task transform twice."""
    dags = load_dags()
    # a resubmitted IS-24/8 period: one municipality corrects its return
    path = copied["landing"] / "is_24_8" / "2015" / "is_24_8_arsverk_2015.csv"
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    frame.loc[0, "arsverk"] = "42,0"
    frame.to_csv(path.with_name("is_24_8_arsverk_2015_korrigert.csv"), sep=";", index=False)
    events = _asset_events("rusmonitor.raw.is_24_8")

    with pipeline_paths(**copied):
        run = dags["ingest_is_24_8"].test()
        states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
        assert str(run.state) == "success" and states == {"load": "success", "validate_raw": "success"}
        assert _asset_events("rusmonitor.raw.is_24_8") == events + 1

        again = dags["ingest_is_24_8"].test()  # nothing new: no Asset event, no rebuild
        states = {ti.task_id: str(ti.state) for ti in again.get_task_instances()}
        assert states == {"load": "success", "validate_raw": "skipped"}
        assert _asset_events("rusmonitor.raw.is_24_8") == events + 1

        if os.environ.get("RUSMONITOR_TEST_POSTGRES"):
            return  # the transform runs under the real scheduler in test_scheduler.py
        served = file_digest(copied["serving"])
        run = dags["rusmonitor_transform"].test()
        assert str(run.state) == "success"
    assert file_digest(copied["serving"]) != served
