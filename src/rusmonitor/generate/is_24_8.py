"""Sample extracts of one source, IS-24/8, in its publisher's format
(see rusmonitor.generate)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rusmonitor.generate.common import _write_csv, apportion, municipalities_in, rng_for
from rusmonitor.generate.ssb_population import population_in_year_codes

# IS-24/8, national FTEs in 2014 (Prop. 15 S (2015–2016), ch. 2.2, Tabell 2.2): rus 702 + 69,
# felles 9 432, psykisk helse 2 927. Only the rus split by target group is published; the others
# are ours.
FTE_2014 = {
    ("rus", "voksne"): 702.0,
    ("rus", "barn"): 69.0,
    ("felles", "voksne"): 7_546.0,
    ("felles", "barn"): 1_886.0,
    ("psykisk_helse", "voksne"): 2_049.0,
    ("psykisk_helse", "barn"): 878.0,
}


FTE_GROWTH = {"rus": 0.035, "felles": 0.020, "psykisk_helse": 0.015}


def is_24_8_fte(seed: int, year: int) -> pd.DataFrame:
    geo = municipalities_in(year)  # the form is filled in by the municipalities of the year
    pop = population_in_year_codes(seed, year)
    adults = pop[pop.age >= 18].groupby("municipality_code").persons.sum()
    children = pop[pop.age < 18].groupby("municipality_code").persons.sum()
    rng = rng_for(seed, "is_24_8", year)
    rows = []
    for (area, group), national_2014 in FTE_2014.items():
        national = national_2014 * (1 + FTE_GROWTH[area]) ** (year - 2014)
        base = (adults if group == "voksne" else children).reindex(geo.municipality_code).to_numpy()
        # Small municipalities often report no dedicated substance-abuse FTEs at all.
        weights = base * rng.lognormal(0, 0.35, len(base))
        if area == "rus":
            weights = np.where(base < 3_000, weights * (rng.random(len(base)) < 0.4), weights)
        tenths = apportion(int(round(national * 10)), weights)
        rows.append(
            pd.DataFrame(
                {
                    "aar": year,
                    "kommunenr": geo.municipality_code,
                    "kommunenavn": geo.municipality_name,
                    "arbeidsomrade": area,
                    "malgruppe": group,
                    "arsverk": tenths / 10,
                }
            )
        )
    return (
        pd.concat(rows, ignore_index=True)
        .sort_values(["kommunenr", "arbeidsomrade", "malgruppe"], kind="stable")
        .reset_index(drop=True)
    )


def write(seed: int, year: int, out: Path) -> Path:
    path = out / "is_24_8" / str(year) / f"is_24_8_arsverk_{year}.csv"
    df = is_24_8_fte(seed, year)
    df["arsverk"] = df.arsverk.map(lambda v: f"{v:.1f}".replace(".", ","))  # decimal comma
    _write_csv(df, path)
    return path
