"""Overview: every published indicator with its headline, definition, trend and regions."""

import altair as alt
import pandas as pd
import streamlit as st

import formatting as fmt
import report_data

STATUS = {"on_track": "i rute", "off_track": "ikke i rute", "no_target": "uten mål"}
LEVEL_NAMES = {"rhf": "regionalt helseforetak", "county": "fylke"}

path = report_data.serving_file()
version = report_data.serving_version(path)
st.title("Opptrappingsplanen for rusfeltet 2016–2020")
st.caption("Oppfølging av Prop. 15 S (2015–2016): indikatorer, mål og utvikling.")
if version is None:
    st.warning(f"Ingen publiserte data ennå ({path}). Kjør `uv run rusmonitor pipeline` først.")
    st.stop()

values = report_data.indicator_values(str(path), version)
catalog = report_data.indicators(str(path), version).set_index("indicator_id")
info = report_data.publish_info(str(path), version)
published_at = pd.Timestamp(info["published_at"]).strftime("%d.%m.%Y %H:%M") if info else "?"
quality = report_data.quality_status(report_data.quality_version())
if quality.get("failed_runs"):
    failures = "; ".join(
        f"{f['suite']}: {f['expectation']}" + (f" ({f['column_name']})" if f["column_name"] else "")
        for f in quality["failures"][:5]
    )
    st.error(
        f"Den nyeste kjøringen feilet kvalitetskontrollen ({failures}). Rapporten viser fortsatt "
        "sist godkjente publisering."
    )
if quality:
    st.caption(
        f"Kvalitetskontroll (Great Expectations) sist kjørt "
        f"{pd.Timestamp(quality['last_validated']):%d.%m.%Y %H:%M} UTC; "
        f"{quality['warnings']} advarsler i de siste kjøringene. Data Docs: `{quality['data_docs']}`"
    )
st.caption(
    f"Publisert {published_at} UTC fra {info.get('source_files', '?')} kildefiler "
    f"(versjon {info.get('version', '?')}). Antall personer fra 1 til 4 vises ikke "
    f"(`{fmt.SUPPRESSED}`)."
)


def _text(value) -> str | None:
    """Catalog fields are optional: pandas gives NaN/None for the missing ones."""
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


published = [i for i in catalog.index if i in set(values.indicator_id)]
for indicator_id in published:
    meta = catalog.loc[indicator_id]
    rows = values[values.indicator_id == indicator_id]
    national = rows[rows.geo_level == "national"].sort_values("year")
    latest_year = int(national.year.max())
    # the total, or (census measures, function levels, sectors) up to six single categories
    single = sorted(b for b in national.breakdown.unique() if ";" not in b)
    headline_keys = ["total"] if "total" in single else single[:6]

    st.divider()
    st.subheader(meta.name_no)
    st.caption(f"{meta.name_en} · mål {meta.goal}: {meta.goal_no}")

    left, right = st.columns([1, 2])
    with left:
        for key in headline_keys:
            series = national[national.breakdown == key].set_index("year")
            now = series.value.get(latest_year)
            before = series.value.get(latest_year - 1)
            label = f"Norge {latest_year}" + ("" if key == "total" else f" ({key})")
            delta = None
            if now is not None and before is not None and pd.notna(now) and pd.notna(before):
                delta = fmt.with_unit(now - before, meta.unit, signed=True) + " fra året før"
            status = series.target_status.get(latest_year, "no_target")
            st.metric(
                label,
                fmt.with_unit(now, meta.unit),
                delta,
                delta_color="normal" if meta.direction != "down" else "inverse",
                help=f"Status mot mål: {STATUS[status]}",
            )
        parts = [f"**Definisjon.** {_text(meta.numerator_definition) or meta.name_en}"]
        for label, field in (
            ("Nevner", "denominator_definition"),
            ("Kilde", "source_name"),
            ("Mål", "target_text"),
            ("Brudd i serien", "series_break"),
        ):
            if _text(meta[field]):
                parts.append(f"**{label}.** {_text(meta[field])}")
        st.markdown("  \n".join(parts))

    with right:
        trend = national[national.breakdown.isin(headline_keys)]
        chart = (
            alt.Chart(trend)
            .mark_line(point=True)
            .encode(
                x=alt.X("year:O", title="år"),
                y=alt.Y("value:Q", title=fmt.unit_label(meta.unit)),
                color=alt.Color(
                    "breakdown:N",
                    title="inndeling",
                    legend=None if headline_keys == ["total"] else alt.Legend(),
                ),
                tooltip=[
                    alt.Tooltip("year:O", title="år"),
                    alt.Tooltip("value:Q", title=fmt.unit_label(meta.unit), format=",.1f"),
                ],
            )
        )
        st.altair_chart(chart, width="stretch")
        st.caption(
            f"Hele landet, {int(national.year.min())}–{latest_year}. "
            f"Enhet: {fmt.unit_label(meta.unit)}. Kilde: {meta.source_name}."
        )

    level = "rhf" if (rows.geo_level == "rhf").any() else "county"
    regional = rows[
        (rows.geo_level == level) & (rows.year == latest_year) & rows.breakdown.isin(headline_keys)
    ]
    if len(regional):
        table = pd.DataFrame(
            {
                LEVEL_NAMES[level]: regional.geo_name,
                "inndeling": regional.breakdown,
                "verdi": [
                    fmt.SUPPRESSED if s else fmt.with_unit(v, meta.unit)
                    for v, s in zip(regional.value, regional.suppressed, strict=True)
                ],
                "status": regional.target_status.map(STATUS),
            }
        )
        if headline_keys == ["total"]:
            table = table.drop(columns="inndeling")
        st.markdown(f"**Etter {LEVEL_NAMES[level]}, {latest_year}**")
        st.table(table.set_index(LEVEL_NAMES[level]))
