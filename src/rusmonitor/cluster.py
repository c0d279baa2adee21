"""The settings an Airflow cluster of rusmonitor needs, in one place.

docker-compose.yml declares them for its services and tests/test_deploy.py checks that it does;
the Celery test (tests/test_celery.py) starts its processes with exactly these. Everything that
must agree across processes is here: a worker whose JWT secret or execution API address
differs from the API server's cannot report its task, and a scheduler that waits five minutes
for a dead worker's heartbeat holds the warehouse pool that long.
"""

from __future__ import annotations

# Seconds without a heartbeat before the scheduler fails a task (and retries it on another
# worker). Airflow's default, 300 s, keeps the one-slot warehouse pool held by a lost worker for
# five minutes; a load heartbeats every few seconds, so one minute is safe.
HEARTBEAT_TIMEOUT_S = 60
# Redis redelivers a message that a worker took but never acknowledged (task_acks_late) after
# this many seconds. It must be longer than any task: a redelivered message of a task that is
# still running would start it twice. The scheduler's heartbeat check, not redelivery, is what
# retries a task of a dead worker.
VISIBILITY_TIMEOUT_S = 6 * 3600
# One task per worker process at a time: the tasks are heavy (DuckDB, dbt, GX), and the
# warehouse pool lets only one of them write anyway.
WORKER_CONCURRENCY = 1


def cluster_environment(
    *,
    api_server_url: str,
    broker_url: str,
    result_backend: str,
    metadata_db: str,
    jwt_secret: str,
) -> dict[str, str]:
    """The AIRFLOW__* settings every process of the cluster shares: API server, scheduler,
    DAG processor, triggerer and every Celery worker get the same dictionary."""
    return {
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_db,
        "AIRFLOW__CELERY__BROKER_URL": broker_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": result_backend,
        # workers sign their calls to the API server with it: one secret for every process
        "AIRFLOW__API_AUTH__JWT_SECRET": jwt_secret,
        # where workers run their tasks' state changes (Airflow 3's execution API)
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{api_server_url.rstrip('/')}/execution/",
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(WORKER_CONCURRENCY),
        "AIRFLOW__CELERY__TASK_ACKS_LATE": "True",
        "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S),
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT_S),
        # load plugins at start-up: rusmonitor.airflow_plugin preloads dbt and GX in the
        # scheduler and the workers, so forked task processes start warm
        "AIRFLOW__CORE__LAZY_LOAD_PLUGINS": "False",
    }
