"""My municipality as a barometer (the Folkehelsebarometer's layout): every indicator with
figures for one municipality, its latest year, beside its county and the country, each
comparison coloured and worded (significantly better / no significant difference / worse by
the 95 % intervals), with the municipality's trend as a sparkline and its status against the
plan. `?print=1` lays the profile out on one printable page."""

import html

import pandas as pd
import streamlit as st

import downloads
import formatting as fmt
import report_data
from charts import VERSUS_COLOURS
from filters import url_select
from page_context import published, published_caption
from texts import catalog_text, lang, t

PRINTING = st.query_params.get("print") == "1"
# the print layout: no navigation, header or widgets; small type so the profile fits a page
PRINT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stSidebarCollapsedControl"] { display: none !important; }
.block-container { padding: 0.5rem 1rem !important; max-width: 100% !important; }
@page { size: A4 portrait; margin: 10mm; }
</style>
"""
BAROMETER_CSS = """
<style>
table.barometer { border-collapse: collapse; width: 100%; font-size: 0.8rem; }
table.barometer th, table.barometer td { border-bottom: 1px solid #ddd; padding: 2px 6px;
  text-align: left; vertical-align: middle; }
table.barometer td.versus { color: #fff; font-weight: 600; }
/* dark words on the light colours: white on them is below 4.5:1 */
table.barometer td.versus.similar, table.barometer td.versus.lower,
table.barometer td.versus.hidden { color: #111; }
@media print { table.barometer { font-size: 7pt; } h1 { font-size: 14pt; } }
</style>
"""


def sparkline(values: list[float]) -> str:
    """The municipality's shown values over the years as a small inline SVG line."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = 80 / (len(values) - 1)
    points = " ".join(f"{i * step:.1f},{18 - 16 * (v - low) / span:.1f}" for i, v in enumerate(values))
    return (
        f'<svg width="82" height="20" role="img" aria-label="{t("trend_short")}">'
        f'<polyline fill="none" stroke="#1f5fa8" stroke-width="1.5" points="{points}"/></svg>'
    )


def cell(row: pd.Series | None, unit: str) -> str:
    """A value with its interval; a hidden value says why; an absent one is '..'."""
    if row is None:
        return fmt.MISSING
    if bool(row.suppressed) or pd.isna(row.value):
        reason = row.get("suppression_reason")
        why = t(f"reason_{reason}") if isinstance(reason, str) else t("reason_missing")
        return f"{fmt.SUPPRESSED} ({why})"
    shown = fmt.with_unit(row.value, unit)
    if pd.notna(row.ci_low):
        places = fmt.decimals(unit)
        low, high = fmt.number(row.ci_low, places), fmt.number(row.ci_high, places)
        shown += f" <small>({low}–{high})</small>"
    return shown


def versus(row: pd.Series | None, reference: pd.Series | None, meta) -> str:
    """The municipality against a larger area, coloured and in words."""
    if row is None or reference is None or meta.kind not in report_data.COMPARABLE_KINDS:
        return "<td>–</td>"
    hidden_reference = bool(reference.suppressed) or pd.isna(reference.value)
    outcome = report_data.versus_country(
        row.to_frame().T.infer_objects(), None if hidden_reference else reference.value, meta.direction
    ).iloc[0]
    if outcome == "plain":
        return "<td>–</td>"
    colour = VERSUS_COLOURS[outcome]
    return f'<td class="versus {outcome}" style="background:{colour}">{t(f"versus_{outcome}_short")}</td>'


def latest_row(frame: pd.DataFrame, level: str, year: int) -> pd.Series | None:
    found = frame[(frame.geo_level == level) & (frame.year == year)]
    return None if found.empty else found.iloc[0]


pub = published()
geo = report_data.geography(pub.path, pub.version)
municipalities = geo[geo.geo_level == "municipality"].sort_values("geo_name")
names = dict(zip(municipalities.geo_code, municipalities.geo_name, strict=True))
if PRINTING:
    st.markdown(PRINT_CSS, unsafe_allow_html=True)
    code = st.query_params.get("kommune", "0301")
    code = code if code in names else "0301"
else:
    code = url_select(
        t("choose_municipality"),
        list(municipalities.geo_code),
        "kommune",
        "0301",
        lambda c: f"{names[c]} ({c})",
    )
county = str(municipalities.set_index("geo_code").parent_code.get(code))
counties = geo[geo.geo_level == "county"]
county_name = dict(zip(counties.geo_code, counties.geo_name, strict=True)).get(county, county)
st.title(f"{t('my_municipality')}: {names[code]}")
st.caption(t("municipality_intro", name=names[code], county=county_name))
rows = report_data.area_rows(
    pub.path, pub.version, (("municipality", code), ("county", county), ("national", "NO"))
)
mine = rows[rows.geo_level == "municipality"]
if mine.empty:
    st.info(t("municipality_none"))
    st.stop()

header = [
    t("indicator"),
    t("year"),
    names[code],
    t("trend_short"),
    f"{county_name} ({t('county')})",
    t("versus_county"),
    t("national"),
    t("versus_title"),
    t("status"),
]
lines, shown = [], []
for indicator_id in pub.catalog.sort_values("catalog_order").index:
    if mine[mine.indicator_id == indicator_id].empty:
        continue
    meta = pub.catalog.loc[indicator_id]
    for label, series in report_data.headline_series(rows[rows.indicator_id == indicator_id], meta, lang()):
        own = series[series.geo_level == "municipality"].sort_values("year")
        if own.empty:
            continue
        # the latest year the municipality has a row in (a survey's, not the page's)
        year = int(own.year.max())
        here = latest_row(series, "municipality", year)
        in_county = latest_row(series, "county", year)
        in_country = latest_row(series, "national", year)
        shown.append(series[series.year == year])
        name = html.escape(catalog_text(meta, "name") + (f" ({label})" if label else ""))
        status = here.target_status if isinstance(here.target_status, str) else "no_target"
        lines.append(
            "<tr>"
            f"<td>{name}</td><td>{year}</td><td>{cell(here, meta.unit)}</td>"
            f"<td>{sparkline(list(own.value.dropna()))}</td>"
            f"<td>{cell(in_county, meta.unit)}</td>{versus(here, in_county, meta)}"
            f"<td>{cell(in_country, meta.unit)}</td>{versus(here, in_country, meta)}"
            f"<td>{t(status)}</td>"
            "</tr>"
        )
table = (
    BAROMETER_CSS
    + '<table class="barometer"><thead><tr>'
    + "".join(f"<th>{html.escape(h)}</th>" for h in header)
    + "</tr></thead><tbody>"
    + "".join(lines)
    + "</tbody></table>"
)
st.markdown(table, unsafe_allow_html=True)
st.caption(t("barometer_legend"))
if not PRINTING:
    st.page_link(
        "views/municipality.py",
        label=t("print_view") + " →",
        query_params={"kommune": code, "print": "1", "lang": lang()},
    )
    downloads.buttons(pub, pd.concat(shown), f"kommune_{code}", names[code])
published_caption(pub)
