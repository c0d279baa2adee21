"""Overview: the five main goals, each with a verdict (how many indicators are significantly
better or worse than at the plan's baseline) and its core indicators as tiles (latest value,
change since the baseline with its 95 % interval, status against the plan, sparkline,
freshness, the trend over the plan period). Baseline, change and status come from the mart
(mart_indicator_values), the trend from mart_indicator_trends."""

import pandas as pd
import streamlit as st

import downloads
import formatting as fmt
import report_data
import trend_marker
from page_context import published, published_caption, published_short, quality_banner
from rusmonitor import report_export
from texts import catalog_text, lang, t

pub = published()
st.title(t("title"))
st.caption(t("subtitle"))
quality_banner()
published_short(pub)

national = report_data.indicator_values(pub.path, pub.version)
trends = report_data.plan_period_trends(pub.path, pub.version)


def change_unit(unit: str) -> str:
    """A change in a share is in percentage points."""
    return "percentage_points" if unit == "percent" else unit


def headlines(indicator_id: str) -> list[tuple[str | None, pd.DataFrame]]:
    """The catalog's headline series of an indicator (one, or the golden rule's two), by year."""
    rows = national[national.indicator_id == indicator_id]
    meta = pub.catalog.loc[indicator_id]
    return [
        (label, series.set_index("year").sort_index())
        for label, series in report_data.headline_series(rows, meta, lang())
    ]


def latest_status(indicator_id: str) -> str | None:
    """The status of the latest shown national headline value, or None without one; of
    several headline series (the golden rule's TSB and PHV) the worst: the rule holds only
    when it holds for each."""
    statuses = []
    for _, series in headlines(indicator_id):
        shown = series[series.value.notna()]
        if not shown.empty:
            statuses.append(shown.target_status.iloc[-1])
    for status in ("off_track", "no_significant_change", "on_track", "no_target"):
        if status in statuses:
            return status
    return None


def verdict(indicator_ids) -> str:
    statuses = [latest_status(i) for i in indicator_ids]
    judged = [s for s in statuses if s in ("on_track", "off_track", "no_significant_change")]
    return t(
        "goal_verdict",
        better=judged.count("on_track"),
        n=len(judged),
        worse=judged.count("off_track"),
        same=judged.count("no_significant_change"),
    )


def tile(meta, label: str | None, series: pd.DataFrame) -> None:
    shown = series.value.dropna()
    if shown.empty:
        st.metric(catalog_text(meta, "name"), fmt.MISSING, border=True)
        return
    latest = int(shown.index.max())
    row = series.loc[latest]
    delta = None
    if pd.notna(row.change_since_baseline):
        delta = (
            f"{fmt.with_unit(row.change_since_baseline, change_unit(meta.unit), signed=True)} "
            f"{t('since_year', year=int(row.baseline_year))}"
        )
    name = catalog_text(meta, "name") + (f" ({label})" if label else "")
    st.metric(
        name,
        fmt.with_unit(row.value, meta.unit),
        delta,
        delta_color={"up": "normal", "down": "inverse"}.get(meta.direction, "off"),
        help=catalog_text(meta, "numerator_definition"),
        border=True,
        chart_data=list(shown.values) if len(shown) > 1 else None,
        chart_type="line",
    )
    parts = [t("data_until", year=latest), f"{t('status')}: {t(row.target_status)}"]
    if pd.notna(row.change_ci_low):
        unit = change_unit(meta.unit)
        parts.insert(
            0,
            t(
                "change_interval",
                low=fmt.with_unit(row.change_ci_low, unit, signed=True),
                high=fmt.with_unit(row.change_ci_high, unit, signed=True),
            ),
        )
    st.caption(" · ".join(parts))
    st.caption(trend_marker.marker(trends, series))


measures = report_data.measure_progress(pub.path, pub.version)
PLAN_END = 2020  # the plan's last year: what it promised by then, beside where things stand now


def measure_summary(goal: int) -> None:
    """The goal's measures at the plan's end and in the latest reported year: a line of counts
    each, and the latest year's table when opened."""
    if measures.empty:
        return
    mine = measures[measures.goal == goal]
    if mine.empty:
        return
    for year in sorted({y for y in (PLAN_END, int(measures.year.max())) if y in set(mine.year)}):
        counts = mine[mine.year == year].progress.value_counts()
        st.markdown(
            t(
                "measures_verdict",
                year=year,
                done=int(counts.get("carried_out", 0)),
                n=int(counts.sum()),
                late=int(counts.get("late", 0)),
                under_way=int(counts.get("under_way", 0)),
                not_started=int(counts.get("not_started", 0)),
            )
        )
    year = int(mine.year.max())
    rows = mine[mine.year == year]
    shown = report_export.measure_frame(rows, lang())
    with st.expander(t("measures_table", goal=goal, year=year)):
        st.dataframe(
            shown[
                ["measure", "owner", "due_year", "progress_label", "carried_out_year", "evidence", "source"]
            ].rename(
                columns={
                    "measure": t("col_measure"),
                    "owner": t("col_owner"),
                    "due_year": t("col_due"),
                    "progress_label": t("col_progress"),
                    "carried_out_year": t("col_carried_out"),
                    "evidence": t("col_evidence"),
                    "source": t("col_source"),
                }
            ),
            hide_index=True,
        )


for goal, goal_meta in pub.catalog.sort_values("catalog_order").groupby("goal", sort=True):
    st.divider()
    st.subheader(f"{t('goal')} {goal}")
    st.markdown(f"*{catalog_text(goal_meta.iloc[0], 'goal')}*")
    st.markdown(f"**{verdict(goal_meta.index)}**")
    measure_summary(int(goal))
    core = goal_meta[goal_meta.priority == "core"]
    columns = st.columns(3)
    tiles = [(meta, *each) for indicator_id, meta in core.iterrows() for each in headlines(indicator_id)]
    for n, (meta, label, series) in enumerate(tiles):
        with columns[n % 3]:
            tile(meta, label, series)
    st.page_link(
        f"views/goal_{goal}.py",
        label=t("open_goal", goal=goal) + " →",
        query_params={"lang": lang()},
    )
if not measures.empty:
    st.divider()
    st.subheader(t("measures_heading"))
    st.caption(t("measures_caption"))
    downloads.measure_buttons(pub, measures)
published_caption(pub)
