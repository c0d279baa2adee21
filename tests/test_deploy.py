"""The multi-machine deployment (docker-compose.yml) as Compose itself reads it. There is no
Docker engine on the build machines, so nothing here starts a container: `docker compose
config` (or Debian's docker-compose, which .ci/run installs) validates and resolves the file,
and the test checks what it resolved to."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml

from rusmonitor.cluster import cluster_environment
from rusmonitor.orchestrate import NO_TELEMETRY
from rusmonitor.settings import ROOT


def compose_command() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.fixture(scope="module")
def compose() -> dict:
    command = compose_command()
    if command is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have `docker compose` or `docker-compose` (.ci/run installs it)")
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    result = subprocess.run(
        [*command, "--file", str(ROOT / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_file_is_valid_and_has_every_service(compose):
    services = compose["services"]
    assert {
        "postgres",
        "redis",
        "airflow-init",
        "airflow-api-server",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
        "airflow-worker-1",
        "airflow-worker-2",
        "report",
    } <= set(services)
    workers = [name for name, s in services.items() if "worker" in (s.get("command") or [])]
    assert len(workers) == 2


def test_airflow_runs_celery_on_postgres_and_redis(compose):
    secrets: dict[str, str] = {}
    for name, service in compose["services"].items():
        if not name.startswith("airflow-"):
            continue
        env = service["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://"), name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:"), name
        # the cluster's shared settings exactly as the Celery test runs them (rusmonitor.cluster)
        shared = cluster_environment(
            api_server_url="http://airflow-api-server:8080",
            broker_url="redis://redis:6379/0",
            result_backend=env["AIRFLOW__CELERY__RESULT_BACKEND"],
            metadata_db=env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"],
            jwt_secret=env["AIRFLOW__API_AUTH__JWT_SECRET"],
        )
        assert {k: env.get(k) for k in shared} == shared, name
        # one secret and one result backend for all: workers sign their calls with the secret
        assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == secrets.setdefault(
            "jwt", env["AIRFLOW__API_AUTH__JWT_SECRET"]
        )
        # the same no-telemetry settings as the embedded runs (orchestrate.NO_TELEMETRY), and
        # plugins loaded at start-up so the scheduler and workers preload dbt and GX
        assert {k: env.get(k) for k in NO_TELEMETRY} == NO_TELEMETRY, name
        assert env["AIRFLOW__CORE__LAZY_LOAD_PLUGINS"] == "False", name
        if name != "airflow-init":
            assert service["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"
            assert service["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_every_long_running_service_has_a_health_check(compose):
    for name, service in compose["services"].items():
        if name in ("airflow-init", "airflow-cli"):
            continue
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_data_lives_in_volumes_and_the_report_only_reads(compose):
    assert {"landing", "warehouse", "serving", "quality", "postgres-db"} <= set(compose["volumes"])

    def mounts(service: str) -> dict[str, str]:
        out = {}
        for volume in compose["services"][service]["volumes"]:
            if isinstance(volume, str):
                source, target, *mode = volume.split(":")
                out[target] = ":".join(mode) or "rw"
            else:
                out[volume["target"]] = "ro" if volume.get("read_only") else "rw"
        return out

    for worker in ("airflow-worker-1", "airflow-worker-2"):
        assert {"/data/landing", "/data/warehouse", "/data/serving"} <= set(mounts(worker))
    assert mounts("report") == {"/data/serving": "ro"}


def test_the_image_installs_the_locked_environment_with_celery():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "uv sync --locked --no-dev --extra celery" in dockerfile
    lock = (ROOT / "uv.lock").read_text()
    assert 'name = "apache-airflow-providers-celery"' in lock and 'name = "redis"' in lock
