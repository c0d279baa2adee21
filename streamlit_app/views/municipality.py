"""My municipality: every indicator with figures for one municipality, beside its county and
the country, latest year; the entry point a municipal leader starts from."""

import pandas as pd
import streamlit as st

import downloads
import formatting as fmt
import report_data
from filters import url_select
from page_context import published, published_caption
from texts import catalog_text, t

pub = published()
geo = report_data.geography(pub.path, pub.version)
municipalities = geo[geo.geo_level == "municipality"].sort_values("geo_name")
names = dict(zip(municipalities.geo_code, municipalities.geo_name, strict=True))
st.title(t("my_municipality"))
code = url_select(
    t("choose_municipality"), list(municipalities.geo_code), "kommune", "0301", lambda c: f"{names[c]} ({c})"
)
county = municipalities.set_index("geo_code").parent_code.get(code)
rows = report_data.area_rows(
    pub.path, pub.version, (("municipality", code), ("county", str(county)), ("national", "NO"))
)
st.caption(t("municipality_intro", name=names[code]))
mine = rows[rows.geo_level == "municipality"]
if mine.empty:
    st.info(t("municipality_none"))
    st.stop()

records, shown = [], []
for indicator_id in pub.catalog.sort_values("catalog_order").index:
    own = mine[mine.indicator_id == indicator_id]
    if own.empty:
        continue
    meta = pub.catalog.loc[indicator_id]
    breakdown = report_data.headline_breakdown(own.breakdown)
    latest = int(own[own.breakdown == breakdown].year.max())
    pick = rows[(rows.indicator_id == indicator_id) & (rows.breakdown == breakdown) & (rows.year == latest)]
    shown.append(pick)

    def cell(level: str, pick=pick, meta=meta) -> str:
        row = pick[pick.geo_level == level]
        if row.empty:
            return fmt.MISSING
        return fmt.SUPPRESSED if bool(row.suppressed.iloc[0]) else fmt.with_unit(row.value.iloc[0], meta.unit)

    records.append(
        {
            t("indicator"): catalog_text(meta, "name") + ("" if breakdown == "total" else f" ({breakdown})"),
            t("year"): latest,
            names[code]: cell("municipality"),
            t("county").capitalize(): cell("county"),
            t("national"): cell("national"),
        }
    )
st.table(pd.DataFrame(records).set_index(t("indicator")))
downloads.buttons(pub, pd.concat(shown), f"kommune_{code}", names[code])
published_caption(pub)
