"""The report's charts (Altair / Vega-Lite): trend with interval and target, sorted comparison
with the national value marked, and a choropleth on the real 2024 boundaries."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

import formatting as fmt
from texts import lang, t

# d3-format's locale for Vega-Lite (config.locale): 1 234,5
NORWEGIAN_LOCALE = {
    "number": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0kr"]}
}

# Served by Streamlit's static file serving (server.enableStaticServing); the browser fetches
# each file once. Simplified copies of Kartverket's 2024 boundaries (scripts/build_reference_data.py).
BOUNDARIES = {
    "county": "app/static/boundaries/county_2024.geojson",
    "municipality": "app/static/boundaries/municipality_2024.geojson",
}
HIDDEN_COLOUR = "#8c8c8c"
NO_DATA_COLOUR = "#e8e8e8"
LINE_COLOUR = "#1f5fa8"


# Streamlit's chart theme draws axis and legend labels in #808495 (3.7:1 on white); this grey
# is 9:1 (WCAG AA asks 4.5:1 for text)
TEXT_COLOUR = "#444444"
READABLE_TEXT = {
    "axis": {"labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR},
    "legend": {"labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR},
    "title": {"color": TEXT_COLOUR},
}


def show(chart: alt.TopLevelMixin | dict) -> None:
    """Draw an Altair chart or a Vega-Lite spec. Altair re-validates a spec against the schema
    every time it is turned into JSON; the specs here are built by this module and
    tests/test_report.py validates every one the pages draw, so not again on every rerun."""
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    spec = {**spec, "config": {**READABLE_TEXT, **spec.get("config", {})}}
    if lang() == "no":
        # axes, legends and tooltips in bokmål: decimal comma, no-break space between thousands
        spec = {**spec, "config": {**spec.get("config", {}), "locale": NORWEGIAN_LOCALE}}
    st.vega_lite_chart(spec, width="stretch")


def _value_format(unit: str) -> str:
    return ",.0f" if fmt.decimals(unit) == 0 else ",.1f"


def trend(
    series: pd.DataFrame,
    unit: str,
    threshold: float | None,
    area: pd.DataFrame | None = None,
    area_name: str | None = None,
) -> alt.LayerChart:
    """The national series with its 95 % interval as a band, the target as a dashed rule, and
    (when a unit is chosen) that area's series dashed beside it."""
    y_title = fmt.unit_label(unit)
    frame = series.assign(name=t("national"))
    if area is not None and len(area):
        frame = pd.concat([frame, area.assign(name=area_name)])
    frame = frame[["year", "value", "ci_low", "ci_high", "name"]]
    base = alt.Chart(frame).encode(x=alt.X("year:O", title=t("year")))
    colour = alt.Color("name:N", title=None, legend=alt.Legend(orient="bottom"))
    band = base.mark_area(opacity=0.18).encode(
        y=alt.Y("ci_low:Q", title=y_title), y2="ci_high:Q", color=colour
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("value:Q", title=y_title),
        color=colour,
        tooltip=[
            alt.Tooltip("name:N", title=t("unit")),
            alt.Tooltip("year:O", title=t("year")),
            alt.Tooltip("value:Q", title=y_title, format=_value_format(unit)),
            alt.Tooltip("ci_low:Q", title=t("ci_low"), format=_value_format(unit)),
            alt.Tooltip("ci_high:Q", title=t("ci_high"), format=_value_format(unit)),
        ],
    )
    layers = [band, line]
    if threshold is not None and pd.notna(threshold):
        layers.append(
            alt.Chart(pd.DataFrame({"target": [threshold]}))
            .mark_rule(strokeDash=[6, 4], color="#c0392b")
            .encode(y="target:Q")
        )
    return alt.layer(*layers).properties(height=260)


# area against the country: colour and words (the tooltip), never colour alone
VERSUS_COLOURS = {
    "better": "#1a7f4b",
    "similar": "#d9b44a",
    "worse": "#b03a2e",
    "higher": "#1f5fa8",
    "lower": "#7fa7d6",
    "plain": LINE_COLOUR,
    "hidden": HIDDEN_COLOUR,
}


def comparison(
    rows: pd.DataFrame, unit: str, national: float | None, level_label: str, versus: pd.Series
) -> alt.LayerChart:
    """Areas sorted by value with their 95 % intervals, coloured by how each compares with the
    country (better / no significant difference / worse); withheld areas grey at zero length
    with ':' in the tooltip; the national value as a rule."""
    frame = rows[["geo_name", "value", "ci_low", "ci_high", "suppressed"]].copy()
    hidden = frame["suppressed"].fillna(False).astype(bool)
    frame["shown"] = frame["value"].where(~hidden)
    frame["label"] = [
        fmt.SUPPRESSED if s else fmt.with_unit(v, unit) for v, s in zip(frame["value"], hidden, strict=True)
    ]
    frame["interval"] = [
        "" if s or pd.isna(lo) else f"{fmt.with_unit(lo, unit)} – {fmt.with_unit(hi, unit)}"
        for lo, hi, s in zip(frame["ci_low"], frame["ci_high"], hidden, strict=True)
    ]
    frame["bar"] = frame["shown"].fillna(0.0)
    frame["versus"] = [t(f"versus_{v}") for v in versus.loc[frame.index]]
    domain = [t(f"versus_{v}") for v in VERSUS_COLOURS]
    y = alt.Y("geo_name:N", sort=alt.EncodingSortField("bar", order="descending"), title=level_label)
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("bar:Q", title=fmt.unit_label(unit)),
            color=alt.Color(
                "versus:N",
                scale=alt.Scale(domain=domain, range=list(VERSUS_COLOURS.values())),
                legend=alt.Legend(title=t("versus_title"), orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("geo_name:N", title=level_label),
                alt.Tooltip("label:N", title=t("value")),
                alt.Tooltip("interval:N", title=t("interval")),
                alt.Tooltip("versus:N", title=t("versus_title")),
            ],
        )
    )
    whiskers = (
        alt.Chart(frame[frame["shown"].notna() & frame["ci_low"].notna()])
        .mark_rule(color="#333333")
        .encode(y=y, x="ci_low:Q", x2="ci_high:Q")
    )
    layers = [bars, whiskers]
    if national is not None and pd.notna(national):
        layers.append(
            alt.Chart(pd.DataFrame({"national": [national], "label": [fmt.with_unit(national, unit)]}))
            .mark_rule(color="#000000", strokeWidth=2, strokeDash=[4, 3])
            .encode(x="national:Q", tooltip=[alt.Tooltip("label:N", title=t("national"))])
        )
    # a step per area: a fixed pixel height squeezes the bands in Streamlit's renderer
    return alt.layer(*layers).properties(height=alt.Step(22))


def choropleth(rows: pd.DataFrame, level: str, unit: str, area_label: str, versus: pd.Series) -> dict:
    """Areas (county or municipality boundaries) coloured by how each compares with the
    country (better / no significant difference / worse by the 95 % intervals, the
    Folkehelsebarometer convention), not on a value scale a few tenths wide; withheld areas
    grey, areas without data light grey. The tooltip gives the value, its interval and the
    comparison in words. Rows may carry the name of a larger area (an RHF drawn on its
    municipalities): the tooltip names both. Written as a Vega-Lite spec directly: through
    Altair, its layers deep-copied the area rows and re-validated them, most of a goal page's
    render time."""
    frame = rows[["geo_code", "geo_name", "value", "ci_low", "ci_high", "suppressed"]].copy()
    hidden = frame["suppressed"].fillna(False).astype(bool)
    frame["hidden"] = hidden
    frame["label"] = [
        fmt.SUPPRESSED if s else fmt.with_unit(v, unit) for v, s in zip(frame["value"], hidden, strict=True)
    ]
    frame["interval"] = [
        "" if s or pd.isna(lo) else f"{fmt.with_unit(lo, unit)} – {fmt.with_unit(hi, unit)}"
        for lo, hi, s in zip(frame["ci_low"], frame["ci_high"], hidden, strict=True)
    ]
    frame["versus"] = [t(f"versus_{v}") for v in versus.loc[frame.index]]
    frame["shown"] = ~hidden & frame["value"].notna()
    records = [
        {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
        for row in frame[["geo_code", "geo_name", "shown", "hidden", "label", "interval", "versus"]].to_dict(
            "records"
        )
    ]
    lookup = {
        "lookup": "properties.geo_code",
        "from": {
            "data": {"name": "areas"},
            "key": "geo_code",
            "fields": ["shown", "hidden", "label", "interval", "versus", "geo_name"],
        },
    }
    area_tooltip = [{"field": "properties.geo_name", "type": "nominal", "title": t(level)}]
    tooltip = area_tooltip + [
        {"field": "geo_name", "type": "nominal", "title": area_label},
        {"field": "label", "type": "nominal", "title": t("value")},
        {"field": "interval", "type": "nominal", "title": t("interval")},
        {"field": "versus", "type": "nominal", "title": t("versus_title")},
    ]
    outline = {"type": "geoshape", "stroke": "white", "strokeWidth": 0.3}

    def layer(condition: str | None, mark: dict, encoding: dict) -> dict:
        return {
            "transform": [lookup] + ([{"filter": condition}] if condition else []),
            "mark": outline | mark,
            "encoding": encoding,
        }

    present = [v for v in VERSUS_COLOURS if v != "hidden" and (versus == v).any()]
    colour = {
        "field": "versus",
        "type": "nominal",
        "title": t("versus_title"),
        "scale": {
            "domain": [t(f"versus_{v}") for v in present],
            "range": [VERSUS_COLOURS[v] for v in present],
        },
        "legend": {"orient": "bottom", "direction": "vertical"},
    }
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "datasets": {"areas": records},
        "data": {"url": BOUNDARIES[level], "format": {"type": "json", "property": "features"}},
        "projection": {"type": "mercator"},
        "height": 520,
        "config": {"view": {"stroke": None}},
        "layer": [
            layer(None, {"fill": NO_DATA_COLOUR}, {"tooltip": area_tooltip}),
            layer("datum.hidden === true", {"fill": HIDDEN_COLOUR}, {"tooltip": tooltip}),
            layer("datum.shown === true", {}, {"color": colour, "tooltip": tooltip}),
        ],
    }
