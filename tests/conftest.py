"""Shared fixtures: one `rusmonitor demo` per test session (the sample extracts it generates and its
Airflow DAG run from scratch are what most tests read).

Airflow reads its settings when first imported, so AIRFLOW_HOME and the data folder are fixed
here, before any test imports it; each test then points the pipeline at its own landing folder,
warehouse and serving file through the RUSMONITOR_* variables, which are read at call time."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

SESSION_ROOT = Path(os.environ.get("RUSMONITOR_TEST_ROOT") or tempfile.mkdtemp(prefix="rusmonitor-tests-"))
os.environ["RUSMONITOR_DATA"] = str(SESSION_ROOT / "data")
os.environ["AIRFLOW_HOME"] = str(SESSION_ROOT / "airflow")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
# Tests rewrite landing files and load them at once: a short settle time (the default is 10 s);
# the tests of delivery.py's rule set their own.
os.environ.setdefault("RUSMONITOR_SETTLE_SECONDS", "1")

from rusmonitor import orchestrate  # noqa: E402  (after the environment above)

orchestrate.configure()


@pytest.fixture(scope="session")
def session_root() -> Path:
    return SESSION_ROOT


@pytest.fixture(scope="session")
def demo(session_root: Path) -> dict:
    """README's main command, `rusmonitor demo`, once per session in a new data folder (the
    session root, with this session's Airflow home): it generates the default sample extracts,
    runs the DAG from scratch, publishes and serves the report, which is stopped once it answers.
    Its output, port and whether the report answered are kept for the tests of the demo and of
    the pipeline's output; its landing folder, warehouse and serving file are what every other
    test reads (`pipeline`)."""
    log, record = session_root / "demo.log", session_root / "demo.json"
    if os.environ.get("RUSMONITOR_TEST_REUSE_PIPELINE") and record.exists() and log.exists():
        # local iteration only: the demo an earlier session under the same RUSMONITOR_TEST_ROOT
        # ran, if it published and served
        kept = {**json.loads(record.read_text(encoding="utf-8")), "log": log.read_text(encoding="utf-8")}
        if kept["served"]:
            return kept
    # a root an earlier session left (RUSMONITOR_TEST_ROOT): the demo starts from an empty folder
    for left in ("landing", "warehouse", "serving", "logs", "dbt"):
        shutil.rmtree(session_root / left, ignore_errors=True)
    port = free_port()
    # the quality folder beside the serving file, where the in-process runs of `run_dag` put theirs
    env = outside_env(session_root, RUSMONITOR_QUALITY=str(session_root / "serving" / "warehouse_quality"))
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rusmonitor.cli", "demo", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            served = report_answers(f"http://localhost:{port}", proc, seconds=1800)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    result = {"port": port, "served": served, "returncode": proc.returncode}
    record.write_text(json.dumps(result), encoding="utf-8")
    return {**result, "log": log.read_text(encoding="utf-8")}


@pytest.fixture(scope="session")
def default_landing(demo, session_root: Path) -> Path:
    """The default sample extracts (every year each source covers), as the demo generated them."""
    return session_root / "landing"


@contextmanager
def pipeline_paths(landing: Path, warehouse: Path, serving: Path) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RUSMONITOR_LANDING", str(landing))
        mp.setenv("RUSMONITOR_WAREHOUSE", str(warehouse))
        mp.setenv("RUSMONITOR_SERVING", str(serving))
        # the GX project and its Data Docs beside the serving file: one per test's data
        mp.setenv("RUSMONITOR_QUALITY", str(serving.parent / f"{serving.stem}_quality"))
        yield


@pytest.fixture(scope="session")
def airflow_db() -> None:
    orchestrate.migrate_db()


def run_dag(landing: Path, warehouse: Path, serving: Path):
    """One real run of the DAG (dag.test()); returns (state, {task_id: state})."""
    with pipeline_paths(landing, warehouse, serving):
        dag = orchestrate.load_dag()
        run = dag.test()
        states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
        return str(run.state), states


@pytest.fixture(scope="session")
def pipeline(session_root: Path, demo: dict, default_landing: Path, airflow_db) -> dict[str, Path]:
    """The DAG run once from scratch over the default extracts (the demo's); its landing folder,
    warehouse and serving file."""
    assert re.search(r"^pipeline run \S+ succeeded", demo["log"], re.MULTILINE), (
        f"the demo's pipeline run failed:\n{demo['log'][-3000:]}"
    )
    return {
        "landing": default_landing,
        "warehouse": session_root / "warehouse" / "rusmonitor.duckdb",
        "serving": session_root / "serving" / "warehouse.duckdb",
    }


@pytest.fixture(scope="session")
def corpus_base_warehouse(tmp_path_factory) -> Path:
    """The valid 2013 extracts of every source in the malformed-file corpora
    (tests/fixtures/corpus/base), loaded once; each case works on a copy."""
    from rusmonitor.load import load_source

    root = tmp_path_factory.mktemp("corpus")
    landing = shutil.copytree(Path(__file__).parent / "fixtures" / "corpus" / "base", root / "landing")
    warehouse = root / "base.duckdb"
    for source in sorted(p.name for p in landing.iterdir()):
        load_source(source, landing, warehouse)
    return warehouse


@pytest.fixture()
def copied(pipeline, tmp_path):
    """A copy of the session's landing folder, warehouse and serving file, to break."""
    paths = {
        "landing": shutil.copytree(pipeline["landing"], tmp_path / "landing"),
        "warehouse": tmp_path / "warehouse.duckdb",
        "serving": tmp_path / "serving.duckdb",
    }
    shutil.copy(pipeline["warehouse"], paths["warehouse"])
    shutil.copy(pipeline["serving"], paths["serving"])
    return paths


def table_fingerprints(db: Path, schemas: tuple[str, ...] | None = None) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent content hash of every table in the file (DuckDB's
    hash of each whole row, summed: equal contents give equal sums in any order)."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()
        for schema, table in tables:
            if schemas and schema not in schemas:
                continue
            if not schemas and schema == "quality":  # validation records grow with every run
                continue
            rows, digest = con.execute(
                f'SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM "{schema}"."{table}" AS t'
            ).fetchall()[0]
            out[f"{schema}.{table}"] = (rows, int(digest))
    return out


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def outside_env(data: Path, **extra: str) -> dict[str, str]:
    """The environment of a `rusmonitor` process of its own: none of this test session's
    Airflow or rusmonitor settings, its own data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "RUSMONITOR_"))}
    return {**env, "RUSMONITOR_DATA": str(data), **extra}


def report_answers(url: str, proc: subprocess.Popen, seconds: float) -> bool:
    """Whether the report `proc` serves at `url` answers its health check before the process
    ends or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def free_port() -> int:
    """A TCP port nothing listens on, for a server a test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Documents are cited by title and chapter, never by a line of a text file or a path outside the
# repository. The patterns are written so that they do not match their own source text.
LINE_CITATION = re.compile(r"\b00[0-9] L[0-9]+|\bL[0-9]{2,5}(?:[-–][0-9]+)?\b")
OUTSIDE_REFERENCE = re.compile(
    r"\bseeds?[- ]0{2}[0-9]|\b0{2}[0-9]_[0-9a-f]{16}\b|(?:\.\.|/work)/shared\b|\bshared/real(?:data)"
    r"|\bnotes/seed|\bDESIGN\.md\b|\bsteering\s+repo"
)
# The project's own issue tracker is outside the repository too (the word and a number); an upstream
# project's bug named with its tracker ("GX #11579") says where the workaround comes from.
PROJECT_ISSUE = re.compile(r"\bissues?[ -]?[0-9]+\b", re.IGNORECASE)
CITATION_PATTERNS = (LINE_CITATION, OUTSIDE_REFERENCE, PROJECT_ISSUE)


def forbidden_citations(text: str) -> list[str]:
    """The line-number citations and outside paths in `text` (none is allowed anywhere)."""
    return [m.group(0) for pattern in CITATION_PATTERNS for m in pattern.finditer(text)]
