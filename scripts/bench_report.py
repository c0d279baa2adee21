"""Report benchmark: time to first render of each page and of a filter change, p50/p95.

    uv run rusmonitor pipeline                 # a published file on the default data
    uv run python scripts/bench_report.py [--runs 10] [--browser]

Server side (Streamlit AppTest, the app's real code against the published DuckDB file): the
first sample of each page runs with empty caches (a fresh publish), the rest warm (another
reader of the same version). With --browser (or --browser-only), the same pages in headless Chromium against
`rusmonitor report`: navigation until the first tile, chart or barometer is drawn, and a
filter change until its rerun is drawn, p50/p95 and as ratios to a bare Streamlit page (the
floor: Streamlit's own start, websocket and first delta).
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


# A bare Streamlit page: the floor every page's time is divided by (Streamlit's own start,
# websocket and first delta), with one select box bound to the URL as filters.url_select binds
# the report's (a keyed widget: an `index=` read from the URL would make a new widget, and
# swallow the next click, on every change).
FLOOR_APP = """
import streamlit as st
options = ["a", "b", "c", "d"]
if "v" not in st.session_state:
    st.session_state["v"] = st.query_params.get("v", "a") if st.query_params.get("v") in options else "a"
choice = st.selectbox("Valg", options, key="v")
st.query_params["v"] = choice
st.markdown(f"valgt {choice}")
"""
# what each page draws first: the overview tiles, my municipality its barometer, the rest charts
FIRST_CONTENT = {
    "": "[data-testid='stMetric']",
    "kommune": "table.barometer",
    "floor": "[data-testid='stMarkdown']",
}
# the filter a reader changes first on each page (a select box by position) and the URL key it sets
FILTERS = {
    "goal-3": (0, "year"),
    "goal-4": (0, "year"),
    "indicator": (0, "indicator"),
    "kommune": (0, "kommune"),
}
# A rerun is done when the app says its script is not running (stApp's
# data-test-script-state, set from the server's script-finished message) and no element is
# left stale (greyed out, from the run before). Streamlit 1.67's status widget is no signal:
# it only shows after a run has lasted a while.
IDLE = (
    "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState "
    "=== 'notRunning' && document.querySelectorAll('[data-stale=\"true\"]').length === 0"
)


def _serve(app: Path | None, port: int) -> subprocess.Popen:
    if app is None:
        command = [sys.executable, "-m", "rusmonitor.cli", "report", "--port", str(port)]
    else:
        command = [
            sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"streamlit on port {port} did not start")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _first_content(b, url: str, selector: str) -> float:
    page = b.new_page(viewport={"width": 1400, "height": 1200})
    started = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    page.locator(selector).first.wait_for(timeout=180_000)
    elapsed = time.perf_counter() - started
    page.close()
    return elapsed


def _filter_changes(b, url: str, selector: str, box: int, key: str, runs: int) -> list[float]:
    """Choose another option of a select box; time from the click until the rerun is drawn
    (the URL carries the new value, the script has finished and no element is stale)."""
    page = b.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(url, wait_until="domcontentloaded")
    page.locator(selector).first.wait_for(timeout=180_000)
    page.wait_for_function(IDLE, timeout=180_000)
    samples = []
    for i in range(runs):
        page.locator("[data-testid='stSelectbox']").nth(box).click()
        # never the option already chosen: that is no change and no rerun
        options = page.locator("[role='option'][aria-selected='false']")
        options.first.wait_for(timeout=30_000)
        # the page's own address: Playwright's page.url lags behind history.replaceState
        before = page.evaluate("() => window.location.href")
        started = time.perf_counter()
        options.nth(i % 3).click()
        page.wait_for_function(f"() => window.location.href !== {before!r}", timeout=60_000)
        page.wait_for_function(IDLE, timeout=180_000)
        page.locator(selector).first.wait_for(timeout=180_000)
        samples.append(time.perf_counter() - started)
        assert key in page.evaluate("() => window.location.href"), (page.url, key)
    page.close()
    return samples


def _ratio_row(name: str, samples: list[float], floor: list[float]) -> str:
    p50, p95 = statistics.median(samples), _pct(samples, 0.95)
    f50, f95 = statistics.median(floor), _pct(floor, 0.95)
    return f"{name:<28} {p50:7.2f} {p95:7.2f} {p50 / f50:7.1f}x {p95 / f95:7.1f}x {len(samples):4d}"


def browser(runs: int, chromium: Path) -> None:
    """Every page in headless Chromium (Playwright) against `rusmonitor report`: first
    content and filter changes, p50/p95, and as ratios to a bare Streamlit page."""
    import tempfile

    from playwright.sync_api import sync_playwright

    floor_app = Path(tempfile.mkdtemp()) / "floor.py"
    floor_app.write_text(FLOOR_APP, encoding="utf-8")
    report_port, floor_port = _port(), _port()
    report, floor = _serve(None, report_port), _serve(floor_app, floor_port)
    url, floor_url = f"http://localhost:{report_port}", f"http://localhost:{floor_port}"
    head = f"{'p50':>7} {'p95':>7} {'p50/floor':>8} {'p95/floor':>8} {'runs':>4}"
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(
                executable_path=str(chromium), args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            _first_content(b, f"{url}/", FIRST_CONTENT[""])  # the server's caches, once
            floor_first = [_first_content(b, floor_url, FIRST_CONTENT["floor"]) for _ in range(runs)]
            print(f"\n{'browser first content, s':<28} {head}")
            print(_ratio_row("bare Streamlit page (floor)", floor_first, floor_first), flush=True)
            for name, path in URLS.items():
                selector = FIRST_CONTENT.get(path, "[data-testid='stVegaLiteChart']")
                samples = [_first_content(b, f"{url}/{path}", selector) for _ in range(runs)]
                print(_ratio_row(name, samples, floor_first), flush=True)
            floor_change = _filter_changes(b, floor_url, FIRST_CONTENT["floor"], 0, "v=", runs)
            print(f"\n{'browser filter change, s':<28} {head}")
            print(_ratio_row("bare Streamlit page (floor)", floor_change, floor_change), flush=True)
            for path, (box, key) in FILTERS.items():
                selector = FIRST_CONTENT.get(path, "[data-testid='stVegaLiteChart']")
                samples = _filter_changes(b, f"{url}/{path}", selector, box, f"{key}=", runs)
                print(_ratio_row(f"{path}: change {key}", samples, floor_change), flush=True)
            b.close()
    finally:
        for proc in (report, floor):
            proc.terminate()
            proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--browser", action="store_true", help="also time pages in headless Chromium")
    parser.add_argument("--browser-only", action="store_true", help="only the headless Chromium timings")
    parser.add_argument(
        "--chromium", type=Path, default=Path(os.environ.get("RUSMONITOR_CHROMIUM", "/usr/bin/chromium"))
    )
    args = parser.parse_args()
    serving = serving_path()
    if not serving.exists():
        raise SystemExit(f"no published file at {serving}: run `uv run rusmonitor pipeline` first")
    print(f"published file: {serving} ({serving.stat().st_size / 1e6:.1f} MB)")
    if not args.browser_only:
        apptest(args.runs)
    if args.browser or args.browser_only:
        browser(max(3, args.runs // 2), args.chromium)


if __name__ == "__main__":
    main()
