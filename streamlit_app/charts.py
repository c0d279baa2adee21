"""The report's charts (Vega-Lite): trend with interval and target, sorted comparison with the
national value marked, and a choropleth on the real 2024 boundaries.

Written as Vega-Lite specs directly, not through Altair: Altair deep-copies, re-validates and
sanitises every chart's rows on each rerun, about half a goal page's server time."""

from __future__ import annotations

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
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


# Streamlit's chart theme draws axis and legend labels in #808495 (3.7:1 on white); this grey
# is 9:1 (WCAG AA asks 4.5:1 for text). Vega-Lite cuts labels longer than 160–180 px with
# "…" ("Friomsorgskonto…"): no limit, a name is read whole
TEXT_COLOUR = "#444444"
READABLE_TEXT = {
    "axis": {"labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "labelLimit": 0},
    "legend": {"labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "labelLimit": 0},
    "title": {"color": TEXT_COLOUR},
}


def show(spec: dict, key: str) -> None:
    """Draw a Vega-Lite spec (tests/test_report.py validates every spec the pages draw), with
    its figures as a table under a switch for readers who cannot use the chart; `key` names
    the chart on its page."""
    spec = {**spec, "config": {**READABLE_TEXT, **spec.get("config", {})}}
    if lang() == "no":
        # axes, legends and tooltips in bokmål: decimal comma, no-break space between thousands
        spec = {**spec, "config": {**spec.get("config", {}), "locale": NORWEGIAN_LOCALE}}
    st.vega_lite_chart(spec, width="stretch")
    table = chart_table(spec)
    # the table is built only when asked for: a page has dozens of charts
    if table is not None and st.toggle(t("show_table"), key=f"table_{key}"):
        st.dataframe(table(), hide_index=True, width="stretch")


def chart_table(spec: dict):
    """The chart's figures as a table, columns as its tooltip names them: a function that
    builds it, or None for a chart without rows of its own."""
    values = (spec.get("data") or {}).get("values") or next(iter((spec.get("datasets") or {}).values()), None)
    if not values:
        return None
    columns: dict[str, str] = {}
    formats: dict[str, str] = {}  # the d3 number format of each quantitative field
    for tip in _tooltip_fields(spec):
        field = tip.get("field")
        if field and field in values[0] and field not in columns:
            title = tip.get("title") or field
            columns[field] = title[:1].upper() + title[1:]  # a column heading: "Kommune", not "kommune"
            if tip.get("format"):
                formats[field] = tip["format"]
    if not columns:
        return None
    hidden_text = f"{fmt.SUPPRESSED} ({t('reason_disclosure_control')})"

    def cell(row: dict, field: str) -> str:
        # as the page writes numbers (decimal comma in bokmål); a hidden cell says why
        value = row.get(field)
        withheld = row.get("suppressed") or row.get("hidden")
        if withheld and (field in formats or value in (None, fmt.SUPPRESSED)):
            return hidden_text
        if value is None:
            return fmt.MISSING
        return fmt.number(float(value), _places(formats[field])) if field in formats else str(value)

    def build() -> pd.DataFrame:
        frame = pd.DataFrame([{columns[f]: cell(row, f) for f in columns} for row in values])
        return frame.drop_duplicates()

    return build


def _places(d3_format: str) -> int:
    """The decimals of a d3 number format such as ',.1f'."""
    return int(d3_format.rsplit(".", 1)[1].rstrip("f")) if "." in d3_format else 0


def _tooltip_fields(node):
    """The tooltip fields of a spec, at any depth (layers, encodings), in order."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "tooltip":
                yield from (
                    tip for tip in (value if isinstance(value, list) else [value]) if isinstance(tip, dict)
                )
            elif key not in ("data", "datasets"):
                yield from _tooltip_fields(value)
    elif isinstance(node, list):
        for value in node:
            yield from _tooltip_fields(value)


def _value_format(unit: str) -> str:
    return ",.0f" if fmt.decimals(unit) == 0 else ",.1f"


def _flagged(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns a chart draws and whether each row is withheld (for its table's reason)."""
    if "suppressed" not in frame:
        return frame[columns]
    return frame[columns].assign(suppressed=frame["suppressed"].fillna(False).astype(bool))


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON values: NaN and NA as null."""
    missing = lambda v: v is None or v is pd.NA or (isinstance(v, float) and v != v)  # noqa: E731
    return [{k: None if missing(v) else v for k, v in row.items()} for row in frame.to_dict("records")]


def _spec(values: list[dict], layers: list[dict], height) -> dict:
    return {"$schema": SCHEMA, "data": {"values": values}, "height": height, "layer": layers}


def trend(
    series: pd.DataFrame,
    unit: str,
    threshold: float | None,
    area: pd.DataFrame | None = None,
    area_name: str | None = None,
) -> dict:
    """The national series with its 95 % interval as a band, the target as a dashed rule, and
    (when a unit is chosen) that area's series dashed beside it."""
    y_title = fmt.unit_label(unit)
    frame = series.assign(name=t("national"))
    if area is not None and len(area):
        frame = pd.concat([frame, area.assign(name=area_name)])
    values = _records(_flagged(frame, ["year", "value", "ci_low", "ci_high", "name"]))
    x = {"field": "year", "type": "ordinal", "title": t("year")}
    colour = {"field": "name", "type": "nominal", "title": None, "legend": {"orient": "bottom"}}
    number = _value_format(unit)
    band = {
        "mark": {"type": "area", "opacity": 0.18},
        "encoding": {
            "x": x,
            "y": {"field": "ci_low", "type": "quantitative", "title": y_title},
            "y2": {"field": "ci_high"},
            "color": colour,
        },
    }
    line = {
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": x,
            "y": {"field": "value", "type": "quantitative", "title": y_title},
            "color": colour,
            "tooltip": [
                {"field": "name", "type": "nominal", "title": t("unit")},
                {"field": "year", "type": "ordinal", "title": t("year")},
                {"field": "value", "type": "quantitative", "title": y_title, "format": number},
                {"field": "ci_low", "type": "quantitative", "title": t("ci_low"), "format": number},
                {"field": "ci_high", "type": "quantitative", "title": t("ci_high"), "format": number},
            ],
        },
    }
    layers = [band, line]
    if threshold is not None and pd.notna(threshold):
        layers.append(
            {
                "data": {"values": [{"target": float(threshold)}]},
                "mark": {"type": "rule", "strokeDash": [6, 4], "color": "#c0392b"},
                "encoding": {"y": {"field": "target", "type": "quantitative"}},
            }
        )
    return _spec(values, layers, 260)


def _named_data(values: list[dict]) -> dict:
    """A one-view chart's rows as a named dataset: Streamlit lifts a spec's inline `data` out of
    it (to send as Arrow), which leaves a one-view spec without the `data` it requires."""
    return {"datasets": {"rows": values}, "data": {"name": "rows"}}


def categories(rows: pd.DataFrame, unit: str) -> dict:
    """One year's categories as bars, largest first (a census)."""
    bars = {
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "category", "type": "nominal", "title": None, "sort": "-x"},
            "x": {"field": "value", "type": "quantitative", "title": fmt.unit_label(unit)},
            "tooltip": [
                {"field": "category", "type": "nominal", "title": t("category")},
                {"field": "value", "type": "quantitative", "title": fmt.unit_label(unit), "format": ",.1f"},
            ],
        },
    }
    return {"$schema": SCHEMA, **_named_data(_records(_flagged(rows, ["category", "value"]))), **bars}


def category_trends(rows: pd.DataFrame, unit: str) -> dict:
    """Every category's series, a line each."""
    lines = {
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": t("year")},
            "y": {"field": "value", "type": "quantitative", "title": fmt.unit_label(unit)},
            "color": {"field": "category", "type": "nominal", "title": None, "legend": {"orient": "bottom"}},
            "tooltip": [
                {"field": "category", "type": "nominal", "title": t("category")},
                {"field": "year", "type": "ordinal", "title": t("year")},
                {"field": "value", "type": "quantitative", "title": fmt.unit_label(unit), "format": ",.1f"},
            ],
        },
    }
    values = _records(_flagged(rows, ["category", "year", "value"]))
    return {"$schema": SCHEMA, **_named_data(values), "height": 320, **lines}


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
) -> dict:
    """Areas sorted by value with their 95 % intervals, coloured by how each compares with the
    country (better / no significant difference / worse); withheld areas grey at zero length
    with ':' in the tooltip; the national value as a rule."""
    frame = rows[["geo_name", "value", "ci_low", "ci_high", "suppressed"]].copy()
    hidden = frame["suppressed"].fillna(False).astype(bool)
    frame["shown"] = frame["value"].where(~hidden)
    frame["label"] = [
        fmt.SUPPRESSED if s else label
        for label, s in zip(fmt.with_unit_all(frame["value"], unit), hidden, strict=True)
    ]
    low, high = fmt.with_unit_all(frame["ci_low"], unit), fmt.with_unit_all(frame["ci_high"], unit)
    frame["interval"] = [
        "" if s or pd.isna(lo) else f"{lo_text} – {hi_text}"
        for lo, lo_text, hi_text, s in zip(frame["ci_low"], low, high, hidden, strict=True)
    ]
    frame["bar"] = frame["shown"].fillna(0.0)
    frame["suppressed"] = hidden
    frame["versus"] = [t(f"versus_{v}") for v in versus.loc[frame.index]]
    domain = [t(f"versus_{v}") for v in VERSUS_COLOURS]
    y = {
        "field": "geo_name",
        "type": "nominal",
        "sort": {"field": "bar", "order": "descending"},
        "title": level_label,
    }
    columns = ["geo_name", "shown", "bar", "ci_low", "ci_high", "label", "interval", "versus", "suppressed"]
    bars = {
        "mark": {"type": "bar"},
        "encoding": {
            "y": y,
            "x": {"field": "bar", "type": "quantitative", "title": fmt.unit_label(unit)},
            "color": {
                "field": "versus",
                "type": "nominal",
                "scale": {"domain": domain, "range": list(VERSUS_COLOURS.values())},
                "legend": {"title": t("versus_title"), "orient": "bottom"},
            },
            "tooltip": [
                {"field": "geo_name", "type": "nominal", "title": level_label},
                {"field": "label", "type": "nominal", "title": t("value")},
                {"field": "interval", "type": "nominal", "title": t("interval")},
                {"field": "versus", "type": "nominal", "title": t("versus_title")},
            ],
        },
    }
    whiskers = {
        "transform": [{"filter": "isValid(datum.shown) && isValid(datum.ci_low)"}],
        "mark": {"type": "rule", "color": "#333333"},
        "encoding": {"y": y, "x": {"field": "ci_low", "type": "quantitative"}, "x2": {"field": "ci_high"}},
    }
    layers = [bars, whiskers]
    if national is not None and pd.notna(national):
        layers.append(
            {
                "data": {"values": [{"national": float(national), "label": fmt.with_unit(national, unit)}]},
                "mark": {"type": "rule", "color": "#000000", "strokeWidth": 2, "strokeDash": [4, 3]},
                "encoding": {
                    "x": {"field": "national", "type": "quantitative"},
                    "tooltip": [{"field": "label", "type": "nominal", "title": t("national")}],
                },
            }
        )
    # a step per area: a fixed pixel height squeezes the bands in Streamlit's renderer
    return _spec(_records(frame[columns]), layers, {"step": 22})


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
        fmt.SUPPRESSED if s else label
        for label, s in zip(fmt.with_unit_all(frame["value"], unit), hidden, strict=True)
    ]
    frame["interval"] = [
        "" if s or pd.isna(lo) else f"{fmt.with_unit(lo, unit)} – {fmt.with_unit(hi, unit)}"
        for lo, hi, s in zip(frame["ci_low"], frame["ci_high"], hidden, strict=True)
    ]
    frame["versus"] = [t(f"versus_{v}") for v in versus.loc[frame.index]]
    frame["shown"] = ~hidden & frame["value"].notna()
    records = _records(frame[["geo_code", "geo_name", "shown", "hidden", "label", "interval", "versus"]])
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
        "$schema": SCHEMA,
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
