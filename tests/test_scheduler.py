"""End to end under the real Airflow 3 services, as a data engineer runs them: the API server,
the scheduler (LocalExecutor) and the DAG processor as separate processes on a project-local
AIRFLOW_HOME, with the metadata database on a real PostgreSQL server. The test triggers every
ingest DAG through the REST API; the Asset events of the source with new data schedule
rusmonitor_transform (cosmos, one task per dbt node), which publishes the serving file.

PostgreSQL comes from Debian's packages, installed and started by .ci/run, which passes its
address in RUSMONITOR_TEST_POSTGRES (a SQLAlchemy URL of a role allowed to create databases)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import file_digest, free_port
from rusmonitor.orchestrate import NO_TELEMETRY
from rusmonitor.settings import DAGS_DIR
from rusmonitor.sources import LOADED_SOURCES

E2E_DATABASE = "rusmonitor_e2e"
USER, PASSWORD = "rusmonitor", "e2e-only-password"
INGEST_DAGS = [f"ingest_{s}" for s in LOADED_SOURCES]


@pytest.fixture(scope="module")
def metadata_db() -> str:
    """A fresh metadata database on the PostgreSQL server."""
    url = os.environ.get("RUSMONITOR_TEST_POSTGRES")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must provide a PostgreSQL server in RUSMONITOR_TEST_POSTGRES (.ci/run does)")
        pytest.skip("no PostgreSQL server given in RUSMONITOR_TEST_POSTGRES")
    import sqlalchemy

    engine = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as con:
        con.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {E2E_DATABASE} WITH (FORCE)"))
        con.execute(sqlalchemy.text(f"CREATE DATABASE {E2E_DATABASE}"))
    engine.dispose()
    return url.rsplit("/", 1)[0] + f"/{E2E_DATABASE}"


class Airflow:
    """The running services and a small client of their REST API (v2)."""

    def __init__(self, root: Path, env: dict[str, str], port: int):
        self.root, self.env, self.url = root, env, f"http://127.0.0.1:{port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.token: str | None = None

    def start(self, name: str, *args: str) -> None:
        log = (self.root / "logs").joinpath(f"{name}.log")
        log.parent.mkdir(parents=True, exist_ok=True)
        self.processes[name] = subprocess.Popen(
            [str(Path(sys.executable).with_name("airflow")), *args],
            env=self.env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name} (last 40 lines)\n" + "\n".join(p.read_text(errors="replace").splitlines()[-40:])
            for p in sorted((self.root / "logs").glob("*.log"))
        )

    def alive(self) -> None:
        dead = {n: p.returncode for n, p in self.processes.items() if p.poll() is not None}
        assert not dead, f"Airflow services died: {dead}\n{self.logs()}"

    def request(self, method: str, path: str, body: dict | None = None) -> dict:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(
            self.url + path,
            method=method,
            headers=headers,
            data=None if body is None else json.dumps(body).encode(),
        )
        with urllib.request.urlopen(req, timeout=30) as response:
            return json.loads(response.read() or b"{}")

    def wait_for(self, what: str, check, timeout: float, every: float = 3.0):
        deadline = time.monotonic() + timeout
        while True:
            self.alive()
            try:
                result = check()
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                result = None
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{self.logs()}")
            time.sleep(every)

    def runs(self, dag_id: str) -> list[dict]:
        return self.request("GET", f"/api/v2/dags/{dag_id}/dagRuns?order_by=start_date")["dag_runs"]

    def task_states(self, dag_id: str, run_id: str) -> dict[str, str]:
        """Every task instance of the run (the API pages at 100)."""
        quoted = urllib.request.quote(run_id, safe="")
        states: dict[str, str] = {}
        while True:
            page = self.request(
                "GET", f"/api/v2/dags/{dag_id}/dagRuns/{quoted}/taskInstances?limit=100&offset={len(states)}"
            )
            states |= {ti["task_id"]: ti["state"] for ti in page["task_instances"]}
            if not page["task_instances"] or len(states) >= page["total_entries"]:
                return states


@pytest.fixture(scope="module")
def airflow(metadata_db, pipeline, tmp_path_factory):
    root = tmp_path_factory.mktemp("scheduler")
    data = {
        "landing": shutil.copytree(pipeline["landing"], root / "landing"),
        "warehouse": root / "warehouse" / "rusmonitor.duckdb",
        "serving": root / "serving" / "warehouse.duckdb",
    }
    for key in ("warehouse", "serving"):
        data[key].parent.mkdir(parents=True)
        shutil.copy(pipeline[key], data[key])
    home = root / "airflow"
    home.mkdir()
    (home / "passwords.json").write_text(json.dumps({USER: PASSWORD}))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env |= {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_db,
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__API_AUTH__JWT_SECRET": "e2e-only-secret",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
        # the scheduler preloads dbt and GX for its forked tasks (rusmonitor.airflow_plugin)
        "AIRFLOW__CORE__LAZY_LOAD_PLUGINS": "False",
        **NO_TELEMETRY,
        "RUSMONITOR_LANDING": str(data["landing"]),
        "RUSMONITOR_WAREHOUSE": str(data["warehouse"]),
        "RUSMONITOR_SERVING": str(data["serving"]),
        "RUSMONITOR_QUALITY": str(root / "quality"),
    }
    # the schema and the warehouse pool, as docker-compose's airflow-init does it
    migrated = subprocess.run(
        [sys.executable, "-c", "from rusmonitor.orchestrate import migrate_db; migrate_db()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    services = Airflow(root, env, port)
    services.start("api-server", "api-server", "--port", str(port))
    services.start("dag-processor", "dag-processor")
    services.start("scheduler", "scheduler")
    try:
        services.wait_for(
            "the API server",
            lambda: services.request("GET", "/api/v2/monitor/health")["metadatabase"]["status"] == "healthy",
            timeout=180,
        )
        services.token = services.request("POST", "/auth/token", {"username": USER, "password": PASSWORD})[
            "access_token"
        ]
        yield services, data
    finally:
        services.stop()


def test_ingest_over_the_rest_api_schedules_transform_and_publish(airflow):
    services, data = airflow
    # a resubmitted IS-24/8 period lands: one municipality corrects its return
    path = data["landing"] / "is_24_8" / "2015" / "is_24_8_arsverk_2015.csv"
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    frame.loc[0, "arsverk"] = "42,0"
    frame.to_csv(path.with_name("is_24_8_arsverk_2015_korrigert.csv"), sep=";", index=False)
    served_before = file_digest(data["serving"])
    fte_2015 = (
        "SELECT sum(value) FROM mart_indicator_values WHERE indicator_id = 'municipal_fte_rus' "
        "AND year = 2015 AND geo_level = 'national'"
    )
    with duckdb.connect(str(data["serving"]), read_only=True) as con:
        before = con.execute(fte_2015).fetchall()[0][0]

    wanted = {*INGEST_DAGS, "rusmonitor_transform"}
    services.wait_for(
        "the DAG processor to parse every DAG",
        lambda: wanted <= {d["dag_id"] for d in services.request("GET", "/api/v2/dags?limit=100")["dags"]},
        timeout=300,
    )
    started = time.monotonic()
    for dag_id in INGEST_DAGS:
        services.request("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None})

    def ingest_done():
        last = {d: services.runs(d)[-1] for d in INGEST_DAGS}
        return last if all(r["state"] in ("success", "failed") for r in last.values()) else None

    ingested = services.wait_for("the ingest runs", ingest_done, timeout=900)
    assert {d: r["state"] for d, r in ingested.items()} == dict.fromkeys(INGEST_DAGS, "success")
    # only the source with new data validated and announced it; the others skipped
    for dag_id, run in ingested.items():
        states = services.task_states(dag_id, run["dag_run_id"])
        expected = "success" if dag_id == "ingest_is_24_8" else "skipped"
        assert states == {"load": "success", "validate_raw": expected}, dag_id

    def transform_done():
        runs = [r for r in services.runs("rusmonitor_transform") if r["run_type"] == "asset_triggered"]
        return runs[-1] if runs and runs[-1]["state"] in ("success", "failed") else None

    transform = services.wait_for("the asset-triggered transform run", transform_done, timeout=1800, every=5)
    states = services.task_states("rusmonitor_transform", transform["dag_run_id"])
    failed = {t: s for t, s in states.items() if s != "success"}
    assert transform["state"] == "success" and not failed, failed
    assert {"load_catalog", "validate_marts", "publish"} <= set(states)
    print(
        f"\nscheduler e2e: {len(INGEST_DAGS)} ingest runs and a {len(states)}-task transform run "
        f"in {time.monotonic() - started:.0f} s"
    )

    # the published marts: the transform's version, with the corrected return in it
    assert file_digest(data["serving"]) != served_before
    with duckdb.connect(str(data["serving"]), read_only=True) as con:
        assert con.execute("SELECT run_id FROM publish_info").fetchall()[0][0] == transform["dag_run_id"]
        after = con.execute(fte_2015).fetchall()[0][0]
    assert after != before
