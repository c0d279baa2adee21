"""What every source's generator shares: source numbers, seeded random streams,
the geography of a year, and the CSV writer."""

from __future__ import annotations

import csv
import logging
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from rusmonitor.settings import (
    GEOGRAPHY_SEED,
    MUNICIPALITY_CROSSWALK_SEED,
    MUNICIPALITY_VERSIONS_SEED,
    POPULATION_BASE,
)
from rusmonitor.sources import SOURCES

log = logging.getLogger(__name__)


# each source's stable number seeds its random streams (rusmonitor/sources/<id>.py)
SOURCE_IDS = {s.id: s.number for s in SOURCES}


ALL_YEARS = range(2002, 2025)


# Population on 1 January, whole country (SSB); the 2023 base is scaled to these.
POPULATION_TOTAL = {
    2010: 4_858_199,
    2011: 4_920_305,
    2012: 4_985_870,
    2013: 5_051_275,
    2014: 5_109_056,
    2015: 5_165_802,
    2016: 5_213_985,
    2017: 5_258_317,
    2018: 5_295_619,
    2019: 5_328_212,
    2020: 5_367_580,
    2021: 5_391_369,
    2022: 5_425_270,
    2023: 5_488_984,
    2024: 5_550_203,
}


def rng_for(seed: int, source: str, year: int = 0) -> np.random.Generator:
    """One independent stream per source and period, so files do not depend on each other."""
    return np.random.default_rng([seed, SOURCE_IDS[source], year])


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer total over weights so the parts sum exactly (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    base = np.floor(raw).astype(np.int64)
    rest = int(total - base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def geography() -> pd.DataFrame:
    return pd.read_csv(GEOGRAPHY_SEED, dtype=str)


@lru_cache(maxsize=1)
def _versions() -> pd.DataFrame:
    return pd.read_csv(MUNICIPALITY_VERSIONS_SEED, dtype={"municipality_code": str, "county_code": str})


@lru_cache(maxsize=1)
def _crosswalk() -> pd.DataFrame:
    return pd.read_csv(
        MUNICIPALITY_CROSSWALK_SEED, dtype={"municipality_code": str, "municipality_code_2024": str}
    )


def municipalities_in(year: int) -> pd.DataFrame:
    """The municipalities of `year`'s geography (codes change with the 2018, 2020, 2024 reforms)."""
    v = _versions()
    valid = v[(v.valid_from <= year) & (v.valid_to >= year)]
    return valid[["municipality_code", "municipality_name", "county_code"]].sort_values(
        "municipality_code", ignore_index=True
    )


def predecessor_shares(year: int) -> pd.DataFrame:
    """How each 2024 municipality splits over the codes of `year`: (code of the year, 2024 code,
    share), shares summing to 1 per 2024 code, so splitting a 2024 quantity keeps its total."""
    cw = _crosswalk()
    cw = cw[(cw.valid_from <= year) & (cw.valid_to >= year)]
    share = cw.weight / cw.groupby("municipality_code_2024").weight.transform("sum")
    return pd.DataFrame(
        {"code": cw.municipality_code, "code_2024": cw.municipality_code_2024, "share": share}
    ).reset_index(drop=True)


def population_base() -> pd.DataFrame:
    return pd.read_csv(POPULATION_BASE, dtype={"municipality_code": str, "sex": str})


def parse_years(text: str) -> list[int]:
    """'2010-2024' or '2014' or '2013,2014'."""
    years: list[int] = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            years.extend(range(int(a), int(b) + 1))
        else:
            years.append(int(part))
    bad = [y for y in years if y not in ALL_YEARS]
    if bad:
        raise ValueError(f"years {bad} outside the supported range 2002-2024")
    return sorted(set(years))


def _write_csv(df: pd.DataFrame, path: Path, decimal: str = ".") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(
        path,
        sep=";",
        index=False,
        decimal=decimal,
        lineterminator="\n",
        quoting=csv.QUOTE_MINIMAL,
        encoding="utf-8",
    )


def _exact_labels(rng: np.random.Generator, labels, shares, n: int) -> np.ndarray:
    """n labels in exactly the given shares (largest remainder), in random order."""
    counts = apportion(n, np.array(shares))
    return rng.permutation(np.repeat(np.array(labels, dtype=object), counts))
