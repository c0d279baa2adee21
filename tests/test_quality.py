"""GX suites fail on bad data (a suite that cannot fail proves nothing)."""

import pandas as pd
import pytest

from rusmonitor import catalog, quality
from rusmonitor.sources.is_24_8 import IS_24_8_FTE


def _fte_frame(**overrides) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "aar": [2014, 2014],
            "kommunenr": ["0301", "1103"],
            "kommunenavn": ["Oslo", "Stavanger"],
            "arbeidsomrade": ["rus", "rus"],
            "malgruppe": ["voksne", "voksne"],
            "arsverk": [10.5, 3.0],
            "_load_id": ["x", "x"],
            "_source_file": ["f", "f"],
            "_content_hash": ["h", "h"],
            "_row_number": [2, 3],
        }
    )
    for column, values in overrides.items():
        frame[column] = values
    return frame


def test_raw_suite_passes_good_rows():
    result = quality.validate_frame("raw.is_24_8_fte", _fte_frame(), quality.raw_expectations(IS_24_8_FTE))
    assert result.success, [str(o) for o in result.outcomes if not o.success]


@pytest.mark.parametrize(
    "overrides, expectation",
    [
        ({"kommunenr": ["0301", None]}, "expect_column_values_to_not_be_null"),
        ({"arbeidsomrade": ["rus", "rusomsorg"]}, "expect_column_values_to_be_in_set"),
        ({"kommunenr": ["0301", "0301"]}, "expect_compound_columns_to_be_unique"),
        ({"arsverk": [10.5, -1.0]}, "expect_column_values_to_be_between"),
        ({"kommunenr": ["0301", "301"]}, "expect_column_values_to_match_regex"),
    ],
)
def test_raw_suite_fails_bad_rows(overrides, expectation):
    result = quality.validate_frame(
        "raw.is_24_8_fte", _fte_frame(**overrides), quality.raw_expectations(IS_24_8_FTE)
    )
    assert not result.success
    assert expectation in {o.expectation for o in result.outcomes if not o.success}


def _mart_frame() -> pd.DataFrame:
    rows = []
    places = [("national", "NO")] + [("rhf", code) for code in quality.RHF_CODES]
    for indicator in catalog.published_indicators():
        # 2013-2014, and the years an indicator of an edition-dated source covers (its `years`)
        declared = catalog.indicator(indicator).get("years")
        years = sorted(
            {2013, 2014} | (set(range(declared["first"], declared["last"] + 1)) if declared else set())
        )
        for year, (level, code) in ((y, p) for y in years for p in places):
            rows.append(
                {
                    "indicator_id": indicator,
                    "year": year,
                    "geo_level": level,
                    "geo_code": code,
                    "geo_name": code,
                    "sex": "all",
                    "age_group": "all",
                    "breakdown": "total",
                    "numerator": 100.0,
                    "denominator": 200.0,
                    "value": 50.0,
                    "ci_low": None,
                    "ci_high": None,
                    "suppressed": False,
                    "suppression_reason": None,
                    "target_status": "no_target",
                    "baseline_year": None,
                    "baseline_value": None,
                    "change_since_baseline": None,
                    "change_ci_low": None,
                    "change_ci_high": None,
                    "is_person_count": indicator == "tsb_patients",
                    "is_denominator_person_count": False,
                }
            )
    return pd.DataFrame(rows)


def _failed(frame: pd.DataFrame, years=(2013, 2014)) -> set[str]:
    by_source = {ind["source"]: list(years) for ind in catalog.indicators()} | {"ssb_population": list(years)}
    frame = quality.with_derived_columns(frame)
    result = quality.validate_frame("mart", frame, quality.mart_expectations(by_source)[1:])
    return {o.expectation for o in result.outcomes if not o.success}


def test_mart_suite_passes_a_good_mart():
    assert _failed(_mart_frame(), years=(2014,)) == set()


def test_mart_suite_catches_a_region_missing_and_an_interval_without_its_value():
    frame = _mart_frame()
    gone = (frame.indicator_id == "tsb_patients") & (frame.geo_code == "helse_nord") & (frame.year == 2014)
    assert "expect_column_distinct_values_to_contain_set" in _failed(frame[~gone], years=(2014,))
    frame = _mart_frame()
    frame["ci_low"], frame["ci_high"] = 40.0, 45.0  # the value is 50
    assert "expect_column_values_to_be_between" in _failed(frame, years=(2014,))


def test_a_tenfold_jump_is_a_warning_not_a_failure():
    frame = _mart_frame()
    frame.loc[(frame.indicator_id == "tsb_cost_nok") & (frame.year == 2014), "value"] = 500.0
    frame = quality.with_derived_columns(frame)
    by_source = {ind["source"]: [2013, 2014] for ind in catalog.indicators()} | {
        "ssb_population": [2013, 2014]
    }
    result = quality.validate_frame("mart", frame, quality.mart_expectations(by_source)[1:])
    assert result.success
    assert [(o.expectation, o.severity) for o in result.warnings] == [
        ("expect_column_values_to_be_between", "warning")
    ]


def test_mart_suite_catches_a_small_denominator_of_persons():
    frame = _mart_frame()
    frame.loc[frame.indicator_id == "ip_share_brukerplan", "is_denominator_person_count"] = True
    frame.loc[frame.indicator_id == "ip_share_brukerplan", "denominator"] = 2.0
    assert "expect_column_values_to_not_be_in_set" in _failed(frame, years=(2014,))


def test_mart_suite_catches_an_unsuppressed_small_count():
    frame = _mart_frame()
    frame.loc[frame.indicator_id == "tsb_patients", "numerator"] = 3.0
    assert "expect_column_values_to_not_be_in_set" in _failed(frame, years=(2014,))


def test_mart_suite_catches_an_implausible_mean():
    frame = _mart_frame()
    frame.loc[frame.indicator_id == "tsb_wait_mean_days", "value"] = 5000.0
    assert "expect_column_values_to_be_between" in _failed(frame, years=(2014,))


def test_mart_suite_catches_a_missing_year_and_value():
    frame = _mart_frame()
    frame = frame[~((frame.indicator_id == "tsb_cost_nok") & (frame.year == 2013))].copy()
    frame.loc[frame.index[0], "value"] = None
    failed = _failed(frame, years=(2013, 2014))
    assert {"expect_column_distinct_values_to_contain_set", "expect_column_values_to_not_be_null"} <= failed


def test_a_validation_error_is_a_failure_not_a_pass():
    """An expectation on a column that does not exist raises inside GX: that must fail."""
    import great_expectations.expectations as gxe

    result = quality.validate_frame(
        "raw.broken", _fte_frame(), [gxe.ExpectColumnValuesToNotBeNull(column="no_such_column")]
    )
    assert not result.success
    assert result.outcomes[0].error
    with pytest.raises(quality.QualityGateFailed, match="no_such_column"):
        quality.gate([result])


def test_a_suite_another_process_changed_is_stored_again(tmp_path, monkeypatch):
    """validate_frame stores a suite once per process; when another process stores a different
    suite under the same name meanwhile, the next run stores ours again and validates with it."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    monkeypatch.setenv("RUSMONITOR_DATA_DIR", str(tmp_path))

    def not_null():
        return [gxe.ExpectColumnValuesToNotBeNull(column="kommunenr")]

    frame = _fte_frame(kommunenr=["0301", None])
    assert not quality.validate_frame("raw.shared", frame, not_null()).success
    assert not quality.validate_frame("raw.shared", frame, not_null()).success  # the stored one

    # another process (its own context on the same project) stores a suite that always passes
    other = gx.get_context(mode="file", project_root_dir=str(quality.quality_dir()))
    suite = other.suites.get("raw.shared")
    suite.expectations = []
    suite.add_expectation(gxe.ExpectTableRowCountToBeBetween(min_value=1))
    suite.save()

    result = quality.validate_frame("raw.shared", frame, not_null())
    assert [o.expectation for o in result.outcomes] == ["expect_column_values_to_not_be_null"]
    assert not result.success


def test_a_frame_changed_in_place_is_filtered_anew_in_the_next_checkpoint(tmp_path, monkeypatch):
    """The row-condition filters gx_runtime keeps last one checkpoint run: the same frame,
    changed in place and validated again, gets its new verdict, not the last run's."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    from rusmonitor.quality import gx_runtime

    monkeypatch.setenv("RUSMONITOR_QUALITY", str(tmp_path / "quality"))
    frame = pd.DataFrame({"k": ["a", "a", "b"], "v": [1.0, 2.0, None]})

    def check():  # a suite takes its own expectation objects
        return [gxe.ExpectColumnValuesToNotBeNull(column="v", row_condition=Column("k") == "a")]

    assert gx_runtime.validate_frame("test.in_place", frame, check()).success
    frame.loc[0, "v"] = None
    again = gx_runtime.validate_frame("test.in_place", frame, check())
    assert not again.success and again.outcomes[0].unexpected_count == 1
    assert gx_runtime._RUN_CACHE == {}  # nothing of either batch kept after its run


def test_an_expectations_configuration_is_built_anew_once_it_changes(tmp_path, monkeypatch):
    """gx_runtime keeps each expectation's configuration for one checkpoint run: read twice it
    is the same object, but an attribute set on the expectation (as GX sets its rendered
    content) is seen at once, and no configuration is kept after the run."""
    import great_expectations.expectations as gxe

    from rusmonitor.quality import gx_runtime

    monkeypatch.setenv("RUSMONITOR_QUALITY", str(tmp_path / "quality"))
    frame = pd.DataFrame({"v": [1.0, None]})
    # a real run first (it installs gx_runtime's changes to GX), which keeps nothing after it
    assert not gx_runtime.validate_frame(
        "test.configurations", frame, [gxe.ExpectColumnValuesToNotBeNull(column="v")]
    ).success
    assert gx_runtime._RUN_CACHE == {}
    expectation = gxe.ExpectColumnValuesToNotBeNull(column="v")
    monkeypatch.setitem(gx_runtime._RUN_CACHE, "run", "test.configurations")  # as during a run
    first = expectation.configuration
    assert expectation.configuration is first
    expectation.column = "w"
    assert expectation.configuration.kwargs["column"] == "w"
