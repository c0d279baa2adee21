"""`rusmonitor bench`: the whole rebuild at national scale, stage by stage, against a floor.

The command: every step in its own child process, in order, then the report to stdout and to
bench.txt and bench.json in the work folder (see the package's docstring for what is timed).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from rusmonitor.bench.folder import Bench
from rusmonitor.bench.report import report
from rusmonitor.bench.steps import child, run_step


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rusmonitor bench", description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: data/bench)")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--reuse-landing", action="store_true", help="keep extracts generated before")
    parser.add_argument("--years", default=None, help="a smaller run: e.g. 2020-2024 (default: all)")
    parser.add_argument(
        "--sample", action="store_true", help="the default sample (no NPR outpatient contacts): a smoke run"
    )
    parser.add_argument(
        "--cosmos-compare",
        action="store_true",
        help="also run the cosmos transform with TestBehavior.AFTER_EACH, with "
        "InvocationMode.SUBPROCESS and with ExecutionMode.WATCHER, for comparison",
    )
    parser.add_argument("--skip", default="", help="comma-separated: audit, loss, incremental, dags, cosmos")
    args = parser.parse_args(argv)
    from rusmonitor.settings import data_dir

    root = (args.dir or data_dir() / "bench").resolve()
    if args.child:
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
        child(args.child, root)
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    root.mkdir(parents=True, exist_ok=True)
    if args.years:
        os.environ["RUSMONITOR_BENCH_YEARS"] = args.years
    if args.sample:
        os.environ["RUSMONITOR_BENCH_SAMPLE"] = "1"
    b, skip = Bench(root), {s.strip() for s in args.skip.split(",") if s.strip()}
    results: dict[str, dict] = {}
    if args.reuse_landing and b.landing.exists():
        results["generate"] = {"seconds": 0.0, "rows": 0, "peak_mb": 0.0}
    else:
        results["generate"] = run_step("generate", b)
    for step in (
        "load",
        "floor_load",
        "gx_raw",
        "floor_gx_raw",
        "dbt",
        "floor_dbt",
        "gx_marts",
        "floor_gx_marts",
        "publish",
        "floor_publish",
    ):
        results[step] = run_step(step, b)
    if "audit" not in skip:
        results["disclosure_audit"] = run_step("disclosure_audit", b)
    if "loss" not in skip:
        results["disclosure_loss"] = run_step("disclosure_loss", b)
    if "incremental" not in skip:
        run_step("incremental_prepare", b)
        results["incremental_run"] = run_step("incremental_run", b, warehouse=b.incremental)
        results["floor_incremental_load"] = run_step("floor_incremental_load", b)
    if "dags" not in skip:
        results["dag_parse"] = run_step("dag_parse", b)
    if "cosmos" not in skip:
        results["plain_dbt"] = run_step("plain_dbt", b)
        results["cosmos_transform"] = run_step("cosmos_transform", b)
        if args.cosmos_compare:  # the modes we did not pick, each against the same plain build
            results["cosmos_transform_after_each"] = run_step(
                "cosmos_transform", b, extra_env={"RUSMONITOR_COSMOS_TEST_BEHAVIOR": "after_each"}
            )
            results["cosmos_transform_subprocess"] = run_step(
                "cosmos_transform", b, extra_env={"RUSMONITOR_COSMOS_INVOCATION": "subprocess"}
            )
            results["cosmos_transform_watcher"] = run_step(
                "cosmos_transform", b, extra_env={"RUSMONITOR_COSMOS_EXECUTION": "watcher"}
            )
    text = report(results)
    (root / "bench.json").write_text(json.dumps(results, indent=2, default=str))
    (root / "bench.txt").write_text(text + "\n")
    print(text)
    return 0
