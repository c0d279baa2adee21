"""Disclosure control, checked by an attacker reading only the published mart (attacker.py)."""

import duckdb
import pandas as pd
from attacker import attack


def _published(serving) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    with duckdb.connect(str(serving), read_only=True) as con:
        return tuple(
            con.sql(f"SELECT * FROM {table}").df()
            for table in ("mart_indicator_values", "dim_indicator", "dim_geography")
        )


def test_no_small_person_count_can_be_seen_or_worked_out_from_the_published_mart(pipeline):
    mart, indicators, geography = _published(pipeline["serving"])
    assert mart.suppressed.sum() > 1000  # the sample data has small cells to hide
    found = attack(mart, indicators, geography)
    assert found.empty, found.head(20).to_string()


def test_the_attacker_breaks_the_mart_without_secondary_suppression(pipeline):
    """Put back the true values of the cells hidden only to protect others: the attacker must
    now recover small counts, so the test above can fail."""
    mart, indicators, geography = _published(pipeline["serving"])
    with duckdb.connect(str(pipeline["warehouse"]), read_only=True) as con:
        truth = con.sql(
            "SELECT v.indicator_id, v.year, v.geo_level, v.geo_code, v.sex, v.age_group, v.breakdown, "
            "v.numerator AS true_numerator, v.denominator AS true_denominator "
            "FROM marts.int_indicator_values_unioned v "
            "JOIN marts.int_indicator_disclosure d USING (row_id) "
            "WHERE d.suppression_reason = 'secondary'"
        ).df()
    key = ["indicator_id", "year", "geo_level", "geo_code", "sex", "age_group", "breakdown"]
    naive = mart.merge(truth, on=key, how="left")
    undone = naive.true_numerator.notna()
    assert undone.sum() > 0
    naive.loc[undone, "numerator"] = naive.true_numerator
    naive.loc[undone, "denominator"] = naive.true_denominator
    found = attack(naive.drop(columns=["true_numerator", "true_denominator"]), indicators, geography)
    assert not found.empty
    assert found.how.str.startswith("subtraction").all()


def test_the_attacker_recovers_a_lone_hidden_child():
    indicators = pd.DataFrame(
        [
            {
                "indicator_id": "x",
                "kind": "count",
                "is_person_count": True,
                "is_denominator_person_count": False,
                "suppression_limit": 4,
            }
        ]
    )
    geography = pd.DataFrame(
        [
            {"geo_level": "national", "geo_code": "NO", "parent_level": None, "parent_code": None},
            {"geo_level": "rhf", "geo_code": "a", "parent_level": "national", "parent_code": "NO"},
            {"geo_level": "rhf", "geo_code": "b", "parent_level": "national", "parent_code": "NO"},
        ]
    )
    row = {"indicator_id": "x", "year": 2020, "sex": "all", "age_group": "all", "breakdown": "total"}
    mart = pd.DataFrame(
        [
            {**row, "geo_level": "national", "geo_code": "NO", "numerator": 10.0, "denominator": None},
            {**row, "geo_level": "rhf", "geo_code": "a", "numerator": 7.0, "denominator": None},
            {**row, "geo_level": "rhf", "geo_code": "b", "numerator": None, "denominator": None},
        ]
    )
    found = attack(mart, indicators, geography)
    assert found[["geo_code", "count", "how"]].values.tolist() == [
        ["NO", 3.0, "subtraction geography:rhf numerator"]
    ]
