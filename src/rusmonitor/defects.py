"""Defects the quality suites are meant to catch, injected into a landing folder of sample
extracts (`rusmonitor generate --defects ...`), so tests can prove each expectation fires:

null_keys           NPR episodes of the newest year lose their episode_id on 3 % of rows
out_of_range_share  Ungdata of the newest year: more drunk than answered the item (> 100 %)
duplicated_period   Ungdata of the year before delivered again as the newest year's correction
missing_region      NPR episodes of the newest year without the residents of Helse Nord
tenfold_jump        IS-24/8 FTEs of the newest year multiplied by ten
stale_file          cause-of-death statistics: the newest year's extract has not arrived

Each returns the files it changed; which suite and expectation catch it is in CAUGHT_BY.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd

NEWEST = 2024

# defect -> (layer, suite, expectation type, column or None)
CAUGHT_BY = {
    "null_keys": ("raw", "raw.npr_tsb_episodes", "expect_column_values_to_not_be_null", "episode_id"),
    # caught before the marts: a part larger than its whole is refused at the raw checkpoint
    # (the mart suite's 0-100 % check stands behind it)
    "out_of_range_share": (
        "raw",
        "raw.ungdata_responses",
        "expect_column_pair_values_a_to_be_greater_than_b",
        None,
    ),
    # the loader's period check: the rows are of the year before, not of their folder's
    "duplicated_period": (
        "raw",
        "raw.ungdata_responses.period_folder",
        "expect_column_values_to_be_between",
        "aar",
    ),
    "missing_region": (
        "marts",
        "marts.mart_indicator_values",
        "expect_column_distinct_values_to_contain_set",
        "year_geo",
    ),
    "tenfold_jump": (
        "raw",
        "raw.is_24_8_fte.periods",
        "expect_column_values_to_be_between",
        "ratio_arsverk",
    ),
    "stale_file": (
        "raw",
        "raw.freshness",
        "expect_column_pair_values_a_to_be_greater_than_b",
        None,
    ),
}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, sep=";", index=False)
    return path


def _one(landing: Path, pattern: str) -> Path:
    files = sorted(landing.glob(pattern))
    if not files:
        raise FileNotFoundError(f"no file matches {landing / pattern}")
    return files[-1]


def null_keys(landing: Path) -> list[Path]:
    path = _one(landing, f"npr/{NEWEST}/npr_tsb_episoder_{NEWEST}*.csv")
    frame = _read(path)
    frame.loc[frame.index % 33 == 0, "episode_id"] = ""
    return [_write(frame, path)]


def out_of_range_share(landing: Path) -> list[Path]:
    path = _one(landing, f"ungdata/{NEWEST}/*.csv")
    frame = _read(path)
    first = frame.kommunenr.iloc[0]
    rows = frame.kommunenr == first
    answered = frame.loc[rows, "svar_beruset"].astype(int)
    frame.loc[rows, "beruset_12m"] = (answered * 2).astype(str)
    return [_write(frame, path)]


def duplicated_period(landing: Path) -> list[Path]:
    last_year = _one(landing, f"ungdata/{NEWEST - 1}/*.csv")
    target = landing / "ungdata" / str(NEWEST) / f"ungdata_{NEWEST}_korrigert.csv"
    shutil.copyfile(last_year, target)  # a later file in the folder: it replaces the period
    return [target]


def missing_region(landing: Path) -> list[Path]:
    from rusmonitor.generate import geography, municipalities_in

    north = set(geography().query("rhf_code == 'helse_nord'").county_code)
    codes = municipalities_in(NEWEST)
    northern = set(codes[codes.municipality_code.str[:2].isin(north)].municipality_code)
    path = _one(landing, f"npr/{NEWEST}/npr_tsb_episoder_{NEWEST}*.csv")
    frame = _read(path)
    return [_write(frame[~frame.bostedskommune.isin(northern)], path)]


def tenfold_jump(landing: Path) -> list[Path]:
    path = _one(landing, f"is_24_8/{NEWEST}/*.csv")
    frame = _read(path)
    fte = frame.arsverk.str.replace(",", ".").astype(float) * 10
    frame["arsverk"] = fte.map(lambda v: f"{v:.1f}".replace(".", ","))
    return [_write(frame, path)]


def stale_file(landing: Path) -> list[Path]:
    folder = landing / "dodsarsak" / str(NEWEST)
    removed = sorted(folder.glob("*"))
    shutil.rmtree(folder)
    return removed


DEFECTS: dict[str, Callable[[Path], list[Path]]] = {
    "null_keys": null_keys,
    "out_of_range_share": out_of_range_share,
    "duplicated_period": duplicated_period,
    "missing_region": missing_region,
    "tenfold_jump": tenfold_jump,
    "stale_file": stale_file,
}


def inject(landing: Path, names: list[str]) -> list[Path]:
    unknown = sorted(set(names) - set(DEFECTS))
    if unknown:
        raise ValueError(f"unknown defect(s) {unknown}; choose from {sorted(DEFECTS)}")
    return [path for name in names for path in DEFECTS[name](landing)]
