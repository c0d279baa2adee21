"""What `rusmonitor pipeline` shows on the terminal: one line per finished step with its
progress (files n/N, rows, rows/s, elapsed), a live status line while a step runs, and on a
failed run the real causes, one line each. Everything else (Airflow's task logs, cosmos' and
dbt's output) goes to a log file whose path is printed once.

The live line is redrawn with a carriage return only on a terminal; when stdout is a pipe or a
file (CI, tests) it is printed as a plain line at most every HEARTBEAT_SECONDS instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import pluggy

hookimpl = pluggy.HookimplMarker("airflow")  # Airflow's listener marker, without importing Airflow

HEARTBEAT_SECONDS = 15.0
MAX_CAUSE_LINE = 499  # a cause line stays readable: under 500 characters
PROGRESS_LOGGER = "rusmonitor.progress"  # transform.run_dbt reports its nodes here
# rusmonitor.load logs every file as "[<source> <n>/<N>] <file>: <status>, <rows> rows, <s> s"
LOAD_FILE_MESSAGE = "[%s %d/%d] %s: %s, %d rows, %.1f s"


def log_path(logs: Path) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return logs / f"pipeline-{stamp}.log"


@contextmanager
def output_to_log(path: Path) -> Iterator[tuple[TextIO, TextIO]]:
    """Send this process's stdout and stderr, and those of the processes it starts, to `path`
    (file descriptors 1 and 2, so dbt's and Airflow's prints go there too); yield writers to
    the real stdout and stderr."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    log_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    out = os.fdopen(os.dup(saved[0]), "w", buffering=1, encoding="utf-8", errors="replace")
    err = os.fdopen(os.dup(saved[1]), "w", buffering=1, encoding="utf-8", errors="replace")
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    try:
        yield out, err
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)
        out.close()
        err.close()


def _number(n: float) -> str:
    return f"{n:,.0f}".replace(",", " ")


def cause_lines(task_id: str, error: object) -> list[str]:
    """A failed task's error as lines of at most MAX_CAUSE_LINE characters, each naming the
    task (a LoadError gives the file and then one line per rejected value)."""
    if error is None:
        text = "failed; see the log / feilet; se loggen"
    elif isinstance(error, BaseException) and type(error).__name__ != "AirflowFailException":
        text = f"{type(error).__name__}: {error}"
    else:
        text = str(error)
    lines = []
    for line in text.splitlines() or [""]:
        line = f"{task_id}: {line.strip()}"
        if line.strip() and not line.endswith(": "):
            lines.append(line if len(line) <= MAX_CAUSE_LINE else line[: MAX_CAUSE_LINE - 1] + "…")
    return lines


class Step:
    def __init__(self, task_id: str):
        self.task_id = task_id
        self.started = time.monotonic()
        self.done = self.total = 0  # files of a load, nodes of dbt
        self.unit = ""
        self.rows = 0

    def progress(self) -> str:
        elapsed = time.monotonic() - self.started
        parts = []
        if self.total:
            parts.append(f"{self.unit} {self.done}/{self.total}")
        if self.rows:
            parts.append(f"{_number(self.rows)} rows, {_number(self.rows / max(elapsed, 1e-3))} rows/s")
        parts.append(f"{elapsed:.1f} s")
        return ", ".join(parts)


class RunDisplay(logging.Handler):
    """An Airflow task listener (task started/finished, with its error) and a logging handler
    (a load's files, dbt's nodes) that draw the terminal lines."""

    def __init__(self, out: TextIO, total_steps: int, tty: bool | None = None):
        super().__init__(level=logging.INFO)
        self.out = out
        self.tty = out.isatty() if tty is None else tty
        self.total_steps = total_steps
        self.finished = 0
        self.step: Step | None = None
        self.errors: dict[str, object] = {}  # the last error of each task that failed
        self.last_shown = time.monotonic()
        self.live = False  # a live line is drawn and not yet overwritten
        self.drawing = threading.RLock()  # the ticker thread draws too

    # ---------------------------------------------------------------- drawing
    def line(self, text: str) -> None:
        """A permanent line (over the live one, if drawn)."""
        with self.drawing:
            if self.live:
                self.out.write("\r\033[K")
                self.live = False
            self.out.write(text + "\n")
            self.out.flush()
            self.last_shown = time.monotonic()

    def _live(self) -> None:
        with self.drawing:
            step = self.step
            if step is None:
                return
            text = f"  … {step.task_id}: {step.progress()}"
            if self.tty:
                self.out.write("\r\033[K" + text[:200])
                self.out.flush()
                self.live = True
            elif time.monotonic() - self.last_shown >= HEARTBEAT_SECONDS:
                self.line(text)

    def tick(self) -> None:
        """Redraw the elapsed time of a step that reports nothing for a while (one dbt model
        can take a minute)."""
        try:
            self._live()
        except (OSError, ValueError):  # the terminal went away
            pass

    # ---------------------------------------------------------------- logging
    def emit(self, record: logging.LogRecord) -> None:
        step = self.step
        if step is None:
            return
        try:
            if record.name == "rusmonitor.load" and record.msg == LOAD_FILE_MESSAGE:
                _, n, total, _, _, rows, _ = record.args
                step.unit, step.done, step.total = "file", n, total
                step.rows += rows
            elif record.name == PROGRESS_LOGGER:
                step.unit, step.done, step.total = record.args
            else:
                return
            self._live()
        except Exception:  # noqa: BLE001  (the display never breaks a run)
            self.handleError(record)

    # ---------------------------------------------------------------- Airflow listener
    @hookimpl
    def on_task_instance_running(self, previous_state, task_instance) -> None:
        self.step = Step(task_instance.task_id)
        self._live()

    def _finish(self, task_id: str, outcome: str) -> None:
        step = self.step if self.step and self.step.task_id == task_id else Step(task_id)
        self.finished += 1
        self.line(f"[{self.finished:>2}/{self.total_steps}] {task_id:<22} {outcome:<7} {step.progress()}")
        self.step = None

    @hookimpl
    def on_task_instance_success(self, previous_state, task_instance) -> None:
        self._finish(task_instance.task_id, "ok")

    @hookimpl
    def on_task_instance_skipped(self, previous_state, task_instance) -> None:
        self._finish(task_instance.task_id, "skipped")

    @hookimpl
    def on_task_instance_failed(self, previous_state, task_instance, error) -> None:
        self.errors[task_instance.task_id] = error
        state = str(getattr(task_instance, "state", "") or "")
        if "retry" in state:
            step = self.step or Step(task_instance.task_id)
            self.line(f"        {task_instance.task_id:<22} retry   {step.progress()}: {str(error)[:200]}")
            self.step = None
        else:
            self._finish(task_instance.task_id, "FAILED")


@contextmanager
def showing(display: RunDisplay) -> Iterator[RunDisplay]:
    """Attach the display to the rusmonitor loggers and to Airflow's task listeners."""
    from airflow.sdk.listener import get_listener_manager

    watched = [logging.getLogger("rusmonitor.load"), logging.getLogger(PROGRESS_LOGGER)]
    manager = get_listener_manager()
    for logger in watched:
        logger.addHandler(display)
    manager.add_listener(display)
    stop = threading.Event()

    def ticking() -> None:
        while not stop.wait(1.0):
            display.tick()

    ticker = threading.Thread(target=ticking, name="rusmonitor-progress", daemon=True)
    ticker.start()
    try:
        yield display
    finally:
        stop.set()
        ticker.join()
        manager.pm.unregister(display)
        for logger in watched:
            logger.removeHandler(display)
