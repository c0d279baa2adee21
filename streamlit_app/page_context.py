"""What every page needs: the published file and its version, the catalog, the header."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

import report_data
from texts import t


@dataclass(frozen=True)
class Published:
    path: str
    version: str
    catalog: pd.DataFrame  # dim_indicator, indexed by indicator_id, published indicators only
    info: dict


def published() -> Published:
    """The serving file, or a message saying how to make one (and the page stops)."""
    path = report_data.serving_file()
    version = report_data.serving_version(path)
    if version is None:
        st.warning(t("no_data_yet", path=path))
        st.stop()
    catalog = report_data.indicators(str(path), version).set_index("indicator_id")
    present = set(report_data.published_ids(str(path), version))
    return Published(
        str(path), version, catalog[catalog.index.isin(present)], report_data.publish_info(str(path), version)
    )


def quality_banner() -> None:
    """An error when the newest run failed quality (the report still shows the last good data)."""
    quality = report_data.quality_status(report_data.quality_version())
    if quality.get("failed_runs"):
        failures = "; ".join(
            f"{f['suite']}: {f['expectation']}" + (f" ({f['column_name']})" if f["column_name"] else "")
            for f in quality["failures"][:5]
        )
        st.error(t("quality_failed", failures=failures))
    if quality:
        st.caption(
            t(
                "quality_caption",
                when=f"{pd.Timestamp(quality['last_validated']):%d.%m.%Y %H:%M}",
                warnings=quality["warnings"],
            )
        )


def _published_when(pub: Published) -> str:
    info = pub.info
    return pd.Timestamp(info["published_at"]).strftime("%d.%m.%Y %H:%M") if info else "?"


def published_short(pub: Published) -> None:
    """The first screen's freshness line: no file path, no version string."""
    st.caption(t("published_short", when=_published_when(pub)))


def published_caption(pub: Published) -> None:
    """The page foot: publication, version and where the quality report lies."""
    info = pub.info
    st.caption(
        t(
            "published",
            when=_published_when(pub),
            files=info.get("source_files", "?"),
            version=info.get("version", "?"),
        )
    )
    quality = report_data.quality_status(report_data.quality_version())
    if quality:
        st.caption(t("data_docs", docs=quality["data_docs"]))


def text(value) -> str | None:
    """Catalog fields are optional: pandas gives NaN/None for the missing ones."""
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
