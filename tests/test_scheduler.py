"""End to end on a real Airflow 3 cluster, as the multi-machine deployment runs it: the API
server, the scheduler (CeleryExecutor), the DAG processor and two Celery workers as separate
processes on loopback, a Redis broker and the metadata database on a real PostgreSQL server,
all with the shared settings of rusmonitor.cluster (docker-compose.yml declares the same). The
test triggers every ingest DAG through the REST API; the Asset events of the source with new
data schedule rusmonitor_transform (cosmos, one task per dbt node), which publishes the serving
file. Midway, the worker running the new data's load is killed with SIGKILL, as a lost machine
would be: its task is failed on the missed heartbeat and retried on the other worker, and the
published marts equal those of a clean run over the same files.

PostgreSQL and Redis come from Debian's packages, installed by .ci/run, which starts PostgreSQL
and passes its address in RUSMONITOR_TEST_POSTGRES (a SQLAlchemy URL of a role allowed to create
databases); the test starts its own redis-server on a free port."""

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

from conftest import file_digest, free_port, run_dag
from rusmonitor.cluster import cluster_environment
from rusmonitor.orchestrate import NO_TELEMETRY
from rusmonitor.settings import DAGS_DIR
from rusmonitor.sources import LOADED_SOURCES

E2E_DATABASE = "rusmonitor_e2e"
WORKERS = ("worker-1", "worker-2")
# the new file's load waits this long for it to settle (delivery.py): the window in which a
# worker is killed mid-task
SETTLE_SECONDS = 45
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
        self.killed: set[str] = set()  # killed on purpose: not a failure of the cluster
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
        dead = {
            n: p.returncode
            for n, p in self.processes.items()
            if p.poll() is not None and n not in self.killed
        }
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
def redis_url(tmp_path_factory) -> str:
    """A Redis server of its own on a free port (Debian's redis-server, installed by .ci/run)."""
    binary = shutil.which("redis-server")
    if not binary:
        if os.environ.get("CI"):
            pytest.fail("CI must have redis-server (.ci/run installs it)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=(folder / "redis.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ping = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True)
        if ping.stdout.strip() == "PONG":
            break
        time.sleep(0.2)
    else:
        server.kill()
        pytest.fail(f"redis-server did not answer on port {port}")
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def airflow(metadata_db, redis_url, pipeline, tmp_path_factory):
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
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
        **NO_TELEMETRY,
        "RUSMONITOR_LANDING": str(data["landing"]),
        "RUSMONITOR_WAREHOUSE": str(data["warehouse"]),
        "RUSMONITOR_SERVING": str(data["serving"]),
        "RUSMONITOR_QUALITY": str(root / "quality"),
        "RUSMONITOR_SETTLE_SECONDS": str(SETTLE_SECONDS),
        "RUSMONITOR_SETTLE_WAIT": str(3 * SETTLE_SECONDS),
    }
    env |= cluster_environment(
        api_server_url=f"http://127.0.0.1:{port}",
        broker_url=redis_url,
        result_backend=f"db+{metadata_db}",
        metadata_db=metadata_db,
        jwt_secret="e2e-only-secret",
    )
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
    for worker in WORKERS:
        services.start(worker, "celery", "worker", "--celery-hostname", f"{worker}@%h")
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


def kill_the_worker_running(services: Airflow, dag_id: str, task_id: str) -> str:
    """SIGKILL the worker (and every process under it) that runs the task now, as a lost
    machine; return its name."""
    import psutil

    def running():
        runs = services.runs(dag_id)
        if not runs:
            return None
        quoted = urllib.request.quote(runs[-1]["dag_run_id"], safe="")
        ti = services.request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{quoted}/taskInstances/{task_id}")
        return ti if ti["state"] == "running" and ti.get("pid") else None

    ti = services.wait_for(f"{dag_id}.{task_id} to run", running, timeout=600, every=0.5)
    for name in WORKERS:
        worker = psutil.Process(services.processes[name].pid)
        family = [worker, *worker.children(recursive=True)]
        if ti["pid"] in {p.pid for p in family}:
            for process in family:
                process.kill()
            services.killed.add(name)
            return name
    raise AssertionError(f"the task's process {ti['pid']} runs under no worker\n{services.logs()}")


def published_fingerprints(serving: Path) -> dict[str, tuple[int, int]]:
    """The published tables' contents; lineage without its load ids and times (a load's id
    and time differ between two runs over the same files)."""
    out = {}
    with duckdb.connect(str(serving), read_only=True) as con:
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall():
            if table == "publish_info":
                continue
            rows = "* EXCLUDE (load_id, loaded_at)" if table == "mart_indicator_lineage" else "*"
            out[table] = con.execute(
                f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM (SELECT {rows} FROM {table}) t"
            ).fetchall()[0]
    return out


def test_ingest_over_the_rest_api_schedules_transform_and_publish(airflow, pipeline, tmp_path):
    services, data = airflow
    wanted = {*INGEST_DAGS, "rusmonitor_transform"}
    services.wait_for(
        "the DAG processor to parse every DAG",
        lambda: wanted <= {d["dag_id"] for d in services.request("GET", "/api/v2/dags?limit=100")["dags"]},
        timeout=300,
    )
    # a resubmitted IS-24/8 period lands: one municipality corrects its return
    path = data["landing"] / "is_24_8" / "2015" / "is_24_8_arsverk_2015.csv"
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    frame.loc[0, "arsverk"] = "42,0"
    correction = path.with_name("is_24_8_arsverk_2015_korrigert.csv")
    frame.to_csv(correction, sep=";", index=False)
    served_before = file_digest(data["serving"])
    fte_2015 = (
        "SELECT sum(value) FROM mart_indicator_values WHERE indicator_id = 'municipal_fte_rus' "
        "AND year = 2015 AND geo_level = 'national'"
    )
    with duckdb.connect(str(data["serving"]), read_only=True) as con:
        before = con.execute(fte_2015).fetchall()[0][0]

    started = time.monotonic()
    # the source with new data first: its load waits for the fresh file to settle, and the
    # worker running it is killed in that time
    order = ["ingest_is_24_8", *(d for d in INGEST_DAGS if d != "ingest_is_24_8")]
    for dag_id in order:
        services.request("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None})
    killed = kill_the_worker_running(services, "ingest_is_24_8", "load")
    survivor = next(w for w in WORKERS if w != killed)

    def ingest_done():
        last = {d: services.runs(d)[-1] for d in INGEST_DAGS}
        return last if all(r["state"] in ("success", "failed") for r in last.values()) else None

    # the transform the first new data triggers shares the one-slot warehouse pool with the
    # ingest loads still queued, so they finish in its time
    ingested = services.wait_for("the ingest runs", ingest_done, timeout=2400, every=5)
    assert {d: r["state"] for d, r in ingested.items()} == dict.fromkeys(INGEST_DAGS, "success")
    # only the source with new data validated and announced it; the others skipped
    for dag_id, run in ingested.items():
        states = services.task_states(dag_id, run["dag_run_id"])
        expected = "success" if dag_id == "ingest_is_24_8" else "skipped"
        assert states == {"load": "success", "validate_raw": expected}, dag_id
    # the killed try failed on its missed heartbeat, the retry ran on the other worker, and
    # no try of any task succeeded twice
    quoted = urllib.request.quote(ingested["ingest_is_24_8"]["dag_run_id"], safe="")
    tries = services.request("GET", f"/api/v2/dags/ingest_is_24_8/dagRuns/{quoted}/taskInstances/load/tries")[
        "task_instances"
    ]
    assert [t["state"] for t in sorted(tries, key=lambda t: t["try_number"])] == ["failed", "success"], tries
    assert "ingest_is_24_8" in (services.root / "logs" / f"{survivor}.log").read_text(errors="replace")

    def transform_done():
        runs = [r for r in services.runs("rusmonitor_transform") if r["run_type"] == "asset_triggered"]
        return runs[-1] if runs and runs[-1]["state"] in ("success", "failed") else None

    transform = services.wait_for("the asset-triggered transform run", transform_done, timeout=2400, every=5)
    states = services.task_states("rusmonitor_transform", transform["dag_run_id"])
    failed = {t: s for t, s in states.items() if s != "success"}
    assert transform["state"] == "success" and not failed, failed
    assert {"load_catalog", "validate_marts", "publish"} <= set(states)
    print(
        f"\ncluster e2e: {len(INGEST_DAGS)} ingest runs (worker {killed} killed mid-load) and a "
        f"{len(states)}-task transform run on {survivor} in {time.monotonic() - started:.0f} s"
    )

    # the published marts: the transform's version, with the corrected return in it
    assert file_digest(data["serving"]) != served_before
    with duckdb.connect(str(data["serving"]), read_only=True) as con:
        assert con.execute("SELECT run_id FROM publish_info").fetchall()[0][0] == transform["dag_run_id"]
        after = con.execute(fte_2015).fetchall()[0][0]
    assert after != before

    # ... and equal to a clean run's over the same files (one DAG run, nothing killed)
    clean = {
        "landing": shutil.copytree(pipeline["landing"], tmp_path / "landing"),
        "warehouse": tmp_path / "warehouse.duckdb",
        "serving": tmp_path / "serving.duckdb",
    }
    shutil.copy2(correction, clean["landing"] / "is_24_8" / "2015" / correction.name)
    shutil.copy(pipeline["warehouse"], clean["warehouse"])
    shutil.copy(pipeline["serving"], clean["serving"])
    state, clean_tasks = run_dag(**clean)
    assert state == "success", clean_tasks
    assert published_fingerprints(data["serving"]) == published_fingerprints(clean["serving"])
