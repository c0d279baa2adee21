"""From mart rows to the cells disclosure control protects.

A *cell* is one count of persons at one key: (count, year, geo_level, geo_code, sex,
age_group, breakdown), where the count is the base indicator measure the persons are counted
in (specs.resolved). Each person measure of a row is a *form*: a sum of cells, usually one, two
for a denominator that adds two counts, three for a 3-year moving average. An age-standardised
rate's value also depends on the age-band cells it weights (its *inputs*).

The same code reads the build warehouse's true values (to choose what to hide) and the
published file (to audit it), so both see the same cells and relations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rusmonitor.disclosure.specs import Spec, count_id, resolved

KEY = ["count", "year", "geo_level", "geo_code", "sex", "age_group", "breakdown"]
ROW_KEY = ["indicator_id", "year", "geo_level", "geo_code", "sex", "age_group", "breakdown"]
ASR = "adjustment=age_standardised"
_MOVING = re.compile(r"^adjustment=moving_average_(\d+)y$")


@dataclass
class Cells:
    """cells: one row per cell (cell_id, KEY columns, value: NaN where not known).
    forms: (row_id, measure, cell_id, coef) for every person measure of every row.
    origins: (cell_id, indicator_id) the indicators whose rows publish each cell.
    inputs: (row_id, cell_id) every cell a row's value depends on.
    rows: the rows, with a `kind_of_row` column (plain, age_standardised, moving_average)."""

    cells: pd.DataFrame
    forms: pd.DataFrame
    origins: pd.DataFrame
    inputs: pd.DataFrame
    rows: pd.DataFrame


def reduce_breakdown(breakdown: pd.Series, keep: tuple[str, ...]) -> pd.Series:
    """Drop the key=value pairs whose key is not in `keep` ('total' when none is left)."""
    if breakdown.empty:
        return breakdown
    keep_set = set(keep)
    uniques = pd.Series(breakdown.unique())
    mapped = uniques.map(
        lambda b: (
            ";".join(p for p in b.split(";") if p.split("=", 1)[0] in keep_set) or "total"
            if b != "total"
            else "total"
        )
    )
    return breakdown.map(dict(zip(uniques, mapped, strict=True)))


def row_kind(breakdown: pd.Series) -> pd.Series:
    kind = pd.Series("plain", index=breakdown.index, dtype=object)
    kind[breakdown == ASR] = "age_standardised"
    kind[breakdown.str.match(_MOVING.pattern)] = "moving_average"
    return kind


def build_cells(rows: pd.DataFrame, specs: dict[str, Spec]) -> Cells:
    """rows: mart rows with row_id, ROW_KEY, numerator, denominator (NaN where unknown)."""
    rows = rows.copy()
    rows["kind_of_row"] = row_kind(rows["breakdown"])
    parts = []
    for indicator_id, group in rows.groupby("indicator_id", sort=False):
        spec = specs[indicator_id]
        for measure in spec.measures():
            column = "numerator" if measure == "N" else "denominator"
            for term in resolved(specs, indicator_id, measure):
                base = specs[term.indicator_id]
                frame = group[["row_id", *ROW_KEY[1:], "kind_of_row", column]].rename(
                    columns={column: "published"}
                )
                frame = frame.assign(measure=measure, count=count_id(term), coef=1.0, origin=indicator_id)
                if term.age_group:
                    frame["age_group"] = term.age_group
                if measure == "D" and term.indicator_id != indicator_id:
                    # a share's denominator does not depend on the numerator's categories
                    frame["breakdown"] = reduce_breakdown(frame["breakdown"], base.breakdown_keys)
                elif measure == "D" and term.measure == "N":
                    # a denominator that is its own numerator's total (the categories share it)
                    frame["breakdown"] = reduce_breakdown(frame["breakdown"], ())
                parts.append(_adjusted(frame, spec))
    terms = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*KEY, "row_id"])
    terms["year"] = terms["year"].astype(int)
    cells = terms[KEY].drop_duplicates().reset_index(drop=True)
    cells["cell_id"] = np.arange(len(cells))
    terms = terms.merge(cells, on=KEY, how="left")
    forms = terms[["row_id", "measure", "cell_id", "coef", "published", "kind_of_row"]]
    origins = terms[["cell_id", "origin"]].drop_duplicates().rename(columns={"origin": "indicator_id"})
    cells = cells.merge(_cell_values(forms, rows), on="cell_id", how="left")
    band_inputs, incomplete = _standardisation_inputs(rows, specs, cells)
    inputs = pd.concat([forms[["row_id", "cell_id"]], band_inputs], ignore_index=True).drop_duplicates()
    inputs = inputs.astype({"row_id": int, "cell_id": int})
    # an age-standardised rate whose bands are not all published cells weights counts nobody
    # publishes (the sexes' age bands): it cannot be shown without giving them away
    rows["inputs_published"] = ~rows.row_id.isin(incomplete)
    return Cells(
        cells=cells, forms=forms.drop(columns="published"), origins=origins, inputs=inputs, rows=rows
    )


def _adjusted(frame: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """Age-standardised rows count the standard ages; moving averages sum their years."""
    plain = frame[frame.kind_of_row == "plain"]
    asr = frame[frame.kind_of_row == "age_standardised"].copy()
    if not asr.empty:
        asr["age_group"] = spec.standard_ages or "all"
        asr["breakdown"] = "total"
    moving = frame[frame.kind_of_row == "moving_average"]
    windows = []
    if not moving.empty:
        years = moving["breakdown"].str.extract(_MOVING.pattern)[0].astype(int)
        for back in range(int(years.max())):
            part = moving[years > back].copy()
            part["year"] = part["year"] - back
            part["breakdown"] = "total"
            # the sum is published, not each year's term
            part["published"] = np.nan
            windows.append(part)
    return pd.concat([plain, asr, *windows], ignore_index=True)


def _cell_values(forms: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """A cell's value where some row publishes it alone (a one-term form)."""
    single = forms[forms.groupby(["row_id", "measure"]).cell_id.transform("size") == 1]
    single = single.dropna(subset=["published"])
    values = single.groupby("cell_id").published.agg(["min", "max"])
    conflict = values[(values["max"] - values["min"]).abs() > 1e-6]
    if not conflict.empty:
        # a catalog numerator_is/denominator_is that names a count which is not the same one
        first = single[single.cell_id == conflict.index[0]].merge(rows, on="row_id")
        shown = "; ".join(
            f"{r.indicator_id} {'numerator' if r.measure == 'N' else 'denominator'} = {r.published:g}"
            for r in first.drop_duplicates(["indicator_id", "measure"]).itertuples()
        )
        where = first.iloc[0]
        raise ValueError(
            f"{len(conflict)} counts that the catalog declares the same (numerator_is / "
            f"denominator_is) differ in the data; first: {where.year} {where.geo_level} "
            f"{where.geo_code}: {shown}. Fix the declaration in the catalog or the models."
        )
    return values["min"].rename("value").reset_index()


def _standardisation_inputs(rows: pd.DataFrame, specs: dict[str, Spec], cells: pd.DataFrame):
    """An age-standardised rate weights the age-band cells of its standard ages: (row_id,
    cell_id) for each, and the rows for which not every band is a cell."""
    asr = rows[rows.kind_of_row == "age_standardised"]
    out, incomplete = [], []
    for indicator_id, group in asr.groupby("indicator_id"):
        spec = specs[indicator_id]
        base = count_id(resolved(specs, indicator_id, "N")[0])
        bands = standard_bands(spec, cells[cells["count"] == base].age_group.unique())
        band_cells = cells[
            (cells["count"] == base) & cells.age_group.isin(bands) & (cells.breakdown == "total")
        ]
        joined = group[["row_id", "year", "geo_level", "geo_code", "sex"]].merge(
            band_cells[["cell_id", "year", "geo_level", "geo_code", "sex"]],
            on=["year", "geo_level", "geo_code", "sex"],
        )
        found = joined.groupby("row_id").size().reindex(group.row_id, fill_value=0)
        incomplete.extend(found.index[found < len(bands)])
        out.append(joined[["row_id", "cell_id"]])
    frame = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=["row_id", "cell_id"])
    return frame, incomplete


def age_interval(label: str) -> tuple[float, float] | None:
    """'18-24' -> [18, 25), '65+' -> [65, inf), 'all' -> [0, inf); None for 'unknown'."""
    if label == "all":
        return (0.0, float("inf"))
    match = re.fullmatch(r"(\d+)-(\d+)", label)
    if match:
        return (float(match[1]), float(match[2]) + 1)
    match = re.fullmatch(r"(\d+)\+", label)
    if match:
        return (float(match[1]), float("inf"))
    return None


def standard_bands(spec: Spec, labels) -> list[str]:
    """The age bands within an age-standardised rate's standard ages."""
    low, high = age_interval(spec.standard_ages or "all")
    out = []
    for label in labels:
        interval = age_interval(label)
        if interval and interval != (0.0, float("inf")) and interval[0] >= low and interval[1] <= high:
            if label != spec.standard_ages:
                out.append(label)
    return sorted(out, key=lambda s: age_interval(s)[0])
