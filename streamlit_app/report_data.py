"""Data access for the report: the serving file, opened read-only per query.

Queries are cached with st.cache_data keyed on the file's identity (inode and modification
time), so a new publish (an atomic rename: a new inode) shows on the next rerun without a
restart, and no connection is held between reruns."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from rusmonitor.settings import data_docs_index, quality_file, serving_path

# Levels a reader compares areas at, in the mart contract's order (its geo_level values but the
# country; tests/test_report.py holds the two together); the map draws counties and
# municipalities (the 2024 boundaries).
COMPARE_LEVELS = ("rhf", "hf", "county", "municipality", "nd_office", "correctional_region")
MAP_LEVELS = ("county", "municipality")
# RHF and HF values are drawn on the municipalities of their catchment areas
CATCHMENT_LEVELS = ("rhf", "hf")
NOT_ADJUSTED = "breakdown NOT LIKE 'adjustment=%'"


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


VERSUS = ("better", "similar", "worse", "higher", "lower", "plain", "hidden")
# a count of a region is not comparable with the country's count: no line, no comparison
COMPARABLE_KINDS = ("share", "rate", "mean", "median", "difference")


def versus_country(rows: pd.DataFrame, national: float | None, direction: str | None) -> pd.Series:
    """Each area against the country, the Folkehelsebarometer convention: significantly
    better or worse when the area's 95 % interval lies wholly on one side of the national
    value, else no significant difference. An area without an interval is compared by its
    value. Without a direction in the catalog: higher or lower."""
    hidden = rows["suppressed"].fillna(False).astype(bool) | rows["value"].isna()
    if national is None or pd.isna(national):
        return pd.Series(["plain"] * len(rows), index=rows.index).where(~hidden, "hidden")
    low = rows["ci_low"].fillna(rows["value"])
    high = rows["ci_high"].fillna(rows["value"])
    above, below = low > national, high < national
    if direction in ("up", "down"):
        good, bad = (above, below) if direction == "up" else (below, above)
        out = pd.Series("similar", index=rows.index).mask(good, "better").mask(bad, "worse")
    else:
        out = pd.Series("similar", index=rows.index).mask(above, "higher").mask(below, "lower")
    return out.where(~hidden, "hidden")


def ranking(rows: pd.DataFrame, keep: str | None = None, each_end: int = 15) -> tuple[pd.DataFrame, bool]:
    """A long ranking as its top and bottom `each_end` areas by value (and the chosen area):
    350 municipality bars make a page 15 000 px long. True when areas were left out."""
    if len(rows) <= 3 * each_end:
        return rows, False
    ordered = rows.assign(_v=rows["value"]).sort_values("_v", ascending=False, na_position="last")
    shown = ordered[ordered["_v"].notna()]
    picked = pd.concat([shown.head(each_end), shown.tail(each_end), ordered[ordered.geo_code == keep]])
    return picked[~picked.index.duplicated()].drop(columns="_v"), True


def breakdown_label(breakdown: str) -> str:
    """A breakdown code as words for a reader: `measure=bolig_hjelp` -> `bolig hjelp`,
    `work_category=rus;target_group=voksne` -> `rus, voksne`."""
    parts = [part.split("=", 1)[-1].replace("_", " ") for part in str(breakdown).split(";")]
    return ", ".join(parts)


def category_label(breakdown: str, meta, lang: str) -> str:
    """A category in words: the catalog's label where its headline names the category (the
    function level's `level=gronn+gul` is "grønn + gul"), else the code's words."""
    spec = headline_spec(meta)
    if breakdown in spec.get("breakdowns", []):
        named = (spec.get("labels") or {}).get(breakdown) or spec.get("label") or {}
        if named.get(lang):
            return named[lang]
    return breakdown_label(breakdown)


def headline_breakdown(breakdowns) -> str:
    """The series a tile or chart shows: the total, or (census measures, function levels:
    indicators with categories only) the first category."""
    values = sorted(set(breakdowns))
    if "total" in values:
        return "total"
    single = [b for b in values if ";" not in b]
    return (single or values)[0]


def headline_spec(meta) -> dict:
    """The catalog's `headline` (dim_indicator.headline_json) of an indicator, or {}."""
    raw = meta.get("headline_json") if hasattr(meta, "get") else None
    if raw is None or (isinstance(raw, float) and pd.isna(raw)):
        return {}
    return json.loads(raw)


def headline_series(rows: pd.DataFrame, meta, lang: str) -> list[tuple[str | None, pd.DataFrame]]:
    """The series tiles and charts show, each with its label (None for the plain total): the
    catalog's headline breakdowns, each on its own (`combine: each`: the golden rule's TSB and
    PHV) or the one it names (the function level's `level=gronn+gul`, which the mart adds up);
    without a headline the total (or the first category)."""
    if rows.empty:
        return [(None, rows)]
    spec = headline_spec(meta)
    present = [b for b in spec.get("breakdowns", []) if (rows.breakdown == b).any()]
    if not present:
        breakdown = headline_breakdown(rows.breakdown)
        label = None if breakdown == "total" else breakdown_label(breakdown)
        return [(label, rows[rows.breakdown == breakdown])]
    if spec.get("combine") == "each":
        labels = spec.get("labels", {})
        return [
            ((labels.get(b) or {}).get(lang, breakdown_label(b)), rows[rows.breakdown == b]) for b in present
        ]
    label = (spec.get("label") or {}).get(lang)
    return [(label or breakdown_label(present[0]), rows[rows.breakdown == present[0]])]


@st.cache_data(show_spinner=False, max_entries=16)
def goal_rows(path: str, version: str, goal: int, sex: str, age_group: str) -> pd.DataFrame:
    """Every level and year of one goal's indicators for one sex and age group (no adjusted
    rates: the trend is the crude series)."""
    return _query(
        path,
        f"SELECT m.* FROM mart_indicator_values m JOIN dim_indicator d USING (indicator_id) "
        f"WHERE d.goal = ? AND m.sex = ? AND m.age_group = ? AND m.{NOT_ADJUSTED}",
        [goal, sex, age_group],
    )


@st.cache_data(show_spinner=False, max_entries=16)
def indicator_rows(path: str, version: str, indicator_id: str) -> pd.DataFrame:
    return _query(
        path,
        f"SELECT * FROM mart_indicator_values WHERE indicator_id = ? AND {NOT_ADJUSTED}",
        [indicator_id],
    )


@st.cache_data(show_spinner=False, max_entries=8)
def area_rows(path: str, version: str, geo_codes: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """Headline rows (all sexes and ages) of a few areas: a municipality, its county, Norway."""
    clauses = " OR ".join("(geo_level = ? AND geo_code = ?)" for _ in geo_codes)
    params = [v for pair in geo_codes for v in pair]
    return _query(
        path,
        f"SELECT * FROM mart_indicator_values WHERE ({clauses}) AND sex = 'all' "
        f"AND age_group = 'all' AND {NOT_ADJUSTED}",
        params,
    )


@st.cache_data(show_spinner=False, max_entries=4)
def goal_options(path: str, version: str, goal: int) -> dict:
    """The sexes and age groups one goal's indicators are published by."""
    frame = _query(
        path,
        "SELECT DISTINCT sex, age_group FROM mart_indicator_values m JOIN dim_indicator d "
        "USING (indicator_id) WHERE d.goal = ?",
        [goal],
    )
    order = {"all": 0, "male": 1, "female": 2}
    return {
        "sex": sorted(frame.sex.unique(), key=lambda s: order.get(s, 9)),
        "age_group": sorted(frame.age_group.unique(), key=lambda a: (a != "all", a)),
    }


@st.cache_data(show_spinner=False, max_entries=4)
def geography(path: str, version: str) -> pd.DataFrame:
    return _query(path, "SELECT * FROM dim_geography ORDER BY level_order, geo_code")


@st.cache_data(show_spinner=False, max_entries=4)
def indicator_values(path: str, version: str) -> pd.DataFrame:
    """The national headline rows of the long mart (all sexes and ages, no adjusted rates):
    what the overview's tiles show."""
    return _query(
        path,
        f"SELECT * FROM mart_indicator_values WHERE geo_level = 'national' "
        f"AND sex = 'all' AND age_group = 'all' AND {NOT_ADJUSTED}",
    )


@st.cache_data(show_spinner=False, max_entries=4)
def plan_period_trends(path: str, version: str) -> pd.DataFrame:
    """The national trend test of every series over the plan period (mart_indicator_trends):
    what the overview's tiles and the goal pages mark each series with."""
    return _query(
        path,
        "SELECT * FROM mart_indicator_trends WHERE period = 'plan_period' AND geo_level = 'national'",
    )


@st.cache_data(show_spinner=False, max_entries=4)
def indicators(path: str, version: str) -> pd.DataFrame:
    return _query(path, "SELECT * FROM dim_indicator ORDER BY catalog_order")


@st.cache_data(show_spinner=False, max_entries=4)
def published_ids(path: str, version: str) -> list[str]:
    return list(_query(path, "SELECT DISTINCT indicator_id FROM mart_indicator_values").indicator_id)


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


@st.cache_data(show_spinner=False, max_entries=16)
def indicator_quality(version: str | None, indicator_id: str, source_id: str) -> dict:
    """The latest mart run's expectations about this indicator (quality_results.indicator_id
    names it) or about the whole mart (indicator_id null), and the latest runs of its source's
    raw suites (quality_results.source): how many, and which failed. A quality file written
    before those columns existed gives {} until the next validation run replaces it."""
    path = quality_file(serving_file())
    if version is None or not path.exists():
        return {}
    columns = set(
        _query(
            str(path), "SELECT column_name FROM duckdb_columns() WHERE table_name = 'quality_results'"
        ).column_name
    )
    if not {"indicator_id", "source"} <= columns:
        return {}
    # each suite's latest run: the mart suite's and those of this source's raw tables
    results = _query(
        str(path),
        "WITH latest AS (SELECT suite, arg_max(run_id, validated_at) AS run_id, "
        "max(validated_at) AS validated_at FROM quality_runs GROUP BY suite) "
        "SELECT r.suite, r.expectation, r.column_name, r.severity, r.success, r.observed_value, "
        "r.unexpected_count, l.validated_at FROM quality_results r JOIN latest l USING (suite, run_id) "
        "WHERE (r.suite = 'marts.mart_indicator_values' "
        "AND (r.indicator_id IS NULL OR r.indicator_id = ?)) OR r.source = ?",
        [indicator_id, source_id],
    )
    if results.empty:
        return {}
    return {
        "checked": len(results),
        "validated_at": results.validated_at.max(),
        "failed": results[~results.success.astype(bool)][
            ["suite", "expectation", "column_name", "severity", "observed_value"]
        ].to_dict("records"),
    }


@st.cache_data(show_spinner=False, max_entries=4)
def municipality_catchments(path: str, version: str) -> pd.DataFrame:
    """Each 2024 municipality with its county, HF and RHF (the published
    dim_municipality_catchment)."""
    return _query(
        path,
        "SELECT municipality_code, county_code, hf_code, rhf_code FROM dim_municipality_catchment "
        "ORDER BY municipality_code",
    )


def map_rows(rows: pd.DataFrame, level: str, path: str, version: str) -> tuple[str, pd.DataFrame] | None:
    """The areas to colour for rows at one level: counties and municipalities as themselves,
    an RHF's or HF's value on every municipality of its catchment area (from the serving file
    at `path`); None if unmappable."""
    if level in MAP_LEVELS:
        return level, rows
    if level not in CATCHMENT_LEVELS:
        return None
    catchments = municipality_catchments(path, version)[["municipality_code", f"{level}_code"]]
    spread = catchments.merge(rows, left_on=f"{level}_code", right_on="geo_code")
    spread = spread.drop(columns=["geo_code", f"{level}_code"]).rename(
        columns={"municipality_code": "geo_code"}
    )
    return "municipality", spread


@st.cache_data(show_spinner=False, max_entries=4)
def measure_progress(path: str, version: str) -> pd.DataFrame:
    """The plan's measures year by year (mart_measure_progress); empty from a serving file
    published before the register was (the report then leaves the section out)."""
    present = _query(
        path, "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'mart_measure_progress'"
    ).n.iloc[0]
    if not present:
        return pd.DataFrame()
    return _query(path, "SELECT * FROM mart_measure_progress ORDER BY year, goal, measure_order")
