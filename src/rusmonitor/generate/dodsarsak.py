"""Sample extracts of one source, cause-of-death register, in its publisher's format
(see rusmonitor.generate)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from rusmonitor.generate.common import _write_csv, rng_for
from rusmonitor.generate.ssb_population import population_in_year_codes

# Drug-induced deaths (EMCDDA selection B): 234 in 2013, 76 % men, 266 a year on average over
# 2002-2013 (Prop. 15 S (2015–2016), ch. 2.1). The sums of 2002-2013 here are 3 192 = 12 x 266.
DRUG_DEATHS = {
    2002: 300,
    2003: 290,
    2004: 250,
    2005: 260,
    2006: 270,
    2007: 275,
    2008: 270,
    2009: 265,
    2010: 250,
    2011: 265,
    2012: 263,
    2013: 234,
    2014: 266,
    2015: 260,
    2016: 282,
    2017: 251,
    2018: 262,
    2019: 275,
    2020: 324,
    2021: 341,
    2022: 301,
    2023: 301,
    2024: 300,
}


DRUG_DEATHS_MEN = {2013: 178}  # 178 / 234 = 76 %


DEATH_AGE_GROUPS = {"15-24": 0.08, "25-34": 0.22, "35-44": 0.24, "45-54": 0.25, "55-64": 0.15, "65+": 0.06}


@lru_cache(maxsize=1)
def _county_versions() -> pd.DataFrame:
    from rusmonitor.settings import COUNTY_VERSIONS_SEED

    return pd.read_csv(COUNTY_VERSIONS_SEED, dtype={"county_code": str})


def counties_in(year: int) -> pd.DataFrame:
    c = _county_versions()
    return c[(c.valid_from <= year) & (c.valid_to >= year)][["county_code", "county_name"]]


def drug_deaths(seed: int, year: int) -> pd.DataFrame:
    rng = rng_for(seed, "dodsarsak", year)
    counties = counties_in(year).reset_index(drop=True)
    # before 2010 the counties were those of 2010, so 2010's population stands in
    pop = population_in_year_codes(seed, max(year, 2010))
    adults = pop[(pop.age >= 15) & (pop.age <= 64)].copy()
    adults["county_code"] = adults.municipality_code.str.slice(0, 2)
    weight = counties.county_code.map(adults.groupby("county_code").persons.sum()).fillna(0)
    weight = weight * np.where(counties.county_code == "03", 1.8, 1.0) * rng.lognormal(0, 0.15, len(counties))
    total = DRUG_DEATHS[year]
    men = DRUG_DEATHS_MEN.get(year, int(round(total * rng.uniform(0.72, 0.78))))
    ages = list(DEATH_AGE_GROUPS)
    cell_p = np.outer(weight / weight.sum(), list(DEATH_AGE_GROUPS.values())).ravel()
    rows = []
    for sex, n in (("1", men), ("2", total - men)):
        counts = rng.multinomial(n, cell_p / cell_p.sum()).reshape(len(counties), len(ages))
        for i, county in counties.iterrows():
            for j, age in enumerate(ages):
                rows.append((year, county.county_code, county.county_name, sex, age, counts[i, j]))
    return pd.DataFrame(rows, columns=["aar", "fylkesnr", "fylkesnavn", "kjonn", "aldersgruppe", "antall"])


def write(seed: int, year: int, out: Path) -> Path:
    path = out / "dodsarsak" / str(year) / f"narkotikautloste_dodsfall_{year}.csv"
    _write_csv(drug_deaths(seed, year), path)
    return path
