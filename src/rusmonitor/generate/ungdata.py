"""Sample extracts of one source, Ungdata, in its publisher's format
(see rusmonitor.generate)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rusmonitor.generate.common import SOURCE_IDS, _crosswalk, _write_csv, municipalities_in, rng_for
from rusmonitor.generate.ssb_population import population_in_year_codes

# The youth survey: municipalities take part in a three-year cycle; pupils answer by school
# grade. The plan gives no figures, only the direction: drinking and cannabis use among the
# young have fallen since the turn of the century (Prop. 15 S (2015–2016), ch. 2.1 and 2.3.1).
UNGDATA_GRADES = {"8": 13, "9": 14, "10": 15, "vg1": 16, "vg2": 17, "vg3": 18}  # grade -> age


UNGDATA_DRUNK_2014 = {"8": 0.04, "9": 0.09, "10": 0.19, "vg1": 0.36, "vg2": 0.50, "vg3": 0.60}


UNGDATA_CANNABIS_2014 = {"8": 0.005, "9": 0.01, "10": 0.03, "vg1": 0.06, "vg2": 0.09, "vg3": 0.11}


def ungdata(seed: int, year: int) -> pd.DataFrame:
    rng = rng_for(seed, "ungdata", year)
    munis = municipalities_in(year)
    cycle = np.random.default_rng([seed, SOURCE_IDS["ungdata"]])
    # a municipality's turn in the cycle follows the 2024 municipality it becomes
    primary = _crosswalk()[_crosswalk().is_primary]
    primary = primary[(primary.valid_from <= year) & (primary.valid_to >= year)]
    successor = munis.municipality_code.map(primary.set_index("municipality_code").municipality_code_2024)
    offsets = dict(
        zip(
            sorted(set(_crosswalk().municipality_code_2024)),
            cycle.integers(0, 3, len(set(_crosswalk().municipality_code_2024))),
            strict=True,
        )
    )
    surveyed = munis[successor.map(offsets).to_numpy() == year % 3]
    pop = population_in_year_codes(seed, year)
    rows = []
    trend = 1 - 0.02 * (year - 2014)  # a slow decline
    for m in surveyed.itertuples():
        local = pop[pop.municipality_code == m.municipality_code].set_index(["sex", "age"]).persons
        for grade, age in UNGDATA_GRADES.items():
            for sex in ("1", "2"):
                pupils = int(local.get((sex, age), 0))
                respondents = int(rng.binomial(pupils, 0.85 if grade in ("8", "9", "10") else 0.6))
                if respondents == 0:
                    continue
                answered_drunk = respondents - int(rng.binomial(respondents, 0.02))
                answered_cannabis = respondents - int(rng.binomial(respondents, 0.03))
                drunk = rng.binomial(answered_drunk, min(0.95, UNGDATA_DRUNK_2014[grade] * trend))
                cannabis = rng.binomial(
                    answered_cannabis, min(0.5, UNGDATA_CANNABIS_2014[grade] * (1.3 if sex == "1" else 0.8))
                )
                rows.append(
                    (
                        year,
                        m.municipality_code,
                        grade,
                        sex,
                        respondents,
                        answered_drunk,
                        int(drunk),
                        answered_cannabis,
                        int(cannabis),
                    )
                )
    return pd.DataFrame(
        rows,
        columns=[
            "aar",
            "kommunenr",
            "klassetrinn",
            "kjonn",
            "respondenter",
            "svar_beruset",
            "beruset_12m",
            "svar_cannabis",
            "cannabis_12m",
        ],
    )


def write(seed: int, year: int, out: Path) -> Path:
    path = out / "ungdata" / str(year) / f"ungdata_{year}.csv"
    _write_csv(ungdata(seed, year), path)
    return path
