"""Report benchmark: time to first render of each page and of a filter change, p50/p95.

    uv run rusmonitor pipeline                 # a published file on the default data
    uv run python scripts/bench_report.py [--runs 10] [--browser]

Server side (Streamlit AppTest, the app's real code against the published DuckDB file): the
first sample of each page runs with empty caches (a fresh publish), the rest warm (another
reader of the same version). With --browser, the same pages in headless Chromium against
`rusmonitor report`: navigation until the first tile, chart or table is drawn.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from rusmonitor.settings import STREAMLIT_APP, serving_path

PAGES = {
    "overview": None,
    **{f"goal {g}": f"views/goal_{g}.py" for g in range(1, 6)},
    "indicator": "views/indicator.py",
    "my municipality": "views/municipality.py",
}
URLS = {
    "overview": "",
    **{f"goal {g}": f"goal-{g}" for g in range(1, 6)},
    "indicator": "indicator",
    "my municipality": "kommune",
}


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _row(name: str, samples: list[float]) -> str:
    return (
        f"{name:<28} {samples[0]:7.2f} {statistics.median(samples[1:] or samples):7.2f} "
        f"{_pct(samples[1:] or samples, 0.95):7.2f} {len(samples):4d}"
    )


def apptest(runs: int) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    print(f"{'server side (AppTest), s':<28} {'cold':>7} {'p50':>7} {'p95':>7} {'runs':>4}")
    st.cache_data.clear()
    for name, page in PAGES.items():
        samples = []
        for _ in range(runs):
            at = AppTest.from_file(str(STREAMLIT_APP), default_timeout=300)
            if page:  # AppTest reaches a url_path page after one run of the default page
                at.run()
                at.switch_page(page)
            started = time.perf_counter()
            at.run()
            samples.append(time.perf_counter() - started)
            assert not at.exception, (name, [e.value for e in at.exception])
        print(_row(name, samples), flush=True)
    for name, page, label in (
        ("goal 3: change year", "views/goal_3.py", "År"),
        ("goal 3: change level", "views/goal_3.py", "Geografisk nivå"),
        ("goal 4: change sex", "views/goal_4.py", "Kjønn"),
    ):
        at = AppTest.from_file(str(STREAMLIT_APP), default_timeout=300)
        at.run()
        at.switch_page(page)
        at.run()
        box = next(s for s in at.selectbox if s.label == label)
        samples = []
        for i in range(runs):
            box = next(s for s in at.selectbox if s.label == label)
            box.select_index((i + 1) % len(box.options))
            started = time.perf_counter()
            at.run()
            samples.append(time.perf_counter() - started)
            assert not at.exception
        print(_row(name, samples), flush=True)


def browser(runs: int, chromium: Path) -> None:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "rusmonitor.cli", "report", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://localhost:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        print(f"\n{'browser (Chromium), s':<28} {'first':>7} {'p50':>7} {'p95':>7} {'runs':>4}")
        with sync_playwright() as pw:
            b = pw.chromium.launch(
                executable_path=str(chromium), args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            for name, path in URLS.items():
                samples = []
                for _ in range(runs):
                    page = b.new_page(viewport={"width": 1400, "height": 1200})
                    started = time.perf_counter()
                    page.goto(f"{url}/{path}", wait_until="domcontentloaded")
                    # the overview draws metric tiles, my municipality a table, the rest charts
                    target = {"": "stMetric", "kommune": "stTable"}.get(path, "stVegaLiteChart")
                    page.locator(f"[data-testid='{target}']").first.wait_for(timeout=120_000)
                    samples.append(time.perf_counter() - started)
                    page.close()
                print(_row(name, samples), flush=True)
            b.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--browser", action="store_true", help="also time pages in headless Chromium")
    parser.add_argument(
        "--chromium", type=Path, default=Path(os.environ.get("RUSMONITOR_CHROMIUM", "/usr/bin/chromium"))
    )
    args = parser.parse_args()
    serving = serving_path()
    if not serving.exists():
        raise SystemExit(f"no published file at {serving}: run `uv run rusmonitor pipeline` first")
    print(f"published file: {serving} ({serving.stat().st_size / 1e6:.1f} MB)")
    apptest(args.runs)
    if args.browser:
        browser(max(3, args.runs // 2), args.chromium)


if __name__ == "__main__":
    main()
