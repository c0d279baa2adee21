"""Sample extracts of one source, NPR, in its publisher's format
(see rusmonitor.generate)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rusmonitor.generate.common import (
    SOURCE_IDS,
    _write_csv,
    apportion,
    geography,
    population_base,
    predecessor_shares,
    rng_for,
)
from rusmonitor.generate.samdata import samdata_tables

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


def write(seed: int, year: int, out: Path, national: bool = False) -> list[Path]:
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
