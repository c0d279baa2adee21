"""Data access for the report: the serving file, opened read-only per query.

Queries are cached with st.cache_data keyed on the file's identity (inode and modification
time), so a new publish (an atomic rename: a new inode) shows on the next rerun without a
restart, and no connection is held between reruns."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from rusmonitor.quality_store import quality_file
from rusmonitor.settings import data_docs_index, serving_path

REPORT_LEVELS = ("national", "rhf", "county")


def serving_file() -> Path:
    return serving_path()


def serving_version(path: Path) -> str | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return f"{stat.st_ino}-{stat.st_mtime_ns}"


def _query(path: str, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(path, read_only=True) as con:
        return con.execute(sql, params or []).df()


@st.cache_data(show_spinner=False, max_entries=4)
def indicator_values(path: str, version: str) -> pd.DataFrame:
    """National and regional headline rows of the long mart: all sexes and ages, no adjusted
    rates (the overview needs no municipalities)."""
    levels = ", ".join(f"'{level}'" for level in REPORT_LEVELS)
    return _query(
        path,
        f"SELECT * FROM mart_indicator_values WHERE geo_level IN ({levels}) "
        "AND sex = 'all' AND age_group = 'all' AND breakdown NOT LIKE 'adjustment=%'",
    )


@st.cache_data(show_spinner=False, max_entries=4)
def indicators(path: str, version: str) -> pd.DataFrame:
    return _query(path, "SELECT * FROM dim_indicator ORDER BY catalog_order")


@st.cache_data(show_spinner=False, max_entries=4)
def publish_info(path: str, version: str) -> dict:
    frame = _query(path, "SELECT * FROM publish_info")
    return frame.iloc[0].to_dict() if len(frame) else {}


def quality_version() -> str | None:
    return serving_version(quality_file(serving_file()))


@st.cache_data(show_spinner=False, max_entries=4)
def quality_status(version: str | None) -> dict:
    """The newest validation runs (beside the serving file): when they ran, and the suites and
    expectations whose critical checks failed since the last run that passed everything."""
    path = quality_file(serving_file())
    if version is None or not path.exists():
        return {}
    runs = _query(str(path), "SELECT * FROM quality_runs ORDER BY validated_at")
    if runs.empty:
        return {}
    last_ok = runs[runs.success].validated_at.max()
    failing = runs[~runs.success & ((runs.validated_at > last_ok) if pd.notna(last_ok) else True)]
    results = _query(
        str(path),
        "SELECT suite, expectation, column_name FROM quality_results WHERE NOT success "
        "AND severity = 'critical' AND run_id IN (SELECT unnest(?))",
        [list(failing.run_id.unique())],
    )
    return {
        "last_validated": runs.validated_at.max(),
        "failed_runs": len(failing),
        "failures": results.drop_duplicates().to_dict("records"),
        "warnings": int(runs.failed_warning.iloc[-20:].sum()),
        "data_docs": str(data_docs_index()),
    }
