"""README's main command, `rusmonitor demo`, end to end in a new data folder: generate ->
Airflow DAG run from scratch -> published marts -> report served over HTTP.

The session's `demo` fixture runs it once (conftest); its warehouse and serving file are the ones
most other tests read, so the from-scratch run is paid for once."""

import re

import duckdb

from rusmonitor.catalog import published_indicators


def test_demo_generates_runs_the_dag_and_serves_the_report(demo, pipeline):
    text = demo["log"]
    assert demo["served"], f"the demo did not serve the report:\n{text[-3000:]}"
    assert f"rusmonitor report: http://localhost:{demo['port']}" in text
    assert re.search(r"^pipeline run \S+ succeeded", text, re.MULTILINE), text[-3000:]
    # the landing folder was empty: the demo wrote the extracts
    assert "no landing files under" in text
    assert re.search(r"generated / laget [1-9]\d* landing files", text), text[:3000]
    with duckdb.connect(str(pipeline["serving"]), read_only=True) as con:
        published = con.execute("SELECT count(DISTINCT indicator_id) FROM mart_indicator_values").fetchall()[
            0
        ][0]
    # every indicator dbt publishes (the catalog's, but the one no data can give yet)
    assert published == len(published_indicators()) > 0
