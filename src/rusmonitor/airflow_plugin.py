"""Preload dbt and Great Expectations in the Airflow processes that fork task processes.

On Linux the LocalExecutor's workers fork from the scheduler and every task process forks from
a worker (Celery's pool forks from `airflow celery worker` the same way), so modules imported
there are already in memory when a task starts. Importing dbt takes about 3 s and GX about 6 s;
without this, every cosmos task (one per dbt model) and every load paid it again, which is most
of what makes a project that builds in half a minute take many minutes under a scheduler.

Registered as an `airflow.plugins` entry point; Airflow imports it at start-up when
AIRFLOW__CORE__LAZY_LOAD_PLUGINS=False (docker-compose.yml and the scheduler test set it).
Other commands (the API server, the DAG processor, the CLI) skip the preload."""

from __future__ import annotations

import logging
import sys

from airflow.plugins_manager import AirflowPlugin

log = logging.getLogger(__name__)
FORKING_COMMANDS = {"scheduler", "worker"}


def preload() -> None:
    import time

    started = time.perf_counter()
    import dbt.adapters.duckdb  # noqa: F401
    import dbt.cli.main  # noqa: F401
    import great_expectations  # noqa: F401

    log.info("rusmonitor: dbt and GX preloaded for forked tasks in %.1f s", time.perf_counter() - started)


if FORKING_COMMANDS & set(sys.argv[1:3]):
    preload()


class RusmonitorPlugin(AirflowPlugin):
    name = "rusmonitor"
