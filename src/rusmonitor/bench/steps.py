"""Every step by name: run in a fresh child process (run_step, so its peak memory is its own),
which runs it in itself (child) and prints its figures as its last line."""

from __future__ import annotations

import functools
import json
import logging
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from rusmonitor.bench.floors import floor_dbt, floor_gx_marts, floor_gx_raw, floor_load, floor_publish
from rusmonitor.bench.folder import Bench
from rusmonitor.bench.incremental import NEW_YEAR, incremental_prepare, incremental_run
from rusmonitor.bench.orchestration import cosmos_transform, dag_parse
from rusmonitor.bench.stages import (
    disclosure_audit,
    disclosure_loss,
    stage_dbt,
    stage_generate,
    stage_gx_marts,
    stage_gx_raw,
    stage_load,
    stage_publish,
)

# the name it logged under as one module
log = logging.getLogger("rusmonitor.bench")

STEPS = {
    "generate": stage_generate,
    "load": stage_load,
    "gx_raw": stage_gx_raw,
    "dbt": stage_dbt,
    "gx_marts": stage_gx_marts,
    "publish": stage_publish,
    "floor_load": floor_load,
    "floor_gx_raw": floor_gx_raw,
    "floor_dbt": floor_dbt,
    "floor_gx_marts": floor_gx_marts,
    "floor_publish": floor_publish,
    "incremental_prepare": incremental_prepare,
    "incremental_run": incremental_run,
    # the floor of the year's load: only its extracts into typed tables, by DuckDB alone (the
    # rest of that year's floor is the full rebuild's: every mart is rebuilt whole)
    "floor_incremental_load": functools.partial(floor_load, period=str(NEW_YEAR)),
    "dag_parse": dag_parse,
    "plain_dbt": stage_dbt,
    "cosmos_transform": cosmos_transform,
    "disclosure_audit": disclosure_audit,
    "disclosure_loss": disclosure_loss,
}


def child(step: str, root: Path) -> None:
    """Run one step in this (fresh) process and print its figures as the last line."""
    b = Bench(root)
    started = time.perf_counter()
    figures = STEPS[step](b)
    seconds = figures.pop("seconds_override", None) or time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        "BENCH " + json.dumps({"step": step, "seconds": seconds, "peak_mb": peak_mb, **figures}, default=str)
    )


def run_step(step: str, b: Bench, warehouse: Path | None = None, extra_env: dict | None = None) -> dict:
    env = {**os.environ, **b.env(warehouse), **(extra_env or {})}
    log.info("bench: %s ...", step)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "rusmonitor.bench", "--child", step, "--dir", str(b.root)],
        env=env,
        capture_output=True,
        text=True,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")]
    if proc.returncode != 0 or not lines:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
        raise RuntimeError(f"bench step {step} failed (exit {proc.returncode}):\n{tail}")
    figures = json.loads(lines[-1][len("BENCH ") :])
    log.info(
        "bench: %s done in %.1f s (process %.1f s)", step, figures["seconds"], time.perf_counter() - started
    )
    return figures
