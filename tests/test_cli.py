"""README's main command, `rusmonitor demo`, end to end in a new data folder: generate ->
Airflow DAG run -> published marts -> report served over HTTP.

The folder starts with the session's warehouse (built from the same seed by the `pipeline`
fixture, which is the from-scratch run) but no landing files: the demo generates them, and the
DAG run finds every file's content already loaded, so it checks the command's whole path
without paying for a second full load."""

import os
import shutil
import subprocess
import sys
import time
import urllib.request

import duckdb

from conftest import free_port
from rusmonitor.catalog import published_indicators


def test_demo_generates_runs_the_dag_and_serves_the_report(tmp_path, pipeline):
    port = free_port()
    shutil.copytree(pipeline["warehouse"].parent, tmp_path / "data" / "warehouse")
    # a clean environment: no Airflow settings from this test session
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "RUSMONITOR_"))}
    env["RUSMONITOR_DATA"] = str(tmp_path / "data")
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rusmonitor.cli", "demo", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 600
            while True:
                try:
                    with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2) as r:
                        if r.read() == b"ok":
                            break
                except OSError:
                    assert proc.poll() is None, log.read_text()[-3000:]
                    assert time.monotonic() < deadline, "demo did not serve the report in time"
                    time.sleep(1)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    text = log.read_text()
    assert f"rusmonitor report: http://localhost:{port}" in text
    assert "pipeline run" in text and "succeeded" in text
    assert "generated" in text  # the landing folder was empty: the demo wrote the extracts
    serving = tmp_path / "data" / "serving" / "warehouse.duckdb"
    with duckdb.connect(str(serving), read_only=True) as con:
        published = con.execute("SELECT count(DISTINCT indicator_id) FROM mart_indicator_values").fetchall()[
            0
        ][0]
    # every indicator dbt publishes (the catalog's, but the one no data can give yet)
    assert published == len(published_indicators()) > 0
