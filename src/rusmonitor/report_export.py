"""Downloads of what the report shows: CSV, Excel and JSON-stat2.

The input is a slice of the published long mart (already suppressed), never a person-level
row. Hidden cells keep their row with an empty value and a status symbol, as Norway's
publishers do: SSB's statbank and FHI's open statistics API give `:` for a cell withheld for
privacy and `..` for one not available; JSON-stat2 puts `null` in `value` and the symbol in
`status`, with a legend of the symbols in the metadata.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from rusmonitor.catalog import small_counts_text
from rusmonitor.quality import mart_contract

SUPPRESSED = ":"
MISSING = ".."
FLAGS = {
    "no": {
        SUPPRESSED: f"Skjult av personvernhensyn ({small_counts_text()} personer, "
        "eller tall som ville avslørt dem)",
        MISSING: "Tall finnes ikke",
    },
    "en": {
        SUPPRESSED: f"Withheld for privacy ({small_counts_text()} persons, "
        "or figures that would reveal them)",
        MISSING: "Not available",
    },
}
# The public columns of a download: the shown value, its interval and what it describes.
COLUMNS = (
    "indicator_id",
    "indicator_name",
    "unit",
    "year",
    "geo_level",
    "geo_code",
    "geo_name",
    "sex",
    "age_group",
    "breakdown",
    "value",
    "ci_low",
    "ci_high",
    "flag",
    "suppression_reason",
    "target_status",
    "baseline_year",
    "change_since_baseline",
    "change_ci_low",
    "change_ci_high",
)
# One JSON-stat dimension per column of the mart's key (its dbt contract): an HF and an ND
# office may share a code, so the level is a dimension of its own.
DIMENSIONS = tuple(mart_contract()[1])
MEASURES = ("value", "ci_low", "ci_high")


def public_frame(rows: pd.DataFrame, names: Mapping[str, str], units: Mapping[str, str]) -> pd.DataFrame:
    """The rows as downloaded: public columns only, hidden values blanked and flagged."""
    frame = rows.copy()
    hidden = frame["suppressed"].fillna(False).astype(bool)
    for column in MEASURES:
        frame[column] = frame[column].astype(float).where(~hidden)
    frame["flag"] = ""
    frame.loc[frame["value"].isna(), "flag"] = MISSING
    frame.loc[hidden, "flag"] = SUPPRESSED
    frame["indicator_name"] = frame["indicator_id"].map(names)
    frame["unit"] = frame["indicator_id"].map(units)
    frame["year"] = frame["year"].astype(int)
    frame = frame[list(COLUMNS)].sort_values(["indicator_id", "year", "geo_level", "geo_code", "breakdown"])
    return frame.reset_index(drop=True)


def to_csv(frame: pd.DataFrame) -> bytes:
    # UTF-8 with BOM and ';' so Excel in a Norwegian locale opens it right; '.' as decimal point
    return frame.to_csv(index=False, sep=";").encode("utf-8-sig")


def to_excel(frame: pd.DataFrame, metadata: Mapping[str, str], lang: str = "no") -> bytes:
    """A workbook with the data and a sheet explaining the flags and the source."""
    buffer = io.BytesIO()
    legend = pd.DataFrame(
        [{"symbol": k, "meaning": v} for k, v in FLAGS[lang].items()]
        + [{"symbol": k, "meaning": v} for k, v in metadata.items()]
    )
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="data", index=False)
        legend.to_excel(writer, sheet_name="forklaring" if lang == "no" else "legend", index=False)
    return buffer.getvalue()


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def to_jsonstat(frame: pd.DataFrame, label: str, metadata: Mapping[str, Any], lang: str = "no") -> dict:
    """A JSON-stat 2.0 dataset: one dimension per key column plus a `measure` dimension
    (value, interval bounds), values in row-major order, null cells with a status symbol."""
    dims = list(DIMENSIONS)
    categories: dict[str, list] = {d: list(dict.fromkeys(frame.sort_values(d)[d].astype(str))) for d in dims}
    measure = list(MEASURES)
    size = [len(categories[d]) for d in dims] + [len(measure)]
    index = {d: {c: i for i, c in enumerate(categories[d])} for d in dims}
    total = math.prod(size)
    values: list[float | None] = [None] * total
    status: dict[str, str] = {}
    strides = [math.prod(size[i + 1 :]) for i in range(len(size))]
    seen = set()
    for row in frame.itertuples(index=False):
        record = row._asdict()
        base = sum(index[d][str(record[d])] * strides[i] for i, d in enumerate(dims))
        seen.add(base)
        for m, name in enumerate(measure):
            cell = base + m * strides[-1]
            values[cell] = _number(record[name])
            if values[cell] is None:
                status[str(cell)] = record["flag"] or MISSING
    # combinations not in the frame (a category of another indicator) are not available
    for base in range(0, total, len(measure)):
        if base not in seen:
            for m in range(len(measure)):
                status[str(base + m)] = MISSING
    names = dict(zip(frame["indicator_id"], frame["indicator_name"], strict=False))
    units = dict(zip(frame["indicator_id"], frame["unit"], strict=False))
    geo_names = dict(zip(frame["geo_code"].astype(str), frame["geo_name"], strict=False))
    dimension = {
        "indicator_id": {
            "label": "indikator" if lang == "no" else "indicator",
            "category": {"index": categories["indicator_id"], "label": names, "unit": _units(units)},
        },
        "year": {"label": "år" if lang == "no" else "year", "category": {"index": categories["year"]}},
        "geo_level": {
            "label": "nivå" if lang == "no" else "level",
            "category": {"index": categories["geo_level"]},
        },
        "geo_code": {
            "label": "region",
            "category": {"index": categories["geo_code"], "label": geo_names},
        },
        "sex": {"label": "kjønn" if lang == "no" else "sex", "category": {"index": categories["sex"]}},
        "age_group": {
            "label": "alder" if lang == "no" else "age",
            "category": {"index": categories["age_group"]},
        },
        "breakdown": {
            "label": "inndeling" if lang == "no" else "breakdown",
            "category": {"index": categories["breakdown"]},
        },
        "measure": {
            "label": "statistikkvariabel" if lang == "no" else "measure",
            "category": {"index": measure},
        },
    }
    return {
        "version": "2.0",
        "class": "dataset",
        "label": label,
        "source": metadata.get("source", "rusmonitor"),
        "updated": metadata.get("updated"),
        "id": [*dims, "measure"],
        "size": size,
        "role": {"time": ["year"], "geo": ["geo_level", "geo_code"], "metric": ["measure"]},
        "dimension": dimension,
        "value": values,
        "status": status,
        "note": [f"{k}: {v}" for k, v in metadata.items() if k not in ("source", "updated")],
        "extension": {"flags": FLAGS[lang]},
    }


def _units(units: Mapping[str, str]) -> dict:
    return {indicator: {"label": unit} for indicator, unit in units.items()}


def jsonstat_bytes(dataset: dict) -> bytes:
    return json.dumps(dataset, ensure_ascii=False, indent=1).encode("utf-8")


PROGRESS = ("carried_out", "under_way", "not_started", "late")
PROGRESS_LABELS = {
    "no": {
        "carried_out": "gjennomført",
        "under_way": "i gang",
        "not_started": "ikke startet",
        "late": "forsinket",
    },
    "en": {
        "carried_out": "carried out",
        "under_way": "under way",
        "not_started": "not started",
        "late": "late",
    },
}


def measure_frame(rows: pd.DataFrame, lang: str = "no") -> pd.DataFrame:
    """The measure register as downloaded: a row per measure and year (given in the plan's
    order, as mart_measure_progress is read), texts in one language."""
    return (
        pd.DataFrame(
            {
                "year": rows["year"].astype(int),
                "goal": rows["goal"].astype(int),
                "measure_id": rows["measure_id"],
                "measure": rows[f"measure_{lang}"],
                "owner": rows[f"owner_{lang}"],
                "due_year": rows["due_year"].astype(int),
                "progress": rows["progress"],
                "progress_label": rows["progress"].map(PROGRESS_LABELS[lang]),
                "carried_out_year": rows["carried_out_year"].astype("Int64"),
                "evidence": rows["evidence"],
                "source": rows[f"source_ref_{lang}"],
            }
        )
        # in the plan's order within each goal (the rows come in measure_order)
        .sort_values(["year", "goal"], kind="stable")
        .reset_index(drop=True)
    )


def measure_jsonstat(frame: pd.DataFrame, label: str, metadata: Mapping[str, Any], lang: str = "no") -> dict:
    """JSON-stat 2.0 of the register's counts: measures per goal, progress and year."""
    goals = sorted(frame["goal"].unique().tolist())
    years = sorted(frame["year"].unique().tolist())
    counts = frame.groupby(["goal", "progress", "year"]).size()
    values = [int(counts.get((g, p, y), 0)) for g in goals for p in PROGRESS for y in years]
    return {
        "version": "2.0",
        "class": "dataset",
        "label": label,
        "source": metadata.get("source", "rusmonitor"),
        "updated": metadata.get("updated", ""),
        "id": ["goal", "progress", "year"],
        "size": [len(goals), len(PROGRESS), len(years)],
        "dimension": {
            "goal": {"category": {"index": [str(g) for g in goals]}},
            "progress": {"category": {"index": list(PROGRESS), "label": PROGRESS_LABELS[lang]}},
            "year": {"category": {"index": [str(y) for y in years]}},
        },
        "value": values,
        "extension": {"unit": "measures", "metadata": dict(metadata)},
    }
