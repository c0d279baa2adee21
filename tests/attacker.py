"""The attacker of the disclosure-control test: from the published mart alone, find every
person count of 1..limit a reader can see or work out by subtraction (a parent minus its
visible children) over places, sexes, age bands and breakdown categories. Written apart from
the dbt models on purpose, so the models are checked by a second reading of the rules."""

from __future__ import annotations

import pandas as pd

KEY = ["indicator_id", "year", "geo_level", "geo_code", "sex", "age_group", "breakdown"]


def _with_measures(mart: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    m = mart.merge(
        indicators[
            ["indicator_id", "kind", "is_person_count", "is_denominator_person_count", "suppression_limit"]
        ],
        on="indicator_id",
    )
    m["complement"] = m.denominator - m.numerator
    return m


def _pairs(m: pd.DataFrame, geography: pd.DataFrame) -> pd.DataFrame:
    """(group, parent key, child key) for every group a reader can subtract over."""
    frames = []
    geo = m.merge(
        geography[["geo_level", "geo_code", "parent_level", "parent_code"]].dropna(),
        on=["geo_level", "geo_code"],
    )
    geo = geo.assign(
        group="geography:" + geo.geo_level, p_geo_level=geo.parent_level, p_geo_code=geo.parent_code
    )
    frames.append(geo)
    for column in ("sex", "age_group"):
        part = m[m[column] != "all"].copy()
        part["group"] = column
        part["p_" + column] = "all"
        frames.append(part)
    # adjusted rates (age-standardised, moving averages) restate the total, they are not parts
    categories = m[(m.breakdown != "total") & ~m.breakdown.str.startswith("adjustment=")].copy()
    categories["pairs"] = categories.breakdown.str.split(";")
    categories = categories.explode("pairs")
    categories["group"] = "category:" + categories.pairs.str.split("=").str[0]
    categories["p_breakdown"] = [
        ";".join(p for p in b.split(";") if p != pair) or "total"
        for b, pair in zip(categories.breakdown, categories.pairs, strict=True)
    ]
    frames.append(categories.drop(columns=["pairs"]))
    pairs = pd.concat(frames, ignore_index=True)
    for column in KEY:
        parent = pairs.get("p_" + column)
        # the row's own value where no parent value was set (keeps the column's dtype: an
        # all-missing float parent column filled with text is deprecated in pandas 3)
        pairs["p_" + column] = pairs[column] if parent is None else pairs[column].where(parent.isna(), parent)
    return pairs


def attack(mart: pd.DataFrame, indicators: pd.DataFrame, geography: pd.DataFrame) -> pd.DataFrame:
    """Every small count a reader can see or work out, one row each (empty when safe)."""
    m = _with_measures(mart, indicators)
    limit = m.suppression_limit
    found = []
    seen = {
        "numerator": m.is_person_count,
        "denominator": m.is_denominator_person_count,
        "complement": m.is_person_count & (m.kind == "share"),
    }
    for measure, applies in seen.items():
        small = m[applies & m[measure].between(1, limit)]
        found.append(small[KEY].assign(how=f"visible {measure}", count=small[measure]))

    pairs = _pairs(m, geography)
    parents = m.rename(columns={c: "p_" + c for c in m.columns})
    joined = pairs.merge(
        parents[["p_" + c for c in KEY] + ["p_numerator", "p_denominator", "p_complement"]],
        on=["p_" + c for c in KEY],
    )
    group_key = ["group"] + ["p_" + c for c in KEY]
    for measure in seen:
        part = joined[_applies(joined, measure)].copy()
        if measure != "numerator":
            # categories sharing one denominator (function levels) do not add up in it
            part["differs"] = part.denominator.notna() & (part.denominator != part.p_denominator)
            differs = part.groupby(group_key, dropna=False).differs.transform("any")
            part = part[~(part.group.str.startswith("category:") & ~differs)]
        stats = part.groupby(group_key, dropna=False).agg(
            parent=("p_" + measure, "first"),
            visible=(measure, "sum"),
            hidden=(measure, lambda s: int(s.isna().sum())),
            limit=("suppression_limit", "first"),
        )
        stats["residual"] = stats.parent - stats.visible
        leaks = stats[stats.parent.notna() & (stats.hidden > 0) & stats.residual.between(1, stats.limit)]
        leaks = leaks.reset_index()
        found.append(
            pd.DataFrame(
                {
                    **{c: leaks["p_" + c] for c in KEY},
                    "how": "subtraction " + leaks.group + " " + measure,
                    "count": leaks.residual,
                }
            )
        )
    return pd.concat(found, ignore_index=True)


def _applies(frame: pd.DataFrame, measure: str) -> pd.Series:
    if measure == "numerator":
        return frame.is_person_count.astype(bool)
    if measure == "denominator":
        return frame.is_denominator_person_count.astype(bool)
    return frame.is_person_count.astype(bool) & (frame.kind == "share")
