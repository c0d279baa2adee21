"""What `rusmonitor pipeline` prints and how a run recovers from the one before it: real
`rusmonitor pipeline` processes (Airflow's dag.test(), dbt, GX), real DuckDB files, and
processes killed with SIGKILL at failpoints (no cleanup runs)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from conftest import outside_env
from rusmonitor.defects import inject
from rusmonitor.generate import DEFAULT_SEED, generate
from rusmonitor.publish import PUBLISHED_TABLES, publish, remove_killed_publishes
from rusmonitor.run_display import MAX_CAUSE_LINE
from rusmonitor.sources import SOURCES

PROGRESS_STEP = re.compile(r"^\[\s*(\d+)/(\d+)\] (\w+)\s+(ok|skipped|FAILED)\s+(.*)$")


def clean_env(data: Path, **extra: str) -> dict[str, str]:
    """No Airflow or rusmonitor settings of this test session: the run's own data folder."""
    return outside_env(data, RUSMONITOR_SETTLE_SECONDS="1", **extra)


def run_cli(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    # stdout and stderr in one pipe, as a terminal shows them: not a TTY, so plain lines
    return subprocess.run(
        [sys.executable, "-m", "rusmonitor.cli", "pipeline", *args],
        env=clean_env(data, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=1200,
    )


def one_year_of_every_source(landing: Path) -> None:
    """2024 and, for the sources without it (the census, PasOpp, the EUDA bulletin, the FHI
    export), their own last year: every load has files."""
    generate([2024], DEFAULT_SEED, landing)
    for declared in SOURCES:
        if 2024 not in declared.years:
            generate([declared.years[-1]], DEFAULT_SEED, landing, sources=[declared.id])


@contextmanager
def messages_of(logger: str) -> Iterator[list[str]]:
    """What `logger` logs in the block (Airflow's logging setup in this process bypasses caplog)."""
    seen: list[str] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = lambda record: seen.append(record.getMessage())
    logging.getLogger(logger).addHandler(handler)
    try:
        yield seen
    finally:
        logging.getLogger(logger).removeHandler(handler)


def logged_to(output: str) -> Path:
    (path,) = re.findall(r"full log in / hele loggen i (\S+)", output)
    return Path(path)


def test_the_default_pipeline_prints_under_40_lines_with_progress(demo, session_root):
    """`rusmonitor pipeline` on the default sample extracts from an empty data folder, as the
    session's `rusmonitor demo` runs it before it serves the report (conftest): one line per
    finished step with its files, rows and rows/s; Airflow's, cosmos' and dbt's output only in
    the log file."""
    output = demo["log"].splitlines()
    # the demo's output is the pipeline's, then the report's
    assert output and output[0].startswith("rusmonitor pipeline: full log in"), demo["log"][-3000:]
    ends = [i for i, line in enumerate(output) if line.startswith("pipeline run ")]
    assert ends, demo["log"][-3000:]
    lines = output[: ends[0] + 1]
    assert output[ends[0] + 1 :][:1] and output[ends[0] + 1].startswith("rusmonitor report: "), output[-5:]
    stdout = "\n".join(lines)

    assert len(lines) < 40, stdout
    assert "\r" not in stdout  # not a terminal: no redrawn line
    assert "generating the sample extracts" in lines[1], lines[:3]
    steps = {m[3]: m for m in map(PROGRESS_STEP.match, lines) if m}
    # every step, once: a load per source, the catalog, validate_raw, dbt, validate_marts, publish
    assert len(steps) == int(next(iter(steps.values()))[2]) == len(SOURCES) + 5, lines
    loads = [task for task in steps if task.startswith("load_") and task != "load_catalog"]
    assert sorted(loads) == sorted(f"load_{s.id}" for s in SOURCES)
    for task in loads:
        assert re.search(r"file (\d+)/\1, [\d ]+ rows, [\d ]+ rows/s, [\d.]+ s$", steps[task][5]), steps[
            task
        ][0]
    assert re.search(r"node (\d+)/\1, [\d.]+ s$", steps["dbt_build"][5]), steps["dbt_build"][0]
    assert re.match(r"pipeline run \S+ succeeded in \d+ s", lines[-1]), lines[-1]
    log = logged_to(stdout)
    assert log.parent == session_root / "logs" and log.name.startswith("pipeline-")
    text = log.read_text(encoding="utf-8")
    # what used to fill the terminal: cosmos' dbt ls JSON, dbt's model lines, Airflow's task logs
    assert '"resource_type": "model"' in text and "OK created" in text and "[DAG TEST]" in text


def test_a_rejected_file_ends_the_output_with_its_causes_one_line_each(tmp_path):
    """A defective NPR file (episode ids left empty, rejected by its contract) fails the run:
    the last lines are the rejection itself (file, row, column), not the tasks that never ran."""
    data = tmp_path / "data"
    one_year_of_every_source(data / "landing")
    (path,) = inject(data / "landing", ["null_keys"])
    name = path.relative_to(data / "landing").as_posix()

    done = run_cli(data)

    lines = done.stdout.splitlines()
    assert done.returncode == 1, done.stdout[-3000:]
    summary = next(i for i, line in enumerate(lines) if line.startswith("pipeline run "))
    assert "1 step(s) failed (load_npr)" in lines[summary], done.stdout
    causes = lines[summary + 1 :]
    assert causes and all(line.startswith("load_npr: ") for line in causes), causes
    assert all(len(line) < 500 for line in causes)
    assert name in causes[0]
    rejected = re.compile(rf"^load_npr:\s+{re.escape(name)}: line \d+, column 'episode_id': missing value$")
    assert any(rejected.match(line) for line in causes), causes
    # the steps after the load never ran: they are not given as failed
    steps = {m[3]: m[4] for m in map(PROGRESS_STEP.match, lines) if m}
    assert steps["load_npr"] == "FAILED"
    assert [task for task, outcome in steps.items() if outcome == "FAILED"] == ["load_npr"]
    assert not any(task in " ".join(causes) for task in ("validate_raw", "dbt_build", "publish"))


def test_a_cause_line_is_cut_under_500_characters():
    from rusmonitor.run_display import cause_lines

    (line,) = cause_lines("load_npr", "x" * 5000)
    assert len(line) == MAX_CAUSE_LINE and line.startswith("load_npr: xxx")


def test_a_killed_run_left_running_is_marked_failed_at_the_next_start(tmp_path, airflow_db, session_root):
    """A real `rusmonitor pipeline` killed (SIGKILL) inside its first load leaves its Airflow run
    `running` and its lock note; the next start learns from the lock that the holder is dead
    and marks that run failed, with a log line."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    from rusmonitor import orchestrate
    from rusmonitor.run_lock import pipeline_lock

    data = tmp_path / "data"
    one_year_of_every_source(data / "landing")
    # the same metadata database as this test process reads
    killed = run_cli(
        data,
        AIRFLOW_HOME=str(session_root / "airflow"),
        RUSMONITOR_FAILPOINTS="load.before_commit@1",
    )
    assert killed.returncode == -signal.SIGKILL, killed.stdout[-3000:]
    lock = data / "warehouse" / "rusmonitor.duckdb.pipeline.lock"
    holder = json.loads(lock.read_text(encoding="utf-8"))

    def runs_of(started_at: str) -> dict[str, str]:
        since = dt.datetime.fromisoformat(started_at)
        with create_session() as session:
            runs = session.query(DagRun).filter(DagRun.dag_id == orchestrate.DAG_ID).all()
            return {r.run_id: str(r.state) for r in runs if r.start_date >= since}

    left = runs_of(holder["started_at"])
    assert list(left.values()) == ["running"], left

    with messages_of("rusmonitor.orchestrate") as seen, pipeline_lock(lock) as me:
        assert me["previous"]["pid"] == holder["pid"]
        marked = orchestrate.fail_runs_left_running(me["previous"])
    assert marked == list(left)
    assert runs_of(holder["started_at"]) == dict.fromkeys(left, "failed")
    assert any(f"left running by pid {holder['pid']}" in m and "marked failed" in m for m in seen)
    with create_session() as session:
        (run,) = session.query(DagRun).filter(DagRun.run_id == marked[0]).all()
        states = {ti.task_id: str(ti.state) for ti in run.get_task_instances(session=session)}
    assert "running" not in states.values() and list(states.values()).count("failed") == 1, states


@pytest.fixture()
def tiny_warehouse(tmp_path) -> Path:
    """A build warehouse with every published table (one row each) and a load log."""
    path = tmp_path / "build.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts; CREATE SCHEMA raw")
        for table in PUBLISHED_TABLES:
            con.execute(f"CREATE TABLE marts.{table} AS SELECT 1 AS x")
        con.execute("CREATE TABLE raw._loads AS SELECT now()::TIMESTAMP AS loaded_at")
    return path


PUBLISH_THREE = (
    "import sys; from pathlib import Path; from rusmonitor.publish import publish\n"
    "for i in range(3): publish(Path(sys.argv[1]), Path(sys.argv[2]), run_id=f'run-{i}')"
)


def _run_id(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT run_id FROM publish_info").fetchall()[0][0]


@pytest.mark.parametrize(
    ("failpoint", "left_behind", "serving_then"),
    [
        # killed after the new file was written, before it replaced the serving file
        ("publish.before_swap@3", ".warehouse.duckdb.{pid}.tmp", "run-1"),
        # killed between the two renames: the new version serves, the previous not yet moved
        ("publish.after_swap@3", ".warehouse.prev.duckdb.{pid}.tmp", "run-2"),
    ],
)
def test_a_killed_publish_is_cleaned_up_and_the_previous_version_survives(
    tiny_warehouse, tmp_path, failpoint, left_behind, serving_then
):
    serving = tmp_path / "serving" / "warehouse.duckdb"
    previous = serving.with_name("warehouse.prev.duckdb")
    killed = subprocess.Popen(
        [sys.executable, "-c", PUBLISH_THREE, str(tiny_warehouse), str(serving)],
        env={**os.environ, "RUSMONITOR_FAILPOINTS": failpoint},
        stderr=subprocess.PIPE,
        text=True,
    )
    _, stderr = killed.communicate(timeout=300)
    assert killed.returncode == -signal.SIGKILL, stderr
    leftover = serving.parent / left_behind.format(pid=killed.pid)
    assert sorted(p.name for p in serving.parent.glob(".*")) == [leftover.name]
    assert _run_id(serving) == serving_then and _run_id(previous) == "run-0"

    assert remove_killed_publishes(serving) == [leftover]

    assert not list(serving.parent.glob(".*"))
    assert _run_id(serving) == serving_then
    # the version before the one serving is the previous one, whichever rename was missed
    assert _run_id(previous) == ("run-0" if serving_then == "run-1" else "run-1")
    publish(tiny_warehouse, serving, run_id="run-3")  # and the next publish goes on from there
    assert (_run_id(serving), _run_id(previous)) == ("run-3", serving_then)
    assert not list(serving.parent.glob(".*"))


def test_a_publish_cleans_up_after_a_killed_one_but_not_after_a_live_one(tiny_warehouse, tmp_path):
    serving = tmp_path / "warehouse.duckdb"
    publish(tiny_warehouse, serving, run_id="run-0")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    stale = [
        serving.with_name(f".warehouse.duckdb.{dead_pid}.tmp"),
        serving.with_name(f".warehouse.duckdb.{dead_pid}.tmp.wal"),
    ]
    live = serving.with_name(f".warehouse.duckdb.{os.getppid()}.tmp")  # a publish still running
    for path in (*stale, live):
        path.write_bytes(b"half a file")

    publish(tiny_warehouse, serving, run_id="run-1")

    assert [p.exists() for p in stale] == [False, False]
    assert live.exists()
    assert (_run_id(serving), _run_id(serving.with_name("warehouse.prev.duckdb"))) == ("run-1", "run-0")


@pytest.mark.parametrize("tty", [True, False])
def test_the_live_line_is_redrawn_only_on_a_terminal(tty, monkeypatch):
    """On a terminal the running step's line is redrawn in place (carriage return); into a pipe
    it is a plain line, at most one per heartbeat, and every finished step is one line."""
    import io
    from types import SimpleNamespace

    from rusmonitor import run_display

    monkeypatch.setattr(run_display, "HEARTBEAT_SECONDS", 0.0)
    out = io.StringIO()
    display = run_display.RunDisplay(out, total_steps=1, tty=tty)
    load_log = logging.getLogger("rusmonitor.load")
    load_log.addHandler(display)
    monkeypatch.setattr(load_log, "level", logging.INFO)
    try:
        task = SimpleNamespace(task_id="load_npr", state="running")
        display.on_task_instance_running(previous_state=None, task_instance=task)
        for n in (1, 2):
            load_log.info(run_display.LOAD_FILE_MESSAGE, "npr", n, 2, f"npr/{n}.csv", "loaded", 1000, 0.1)
        display.on_task_instance_success(previous_state=None, task_instance=task)
    finally:
        load_log.removeHandler(display)
    text = out.getvalue()
    assert ("\r" in text) == tty
    shown = [line.rpartition("\r\033[K")[2] for line in text.split("\n")]  # as the terminal leaves it
    finished = [line for line in shown if line.startswith("[")]
    assert len(finished) == 1 and "load_npr" in finished[0] and "file 2/2, 2 000 rows" in finished[0]
    if not tty:
        assert any(line.startswith("  … load_npr: file 1/2, 1 000 rows, ") for line in text.splitlines())
