"""Download buttons for exactly the rows a section shows (suppression kept)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from page_context import Published
from rusmonitor import report_export
from texts import catalog_text, lang, t


def buttons(pub: Published, rows: pd.DataFrame, key: str, label: str) -> None:
    """CSV, Excel and JSON-stat2 of the rows, side by side."""
    if rows.empty:
        return
    rows = rows.drop_duplicates(subset=list(report_export.DIMENSIONS))  # sections overlap
    ids = rows.indicator_id.unique()
    names = {i: catalog_text(pub.catalog.loc[i], "name") for i in ids}
    units = {i: pub.catalog.loc[i, "unit"] for i in ids}
    made: list[pd.DataFrame] = []

    def frame() -> pd.DataFrame:  # made on the first click, not on every rerun
        if not made:
            made.append(report_export.public_frame(rows, names, units))
        return made[0]

    metadata = {"source": "rusmonitor", "updated": str(pub.info.get("published_at", ""))}
    for i in ids:
        meta = pub.catalog.loc[i]
        metadata[f"{i}: {t('definition')}"] = catalog_text(meta, "numerator_definition") or ""
        if catalog_text(meta, "denominator_definition"):
            metadata[f"{i}: {t('denominator')}"] = catalog_text(meta, "denominator_definition")
        metadata[f"{i}: {t('source')}"] = catalog_text(meta, "source_name") or ""
    st.caption(t("download"))
    csv_col, xlsx_col, json_col = st.columns(3)
    language = lang()
    # callables: each file is made when its button is clicked, not on every rerun
    csv_col.download_button(
        "CSV",
        lambda: report_export.to_csv(frame()),
        f"{key}.csv",
        "text/csv",
        key=f"csv_{key}",
        on_click="ignore",
    )
    xlsx_col.download_button(
        "Excel",
        lambda: report_export.to_excel(frame(), metadata, language),
        f"{key}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{key}",
        on_click="ignore",
    )
    json_col.download_button(
        "JSON-stat2",
        lambda: report_export.jsonstat_bytes(report_export.to_jsonstat(frame(), label, metadata, language)),
        f"{key}.json",
        "application/json",
        key=f"json_{key}",
        on_click="ignore",
    )


def measure_buttons(pub: Published, rows: pd.DataFrame) -> None:
    """CSV, Excel and JSON-stat2 of the measure register, every year (JSON-stat2: the number of
    measures per goal, progress and year)."""
    language = lang()
    label = t("measures_download")
    frame = report_export.measure_frame(rows, language)
    metadata = {"source": "rusmonitor", "updated": str(pub.info.get("published_at", ""))}
    metadata[t("source")] = t("measures_caption")
    st.caption(t("download"))
    csv_col, xlsx_col, json_col = st.columns(3)
    csv_col.download_button(
        "CSV",
        lambda: report_export.to_csv(frame),
        "measures.csv",
        "text/csv",
        key="csv_measures",
        on_click="ignore",
    )
    xlsx_col.download_button(
        "Excel",
        lambda: report_export.to_excel(frame, metadata, language),
        "measures.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="xlsx_measures",
        on_click="ignore",
    )
    json_col.download_button(
        "JSON-stat2",
        lambda: report_export.jsonstat_bytes(
            report_export.measure_jsonstat(frame, label, metadata, language)
        ),
        "measures.json",
        "application/json",
        key="json_measures",
        on_click="ignore",
    )
