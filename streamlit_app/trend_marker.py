"""A series' trend in the plan period (mart_indicator_trends) as a short line for a reader:
the test's verdict in words, an arrow for its direction, and the p value, e.g.
"Trend 2015–2020: ↗ bedring (p = 0,03)"."""

from __future__ import annotations

import pandas as pd

import formatting as fmt
from texts import t

# the arrow follows the values; the word says whether that is what the plan wants
ARROWS = {"increasing": "↗", "decreasing": "↘", "no_significant_change": "→"}
SERIES = ["indicator_id", "geo_level", "geo_code", "sex", "age_group", "breakdown"]


def p_value(p: float) -> str:
    if p < 0.001:
        return f"p < {fmt.number(0.001, 3)}"
    return f"p = {fmt.number(p, 2 if p >= 0.01 else 3)}"


def verdict(row) -> str:
    if row.trend in ("increasing", "decreasing"):
        # with a direction in the catalog: better or worse; without one: up or down
        status = row.trend_status if row.trend_status in ("improving", "worsening") else row.trend
        words = t(f"trend_{status}")
    else:
        words = t(f"trend_{row.trend}")
    arrow = ARROWS.get(row.trend)
    shown = f"{arrow} {words}" if arrow else words
    return f"{shown} ({p_value(row.p_value)})" if pd.notna(row.p_value) else shown


def marker(trends: pd.DataFrame, series: pd.DataFrame) -> str:
    """The plan-period trend line of a shown series (one indicator, place, sex, age group and
    breakdown); a series the mart has no test for says so."""
    if series.empty:
        return t("trend_none")
    key = series.iloc[0]
    match = trends
    for column in SERIES:
        match = match[match[column] == key[column]]
    if match.empty:
        return t("trend_none")
    row = match.iloc[0]
    return t("trend_marker", first=int(row.first_year), last=int(row.last_year), verdict=verdict(row))
