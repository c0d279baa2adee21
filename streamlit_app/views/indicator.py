"""One indicator in full: definition, numerator and denominator, source, where in the documents
it comes from (title and chapter, in the reader's language), breaks in series, privacy rule,
quality status from the latest GX run, every category's trend and the latest figures by area,
with downloads."""

import pandas as pd
import streamlit as st

import charts
import downloads
import formatting as fmt
import report_data
from filters import url_select
from page_context import published, published_caption, quality_banner, text
from texts import catalog_text, lang, t

pub = published()
catalog = pub.catalog.sort_values("catalog_order")
indicator_id = url_select(
    t("choose_indicator"),
    list(catalog.index),
    "indicator",
    catalog.index[0],
    lambda i: f"{t('goal')} {catalog.loc[i, 'goal']}: {catalog_text(catalog.loc[i], 'name')}",
)
meta = catalog.loc[indicator_id]
st.title(catalog_text(meta, "name"))
st.markdown(f"*{t('goal')} {meta.goal}: {catalog_text(meta, 'goal')}*")
quality_banner()

facts = [
    (t("definition"), f"{t('kind_' + meta.kind)}, {fmt.unit_label(meta.unit)}"),
    (t("numerator"), catalog_text(meta, "numerator_definition")),
    (t("denominator"), catalog_text(meta, "denominator_definition")),
    (t("source"), catalog_text(meta, "source_name")),
    (t("direction"), t(meta.direction) if meta.direction in ("up", "down", "none") else None),
    (t("target"), catalog_text(meta, "target_text")),
    (t("series_break"), catalog_text(meta, "series_break")),
    (t("source_ref"), text(meta[f"source_ref_{lang()}"])),
    (t("dimensions"), ", ".join(t(f"dim_{d}") for d in str(meta.dimensions).split(",") if d)),
    (t("notes"), catalog_text(meta, "notes")),
]
st.markdown("  \n".join(f"**{label}.** {value}" for label, value in facts if value))
if meta.is_person_count or meta.is_denominator_person_count:
    st.caption(t("suppression", limit=int(meta.suppression_limit) + 1))

st.markdown(f"**{t('quality_of_indicator')}**")
quality = report_data.indicator_quality(report_data.quality_version(), indicator_id, meta.source_id)
if not quality:
    st.caption(t("quality_none"))
else:
    when = f"{pd.Timestamp(quality['validated_at']):%d.%m.%Y %H:%M}"
    if quality["failed"]:
        st.warning(t("quality_issues", n=len(quality["failed"]), when=when))
        st.table(pd.DataFrame(quality["failed"]))
    else:
        st.success(t("quality_ok", n=quality["checked"], when=when))

rows = report_data.indicator_rows(pub.path, pub.version, indicator_id)
headline = rows[(rows.sex == "all") & (rows.age_group == "all")]
national = headline[headline.geo_level == "national"].sort_values("year")
if national.empty:
    st.info(t("no_rows"))
    st.stop()
shown = [national]
categories = sorted(national.breakdown.unique())
# the categories in words, not as codes (`level=gronn`)
named = national.assign(
    category=national.breakdown.map(lambda b: report_data.category_label(b, meta, lang()))
)
if national.year.nunique() == 1:
    # one year (a census): its categories as bars, not a one-point trend
    st.markdown(f"**{t('figure_for', year=int(national.year.iloc[0]))}**")
    charts.show(charts.categories(named, meta.unit), "national")
elif len(categories) == 1:
    st.markdown(f"**{t('trend', first=int(national.year.min()), last=int(national.year.max()))}**")
    charts.show(charts.trend(national, meta.unit, meta.threshold), "national")
else:
    st.markdown(f"**{t('trend', first=int(national.year.min()), last=int(national.year.max()))}**")
    charts.show(charts.category_trends(named, meta.unit), "national")
levels = [lv for lv in report_data.COMPARE_LEVELS if (headline.geo_level == lv).any()]
if levels:
    level = url_select(t("level"), levels, "level", levels[0], lambda lv: t(lv).capitalize())
    years = sorted(headline[headline.geo_level == level].year.unique(), reverse=True)
    year = url_select(t("year"), [int(y) for y in years], "year", None, str)
    # the catalog's headline series (the first of several: the golden rule's TSB)
    label, series = report_data.headline_series(headline, meta, lang())[0]
    compare = series[(series.geo_level == level) & (series.year == year)]
    national_now = series[(series.geo_level == "national") & (series.year == year)].value
    comparable = meta.kind in report_data.COMPARABLE_KINDS and len(national_now)
    national_value = national_now.iloc[0] if comparable else None
    st.markdown(f"**{t('comparison', level=t(level), year=year)}**" + (f" · {label}" if label else ""))
    versus = report_data.versus_country(compare, national_value, meta.direction)
    charts.show(charts.comparison(compare, meta.unit, national_value, t(level), versus), "comparison")
    if comparable:
        st.caption(t("national_marked"))
    shown.append(compare)
downloads.buttons(pub, pd.concat(shown), indicator_id, catalog_text(meta, "name"))
published_caption(pub)
