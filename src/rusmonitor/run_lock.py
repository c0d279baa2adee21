"""One `rusmonitor pipeline` run at a time per warehouse.

The run holds an exclusive flock on a lock file beside the warehouse (settings.pipeline_lock_path)
and writes into it who it is: pid, host, start time and command. A second run finds the lock
taken and refuses at once, naming the holder, instead of failing minutes later on DuckDB's file
lock. The kernel drops a flock when its process dies, however it dies, so a run killed with
SIGKILL leaves only its note behind: the next run takes the lock over and says so at WARNING.
Under a scheduler the Airflow pool `duckdb_warehouse` keeps tasks apart instead (DEVELOPERS.md).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rusmonitor.settings import pipeline_lock_path

log = logging.getLogger(__name__)

# a holder that has just taken the lock may not have written its note yet
NOTE_WAIT_SECONDS = 0.5


class PipelineLocked(RuntimeError):
    """Another pipeline run holds the lock."""

    def __init__(self, path: Path, holder: dict):
        self.path = path
        self.holder = holder
        who = describe(holder) if holder else "a run that has not written its pid yet"
        super().__init__(
            f"another pipeline run holds {path}: {who}. Wait for it to finish; nothing was changed."
        )


def describe(holder: dict) -> str:
    return (
        f"pid {holder.get('pid')} on {holder.get('host')}, started {holder.get('started_at')} "
        f"({holder.get('command')})"
    )


def _read_note(f) -> dict:
    f.seek(0)
    text = f.read()
    try:
        return json.loads(text) if text.strip() else {}
    except json.JSONDecodeError:
        return {"pid": "?", "host": "?", "started_at": "?", "command": text[:200]}


def _alive(pid: object) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError, TypeError):
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


@contextmanager
def pipeline_lock(path: Path | None = None) -> Iterator[dict]:
    """Hold the pipeline lock for the duration of the block; raise PipelineLocked at once if
    another run holds it. Yields this run's note, with `previous`: the note of a holder that
    died without letting go, or None."""
    path = path or pipeline_lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    f = open(path, "a+", encoding="utf-8")  # noqa: SIM115  (held open as long as the lock)
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            deadline = time.monotonic() + NOTE_WAIT_SECONDS
            holder = _read_note(f)
            while not holder and time.monotonic() < deadline:
                time.sleep(0.05)
                holder = _read_note(f)
            raise PipelineLocked(path, holder) from None
        previous = _read_note(f)
        if previous:  # the last holder died without letting go (killed, out of memory)
            state = (
                "no longer running"
                if previous.get("host") != socket.gethostname() or not _alive(previous.get("pid"))
                else "running but no longer holding the lock"
            )
            log.warning("taking over the stale pipeline lock %s of %s: %s", path, describe(previous), state)
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv)),
        }
        f.seek(0)
        f.truncate()
        f.write(json.dumps(me))
        f.flush()
        os.fsync(f.fileno())
        try:
            # the caller also learns of a dead holder: it may have left an Airflow run running
            yield {**me, "previous": previous or None}
        finally:
            f.seek(0)
            f.truncate()  # an empty note: released cleanly
            f.flush()
            fcntl.flock(f, fcntl.LOCK_UN)
    finally:
        f.close()
