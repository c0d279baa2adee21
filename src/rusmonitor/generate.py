"""Deterministic synthetic extracts in the publishers' own formats.

Real registers (NPR, Samdata, IS-24/8) cannot be shared, so the repo ships a generator that writes
the same formats, calibrated so that national totals reproduce the reference figures of the plan
(catalog/reference_figures.csv). Geography and the population base are real (see
reference/SOURCES.md). The same seed always gives byte-identical files.

Layout: <out>/<source>/<year>/<file>, one folder per source and period.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import zipfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from rusmonitor.settings import (
    DEFAULT_SEED,
    GEOGRAPHY_SEED,
    MUNICIPALITY_CROSSWALK_SEED,
    MUNICIPALITY_VERSIONS_SEED,
    POPULATION_BASE,
)

log = logging.getLogger(__name__)

DEFAULT_YEARS = range(2010, 2025)
SOURCE_IDS = {
    "npr": 1,
    "samdata": 2,
    "is_24_8": 3,
    "ssb_population": 4,
    "dodsarsak": 5,
    "brukerplan": 6,
    "kriminalomsorgen": 7,
    "kartlegging": 8,
    "pasopp": 9,
    "ungdata": 10,
}
# The years each source covers: a requested year outside them writes nothing for that source.
# The cause-of-death series starts in 2002 (the plan quotes a mean over 2002-2013); Brukerplan
# was taken into use from 2012.
SOURCE_YEARS = {
    "dodsarsak": range(2002, 2025),
    "brukerplan": range(2012, 2025),
    # the client census was taken once, in November 2003 (SINTEF Helse and Rogalandsforskning);
    # the patient-experience survey of TSB inpatients runs in rounds
    "kartlegging": (2003,),
    "pasopp": (2013, 2016, 2019, 2022),
}
ALL_YEARS = range(2002, 2025)

# ---------------------------------------------------------------- calibration targets
# National TSB patients per year; 2014 is "snaut 27 000" (Prop. 15 S (2015–2016), ch. 2.1).
TSB_PATIENTS = {
    2010: 24_400,
    2011: 25_000,
    2012: 25_700,
    2013: 26_300,
    2014: 26_850,
    2015: 27_300,
    2016: 27_800,
    2017: 28_100,
    2018: 28_500,
    2019: 28_900,
    2020: 28_000,
    2021: 28_700,
    2022: 29_300,
    2023: 29_800,
    2024: 30_200,
}
# Mean waiting time in days; 75 in 2010 and 55 in 2014 (Prop. 15 S (2015–2016), ch. 2.3.3).
TSB_WAIT_MEAN = {
    2010: 75,
    2011: 71,
    2012: 66,
    2013: 60,
    2014: 55,
    2015: 52,
    2016: 49,
    2017: 46,
    2018: 44,
    2019: 43,
    2020: 45,
    2021: 44,
    2022: 43,
    2023: 42,
    2024: 41,
}
# Main condition (ICD-10) shares in 2014: alcohol 36, opioids 28, cannabis 13, several 10
# (Prop. 15 S (2015–2016), ch. 2.1).
SUBSTANCE_SHARES_2014 = {
    "F10.2": 0.36,
    "F11.2": 0.28,
    "F12.2": 0.13,
    "F19.2": 0.10,
    "F15.2": 0.08,
    "F13.2": 0.03,
    "F16.2": 0.02,
}
SUBSTANCE_DRIFT = {"F10.2": 0.003, "F11.2": -0.004, "F12.2": 0.001}  # per year from 2014
RHF_WAIT_FACTOR = {"helse_sor_ost": 1.0, "helse_vest": 0.9, "helse_midt_norge": 1.15, "helse_nord": 1.05}

# Samdata, national 2014, MNOK current prices; TSB ≈ 4.6 bn (Prop. 15 S (2015–2016), ch. 2.2).
COSTS_2014 = {"Somatikk": 96_000.0, "PHV voksne": 15_800.0, "PHV barn og unge": 3_900.0, "TSB": 4_600.0}
REAL_GROWTH = {
    "Somatikk": (0.018, 0.008),
    "PHV voksne": (0.012, 0.012),
    "PHV barn og unge": (0.020, 0.012),
    "TSB": (0.030, 0.015),
}  # mean, sd
RHF_TSB_PER_CAPITA = {"helse_sor_ost": 1.0, "helse_vest": 0.95, "helse_midt_norge": 0.9, "helse_nord": 1.2}
INFLATION = {
    2011: 3.0,
    2012: 3.2,
    2013: 3.1,
    2014: 3.0,
    2015: 2.9,
    2016: 2.6,
    2017: 2.4,
    2018: 2.8,
    2019: 3.1,
    2020: 2.3,
    2021: 2.9,
    2022: 4.5,
    2023: 5.5,
    2024: 4.6,
}
# TSB activity 2014 (Prop. 15 S (2015–2016), ch. 2.2) and yearly trend.
TSB_ACTIVITY_2014 = {
    "oppholdsdogn": (586_000, -0.010),
    "innleggelser": (13_600, 0.005),
    "polikliniske_konsultasjoner": (596_000, 0.030),
    "dognplasser_offentlig": (807, -0.005),
    "dognplasser_privat": (1_099, -0.005),
}

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


# ---------------------------------------------------------------- helpers
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


# ---------------------------------------------------------------- population
def population_by_year(seed: int, year: int) -> pd.DataFrame:
    """Municipality x sex x age population on 1 January of `year`."""
    base = population_base()
    rng = np.random.default_rng([seed, SOURCE_IDS["ssb_population"]])
    munis = np.sort(base.municipality_code.unique())
    trend = dict(zip(munis, rng.normal(0.0, 0.004, len(munis)), strict=True))
    factor = POPULATION_TOTAL[year] / POPULATION_TOTAL[2023]
    g = base.municipality_code.map(trend).to_numpy()
    persons = base.persons.to_numpy() * factor * (1 + g * (year - 2023))
    return base.assign(persons=np.round(persons).astype(np.int64))


def population_in_year_codes(seed: int, year: int) -> pd.DataFrame:
    """population_by_year, on the municipality codes valid in `year`."""
    pop = population_by_year(seed, year).rename(columns={"municipality_code": "code_2024"})
    split = pop.merge(predecessor_shares(year), on="code_2024")
    split["persons"] = split.persons * split.share
    out = split.groupby(["code", "sex", "age"], as_index=False).persons.sum()
    out["persons"] = np.round(out.persons).astype(np.int64)
    return out.rename(columns={"code": "municipality_code"})


def write_population(seed: int, year: int, out: Path) -> Path:
    pop = population_in_year_codes(seed, year)
    geo = municipalities_in(year).set_index("municipality_code")
    regions = sorted(pop.municipality_code.unique())
    ages = list(range(0, 106))
    age_codes = [f"{a:03d}" if a < 105 else "105+" for a in ages]
    cube = pop.set_index(["municipality_code", "sex", "age"]).persons.reindex(
        pd.MultiIndex.from_product([regions, ["1", "2"], ages]), fill_value=0
    )
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "07459: Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
        "source": "Statistisk sentralbyrå (synthetic extract, rusmonitor)",
        "updated": f"{year}-02-20T07:00:00Z",
        "id": ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"],
        "size": [len(regions), 2, len(ages), 1, 1],
        "dimension": {
            "Region": {
                "label": "region",
                "category": {
                    "index": {r: i for i, r in enumerate(regions)},
                    "label": {r: geo.loc[r, "municipality_name"] for r in regions},
                },
            },
            "Kjonn": {
                "label": "kjønn",
                "category": {"index": {"1": 0, "2": 1}, "label": {"1": "Menn", "2": "Kvinner"}},
            },
            "Alder": {
                "label": "alder",
                "category": {
                    "index": {c: i for i, c in enumerate(age_codes)},
                    "label": {
                        c: (f"{a} år" if a < 105 else "105 år eller eldre")
                        for c, a in zip(age_codes, ages, strict=True)
                    },
                },
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {"Personer1": 0},
                    "label": {"Personer1": "Personer"},
                    "unit": {"Personer1": {"base": "personer", "decimals": 0}},
                },
            },
            "Tid": {"label": "år", "category": {"index": {str(year): 0}, "label": {str(year): str(year)}}},
        },
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "value": [int(v) for v in cube.to_numpy()],
        "extension": {"px": {"tableid": "07459", "decimals": 0}},
    }
    path = out / "ssb_population" / str(year) / f"ssb_07459_{year}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- NPR
def _npr_pool(seed: int, geo: pd.DataFrame) -> pd.DataFrame:
    """The persons who may appear in NPR across all years (stable sex, birth year, residence)."""
    rng = np.random.default_rng([seed, SOURCE_IDS["npr"]])
    n = 80_000
    adults = population_base().query("age >= 18").groupby("municipality_code").persons.sum()
    adults = adults.reindex(geo.municipality_code).fillna(0).to_numpy()
    return pd.DataFrame(
        {
            "pasient_lopenr": [f"P{i:07d}" for i in rng.permutation(n) + 1_000_000],
            "kjonn": np.where(rng.random(n) < 0.70, 1, 2),
            # TSB patients are mostly 20-60; a wide birth-year spread lets persons recur over years.
            "fodselsar": np.clip(np.round(rng.normal(1978, 14, n)), 1925, 2006).astype(int),
            "bostedskommune": geo.municipality_code.to_numpy()[
                rng.choice(len(geo), size=n, p=adults / adults.sum())
            ],
        }
    )


def _substance_counts(year: int, n: int) -> dict[str, int]:
    shares = dict(SUBSTANCE_SHARES_2014)
    for code, drift in SUBSTANCE_DRIFT.items():
        shares[code] += drift * (year - 2014)
    shares["F15.2"] = 1.0 - sum(v for k, v in shares.items() if k != "F15.2")
    codes = list(shares)
    return dict(zip(codes, apportion(n, np.array([shares[c] for c in codes])), strict=True))


def _calibrate_mean(values: np.ndarray, target: float, rng: np.random.Generator) -> np.ndarray:
    """Integer values >= 0 whose mean is the target to within 1/n."""
    v = np.maximum(np.round(values * target / values.mean()), 0).astype(np.int64)
    gap = int(round(target * len(v))) - int(v.sum())
    while gap != 0:
        step = 1 if gap > 0 else -1
        eligible = np.flatnonzero(v > 0) if step < 0 else np.arange(len(v))
        pick = rng.choice(eligible, size=min(abs(gap), len(eligible)), replace=False)
        v[pick] += step
        gap -= step * len(pick)
    return v


def _codes_of_year(codes_2024: np.ndarray, year: int, seed: int) -> np.ndarray:
    """Person-level residence: a 2024 code becomes one of its predecessors in `year`, drawn by
    share (a person lives in one place; only aggregates can be split by weight)."""
    shares = predecessor_shares(year)
    rng = np.random.default_rng([seed, SOURCE_IDS["npr"], year, 1])
    out = pd.Series(codes_2024).map(shares.drop_duplicates("code_2024").set_index("code_2024").code)
    for c, group in shares.groupby("code_2024"):
        if len(group) > 1:
            idx = np.flatnonzero(codes_2024 == c)
            p = group.share.to_numpy() / group.share.sum()
            out.iloc[idx] = rng.choice(group.code.to_numpy(), size=len(idx), p=p)
    return out.to_numpy()


def npr_episodes(seed: int, year: int) -> pd.DataFrame:
    geo = geography()
    pool = _npr_pool(seed, geo)
    rng = rng_for(seed, "npr", year)
    age = year - pool.fodselsar
    eligible = np.flatnonzero((age >= 16) & (age <= 90))
    n_pat = TSB_PATIENTS[year]
    patients = pool.iloc[np.sort(rng.choice(eligible, size=n_pat, replace=False))].reset_index(drop=True)
    codes = np.concatenate([np.repeat(c, k) for c, k in _substance_counts(year, n_pat).items()])
    patients["hovedtilstand"] = rng.permutation(codes)
    # The register keeps the residence code valid in the year of the episode.
    patients["kommune_2024"] = patients.bostedskommune
    patients["bostedskommune"] = _codes_of_year(patients.bostedskommune.to_numpy(), year, seed)
    n_eps = np.minimum(1 + rng.poisson(0.5, n_pat), 4)
    eps = patients.loc[np.repeat(np.arange(n_pat), n_eps)].reset_index(drop=True)
    n = len(eps)

    g = geo.set_index("municipality_code")
    eps["rhf"] = eps.kommune_2024.map(g.rhf_code)
    home_hf = eps.kommune_2024.map(g.hf_name).to_numpy()
    # One in ten is treated outside the home trust (private institutions, free choice).
    other_hf = geo.hf_name.unique()[rng.integers(0, geo.hf_name.nunique(), n)]
    eps["rapporteringsenhet"] = np.where(rng.random(n) < 0.9, home_hf, other_hf)

    year_start = np.datetime64(f"{year}-01-01")
    days_in_year = int((np.datetime64(f"{year + 1}-01-01") - year_start).astype(int))
    start = year_start + rng.integers(0, days_in_year, n).astype("timedelta64[D]")
    wait_raw = rng.gamma(1.6, 1.0, n) * eps.rhf.map(RHF_WAIT_FACTOR).to_numpy()
    wait = _calibrate_mean(wait_raw, TSB_WAIT_MEAN[year], rng)
    referral = start - wait.astype("timedelta64[D]")
    assess_after = np.minimum(wait, rng.integers(0, 22, n))
    assessed = referral + assess_after.astype("timedelta64[D]")
    level = rng.choice([1, 2, 3], size=n, p=[0.25, 0.05, 0.70])
    length = np.where(level == 3, rng.integers(30, 366, n), rng.integers(7, 181, n))
    end = start + length.astype("timedelta64[D]")
    free_choice_p = 0.0 if year < 2015 else min(0.03 + 0.005 * (year - 2015), 0.08)

    out = pd.DataFrame(
        {
            "episode_id": [f"E{year}-{i:07d}" for i in range(1, n + 1)],
            "pasient_lopenr": eps.pasient_lopenr,
            "kjonn": eps.kjonn,
            "fodselsar": eps.fodselsar,
            "bostedskommune": eps.bostedskommune,
            "rapporteringsenhet": eps.rapporteringsenhet,
            "henvisning_mottatt": pd.to_datetime(referral).strftime("%Y-%m-%d"),
            "vurdering_dato": pd.to_datetime(assessed).strftime("%Y-%m-%d"),
            "behandling_start": pd.to_datetime(start).strftime("%Y-%m-%d"),
            "episode_slutt": pd.to_datetime(end).strftime("%Y-%m-%d"),
            "omsorgsniva": level,
            "hovedtilstand": eps.hovedtilstand,
            "fritt_behandlingsvalg": (rng.random(n) < free_choice_p).astype(int),
        }
    )
    # Real extracts have gaps: a few assessments are not registered, and episodes still open
    # at extraction (the newest year) have no end date.
    out.loc[rng.random(n) < 0.02, "vurdering_dato"] = ""
    if year == max(TSB_PATIENTS):
        out.loc[end > np.datetime64(f"{year}-12-31"), "episode_slutt"] = ""
    # The register records the time of day too; some units report dates only, and the row says
    # so (tidspresisjon 'dag'). A stream of its own keeps the calibrated draws above unchanged.
    clock = np.random.default_rng([seed, SOURCE_IDS["npr"], year, 2])
    outpatient_minutes = 8 * 60 + 15 * clock.integers(0, 32, n)  # 08:00-15:45
    start_minutes = np.where(level == 3, outpatient_minutes, clock.integers(0, 24 * 60, n))
    end_minutes = clock.integers(0, 24 * 60, n)
    out["behandling_start_tid"] = [f"{m // 60:02d}:{m % 60:02d}" for m in start_minutes]
    out["episode_slutt_tid"] = [f"{m // 60:02d}:{m % 60:02d}" for m in end_minutes]
    out.loc[out.episode_slutt == "", "episode_slutt_tid"] = ""
    dates_only = clock.random(n) < 0.03
    out["tidspresisjon"] = np.where(dates_only, "dag", "minutt")
    out.loc[dates_only, ["behandling_start_tid", "episode_slutt_tid"]] = ""
    return out.sort_values(["behandling_start", "episode_id"], kind="stable").reset_index(drop=True)


# Detox (avrusning) stays and what follows them (treatment within 24 hours of discharge is the
# Stockholm model's promise, in the private members' proposal of 17 February 2015). About a third
# of the stays here are followed by a TSB treatment start within 24 hours.
DETOX_STAYS = 9_000
DETOX_FOLLOWED_24H = 0.35


def npr_detox_stays(seed: int, year: int, episodes: pd.DataFrame) -> pd.DataFrame:
    """Detox stays of the year, built backwards from the persons' next treatment start so the
    gap from discharge to the next contact is known; some persons never come back."""
    rng = np.random.default_rng([seed, SOURCE_IDS["npr"], year, 3])
    timed = episodes[episodes.tidspresisjon == "minutt"]
    picks = timed.iloc[np.sort(rng.choice(len(timed), size=DETOX_STAYS, replace=False))]
    start = pd.to_datetime(picks.behandling_start + " " + picks.behandling_start_tid).to_numpy()
    followed = rng.random(DETOX_STAYS) < DETOX_FOLLOWED_24H
    gap_minutes = np.where(
        followed,
        rng.integers(30, 23 * 60, DETOX_STAYS),
        rng.integers(2 * 24 * 60, 120 * 24 * 60, DETOX_STAYS),
    )
    discharge = start - gap_minutes.astype("timedelta64[m]")
    admission = discharge - rng.integers(3 * 24 * 60, 10 * 24 * 60, DETOX_STAYS).astype("timedelta64[m]")
    stays = pd.DataFrame(
        {
            "pasient_lopenr": picks.pasient_lopenr.to_numpy(),
            "kjonn": picks.kjonn.to_numpy(),
            "fodselsar": picks.fodselsar.to_numpy(),
            "bostedskommune": picks.bostedskommune.to_numpy(),
            "rapporteringsenhet": picks.rapporteringsenhet.to_numpy(),
            "innskrevet": admission,
            "utskrevet": discharge,
        }
    )
    stays = stays[pd.to_datetime(stays.utskrevet).dt.year == year].reset_index(drop=True)
    n = len(stays)
    stays["utskrevet_til"] = rng.choice(
        ["hjem", "annen_institusjon", "dod", "utland"], size=n, p=[0.80, 0.185, 0.01, 0.005]
    )
    dates_only = rng.random(n) < 0.05
    stays["tidspresisjon"] = np.where(dates_only, "dag", "minutt")
    fmt_in = pd.to_datetime(stays.innskrevet)
    fmt_out = pd.to_datetime(stays.utskrevet)
    stays["innskrevet_dato"] = fmt_in.dt.strftime("%Y-%m-%d")
    stays["innskrevet_tid"] = np.where(dates_only, "", fmt_in.dt.strftime("%H:%M"))
    stays["utskrevet_dato"] = fmt_out.dt.strftime("%Y-%m-%d")
    stays["utskrevet_tid"] = np.where(dates_only, "", fmt_out.dt.strftime("%H:%M"))
    stays = stays.sort_values(["utskrevet_dato", "utskrevet_tid", "pasient_lopenr"], kind="stable")
    stays.insert(0, "opphold_id", [f"A{year}-{i:07d}" for i in range(1, n + 1)])
    return stays[
        [
            "opphold_id",
            "pasient_lopenr",
            "kjonn",
            "fodselsar",
            "bostedskommune",
            "rapporteringsenhet",
            "innskrevet_dato",
            "innskrevet_tid",
            "utskrevet_dato",
            "utskrevet_tid",
            "tidspresisjon",
            "utskrevet_til",
        ]
    ].reset_index(drop=True)


def npr_outpatient_contacts(seed: int, year: int, episodes: pd.DataFrame) -> pd.DataFrame:
    """Outpatient contacts of the year's outpatient episodes: per HF exactly the number of
    consultations Samdata reports (about 600 000 a year), each on a day within its episode."""
    rng = np.random.default_rng([seed, SOURCE_IDS["npr"], year, 4])
    per_hf = samdata_tables(seed, year)["activity"].set_index("helseforetak").polikliniske_konsultasjoner
    outpatient = episodes[episodes.omsorgsniva == 3].reset_index(drop=True)
    picks = []
    for hf, total in per_hf.items():
        mine = np.flatnonzero(outpatient.rapporteringsenhet.to_numpy() == hf)
        if len(mine) and total:
            picks.append(np.repeat(mine, rng.multinomial(int(total), np.full(len(mine), 1 / len(mine)))))
    rows = outpatient.iloc[np.sort(np.concatenate(picks))].reset_index(drop=True)
    n = len(rows)
    first = pd.to_datetime(rows.behandling_start).to_numpy()
    last_day = np.datetime64(f"{year}-12-31")
    ends = pd.to_datetime(rows.episode_slutt.replace("", None)).to_numpy()
    last = np.where(np.isnat(ends) | (ends > last_day), last_day, ends)
    span = (last - first).astype("timedelta64[D]").astype(np.int64) + 1
    day = first + (rng.random(n) * span).astype("timedelta64[D]")
    contacts = pd.DataFrame(
        {
            "kontakt_id": [f"K{year}-{i:08d}" for i in range(1, n + 1)],
            "pasient_lopenr": rows.pasient_lopenr,
            "kjonn": rows.kjonn,
            "fodselsar": rows.fodselsar,
            "bostedskommune": rows.bostedskommune,
            "rapporteringsenhet": rows.rapporteringsenhet,
            "episode_id": rows.episode_id,
            "kontakt_dato": pd.to_datetime(day).strftime("%Y-%m-%d"),
            "kontakttype": rng.choice(["individuell", "gruppe", "video_telefon"], n, p=[0.78, 0.12, 0.10]),
        }
    )
    return contacts.sort_values(["kontakt_dato", "kontakt_id"], kind="stable").reset_index(drop=True)


def write_npr(seed: int, year: int, out: Path, national: bool = False) -> list[Path]:
    episodes = npr_episodes(seed, year)
    path = out / "npr" / str(year) / f"npr_tsb_episoder_{year}.csv"
    _write_csv(episodes, path)
    detox = out / "npr" / str(year) / f"npr_avrusning_{year}.csv"
    _write_csv(npr_detox_stays(seed, year, episodes), detox)
    written = [path, detox]
    if national:  # the register's full volume: every outpatient contact
        contacts = out / "npr" / str(year) / f"npr_poliklinikk_{year}.csv"
        _write_csv(npr_outpatient_contacts(seed, year, episodes), contacts)
        written.append(contacts)
    return written


# ---------------------------------------------------------------- Samdata
def _price_index() -> dict[int, float]:
    idx = {2024: 100.0}
    for y in range(2024, 2010, -1):
        idx[y - 1] = idx[y] / (1 + INFLATION[y] / 100)
    return {y: round(v, 2) for y, v in idx.items()}


def _hf_weights(geo: pd.DataFrame, seed: int) -> pd.DataFrame:
    pop = population_base().groupby("municipality_code").persons.sum()
    hf = (
        geo.assign(pop=geo.municipality_code.map(pop))
        .groupby(["rhf_code", "rhf_name", "hf_code", "hf_name"], as_index=False)
        .pop.sum()
    )
    rng = np.random.default_rng([seed, SOURCE_IDS["samdata"]])
    hf["w"] = hf["pop"] * rng.lognormal(0, 0.1, len(hf))
    return hf


def samdata_tables(seed: int, year: int) -> dict[str, pd.DataFrame]:
    """Costs per HF x sector, the price index and TSB activity per HF for one year."""
    geo = geography()
    hf = _hf_weights(geo, seed)
    prices = _price_index()
    rng = np.random.default_rng([seed, SOURCE_IDS["samdata"], 0])  # one path for all years
    rhfs = sorted(hf.rhf_code.unique())
    years = sorted(POPULATION_TOTAL)
    cost_rows = []
    for sector, national in COSTS_2014.items():
        per_capita = {r: (RHF_TSB_PER_CAPITA[r] if sector == "TSB" else 1.0) for r in rhfs}
        rhf_w = hf.groupby("rhf_code").w.sum() * pd.Series(per_capita)
        rhf_2014 = national * rhf_w / rhf_w.sum()
        mu, sd = REAL_GROWTH[sector]
        growth = pd.DataFrame(rng.normal(mu, sd, (len(years), len(rhfs))), index=years, columns=rhfs)
        real = {}
        for r in rhfs:  # chain real growth out from the 2014 anchor in both directions
            level = {2014: rhf_2014[r]}
            for y in range(2015, max(years) + 1):
                level[y] = level[y - 1] * (1 + growth.loc[y, r])
            for y in range(2013, min(years) - 1, -1):
                level[y] = level[y + 1] / (1 + growth.loc[y + 1, r])
            real[r] = level
        for r in rhfs:
            nominal = real[r][year] * prices[year] / prices[2014]
            sub = hf[hf.rhf_code == r]
            tenths = apportion(int(round(nominal * 10)), sub.w.to_numpy())
            for (_, h), t in zip(sub.iterrows(), tenths, strict=True):
                cost_rows.append((h.rhf_name, h.hf_name, sector, t / 10))
    costs = pd.DataFrame(cost_rows, columns=["rhf", "helseforetak", "sektor", "verdi"])
    if year == 2014:  # the reference year is exact nationally, so rescale the TSB tenths
        tsb = costs.sektor == "TSB"
        tenths = apportion(int(COSTS_2014["TSB"] * 10), costs.loc[tsb, "verdi"].to_numpy())
        costs.loc[tsb, "verdi"] = tenths / 10

    activity = hf[["rhf_name", "hf_name"]].rename(columns={"rhf_name": "rhf", "hf_name": "helseforetak"})
    for measure, (value_2014, trend) in TSB_ACTIVITY_2014.items():
        total = int(round(value_2014 * (1 + trend) ** (year - 2014)))
        activity[measure] = apportion(total, hf.w.to_numpy())
    return {
        "costs": costs,
        "price_index": pd.DataFrame({"aar": [year], "prisindeks": [prices[year]]}),
        "activity": activity,
    }


def write_samdata(seed: int, year: int, out: Path) -> Path:
    t = samdata_tables(seed, year)
    wide = (
        t["costs"]
        .pivot(index=["rhf", "helseforetak"], columns="sektor", values="verdi")
        .reset_index()[["rhf", "helseforetak", *COSTS_2014]]
    )
    wide.insert(0, "År", year)
    path = out / "samdata" / str(year) / f"samdata_spesialisthelsetjenesten_{year}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        _sheet(
            xl,
            "Driftskostnader",
            f"Driftskostnader {year}, mill. kr, løpende priser",
            wide.rename(columns={"rhf": "RHF", "helseforetak": "Helseforetak"}),
        )
        _sheet(
            xl,
            "Prisindeks",
            "Prisindeks for spesialisthelsetjenesten (2024 = 100)",
            t["price_index"].rename(columns={"aar": "År", "prisindeks": "Prisindeks"}),
        )
        act = (
            t["activity"]
            .assign(aar=year)[["aar", *t["activity"].columns]]
            .rename(
                columns={
                    "aar": "År",
                    "rhf": "RHF",
                    "helseforetak": "Helseforetak",
                    "oppholdsdogn": "Oppholdsdøgn",
                    "innleggelser": "Innleggelser",
                    "polikliniske_konsultasjoner": "Polikliniske konsultasjoner",
                    "dognplasser_offentlig": "Døgnplasser offentlig",
                    "dognplasser_privat": "Døgnplasser privat",
                }
            )
        )
        _sheet(xl, "TSB aktivitet", f"Tverrfaglig spesialisert rusbehandling {year}", act)
    _normalise_xlsx(path)
    return path


def _sheet(xl: pd.ExcelWriter, name: str, title: str, df: pd.DataFrame) -> None:
    """Samdata's layout: a title in A1, a blank row, the header on row 3."""
    df.to_excel(xl, sheet_name=name, index=False, startrow=2)
    xl.sheets[name]["A1"] = title


def _normalise_xlsx(path: Path) -> None:
    """Make the workbook byte-identical across runs: fixed zip timestamps and document dates."""
    fixed = b"2015-11-13T00:00:00Z"
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re

                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + fixed, data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2015, 11, 13, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, data)
    path.write_bytes(buf.getvalue())


# ---------------------------------------------------------------- IS-24/8
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


def write_is_24_8(seed: int, year: int, out: Path) -> Path:
    path = out / "is_24_8" / str(year) / f"is_24_8_arsverk_{year}.csv"
    df = is_24_8_fte(seed, year)
    df["arsverk"] = df.arsverk.map(lambda v: f"{v:.1f}".replace(".", ","))  # decimal comma
    _write_csv(df, path)
    return path


# ---------------------------------------------------------------- cause-of-death register
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


def write_drug_deaths(seed: int, year: int, out: Path) -> Path:
    path = out / "dodsarsak" / str(year) / f"narkotikautloste_dodsfall_{year}.csv"
    _write_csv(drug_deaths(seed, year), path)
    return path


# ---------------------------------------------------------------- Brukerplan
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


def _exact_labels(rng: np.random.Generator, labels, shares, n: int) -> np.ndarray:
    """n labels in exactly the given shares (largest remainder), in random order."""
    counts = apportion(n, np.array(shares))
    return rng.permutation(np.repeat(np.array(labels, dtype=object), counts))


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


def write_brukerplan(seed: int, year: int, out: Path) -> Path:
    path = out / "brukerplan" / str(year) / f"brukerplan_kartlegging_{year}.csv"
    _write_csv(brukerplan_users(seed, year), path)
    return path


# ---------------------------------------------------------------- Kriminalomsorgen
# ND (drug programme with court control): Oslo 14 and Bergen 10 sentences in 2014
# (Prop. 15 S (2015–2016), ch. 3.4.8); a trial in those two cities since 2006, offered by more
# probation offices from 2016.
ND_OFFICES = {"oslo": "Oslo", "bergen": "Bergen"}
ND_OFFICES_FROM_2016 = {
    "agder": "Agder",
    "rogaland": "Rogaland",
    "trondelag": "Trøndelag",
    "troms": "Troms",
    "nordland": "Nordland",
    "ostfold": "Østfold",
    "vestfold": "Vestfold",
    "innlandet": "Innlandet",
    "buskerud": "Buskerud",
    "telemark": "Telemark",
    "akershus": "Akershus",
    "more_og_romsdal": "Møre og Romsdal",
    "finnmark": "Finnmark",
    "sogn_og_fjordane": "Sogn og Fjordane",
}
ND_2014 = {"oslo": 14, "bergen": 10}
CORRECTIONAL_REGIONS = {
    "region_ost": "Region øst",
    "region_sor": "Region sør",
    "region_sorvest": "Region sørvest",
    "region_vest": "Region vest",
    "region_nord": "Region nord",
}


def kriminalomsorgen(seed: int, year: int) -> pd.DataFrame:
    rng = rng_for(seed, "kriminalomsorgen", year)
    rows = []
    offices = dict(ND_OFFICES) | (ND_OFFICES_FROM_2016 if year >= 2016 else {})
    for code, name in offices.items():
        if year == 2014 and code in ND_2014:
            count = ND_2014[code]
        elif code in ND_OFFICES:
            count = int(rng.integers(8, 16) + max(0, year - 2014))
        else:
            count = int(rng.integers(0, 6) + max(0, year - 2016) // 2)
        rows.append((year, "nd_kontor", code, f"Friomsorgskontoret {name}", "nd_dom", count))
    for code, name in CORRECTIONAL_REGIONS.items():
        count = int(rng.integers(40, 90) * (1 + 0.03 * max(0, year - 2015)))
        rows.append((year, "region", code, name, "paragraf_12", count))
    return pd.DataFrame(rows, columns=["aar", "enhet_type", "enhet_kode", "enhet_navn", "tiltak", "antall"])


def write_kriminalomsorgen(seed: int, year: int, out: Path) -> Path:
    path = out / "kriminalomsorgen" / str(year) / f"kriminalomsorgen_{year}.csv"
    _write_csv(kriminalomsorgen(seed, year), path)
    return path


# ---------------------------------------------------------------- client census (kartlegging)
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


def write_census(seed: int, year: int, out: Path) -> Path:
    path = out / "kartlegging" / str(year) / f"kartlegging_institusjoner_{year}.csv"
    _write_csv(census_clients(seed, year), path)
    return path


# ---------------------------------------------------------------- patient experience (PasOpp)
# TSB inpatients 2013 (Prop. 15 S (2015–2016), ch. 2.3): 14 % had little or no influence on their
# treatment, 28 % had no individual plan and 23 % did not know.
PASOPP_RESPONDENTS = {2013: 978, 2016: 1_020, 2019: 1_064, 2022: 1_090}
PASOPP_LOW_INFLUENCE = {2013: 0.14}
PASOPP_IP = {2013: (0.49, 0.28, 0.23)}  # ja, nei, vet ikke


def pasopp_respondents(seed: int, year: int) -> pd.DataFrame:
    rng = rng_for(seed, "pasopp", year)
    n = PASOPP_RESPONDENTS[year]
    answered = rng.random(n) >= 0.03  # some leave the influence item blank
    low = PASOPP_LOW_INFLUENCE.get(year, 0.14 - 0.01 * (year - 2013) / 3)
    influence = np.full(n, "", dtype=object)
    k = int(answered.sum())
    influence[answered] = _exact_labels(
        rng, ("1", "2", "3", "4", "5"), (low * 0.4, low * 0.6, 0.30, 0.35, 0.35 - low), k
    )
    ip_answered = rng.random(n) >= 0.02
    ja, nei, vet = PASOPP_IP.get(year, (0.55, 0.25, 0.20))
    plan = np.full(n, "", dtype=object)
    plan[ip_answered] = _exact_labels(rng, ("ja", "nei", "vet_ikke"), (ja, nei, vet), int(ip_answered.sum()))
    rhfs = ("helse_sor_ost", "helse_vest", "helse_midt_norge", "helse_nord")
    return pd.DataFrame(
        {
            "respondent_id": [f"PO{year}-{i:05d}" for i in range(1, n + 1)],
            "aar": year,
            "rhf": rng.choice(rhfs, size=n, p=(0.55, 0.2, 0.14, 0.11)),
            "innflytelse": influence,
            "individuell_plan": plan,
            "samarbeid_parorende": rng.choice(
                ("1", "2", "3", "4", "5", ""), size=n, p=(0.15, 0.2, 0.25, 0.2, 0.12, 0.08)
            ),
            "tilfreds_kommunale_tjenester": rng.choice(
                ("1", "2", "3", "4", "5", ""), size=n, p=(0.25, 0.27, 0.25, 0.12, 0.06, 0.05)
            ),
        }
    )


def write_pasopp(seed: int, year: int, out: Path) -> Path:
    path = out / "pasopp" / str(year) / f"pasopp_tsb_dogn_{year}.csv"
    _write_csv(pasopp_respondents(seed, year), path)
    return path


# ---------------------------------------------------------------- Ungdata
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


def write_ungdata(seed: int, year: int, out: Path) -> Path:
    path = out / "ungdata" / str(year) / f"ungdata_{year}.csv"
    _write_csv(ungdata(seed, year), path)
    return path


# ---------------------------------------------------------------- entry point
WRITERS = {
    "npr": write_npr,
    "samdata": write_samdata,
    "is_24_8": write_is_24_8,
    "ssb_population": write_population,
    "dodsarsak": write_drug_deaths,
    "brukerplan": write_brukerplan,
    "kriminalomsorgen": write_kriminalomsorgen,
    "kartlegging": write_census,
    "pasopp": write_pasopp,
    "ungdata": write_ungdata,
}


# Late corrections: the publisher resubmits a period as a second file in its folder, which
# replaces the first (NPR fills in assessment dates registered late; one municipality corrects
# its IS-24/8 return).
CORRECTED_PERIODS = {("npr", 2019), ("is_24_8", 2016)}


def write_correction(seed: int, source: str, original: Path) -> Path:
    frame = pd.read_csv(original, sep=";", dtype=str, keep_default_na=False)
    rng = np.random.default_rng([seed, SOURCE_IDS[source], 99])
    if source == "npr":
        late = np.flatnonzero(frame.vurdering_dato.to_numpy() == "")
        filled = late[rng.random(len(late)) < 0.8]
        frame.loc[filled, "vurdering_dato"] = frame.loc[filled, "behandling_start"]
    else:
        row = int(rng.integers(0, len(frame)))
        value = float(frame.loc[row, "arsverk"].replace(",", ".")) + 1.5
        frame.loc[row, "arsverk"] = f"{value:.1f}".replace(".", ",")
    path = original.with_name(original.stem + "_korrigert.csv")
    _write_csv(frame, path)
    return path


def source_years(source: str, years: Iterable[int] | None = None) -> list[int]:
    """The years to write for a source: all it covers, or those of `years` it covers."""
    covered = SOURCE_YEARS.get(source, DEFAULT_YEARS)
    return [y for y in (covered if years is None else years) if y in covered]


def generate(
    years: Iterable[int] | None = None,
    seed: int = DEFAULT_SEED,
    out: Path | str = "data/landing",
    sources: Iterable[str] | None = None,
    national: bool = False,
) -> list[Path]:
    """Write the sample extracts. years=None writes every year each source covers. national
    adds NPR's outpatient contacts (about 600 000 a year) to the default sample, whose TSB
    episodes (about 27 000 patients a year) are already at the register's volume."""
    out = Path(out)
    written = []
    for source in sources or WRITERS:
        started = dt.datetime.now()
        years_here = source_years(source, years)
        if not years_here:
            continue
        for year in years_here:
            paths = (
                write_npr(seed, year, out, national=True)
                if national and source == "npr"
                else WRITERS[source](seed, year, out)
            )
            paths = paths if isinstance(paths, list) else [paths]
            written += paths
            if (source, year) in CORRECTED_PERIODS:
                written.append(write_correction(seed, source, paths[0]))
        log.info(
            "generated %s for %d-%d in %.1f s",
            source,
            years_here[0],
            years_here[-1],
            (dt.datetime.now() - started).total_seconds(),
        )
    return written
