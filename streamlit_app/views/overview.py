"""Overview: the five main goals, each with its core indicators as tiles (latest value, change
since the plan started and since last year, status against the target, sparkline, freshness)."""

import pandas as pd
import streamlit as st

import formatting as fmt
import report_data
from page_context import published, published_caption, quality_banner, text
from texts import catalog_text, lang, t

PLAN_START = 2015  # the year before the plan period 2016-2020: "since the plan started"

pub = published()
st.title(t("title"))
st.caption(t("subtitle"))
quality_banner()
published_caption(pub)

national = report_data.indicator_values(pub.path, pub.version)


def _change(series: pd.Series, since: int, latest: int) -> tuple[int | None, float | None]:
    """The change from `since` (or the first year after it with data) to the latest year."""
    years = [y for y in series.dropna().index if since <= y < latest]
    if not years:
        return None, None
    first = min(years)
    return first, series[latest] - series[first]


def tile(indicator_id: str, meta) -> None:
    rows = national[national.indicator_id == indicator_id]
    breakdown = report_data.headline_breakdown(rows.breakdown)
    series = rows[rows.breakdown == breakdown].set_index("year").sort_index()
    shown = series.value.dropna()
    if shown.empty:
        st.metric(catalog_text(meta, "name"), fmt.MISSING, border=True)
        return
    latest = int(shown.index.max())
    now = shown[latest]
    before = shown.get(latest - 1)
    delta = None
    if before is not None:
        delta = f"{fmt.with_unit(now - before, meta.unit, signed=True)} {t('since_last')}"
    name = catalog_text(meta, "name") + ("" if breakdown == "total" else f" ({breakdown})")
    st.metric(
        name,
        fmt.with_unit(now, meta.unit),
        delta,
        delta_color={"up": "normal", "down": "inverse"}.get(meta.direction, "off"),
        help=text(meta.numerator_definition),
        border=True,
        chart_data=list(shown.values) if len(shown) > 1 else None,
        chart_type="line",
    )
    since, change = _change(shown, PLAN_START, latest)
    status = series.target_status.get(latest, "no_target")
    parts = [t("data_until", year=latest), f"{t('status')}: {t(status)}"]
    if change is not None:
        parts.insert(0, f"{fmt.with_unit(change, meta.unit, signed=True)} {t('since_year', year=since)}")
    st.caption(" · ".join(parts))


for goal, goal_meta in pub.catalog.sort_values("catalog_order").groupby("goal", sort=True):
    st.divider()
    st.subheader(f"{t('goal')} {goal}")
    st.markdown(f"*{catalog_text(goal_meta.iloc[0], 'goal')}*")
    core = goal_meta[goal_meta.priority == "core"]
    columns = st.columns(3)
    for n, (indicator_id, meta) in enumerate(core.iterrows()):
        with columns[n % 3]:
            tile(indicator_id, meta)
    st.page_link(
        f"views/goal_{goal}.py",
        label=t("open_goal", goal=goal) + " →",
        query_params={"lang": lang()},
    )
