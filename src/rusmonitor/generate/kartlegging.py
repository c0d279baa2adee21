"""Sample extracts of one source, client census (kartlegging), in its publisher's format
(see rusmonitor.generate)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rusmonitor.generate.common import _exact_labels, _write_csv, rng_for
from rusmonitor.generate.dodsarsak import counties_in
from rusmonitor.generate.ssb_population import population_in_year_codes

# The 2003 census of clients at specialised institutions (report of SINTEF Helse and
# Rogalandsforskning): 3 390 clients, 31 % women, 2 067 / 660 / 663 by institution type, 1 770
# heavy users, and for 27 measures the share receiving it and the share with an unmet need
# (ch. 6.3, Tabell 6-3). The shares come straight from the catalog's baselines, so the catalog
# stays the one place they are written.
CENSUS_CLIENTS = 3_390


CENSUS_WOMEN = 1_051  # 31.0 %


CENSUS_INSTITUTIONS = {"korttids_poliklinisk": 2_067, "langtids": 660, "omsorg": 663}


CENSUS_HEAVY_USERS = 1_770


def census_measures() -> dict[str, tuple[float, float]]:
    """measure -> (percent receiving, percent with an unmet need), from the catalog."""
    from rusmonitor.catalog import indicator

    received = {
        b["breakdown"]["measure"]: b["value"] for b in indicator("service_received_pct_clients")["baselines"]
    }
    unmet = {b["breakdown"]["measure"]: b["value"] for b in indicator("unmet_need_pct_clients")["baselines"]}
    return {m: (received[m], unmet[m]) for m in received}


def census_clients(seed: int, year: int) -> pd.DataFrame:
    rng = rng_for(seed, "kartlegging", year)
    n = CENSUS_CLIENTS
    counties = counties_in(year).county_code.to_numpy()
    pop = population_in_year_codes(seed, 2010)  # the nearest population we model
    weight = (
        pd.Series(counties)
        .map(pop.assign(c=pop.municipality_code.str.slice(0, 2)).groupby("c").persons.sum())
        .fillna(1)
    )
    frame = pd.DataFrame(
        {
            "klient_nr": [f"K{year}-{i:05d}" for i in range(1, n + 1)],
            "aar": year,
            "institusjonstype": _exact_labels(
                rng, list(CENSUS_INSTITUTIONS), list(CENSUS_INSTITUTIONS.values()), n
            ),
            "fylkesnr": rng.choice(counties, size=n, p=(weight / weight.sum()).to_numpy()),
            "kjonn": _exact_labels(rng, (1, 2), (n - CENSUS_WOMEN, CENSUS_WOMEN), n),
            "alder": np.clip(np.round(rng.normal(37, 11, n)), 16, 80).astype(int),
            "tungt_belastet": _exact_labels(
                rng, ("ja", "nei"), (CENSUS_HEAVY_USERS, n - CENSUS_HEAVY_USERS), n
            ),
        }
    )
    # each measure: 0 not relevant, 1 receives it, 2 needs it but does not get it
    for measure, (received, unmet) in census_measures().items():
        r, u = round(received / 100 * n), round(unmet / 100 * n)
        frame[f"t_{measure}"] = _exact_labels(rng, ("0", "1", "2"), (n - r - u, r, u), n)
    # a few forms leave a measure blank; the report counts them as not relevant
    blanks = rng.random((n, len(census_measures()))) < 0.002
    measure_columns = [c for c in frame.columns if c.startswith("t_")]
    frame[measure_columns] = frame[measure_columns].mask(blanks, "")
    return frame


def write(seed: int, year: int, out: Path) -> Path:
    path = out / "kartlegging" / str(year) / f"kartlegging_institusjoner_{year}.csv"
    _write_csv(census_clients(seed, year), path)
    return path
