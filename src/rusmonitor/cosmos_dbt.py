"""The dbt project as Airflow tasks through astronomer-cosmos: one task per seed and model that
builds it and runs its tests (TestBehavior.BUILD: `dbt build --select <model>`), so a failing
test stops only what depends on it and the Airflow UI shows which model broke. A test over two
models (the crosswalk keeps totals) gets its own task once both are built.

Modes chosen for speed (cosmos users report a 6-minute CLI build taking 44 minutes under
Airflow when every task spawns dbt and re-parses the project; `rusmonitor bench` measures ours):
- ExecutionMode.LOCAL with InvocationMode.DBT_RUNNER: dbt runs in the worker's process, no
  subprocess per task; cosmos reuses dbt's partial-parse file between tasks.
- TestBehavior.BUILD: one task per model instead of a run task and a test task (AFTER_EACH),
  half the tasks and half the per-task overhead (scheduling, DAG parse, dbt start-up).
- LoadMode.DBT_LS: the graph comes from `dbt ls`, which cosmos caches (keyed on the project's
  files), so parsing the DAG file does not run dbt each time.

ExecutionMode.WATCHER (one `dbt build` in a producer task, a sensor per node) is measured beside
it by `rusmonitor bench --cosmos-compare` but not the default: on the default sample it took
2.6× a plain `dbt build` against LOCAL's 3.7× (the producer alone 2×, then 184 sensor tasks), it
cannot run a model's tests inline (TestBehavior.BUILD) or a detached test over two models (its
sensor would wait for ever), and cosmos still calls its retries experimental — the cluster test
retries a task whose worker was killed.
"""

from __future__ import annotations

import os
from typing import Any

from rusmonitor.settings import DBT_PROJECT_DIR, warehouse_path


def _close_duckdb(*_: Any, **__: Any) -> None:
    """dbt-duckdb keeps its connection open for the life of the process; the next task (another
    model, GX, publish) may need the file, so close it after every dbt command."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    DuckDBConnectionManager.close_all_connections()


def _point_dbt_at_the_warehouse(*_: Any, **__: Any) -> None:
    """Resolve the warehouse when the task runs, not when the DAG file is parsed: the profile
    reads RUSMONITOR_WAREHOUSE, and cosmos runs dbt from a temporary copy of the project, where
    a relative default would point nowhere."""
    os.environ["RUSMONITOR_WAREHOUSE"] = str(warehouse_path())


def invocation_mode_name() -> str:
    """dbt_runner (the default: dbt in the task's process) or subprocess (a dbt process per
    task, cosmos' fallback); `rusmonitor bench` compares them through this variable."""
    return os.environ.get("RUSMONITOR_COSMOS_INVOCATION", "dbt_runner")


def test_behavior_name() -> str:
    """build (the default: one `dbt build` per model, its tests inline) or after_each (a run task
    and a test task per model, twice the tasks); `rusmonitor bench --cosmos-compare` sets it."""
    # cosmos refuses TestBehavior.BUILD in watcher mode (its producer builds the whole project)
    default = "after_each" if execution_mode_name() == "watcher" else "build"
    return os.environ.get("RUSMONITOR_COSMOS_TEST_BEHAVIOR", default)


def execution_mode_name() -> str:
    """local (the default: one task per node, each its own `dbt build --select`) or watcher
    (cosmos' experimental mode: one `dbt build` of the whole project in a producer task, one
    sensor per node that waits for its result); `rusmonitor bench --cosmos-compare` sets it."""
    return os.environ.get("RUSMONITOR_COSMOS_EXECUTION", "local")


def describe_modes() -> str:
    return (
        f"ExecutionMode.{execution_mode_name().upper()}, InvocationMode.{invocation_mode_name().upper()}, "
        f"TestBehavior.{test_behavior_name().upper()}, LoadMode.DBT_LS cached"
    )


def _watcher_sensor_args() -> dict[str, Any]:
    """Watcher mode's sensors defer by default; dag.test() then waits inline on a sensor's
    trigger before the producer has started (a DbtTaskGroup's producer is not upstream of its
    sensors), so they poke in reschedule mode, which frees the slot between pokes."""
    if execution_mode_name() != "watcher":
        return {}
    return {"deferrable": False, "mode": "reschedule", "poke_interval": 2}


def dbt_task_group(group_id: str = "dbt", **kwargs: Any):
    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

    invocation = InvocationMode(invocation_mode_name())

    return DbtTaskGroup(
        group_id=group_id,
        project_config=ProjectConfig(dbt_project_path=DBT_PROJECT_DIR, install_dbt_deps=False),
        profile_config=ProfileConfig(
            profile_name="rusmonitor",
            target_name="dev",
            profiles_yml_filepath=DBT_PROJECT_DIR / "profiles.yml",
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode(execution_mode_name()), invocation_mode=invocation
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_LS,
            test_behavior=TestBehavior(test_behavior_name()),
            invocation_mode=invocation,
            # a test over two models (the crosswalk keeps totals) runs once both are built
            # (watcher mode's producer reports no result for such a detached test: its sensor
            # would wait for ever)
            should_detach_multiple_parents_tests=execution_mode_name() != "watcher",
        ),
        operator_args={"callback": _close_duckdb, **_watcher_sensor_args()},
        default_args={
            "on_execute_callback": _point_dbt_at_the_warehouse,
            "on_failure_callback": _close_duckdb,
        },
        **kwargs,
    )
