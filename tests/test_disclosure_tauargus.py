"""The disclosure audit agrees with tau-Argus' own audit (pytauargus, `audit_jj`).

Each fixture is a small published table in the mart's columns, audited by rusmonitor from the
rows alone (relations found from the keys, the geography and the catalog), and the same table
written by hand as tau-Argus' JJ input (cells and the restrictions between them). Both audits
must give every hidden cell the same feasible interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rusmonitor.catalog import default_suppression_limit
from rusmonitor.disclosure.audit import audit_published
from rusmonitor.disclosure.tauargus import audit as tau_audit
from rusmonitor.disclosure.tauargus import table_from_equations

HIDDEN = np.nan


# the catalog's limit: the tests' small counts are those the pipeline hides
LIMIT = default_suppression_limit()


def _indicator(indicator_id, kind="count", unit="persons", dims="year,rhf", **extra):
    row = {
        "indicator_id": indicator_id,
        "goal": 3,
        "kind": kind,
        "unit": unit,
        "dimensions": dims,
        "is_person_count": kind in ("count", "share", "rate"),
        "is_denominator_person_count": kind == "share",
        "suppression_limit": LIMIT,
        "protection_level": LIMIT,
        "numerator_is": None,
        "denominator_is": None,
        "standard_ages": None,
        "standard_year": None,
    }
    row.update(extra)
    return row


def _row(
    indicator_id,
    geo_level,
    geo_code,
    numerator,
    denominator=None,
    year=2020,
    sex="all",
    age_group="all",
    breakdown="total",
    value=None,
):
    hidden = numerator != numerator or (denominator is not None and denominator != denominator)
    if value is None and not hidden:
        value = numerator if denominator is None else 100 * numerator / denominator
    return {
        "indicator_id": indicator_id,
        "year": year,
        "geo_level": geo_level,
        "geo_code": geo_code,
        "geo_name": geo_code,
        "sex": sex,
        "age_group": age_group,
        "breakdown": breakdown,
        "numerator": numerator,
        "denominator": np.nan if denominator is None else denominator,
        "value": np.nan if hidden else value,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "suppressed": hidden,
        "suppression_reason": "disclosure_control" if hidden else None,
        "target_status": "no_target",
    }


def _geography(*units):
    """units: (level, code, parent_level, parent_code, county, hf, rhf)."""
    rows = [("national", "NO", None, None, None, None, None), *units]
    return pd.DataFrame(
        rows,
        columns=[
            "geo_level",
            "geo_code",
            "parent_level",
            "parent_code",
            "county_code",
            "hf_code",
            "rhf_code",
        ],
    )


def _ours(rows, indicators, geography):
    published = {
        "mart_indicator_values": pd.DataFrame(rows),
        "dim_indicator": pd.DataFrame(indicators),
        "dim_geography": geography,
    }
    report = audit_published(published, exact_all=True)
    return report.objectives[report.objectives.cell_id >= 0]


def _theirs(values, equations, hidden):
    table = table_from_equations(values, equations, unsafe=hidden, upper_protection=np.zeros(len(values)))
    return {r["cell"]: (r["min"], r["max"]) for r in tau_audit(table, np.asarray(hidden))}


def _compare(ours, names, theirs):
    """names: JJ cell index -> (count, year, geo_level, geo_code, sex, age_group, breakdown)."""
    assert len(theirs) == len(ours), (len(theirs), len(ours))
    key = ["count", "year", "geo_level", "geo_code", "sex", "age_group", "breakdown"]
    by_key = ours.set_index(key)
    for index, (low, high) in theirs.items():
        mine = by_key.loc[names[index]]
        assert (mine.low, mine.high) == pytest.approx((low, high), abs=1e-6), names[index]


def test_one_geography_with_two_hidden_regions():
    geo = _geography(
        ("rhf", "a", "national", "NO", None, None, None),
        ("rhf", "b", "national", "NO", None, None, None),
        ("rhf", "c", "national", "NO", None, None, None),
    )
    rows = [
        _row("x", "national", "NO", 40),
        _row("x", "rhf", "a", 27),
        _row("x", "rhf", "b", HIDDEN),
        _row("x", "rhf", "c", HIDDEN),
    ]
    ours = _ours(rows, [_indicator("x")], geo)
    # NO a b c: NO = a + b + c
    values, hidden = [40, 27, 3, 10], [False, False, True, True]
    theirs = _theirs(values, [{0: -1, 1: 1, 2: 1, 3: 1}], hidden)
    _compare(
        ours,
        {
            2: ("x.N", 2020, "rhf", "b", "all", "all", "total"),
            3: ("x.N", 2020, "rhf", "c", "all", "all", "total"),
        },
        theirs,
    )


def test_two_geographies_that_do_not_nest_over_the_same_municipalities():
    """Counties {m1, m2}, {m3, m4} and HF areas {m1, m3}, {m2, m4}; the HF totals come from a
    second indicator that counts the same persons."""
    munis = [("m1", "c1", "h1"), ("m2", "c1", "h2"), ("m3", "c2", "h1"), ("m4", "c2", "h2")]
    geo = _geography(
        ("rhf", "r", "national", "NO", None, None, None),
        ("hf", "h1", "rhf", "r", None, None, None),
        ("hf", "h2", "rhf", "r", None, None, None),
        ("county", "c1", "national", "NO", None, None, None),
        ("county", "c2", "national", "NO", None, None, None),
        *[("municipality", m, "county", c, c, h, "r") for m, c, h in munis],
    )
    truth = {"m1": 3, "m2": 9, "m3": 7, "m4": 2}
    rows = [_row("x", "national", "NO", 21), _row("x", "county", "c1", 12), _row("x", "county", "c2", 9)]
    rows += [_row("x", "municipality", m, HIDDEN) for m in truth]
    rows += [
        _row("y", "national", "NO", 21),
        _row("y", "rhf", "r", 21),
        _row("y", "hf", "h1", 10),
        _row("y", "hf", "h2", 11),
    ]
    indicators = [
        _indicator("x", dims="year,county,municipality"),
        _indicator("y", dims="year,rhf,hf", numerator_is="x"),
    ]
    ours = _ours(rows, indicators, geo)
    # cells: 0 NO, 1 c1, 2 c2, 3 h1, 4 h2, 5..8 m1..m4
    values = [21, 12, 9, 10, 11, *truth.values()]
    eqs = [
        {0: -1, 1: 1, 2: 1},
        {1: -1, 5: 1, 6: 1},
        {2: -1, 7: 1, 8: 1},
        {3: -1, 5: 1, 7: 1},
        {4: -1, 6: 1, 8: 1},
        {0: -1, 3: 1, 4: 1},
    ]
    hidden = [False] * 5 + [True] * 4
    theirs = _theirs(values, eqs, hidden)
    _compare(
        ours,
        {5 + i: ("x.N", 2020, "municipality", m, "all", "all", "total") for i, m in enumerate(truth)},
        theirs,
    )


def test_a_three_year_moving_average_over_hidden_years():
    geo = _geography(
        ("county", "c", "national", "NO", None, None, None),
        ("municipality", "m", "county", "c", "c", None, None),
    )
    years = {2010: 3, 2011: 8, 2012: 2, 2013: 12}
    population = 1000.0
    rows = []
    for year, count in years.items():
        shown = count if year == 2011 else HIDDEN
        rows.append(
            _row(
                "r",
                "municipality",
                "m",
                shown,
                population,
                year=year,
                value=None if shown != shown else 1000 * count / population,
            )
        )
    for year in (2012, 2013):
        pooled = sum(years[y] for y in range(year - 2, year + 1))
        rows.append(
            _row(
                "r",
                "municipality",
                "m",
                pooled,
                3 * population,
                year=year,
                breakdown="adjustment=moving_average_3y",
                value=1000 * pooled / (3 * population),
            )
        )
    indicators = [
        _indicator(
            "r", kind="rate", unit="per_1000", dims="year,municipality", is_denominator_person_count=False
        )
    ]
    ours = _ours(rows, indicators, geo)
    # cells: 0..3 the years, 4 MA2012 = y0 + y1 + y2, 5 MA2013 = y1 + y2 + y3
    values = [*years.values(), 13, 22]
    eqs = [{4: -1, 0: 1, 1: 1, 2: 1}, {5: -1, 1: 1, 2: 1, 3: 1}]
    hidden = [True, False, True, True, False, False]
    theirs = _theirs(values, eqs, hidden)
    _compare(
        ours,
        {
            i: ("r.N", year, "municipality", "m", "all", "all", "total")
            for i, year in enumerate(years)
            if year != 2011
        },
        theirs,
    )


def test_a_share_by_sex_with_its_complements():
    """Numerator and denominator by sex; the complement (denominator minus numerator) is a
    count a reader knows is not negative."""
    geo = _geography()
    rows = [
        _row("s", "national", "NO", 30, 50),
        _row("s", "national", "NO", HIDDEN, HIDDEN, sex="male"),
        _row("s", "national", "NO", HIDDEN, HIDDEN, sex="female"),
    ]
    rows += [_row("t", "national", "NO", 21, sex=s) for s in ("male",)]
    indicators = [
        _indicator("s", kind="share", unit="percent", dims="year,sex"),
        _indicator("t", dims="year,sex", numerator_is="s.denominator"),
    ]
    ours = _ours(rows, indicators, geo)
    # cells: 0 N, 1 Nm, 2 Nf, 3 D, 4 Dm (= t male, shown), 5 Df, 6 C, 7 Cm, 8 Cf (complements)
    values = [30, 17, 13, 50, 21, 29, 20, 4, 16]
    eqs = [
        {0: -1, 1: 1, 2: 1},
        {3: -1, 4: 1, 5: 1},
        {6: -1, 0: -1, 3: 1},
        {7: -1, 1: -1, 4: 1},
        {8: -1, 2: -1, 5: 1},
    ]
    hidden = [False, True, True, False, False, True, True, True, True]
    theirs = _theirs(values, eqs, hidden)
    theirs = {k: v for k, v in theirs.items() if k < 6}  # the complements are not published cells
    _compare(
        ours,
        {
            1: ("s.N", 2020, "national", "NO", "male", "all", "total"),
            2: ("s.N", 2020, "national", "NO", "female", "all", "total"),
            5: ("s.D", 2020, "national", "NO", "female", "all", "total"),
        },
        theirs,
    )


def test_age_bands_inside_an_interval_another_indicator_publishes():
    """Deaths by age band, and a second indicator's numerator counting ages 15-64 only."""
    geo = _geography(("county", "c", "national", "NO", None, None, None))
    bands = {"15-24": 4, "25-44": 9, "45-64": 2, "65+": 6}
    rows = [_row("d", "county", "c", 21)]
    rows += [
        _row("d", "county", "c", HIDDEN if band != "65+" else v, age_group=band) for band, v in bands.items()
    ]
    rows += [_row("d", "national", "NO", 21)] + [
        _row("d", "national", "NO", HIDDEN if band != "65+" else v, age_group=band)
        for band, v in bands.items()
    ]
    rows += [_row("p", "county", "c", 15, 1000.0, value=1500.0)]
    indicators = [
        _indicator("d", dims="year,county,age_group"),
        _indicator(
            "p",
            kind="rate",
            unit="per_100000",
            dims="year,county",
            numerator_is="d[15-64]",
            is_denominator_person_count=False,
        ),
    ]
    ours = _ours(rows, indicators, geo)
    # cells: 0 all, 1..4 bands, 5 15-64; all = bands; 15-64 = three bands (national = county)
    values = [21, *bands.values(), 15]
    eqs = [{0: -1, 1: 1, 2: 1, 3: 1, 4: 1}, {5: -1, 1: 1, 2: 1, 3: 1}]
    hidden = [False, True, True, True, False, False]
    theirs = _theirs(values, eqs, hidden)
    names = {i + 1: ("d.N", 2020, "county", "c", "all", band, "total") for i, band in enumerate(bands)}
    national = ours[ours.geo_level == "national"]
    county = ours[ours.geo_level == "county"]
    _compare(county, names, theirs)
    # the country is the county here: the same intervals
    assert sorted(zip(national.low, national.high, strict=True)) == sorted(
        zip(county.low, county.high, strict=True)
    )


def test_categories_under_a_two_level_geography():
    geo = _geography(
        ("rhf", "a", "national", "NO", None, None, None), ("rhf", "b", "national", "NO", None, None, None)
    )
    truth = {("a", "k=1"): 3, ("a", "k=2"): 11, ("b", "k=1"): 8, ("b", "k=2"): 6}
    rows = [
        _row("x", "national", "NO", 28),
        _row("x", "national", "NO", 11, breakdown="k=1"),
        _row("x", "national", "NO", 17, breakdown="k=2"),
        _row("x", "rhf", "a", 14),
        _row("x", "rhf", "b", 14),
    ]
    rows += [_row("x", "rhf", r, HIDDEN, breakdown=k) for r, k in truth]
    ours = _ours(rows, [_indicator("x", dims="year,rhf,k")], geo)
    # cells 0 a1, 1 a2, 2 b1, 3 b2 (hidden); 4 a, 5 b, 6 NO1, 7 NO2 (shown)
    values = [*truth.values(), 14, 14, 11, 17]
    eqs = [{4: -1, 0: 1, 1: 1}, {5: -1, 2: 1, 3: 1}, {6: -1, 0: 1, 2: 1}, {7: -1, 1: 1, 3: 1}]
    hidden = [True] * 4 + [False] * 4
    theirs = _theirs(values, eqs, hidden)
    _compare(ours, {i: ("x.N", 2020, "rhf", r, "all", "all", k) for i, (r, k) in enumerate(truth)}, theirs)
