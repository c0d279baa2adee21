"""One main goal on a page: for each of its indicators the trend with its interval and target,
the areas compared, a map, and downloads of what is shown. Filters live in the URL.

Every indicator's heading is on the page; the first sections are drawn at once and the others
when the reader opens them (each its own fragment: opening one reruns that section, not the
page), or all of them with ?sections=all; the opened ones are kept in the address (?open=).
Goal 3 has 22 indicators of three charts each: drawing them all held the first screen and
every filter change for seconds."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import charts
import downloads
import formatting as fmt
import report_data
import trend_marker
from filters import url_select
from page_context import published, published_caption, quality_banner
from texts import catalog_text, lang, t


def _filters(pub, goal: int) -> dict:
    options = report_data.goal_options(pub.path, pub.version, goal)
    geo = report_data.geography(pub.path, pub.version)
    cols = st.columns([1, 1.3, 1.6, 1, 1])
    sex = url_select(t("sex"), options["sex"], "sex", "all", lambda s: t(s), cols[3])
    age = url_select(
        t("age"), options["age_group"], "age", "all", lambda a: t("all") if a == "all" else a, cols[4]
    )
    rows = report_data.goal_rows(pub.path, pub.version, goal, sex, age)
    years = sorted(rows.year.unique(), reverse=True) if len(rows) else []
    year = url_select(t("year"), [int(y) for y in years], "year", None, str, cols[0])
    levels = [lv for lv in report_data.COMPARE_LEVELS if (rows.geo_level == lv).any()]
    default_level = "rhf" if "rhf" in levels else (levels[0] if levels else None)
    level = url_select(t("level"), levels, "level", default_level, lambda lv: t(lv).capitalize(), cols[1])
    units = geo[geo.geo_level == level]
    names = dict(zip(units.geo_code, units.geo_name, strict=True))
    unit = url_select(
        t("unit"), ["", *units.geo_code], "unit", "", lambda c: names.get(c, t("all_units")), cols[2]
    )
    return {"rows": rows, "year": year, "level": level, "unit": unit, "unit_name": names.get(unit)}


def indicator_year(rows: pd.DataFrame, page_year: int) -> int:
    """The page's year where the indicator has it, else its latest year before it (a survey),
    else its first after."""
    years = sorted(int(y) for y in rows.year.unique())
    if page_year in years or not years:
        return page_year
    before = [y for y in years if y < page_year]
    return before[-1] if before else years[0]


def _series(rows: pd.DataFrame, level: str, code: str) -> pd.DataFrame:
    return rows[(rows.geo_level == level) & (rows.geo_code == code)].sort_values("year")


# the sections drawn before the reader asks for more
OPEN_AT_ONCE = 2


def _heading(pub, indicator_id: str) -> None:
    meta = pub.catalog.loc[indicator_id]
    st.divider()
    st.subheader(catalog_text(meta, "name"))
    target, definition = catalog_text(meta, "target_text"), catalog_text(meta, "numerator_definition")
    st.caption(
        " · ".join(
            part
            for part in (
                f"{t('definition')}: {definition}" if definition else None,
                f"{t('direction')}: {t(meta.direction)}" if meta.direction in ("up", "down") else None,
                f"{t('target')}: {target}" if target else None,
            )
            if part
        )
    )
    st.page_link(
        "views/indicator.py",
        label=f"{t('indicator')}: {t('definition').lower()} →",
        query_params={"indicator": indicator_id, "lang": st.query_params.get("lang", "no")},
    )


def _section(pub, indicator_id: str, f: dict) -> None:
    """An indicator's charts and downloads (its rows picked here: a closed section costs nothing)."""
    meta = pub.catalog.loc[indicator_id]
    rows = f["rows"][f["rows"].indicator_id == indicator_id]
    if rows.empty:
        st.info(t("no_rows"))
        return
    shown = []
    trends = report_data.plan_period_trends(pub.path, pub.version)
    for n, (label, series) in enumerate(report_data.headline_series(rows, meta, lang())):
        if label:
            st.markdown(f"##### {label}")
        st.markdown(trend_marker.marker(trends, _series(series, "national", "NO")))
        shown += _series_block(pub, meta, series, f, key=f"{indicator_id}_{n}")
    year = indicator_year(rows, f["year"])
    downloads.buttons(pub, pd.concat(shown), f"{indicator_id}_{year}", catalog_text(meta, "name"))


def _opened() -> list[str]:
    """The sections the reader has opened, from the address (?open=id,id): a shared link
    opens the same ones."""
    return [s for s in st.query_params.get("open", "").split(",") if s]


@st.fragment
def _on_demand(pub, indicator_id: str, f: dict) -> None:
    """A section drawn when the reader opens it; it stays open through filter changes and is
    kept in the address."""
    opened = _opened()
    is_open = st.toggle(t("show_section"), value=indicator_id in opened, key=f"open_{indicator_id}")
    kept = [s for s in opened if s != indicator_id] + ([indicator_id] if is_open else [])
    if sorted(kept) != sorted(opened):
        if kept:
            st.query_params["open"] = ",".join(kept)
        else:
            st.query_params.pop("open", None)
    if is_open:
        _section(pub, indicator_id, f)


def _single_year(national: pd.DataFrame, meta) -> None:
    """A series of one year (a census) is a figure, not a one-point trend chart."""
    row = national.iloc[-1]
    value = fmt.SUPPRESSED if bool(row.suppressed) else fmt.with_unit(row.value, meta.unit)
    st.metric(t("figure_for", year=int(row.year)), value, border=True)


def _series_block(pub, meta, rows: pd.DataFrame, f: dict, key: str) -> list[pd.DataFrame]:
    """One headline series: its trend, the areas compared in the indicator's year, the map;
    `key` names the series on the page."""
    # empty for indicators published by office or region only (ND): their areas still show
    national = _series(rows, "national", "NO")
    area = _series(rows, f["level"], f["unit"]) if f["unit"] else None
    shown = [national] + ([area] if area is not None else [])
    year = indicator_year(rows, f["year"])
    left, right = st.columns(2)
    with left:
        years = sorted(int(y) for y in rows.year.unique())
        if len(national) and national.year.nunique() == 1:
            _single_year(national, meta)
            st.caption(f"{t('source')}: {catalog_text(meta, 'source_name')}.")
        elif len(national) or (area is not None and len(area)):
            st.markdown(f"**{t('trend', first=years[0], last=years[-1])}**")
            charts.show(
                charts.trend(national, meta.unit, meta.threshold, area, f["unit_name"]), f"trend_{key}"
            )
            notes = [t("band")] + ([t("target_line")] if pd.notna(meta.threshold) else [])
            st.caption(f"{'; '.join(notes)}. {t('source')}: {catalog_text(meta, 'source_name')}.")
        else:
            st.info(t("no_rows"))
    # the chosen level, or the indicator's own first level when it is not published at it
    own_levels = [lv for lv in report_data.COMPARE_LEVELS if (rows.geo_level == lv).any()]
    level = f["level"] if f["level"] in own_levels else (own_levels[0] if own_levels else None)
    compare = rows[(rows.geo_level == level) & (rows.year == year)]
    with right:
        if level is None:
            # a national survey: no areas to compare
            st.caption(t("national_only", year=year))
        elif compare.empty:
            st.markdown(f"**{t('comparison', level=t(f['level']), year=year)}**")
            st.info(t("no_rows"))
        else:
            st.markdown(f"**{t('comparison', level=t(level), year=year)}**")
            this_year = national[national.year == year]
            comparable = meta.kind in report_data.COMPARABLE_KINDS and len(this_year)
            national_value = this_year.value.iloc[0] if comparable else None
            ranked, cut = report_data.ranking(compare, keep=f["unit"] or None)
            versus = report_data.versus_country(ranked, national_value, meta.direction)
            charts.show(
                charts.comparison(ranked, meta.unit, national_value, t(level), versus), f"comparison_{key}"
            )
            notes = [t("national_marked")] if comparable else []
            if level != f["level"]:
                notes.insert(0, t("level_fallback", chosen=t(f["level"]), level=t(level)))
            if cut:
                notes.append(t("ranking_cut", n=15, total=len(compare)))
            if year != f["year"]:
                notes.append(t("year_fallback", year=year))
            st.caption(" ".join(notes))
            shown.append(compare)
    # the map: counties or municipalities as chosen, else the comparison level's areas, each
    # coloured against the country; a count is no comparison between areas of unequal size
    map_level = (
        f["level"] if f["level"] in report_data.MAP_LEVELS and (rows.geo_level == f["level"]).any() else level
    )
    mapped = rows[(rows.geo_level == map_level) & (rows.year == year)]
    this_year = national[national.year == year]
    if meta.kind not in report_data.COMPARABLE_KINDS or this_year.empty:
        if len(mapped):
            st.caption(t("map_not_for_counts"))
        return shown
    mapped = mapped.assign(versus=report_data.versus_country(mapped, this_year.value.iloc[0], meta.direction))
    drawn = report_data.map_rows(mapped, map_level, pub.path, pub.version) if len(mapped) else None
    if drawn is not None:
        st.markdown(f"**{t('map', level=t(map_level), year=year)}**")
        charts.show(
            charts.choropleth(drawn[1], drawn[0], meta.unit, t(map_level), drawn[1].versus), f"map_{key}"
        )
        st.caption(t("map_legend", limit=int(meta.suppression_limit)))
        shown.append(mapped.drop(columns="versus"))
    return shown


def render(goal: int) -> None:
    pub = published()
    goal_meta = pub.catalog[pub.catalog.goal == goal]
    st.title(f"{t('goal')} {goal}")
    if goal_meta.empty:
        st.info(t("no_rows"))
        return
    st.markdown(f"*{catalog_text(goal_meta.iloc[0], 'goal')}*")
    quality_banner()
    f = _filters(pub, goal)
    if f["year"] is None:
        st.info(t("no_rows"))
        return
    order = list(goal_meta.sort_values("catalog_order").index)
    everything = len(order) > OPEN_AT_ONCE and st.toggle(
        t("show_all_sections", n=len(order)),
        value=st.query_params.get("sections") == "all",
        key="sections_all",
    )
    if everything:
        st.query_params["sections"] = "all"
    else:
        st.query_params.pop("sections", None)
    for n, indicator_id in enumerate(order):
        _heading(pub, indicator_id)
        if everything or n < OPEN_AT_ONCE:
            _section(pub, indicator_id, f)
        else:
            _on_demand(pub, indicator_id, f)
    published_caption(pub)
    st.caption(f"{fmt.SUPPRESSED} = {t('hidden')}")
