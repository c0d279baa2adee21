"""The Streamlit report: AppTest on the published file, over HTTP, and in headless Chromium."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from rusmonitor.settings import ROOT, STREAMLIT_APP

OUTPUT = ROOT / "test-output"
CHROMIUM = Path(os.environ.get("RUSMONITOR_CHROMIUM", "/usr/bin/chromium"))


def _national_latest(serving: Path) -> dict[str, float]:
    with duckdb.connect(str(serving), read_only=True) as con:
        return dict(
            con.execute(
                "SELECT indicator_id, value FROM mart_indicator_values WHERE geo_level = 'national' "
                "AND breakdown = 'total' AND sex = 'all' AND age_group = 'all' AND year = 2024"
            ).fetchall()
        )


def _names(serving: Path) -> list[str]:
    with duckdb.connect(str(serving), read_only=True) as con:
        return [
            r[0]
            for r in con.execute(
                "SELECT name_no FROM dim_indicator WHERE indicator_id IN "
                "(SELECT DISTINCT indicator_id FROM mart_indicator_values) ORDER BY catalog_order"
            ).fetchall()
        ]


def _with_regional_rows(serving: Path) -> int:
    with duckdb.connect(str(serving), read_only=True) as con:
        return con.execute(
            "SELECT count(DISTINCT indicator_id) FROM mart_indicator_values m WHERE geo_level IN "
            "('rhf', 'county') AND sex = 'all' AND age_group = 'all' AND year = (SELECT max(year) "
            "FROM mart_indicator_values n WHERE n.indicator_id = m.indicator_id AND geo_level = 'national')"
        ).fetchall()[0][0]


def test_overview_shows_every_published_indicator(pipeline, monkeypatch):
    monkeypatch.setenv("RUSMONITOR_SERVING", str(pipeline["serving"]))
    at = AppTest.from_file(str(STREAMLIT_APP), default_timeout=120)
    at.run()
    assert not at.exception
    names = _names(pipeline["serving"])
    assert len(names) == 34
    assert [s.value for s in at.subheader] == names
    assert len(at.table) == _with_regional_rows(pipeline["serving"])  # one regional table each
    # the headline of TSB patients is the mart's national 2024 value, formatted Norwegian-style
    patients = int(_national_latest(pipeline["serving"])["tsb_patients"])
    expected = f"{patients:,}".replace(",", "\u00a0") + " personer"
    assert expected in [m.value for m in at.metric]
    definitions = " ".join(m.value for m in at.markdown)
    assert "distinct pseudonymous persons" in definitions  # the catalog's definition


def test_overview_without_published_data_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("RUSMONITOR_SERVING", str(tmp_path / "missing.duckdb"))
    at = AppTest.from_file(str(STREAMLIT_APP), default_timeout=120)
    at.run()
    assert not at.exception
    assert "rusmonitor pipeline" in at.warning[0].value


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def served_report(pipeline):
    """`rusmonitor report` as README runs it, on a free port; yields the URL."""
    port = _free_port()
    env = {**os.environ, "RUSMONITOR_SERVING": str(pipeline["serving"])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rusmonitor.cli", "report", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"report did not start: {proc.stdout.read()}") from None
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_report_is_served_over_http(served_report):
    with urllib.request.urlopen(served_report, timeout=10) as r:
        assert r.status == 200
        assert b'<div id="root">' in r.read()


def test_report_renders_in_headless_chromium(served_report, pipeline):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 4000})
        page.goto(served_report, wait_until="domcontentloaded")
        for name in _names(pipeline["serving"]):
            page.get_by_text(name, exact=True).first.wait_for(timeout=90_000)
        page.locator("[data-testid='stMetric']").first.wait_for(timeout=30_000)
        page.locator("[data-testid='stVegaLiteChart']").last.wait_for(timeout=30_000)
        page.locator("[data-testid='stTable']").last.wait_for(timeout=30_000)
        assert page.locator("[data-testid='stException']").count() == 0
        page.screenshot(path=str(OUTPUT / "overview.png"), full_page=True)
        browser.close()
    assert (OUTPUT / "overview.png").stat().st_size > 10_000
