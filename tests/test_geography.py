"""Versioned geography: municipality codes of every year 2010-2024 and the crosswalk to 2024."""

import pandas as pd
import pytest

from rusmonitor.generate import (
    municipalities_in,
    population_by_year,
    population_in_year_codes,
    predecessor_shares,
)
from rusmonitor.settings import GEOGRAPHY_SEED, MUNICIPALITY_CROSSWALK_SEED, MUNICIPALITY_VERSIONS_SEED


def _read(path):
    return pd.read_csv(path, dtype={"municipality_code": str, "municipality_code_2024": str})


def test_every_code_of_every_year_maps_to_2024_with_weights_summing_to_one():
    versions, crosswalk = _read(MUNICIPALITY_VERSIONS_SEED), _read(MUNICIPALITY_CROSSWALK_SEED)
    current = set(_read(GEOGRAPHY_SEED).municipality_code)
    keys = set(zip(versions.municipality_code, versions.valid_from, strict=True))
    mapped = crosswalk.groupby(["municipality_code", "valid_from"]).weight.sum()
    assert set(mapped.index) == keys  # no code left unmapped
    assert (mapped.round(6) == 1).all()
    assert set(crosswalk.municipality_code_2024) <= current
    primaries = crosswalk[crosswalk.is_primary].groupby(["municipality_code", "valid_from"]).size()
    assert (primaries == 1).all() and len(primaries) == len(keys)


@pytest.mark.parametrize(
    "year, low, high",
    [(2010, 425, 431), (2017, 422, 428), (2018, 418, 423), (2020, 356, 356), (2024, 357, 357)],
)
def test_number_of_municipalities_follows_the_reforms(year, low, high):
    assert low <= len(municipalities_in(year)) <= high


@pytest.mark.parametrize("year", [2010, 2014, 2019, 2020, 2023])
def test_splitting_to_the_codes_of_a_year_keeps_the_population_total(year):
    in_2024_codes = population_by_year(2016, year).persons.sum()
    in_year_codes = population_in_year_codes(2016, year)
    assert set(in_year_codes.municipality_code) <= set(municipalities_in(year).municipality_code)
    # each split share is rounded to whole persons: the total moves by less than one per share
    assert abs(in_year_codes.persons.sum() - in_2024_codes) <= len(predecessor_shares(year)) * 2 * 106


def test_known_reforms_are_in_the_crosswalk():
    cw = _read(MUNICIPALITY_CROSSWALK_SEED).set_index(["municipality_code", "valid_from"])
    assert cw.loc[("0101", 1838)].municipality_code_2024 == "3101"  # Halden, 2020 and 2024 renumbering
    tysfjord = cw.loc[("1850", 1869)]
    assert set(tysfjord.municipality_code_2024) == {"1806", "1875"}  # split between Narvik and Hamarøy
    assert cw.loc[("1601", 1838)].municipality_code_2024 == "5001"  # Trondheim, 2018 merger
