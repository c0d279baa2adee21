"""Benchmark: GX validation of the largest raw table beside the time it takes to load it.

    uv run python scripts/bench_quality.py [--landing data/landing]

Loads the NPR episodes of the default sample extracts (every year) into a fresh warehouse in a
temporary folder: the load runs a GX checkpoint per file inside its transaction. Then validates
the whole table once with its contract suite, as a full-table check would. Prints seconds,
rows per second and the ratios. Figures, not assertions: machines are noisy.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

import duckdb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["RUSMONITOR_QUALITY"] = str(Path(tmp) / "quality")
        from rusmonitor import load, quality
        from rusmonitor.generate import generate
        from rusmonitor.settings import landing_dir
        from rusmonitor.sources import CONTRACTS

        landing = args.landing or landing_dir()
        if not load.landing_files("npr", landing):
            landing = Path(tmp) / "landing"
            generate(None, out=landing, sources=["npr"])
        warehouse = Path(tmp) / "bench.duckdb"

        started = time.perf_counter()
        load.load_source("npr", landing=landing, warehouse=warehouse)
        load_seconds = time.perf_counter() - started
        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute("SELECT count(*) FROM raw.npr_tsb_episodes").fetchall()[0][0]
            checkpoint_seconds = con.execute(
                "SELECT sum(seconds) FROM quality.quality_runs WHERE layer = 'raw'"
            ).fetchall()[0][0]
            started = time.perf_counter()
            frame = con.sql("SELECT * FROM raw.npr_tsb_episodes").to_arrow_table().to_pandas()
            read_seconds = time.perf_counter() - started
        contract = CONTRACTS["npr_tsb_episodes"]
        result = quality.validate_frame("raw.npr_tsb_episodes", frame, quality.raw_expectations(contract))
        validate_seconds = result.seconds

    print(f"{'step':<52}{'seconds':>9}{'rows/s':>12}")
    for label, seconds in (
        ("load NPR (all files, with the per-file checkpoints)", load_seconds),
        ("  of which GX checkpoints (raw + detox tables)", checkpoint_seconds),
        ("read raw.npr_tsb_episodes to pandas (Arrow)", read_seconds),
        ("GX contract suite over the whole table", validate_seconds),
    ):
        print(f"{label:<52}{seconds:>9.1f}{rows / seconds:>12,.0f}")
    print(
        f"rows in raw.npr_tsb_episodes: {rows:,}; expectations: {len(result.outcomes)}; "
        f"passed: {result.success}"
    )
    print(f"whole-table validation / load time: {validate_seconds / load_seconds:.2f}")


if __name__ == "__main__":
    main()
