"""Operating under faults: a publish while the report reads, a load or a dbt build killed
halfway, a landing file still being written. Each recovers on retry with nothing lost or
duplicated. Real processes are killed with SIGKILL (no cleanup runs), real DuckDB files."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from conftest import outside_env, table_fingerprints
from rusmonitor.generate import generate
from rusmonitor.load import FilesStillBeingWritten, load_source
from rusmonitor.publish import PUBLISHED_TABLES

BUILT = ("staging", "intermediate", "marts")


def raw_state(warehouse: Path) -> dict:
    """The raw data and what the load log says was loaded; not when or how fast."""
    state = table_fingerprints(warehouse, ("raw",))
    state.pop("raw._loads")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        state["loads"] = con.execute(
            "SELECT source_file, content_hash, row_count, period FROM raw._loads ORDER BY source_file"
        ).fetchall()
    return state


@pytest.fixture(scope="module")
def npr_landing(tmp_path_factory) -> Path:
    """Two years of NPR extracts: four files (TSB episodes and detox stays per year)."""
    landing = tmp_path_factory.mktemp("npr_landing")
    generate([2013, 2014], 2016, landing, sources=["npr"])
    return landing


@pytest.fixture(scope="module")
def clean_npr_load(npr_landing, tmp_path_factory) -> dict:
    """What an undisturbed load of those files gives."""
    warehouse = tmp_path_factory.mktemp("clean") / "wh.duckdb"
    load_source("npr", npr_landing, warehouse)
    return raw_state(warehouse)


def test_publish_is_atomic_while_a_reader_queries_in_a_loop(pipeline, tmp_path):
    """Six publishes in another process while this one reads the serving file in a loop: every
    read sees a whole version (every table, every row), never an error or half a file."""
    serving = tmp_path / "serving" / "warehouse.duckdb"
    with duckdb.connect(str(pipeline["serving"]), read_only=True) as con:
        expected = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in PUBLISHED_TABLES}
    publisher = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from rusmonitor.publish import publish\n"
            "for i in range(6): publish(Path(sys.argv[1]), Path(sys.argv[2]), run_id=f'run-{i}')",
            str(pipeline["warehouse"]),
            str(serving),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    versions, errors = [], []
    while True:
        # poll before reading, so the loop's last read starts after the last publish finished
        publisher_done = publisher.poll() is not None
        if not serving.exists():
            assert not publisher_done, "the publisher exited without publishing"
            time.sleep(0.01)
            continue
        try:
            with duckdb.connect(str(serving), read_only=True) as con:
                tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
                counts = {
                    t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in PUBLISHED_TABLES
                }
                run_id = con.execute("SELECT run_id FROM publish_info").fetchall()[0][0]
        except Exception as e:  # noqa: BLE001  (any error is the finding)
            errors.append(repr(e))
            if publisher_done:
                break
            continue
        assert tables == {*PUBLISHED_TABLES, "publish_info"}
        assert counts == expected, f"half a version seen under {run_id}"
        if not versions or versions[-1] != run_id:
            versions.append(run_id)
        if publisher_done:
            break
    output = publisher.stdout.read()
    assert publisher.returncode == 0, output
    assert errors == []
    # the reads overlapped the publishes: they saw several versions, in order
    assert len(versions) >= 3 and versions == sorted(versions), versions
    assert versions[-1] == "run-5"
    # the last good version is kept beside the new one
    previous = serving.with_name("warehouse.prev.duckdb")
    with duckdb.connect(str(previous), read_only=True) as con:
        assert con.execute("SELECT run_id FROM publish_info").fetchall()[0][0] == "run-4"
    assert not list(serving.parent.glob(".*.tmp"))  # no staging file left behind


LOAD_NPR = (
    "import logging, sys; from pathlib import Path; from rusmonitor.load import load_source\n"
    "logging.basicConfig(level=logging.INFO)\n"
    "load_source('npr', Path(sys.argv[1]), Path(sys.argv[2]))"
)


@pytest.mark.parametrize(
    "batch_rows, killed_at, committed",
    [
        # file by file, killed while the third file's rows are written and checked
        ("1", "load.before_commit@3", 2),
        # the four files in one batch, killed before its commit: none of them is kept
        ("500000", "load.before_commit@1", 0),
    ],
)
def test_a_load_killed_mid_file_recovers_on_retry(
    npr_landing, clean_npr_load, tmp_path, batch_rows, killed_at, committed
):
    warehouse = tmp_path / "wh.duckdb"
    killed = subprocess.run(
        [sys.executable, "-c", LOAD_NPR, str(npr_landing), str(warehouse)],
        env={**os.environ, "RUSMONITOR_FAILPOINTS": killed_at, "RUSMONITOR_LOAD_BATCH_ROWS": batch_rows},
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert "failpoint load.before_commit reached" in killed.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        loaded = [r[0] for r in con.execute("SELECT source_file FROM raw._loads ORDER BY 1").fetchall()]
        in_raw = con.execute(
            "SELECT count(DISTINCT _source_file) FROM (SELECT _source_file FROM raw.npr_tsb_episodes "
            "UNION ALL SELECT _source_file FROM raw.npr_detox_stays)"
        ).fetchall()[0][0]
    # the files committed before the kill are kept; the batch being checked left no trace
    assert len(loaded) == committed and in_raw == committed

    load_source("npr", npr_landing, warehouse)  # the retry
    assert raw_state(warehouse) == clean_npr_load
    load_source("npr", npr_landing, warehouse)  # and once more: nothing changes
    assert raw_state(warehouse) == clean_npr_load


def test_dbt_killed_mid_run_recovers_on_retry(copied):
    """SIGKILL to a dbt build after some forty models: the rerun builds the same marts."""
    warehouse = copied["warehouse"]
    before = table_fingerprints(warehouse, BUILT)
    code = (
        "import sys; from pathlib import Path; from rusmonitor.transform import run_dbt\n"
        "run_dbt('build', Path(sys.argv[1]))"
    )
    build = subprocess.Popen(
        [sys.executable, "-c", code, str(warehouse)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    done = 0
    for line in build.stdout:
        done += bool(re.search(r"\bOK (created|loaded)\b", line))
        if done >= 40:
            os.killpg(build.pid, signal.SIGKILL)
            break
    build.wait()
    assert build.returncode == -signal.SIGKILL, f"dbt ended on its own after {done} models"

    retry = subprocess.run(
        [sys.executable, "-c", code, str(warehouse)], capture_output=True, text=True, timeout=600
    )
    assert retry.returncode == 0, retry.stdout[-3000:]
    assert table_fingerprints(warehouse, BUILT) == before


def test_a_landing_file_still_being_written_is_left_for_a_retry(
    npr_landing, clean_npr_load, tmp_path, monkeypatch
):
    monkeypatch.setenv("RUSMONITOR_SETTLE_SECONDS", "1")
    monkeypatch.setenv("RUSMONITOR_SETTLE_WAIT", "2")
    landing = shutil.copytree(npr_landing, tmp_path / "landing")
    warehouse = tmp_path / "wh.duckdb"
    growing = landing / "npr" / "2014" / "npr_tsb_episoder_2014.csv"
    content = growing.read_bytes()
    growing.write_bytes(content[: len(content) // 3])  # a publisher's copy has begun

    def publisher_copies_the_rest(chunks: int = 12) -> None:
        rest = content[len(content) // 3 :]
        step = len(rest) // chunks + 1
        with growing.open("ab") as f:
            for i in range(0, len(rest), step):
                time.sleep(0.4)  # 12 chunks: about 5 s, longer than the load waits
                f.write(rest[i : i + step])
                f.flush()

    writer = threading.Thread(target=publisher_copies_the_rest)
    writer.start()
    try:
        with pytest.raises(FilesStillBeingWritten) as deferred:
            load_source("npr", landing, warehouse)
    finally:
        writer.join()
    assert deferred.value.files == ["npr/2014/npr_tsb_episoder_2014.csv"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        loaded = [r[0] for r in con.execute("SELECT source_file FROM raw._loads ORDER BY 1").fetchall()]
        partial = con.execute(
            "SELECT count(*) FROM raw.npr_tsb_episodes WHERE _source_file = ?", [deferred.value.files[0]]
        ).fetchall()[0][0]
    assert len(loaded) == 3 and partial == 0  # the other files loaded, nothing of the partial one

    assert growing.read_bytes() == content
    time.sleep(1.1)  # the copy has finished: let it settle
    load_source("npr", landing, warehouse)  # the retry
    assert raw_state(warehouse) == clean_npr_load


def _paused_copy(path: Path, content: bytes, upto: int) -> None:
    """A publisher's copy that stopped after `upto` bytes a while ago (a stalled share): the
    part on disk has not changed for a minute, longer than any settle time."""
    path.write_bytes(content[:upto])
    old = time.time() - 60
    os.utime(path, (old, old))


def test_a_copy_paused_mid_line_is_not_loaded_until_it_is_complete(
    npr_landing, clean_npr_load, tmp_path, monkeypatch, caplog
):
    monkeypatch.setenv("RUSMONITOR_SETTLE_WAIT", "0")
    landing = shutil.copytree(npr_landing, tmp_path / "landing")
    warehouse = tmp_path / "wh.duckdb"
    paused = landing / "npr" / "2014" / "npr_tsb_episoder_2014.csv"
    content = paused.read_bytes()
    half = len(content) // 2
    cut = half if content[half - 1 : half] != b"\n" else half + 1  # stops inside a line
    _paused_copy(paused, content, cut)

    with caplog.at_level("WARNING", logger="rusmonitor.load"):
        with pytest.raises(FilesStillBeingWritten) as deferred:
            load_source("npr", landing, warehouse)

    name = "npr/2014/npr_tsb_episoder_2014.csv"
    assert deferred.value.files == [name]
    assert "no newline at the end" in deferred.value.reasons[name]
    assert any(name in r.getMessage() and "not complete yet" in r.getMessage() for r in caplog.records)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        loaded = [r[0] for r in con.execute("SELECT source_file FROM raw._loads ORDER BY 1").fetchall()]
        partial = con.execute(
            "SELECT count(*) FROM raw.npr_tsb_episodes WHERE _source_file = ?", [name]
        ).fetchall()[0][0]
        quarantined = con.execute("SELECT count(*) FROM raw._quarantine").fetchall()[0][0]
    assert len(loaded) == 3 and partial == 0 and quarantined == 0

    paused.write_bytes(content)  # the copy resumes and finishes
    time.sleep(1.1)  # the conftest's settle time
    load_source("npr", landing, warehouse)
    assert raw_state(warehouse) == clean_npr_load


def test_a_done_marker_decides_when_a_file_is_complete(npr_landing, clean_npr_load, tmp_path, monkeypatch):
    """Cut at a line end, a paused copy looks whole; its done-marker, written first by the
    publisher with the full size and checksum, says it is not. Once the bytes match, the file
    loads at once, without waiting out a settle time."""
    from rusmonitor.delivery import write_marker

    monkeypatch.setenv("RUSMONITOR_SETTLE_WAIT", "0")
    landing = shutil.copytree(npr_landing, tmp_path / "landing")
    warehouse = tmp_path / "wh.duckdb"
    paused = landing / "npr" / "2014" / "npr_tsb_episoder_2014.csv"
    content = paused.read_bytes()
    write_marker(paused)
    cut = content.rindex(b"\n", 0, len(content) // 2) + 1  # the part on disk ends a line
    _paused_copy(paused, content, cut)

    with pytest.raises(FilesStillBeingWritten) as deferred:
        load_source("npr", landing, warehouse)
    reason = deferred.value.reasons["npr/2014/npr_tsb_episoder_2014.csv"]
    assert reason == f"it has {cut} of the {len(content)} bytes its done-marker {paused.name}.done declares"

    paused.write_bytes(content)  # just written: only the marker can say it is complete
    monkeypatch.setenv("RUSMONITOR_SETTLE_SECONDS", "600")
    for other in landing.rglob("*.csv"):  # the other files were delivered long ago
        if other != paused:
            os.utime(other, (time.time() - 3600, time.time() - 3600))
    load_source("npr", landing, warehouse)
    assert raw_state(warehouse) == clean_npr_load


def test_temporary_and_hidden_landing_names_are_never_read(npr_landing, tmp_path):
    from rusmonitor.load import landing_files

    landing = shutil.copytree(npr_landing, tmp_path / "landing")
    source = landing / "npr" / "2014" / "npr_tsb_episoder_2014.csv"
    for name in (".npr_tsb_episoder_2014_ny.csv", "~npr_tsb_episoder_2014_ny.csv"):
        shutil.copy(source, source.with_name(name))
    names = sorted(p.name for p in landing_files("npr", landing))
    assert names == sorted(p.name for p in npr_landing.glob("npr/*/*.csv"))


def test_a_second_pipeline_run_refuses_at_once_naming_the_first(tmp_path, caplog):
    """Two real `rusmonitor pipeline` processes on one warehouse: the second refuses within two
    seconds naming the first (pid, host, start); the first, killed with SIGKILL, leaves its note
    behind, and the next run takes the lock over with a warning."""
    import json
    import socket

    from rusmonitor.run_lock import pipeline_lock

    data = tmp_path / "data"
    generate([2014], 2016, data / "landing", sources=["kriminalomsorgen"])  # no sample to write
    env = outside_env(data)
    lock = data / "warehouse" / "rusmonitor.duckdb.pipeline.lock"
    command = [sys.executable, "-m", "rusmonitor.cli", "pipeline"]
    first = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while not (lock.exists() and lock.read_text(encoding="utf-8")):
            assert first.poll() is None, first.stdout.read()
            assert time.monotonic() < deadline, "the first run never took the lock"
            time.sleep(0.05)
        assert json.loads(lock.read_text(encoding="utf-8"))["pid"] == first.pid

        started = time.monotonic()
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        elapsed = time.monotonic() - started

        assert second.returncode == 3, second.stderr
        assert elapsed < 2, f"the second run took {elapsed:.1f} s to refuse"
        assert f"pid {first.pid} on {socket.gethostname()}, started " in second.stderr
        assert str(lock) in second.stderr
        assert first.poll() is None  # the first run goes on
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()

    assert json.loads(lock.read_text(encoding="utf-8"))["pid"] == first.pid  # its note stays
    with caplog.at_level("WARNING", logger="rusmonitor.run_lock"), pipeline_lock(lock) as me:
        assert me["pid"] == os.getpid()
    (warning,) = [r.getMessage() for r in caplog.records if r.name == "rusmonitor.run_lock"]
    assert f"taking over the stale pipeline lock {lock} of pid {first.pid}" in warning
    assert "no longer running" in warning
    assert lock.read_text(encoding="utf-8") == ""  # released cleanly
