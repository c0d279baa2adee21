"""The stored quality results say what each expectation is about: the indicator a mart
expectation's row condition names (null for whole-mart ones) and the source whose raw table a
raw suite checks, so the report selects by column; a warehouse stored before gets them."""

import json

import duckdb

from rusmonitor import catalog, quality, quality_store
from rusmonitor.quality import Outcome, SuiteResult
from rusmonitor.sources.is_24_8 import IS_24_8_FTE

MART = "marts.mart_indicator_values"
OLD_DDL = """
CREATE SCHEMA quality;
CREATE TABLE quality.quality_runs (
    run_id VARCHAR, layer VARCHAR, suite VARCHAR, context VARCHAR, validated_at TIMESTAMP,
    success BOOLEAN, rows_validated BIGINT, seconds DOUBLE, expectations INTEGER,
    failed_critical INTEGER, failed_warning INTEGER);
CREATE TABLE quality.quality_results (
    run_id VARCHAR, suite VARCHAR, expectation VARCHAR, column_name VARCHAR, severity VARCHAR,
    success BOOLEAN, observed_value VARCHAR, unexpected_count BIGINT, error VARCHAR,
    kwargs VARCHAR);
"""


def _mart_outcomes() -> list[Outcome]:
    """One passing outcome per expectation of the real mart suite, with its GX kwargs."""
    years = {ind["source"]: [2013, 2014] for ind in catalog.indicators()} | {"ssb_population": [2013, 2014]}
    return [
        Outcome(MART, e.configuration.type, dict(e.configuration.kwargs), True)
        for e in quality.mart_expectations(years)
    ]


def _results(warehouse) -> list[dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        frame = con.execute("SELECT * FROM quality.quality_results").df()
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _named(kwargs: str) -> set[str]:
    """The indicators a stored row condition compares indicator_id with (read from the JSON)."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if (node.get("column") or {}).get("name") == "indicator_id":
                found.add(node["parameter"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(kwargs).get("row_condition"))
    return found


def test_a_mart_result_names_the_indicator_its_row_condition_names(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    outcomes = _mart_outcomes()
    quality_store.record([SuiteResult(MART, True, 10, 0.1, outcomes)], "marts", warehouse=warehouse)
    rows = _results(warehouse)
    assert len(rows) == len(outcomes)
    about = [r for r in rows if _named(r["kwargs"])]
    whole = [r for r in rows if not _named(r["kwargs"])]
    assert about and whole
    for row in about:
        (named,) = _named(row["kwargs"])
        assert row["indicator_id"] == named, row
    # the whole-mart ones (columns, key, ids, privacy, a condition on other columns) name none
    assert all(r["indicator_id"] is None for r in whole)
    expectations = {(r["expectation"], r["column_name"]) for r in whole}
    assert ("expect_column_values_to_be_in_set", "indicator_id") in expectations
    assert ("expect_column_values_to_not_be_null", "value") in expectations  # where not suppressed
    # every published indicator has its own (its years at national level at least)
    assert {r["indicator_id"] for r in about} == set(catalog.published_indicators())
    assert all(r["source"] is None for r in rows)


def test_a_condition_that_names_no_single_indicator_gives_none():
    def comparison(column, value, operator="=="):
        return {"column": {"name": column}, "operator": operator, "parameter": value, "type": "comparison"}

    one = {
        "row_condition": {
            "type": "and",
            "conditions": [comparison("indicator_id", "a"), comparison("sex", "all")],
        }
    }
    assert quality_store.indicator_of(one) == "a"
    assert quality_store.indicator_of({"row_condition": comparison("indicator_id", "a")}) == "a"
    assert quality_store.indicator_of({"row_condition": comparison("indicator_id", "a", "!=")}) is None
    both = {"type": "and", "conditions": [comparison("indicator_id", "a"), comparison("indicator_id", "b")]}
    either = {"type": "or", "conditions": [comparison("indicator_id", "a"), comparison("indicator_id", "b")]}
    assert quality_store.indicator_of({"row_condition": both}) is None
    assert quality_store.indicator_of({"row_condition": either}) is None
    assert quality_store.indicator_of({"column": "indicator_id", "value_set": ["a"]}) is None
    assert quality_store.indicator_of(None) is None


def test_a_raw_result_names_the_source_of_its_table(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    results = [
        SuiteResult(
            suite,
            True,
            2,
            0.1,
            [Outcome(suite, "expect_column_values_to_not_be_null", {"column": "aar"}, True)],
        )
        for suite in ("raw.is_24_8_fte", "raw.is_24_8_fte.periods", "raw.freshness")
    ]
    quality_store.record(results, "raw", warehouse=warehouse)
    sources = {r["suite"]: r["source"] for r in _results(warehouse)}
    assert sources == {
        "raw.is_24_8_fte": IS_24_8_FTE.source,
        "raw.is_24_8_fte.periods": IS_24_8_FTE.source,
        "raw.freshness": None,  # about every source
    }
    assert all(r["indicator_id"] is None for r in _results(warehouse))


def test_results_stored_before_the_columns_get_them_and_export_carries_them(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    mart_outcome = next(o for o in _mart_outcomes() if _named(json.dumps(o.kwargs, default=str)))
    (named,) = _named(json.dumps(mart_outcome.kwargs, default=str))
    with duckdb.connect(str(warehouse)) as con:
        con.execute(OLD_DDL)
        con.execute(
            "INSERT INTO quality.quality_results VALUES "
            "('old', ?, 'e', 'value', 'critical', true, NULL, NULL, NULL, ?), "
            "('old', 'raw.is_24_8_fte', 'e', 'aar', 'critical', true, NULL, NULL, NULL, ?)",
            [MART, json.dumps(mart_outcome.kwargs, default=str), '{"column": "aar"}'],
        )
    quality_store.record([SuiteResult(MART, True, 10, 0.1, [mart_outcome])], "marts", warehouse=warehouse)
    rows = {(r["run_id"] == "old", r["suite"]): r for r in _results(warehouse)}
    assert rows[(True, MART)]["indicator_id"] == named
    assert rows[(True, "raw.is_24_8_fte")]["source"] == IS_24_8_FTE.source
    assert rows[(False, MART)]["indicator_id"] == named
    # the report's copy beside the serving file has the columns
    exported = quality_store.export(warehouse, tmp_path / "serving" / "warehouse.duckdb")
    with duckdb.connect(str(exported), read_only=True) as con:
        assert (
            con.execute(
                "SELECT count(*) FROM quality_results WHERE indicator_id = ? OR source = ?",
                [named, IS_24_8_FTE.source],
            ).fetchall()[0][0]
            == 3
        )
