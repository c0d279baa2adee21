"""Sample extracts of one source, Brukerplan, in its publisher's format
(see rusmonitor.generate)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rusmonitor.generate.common import (
    SOURCE_IDS,
    _crosswalk,
    _exact_labels,
    _write_csv,
    apportion,
    municipalities_in,
    rng_for,
)
from rusmonitor.generate.ssb_population import population_in_year_codes

# Users mapped (Prop. 15 S (2015–2016), ch. 2.1, Tabell 2.1): 11 372 in 2013 and 17 256 in 2014,
# by 201 municipalities at the end of 2014. Overall function level 2013: green 14, yellow 35,
# red 40, blood-red 11 %; 2014: 8 / 39 / 43 / 11 % (printed shares; exact ones here round to
# them). 13 % have an individual plan, 41 % score red or blood-red on work/activity, 8 % have no
# fixed dwelling (2014).
BRUKERPLAN_USERS = {
    2012: 7_500,
    2013: 11_372,
    2014: 17_256,
    2015: 19_800,
    2016: 22_000,
    2017: 24_000,
    2018: 25_500,
    2019: 26_000,
    2020: 25_000,
    2021: 26_500,
    2022: 27_000,
    2023: 27_500,
    2024: 28_000,
}


BRUKERPLAN_MUNICIPALITIES = {2012: 90, 2013: 140, 2014: 201}  # then 20 more a year, to 300


LEVELS = ("gronn", "gul", "rod", "blodrod")


FUNCTION_LEVEL = {2013: (0.14, 0.35, 0.40, 0.11), 2014: (0.076, 0.386, 0.433, 0.105)}


NO_WORK_SHARE = {2014: 0.41}


NO_HOUSING_SHARE = {2014: 0.08}


IP_SHARE = {2013: 0.13, 2014: 0.13}


def brukerplan_users(seed: int, year: int) -> pd.DataFrame:
    rng = rng_for(seed, "brukerplan", year)
    munis = municipalities_in(year)
    # which municipalities map: a fixed ranking by the 2024 code they become, so a municipality
    # that starts mapping keeps on
    primary = _crosswalk()[_crosswalk().is_primary]
    primary = primary[(primary.valid_from <= year) & (primary.valid_to >= year)]
    successor = munis.municipality_code.map(primary.set_index("municipality_code").municipality_code_2024)
    rank_rng = np.random.default_rng([seed, SOURCE_IDS["brukerplan"]])
    ranks = dict(
        zip(
            sorted(set(primary.municipality_code_2024)),
            rank_rng.permutation(len(set(primary.municipality_code_2024))),
            strict=True,
        )
    )
    k = BRUKERPLAN_MUNICIPALITIES.get(year, min(201 + 20 * (year - 2014), 300))
    chosen = munis.assign(rank=successor.map(ranks)).nsmallest(k, "rank")
    pop = population_in_year_codes(seed, year)
    adults = pop[pop.age >= 18].groupby("municipality_code").persons.sum()
    n = BRUKERPLAN_USERS[year]
    per_muni = apportion(n, chosen.municipality_code.map(adults).fillna(1).to_numpy())
    codes = np.repeat(chosen.municipality_code.to_numpy(), per_muni)
    serial = np.concatenate([np.arange(1, c + 1) for c in per_muni if c > 0])

    trend = max(0, year - 2014) * 0.005  # slowly better after the plan starts
    levels = FUNCTION_LEVEL.get(year, (0.09 + trend, 0.39 + trend, 0.42 - trend, 0.10 - trend))
    missing = rng.random(n) < 0.006  # a few users have no overall score registered
    overall = np.full(n, "", dtype=object)
    overall[~missing] = _exact_labels(rng, LEVELS, levels, int((~missing).sum()))
    no_work = NO_WORK_SHARE.get(year, 0.42 - trend)
    work = _exact_labels(rng, LEVELS, (0.25, 1 - 0.25 - no_work, no_work * 0.7, no_work * 0.3), n)
    no_home = NO_HOUSING_SHARE.get(year, 0.085 - trend / 2)
    housing = _exact_labels(rng, ("fast_bolig", "ikke_fast_bolig"), (1 - no_home, no_home), n)
    plan = _exact_labels(
        rng, ("ja", "nei"), (IP_SHARE.get(year, 0.13 + trend), 1 - IP_SHARE.get(year, 0.13 + trend)), n
    )
    return pd.DataFrame(
        {
            "aar": year,
            "kommunenr": codes,
            "bruker_id": [f"BP{year}-{c}-{i:05d}" for c, i in zip(codes, serial, strict=True)],
            "kjonn": np.where(rng.random(n) < 0.68, 1, 2),
            "alder": np.clip(np.round(rng.normal(41, 13, n)), 18, 90).astype(int),
            "funksjon_samlet": overall,
            "fysisk_helse": rng.choice(LEVELS, size=n, p=(0.3, 0.4, 0.25, 0.05)),
            "psykisk_helse": rng.choice(LEVELS, size=n, p=(0.2, 0.4, 0.3, 0.1)),
            "arbeid_aktivitet": work,
            "bolig": housing,
            "individuell_plan": plan,
        }
    )


def write(seed: int, year: int, out: Path) -> Path:
    path = out / "brukerplan" / str(year) / f"brukerplan_kartlegging_{year}.csv"
    _write_csv(brukerplan_users(seed, year), path)
    return path
