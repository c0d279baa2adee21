"""The Airflow DAG, run for real with dag.test(): reference figures, idempotency, gates."""

import csv
import shutil

import duckdb
import pandas as pd
import pytest

from conftest import file_digest, run_dag, table_fingerprints
from rusmonitor import catalog
from rusmonitor.catalog import published_indicators, reference_figures
from rusmonitor.orchestrate import load_dag
from rusmonitor.quality import expected_years, loaded_years
from rusmonitor.sources import LOADED_SOURCES

PUBLISHED = set(published_indicators())
REFERENCE_ROWS = [r for r in reference_figures() if r["indicator_id"] in PUBLISHED]
BUILD_SCHEMAS = ("raw", "staging", "intermediate", "marts", "reference")


def test_dag_has_the_pipeline_steps_in_order(airflow_db):
    dag = load_dag()
    assert dag.dag_id == "rusmonitor_pipeline"
    assert set(dag.task_ids) == {"load_catalog", "validate_raw", "dbt_build", "validate_marts", "publish"} | {
        f"load_{s}" for s in LOADED_SOURCES
    }
    assert dag.get_task("publish").upstream_task_ids == {"validate_marts"}
    assert dag.get_task("validate_marts").upstream_task_ids == {"dbt_build"}
    assert dag.get_task("dbt_build").upstream_task_ids == {"validate_raw"}


def _mart(serving) -> pd.DataFrame:
    with duckdb.connect(str(serving), read_only=True) as con:
        return con.sql("SELECT * FROM mart_indicator_values").df()


def _value(
    mart: pd.DataFrame, indicator_id: str, year: int, geo_level: str, geo_code: str, breakdown: str
) -> float:
    """The visible value of one mart cell; a `sex=` breakdown is the sex column."""
    sex = breakdown.split("=")[1] if breakdown.startswith("sex=") else "all"
    breakdown = "total" if breakdown.startswith("sex=") else breakdown
    row = mart[
        (mart.indicator_id == indicator_id)
        & (mart.year == year)
        & (mart.geo_level == geo_level)
        & (mart.geo_code == geo_code)
        & (mart.sex == sex)
        & (mart.age_group == "all")
        & (mart.breakdown == breakdown)
    ]
    assert len(row) == 1, f"no unique mart row for {indicator_id} {year} {geo_code} {sex} {breakdown}"
    assert not row.suppressed.iloc[0], f"{indicator_id} {year} {geo_code} {breakdown} is suppressed"
    return float(row.value.iloc[0])


def mart_figure(mart: pd.DataFrame, ref: dict) -> float:
    """A reference figure as a reader of the published mart would compute it."""
    breakdown = ref["breakdown"] or "total"
    args = (ref["indicator_id"], ref["geo_level"], ref["geo_code"])
    if ref["measure"] == "mean":  # a mean over a period of yearly values
        first, last = (int(y) for y in ref["period"].split("-"))
        yearly = [_value(mart, args[0], y, *args[1:], breakdown) for y in range(first, last + 1)]
        return sum(yearly) / len(yearly)
    year = int(ref["year"])
    value = _value(mart, args[0], year, *args[1:], breakdown)
    if ref["measure"] == "share_pct":
        return 100 * value / _value(mart, args[0], year, *args[1:], "total")
    assert ref["measure"] == "value", ref
    return value


@pytest.mark.parametrize(
    "ref",
    REFERENCE_ROWS,
    ids=[
        f"{r['indicator_id']}-{r['year'] or r['period']}-{r['geo_code']}-{r['breakdown'] or 'total'}"
        for r in REFERENCE_ROWS
    ],
)
def test_reference_figure_reproduces_from_the_published_mart(pipeline, ref):
    got = mart_figure(_mart(pipeline["serving"]), ref)
    expected = float(ref["value"])
    tolerance = (
        float(ref["tolerance_abs"]) if ref["tolerance_abs"] else float(ref["tolerance_rel"]) * expected
    )
    assert abs(got - expected) <= tolerance, f"{got} is not {expected} ± {tolerance}"


def test_every_reference_figure_is_checked_against_the_mart():
    # none is left out for an indicator not published (and the file is not empty)
    assert REFERENCE_ROWS == reference_figures() and REFERENCE_ROWS


GEO_DIMENSIONS = {"rhf", "hf", "county", "municipality", "nd_office", "correctional_region"}


@pytest.mark.parametrize("indicator_id", sorted(PUBLISHED))
def test_indicator_has_rows_at_every_level_of_its_dimensions_for_every_year_of_its_source(
    pipeline, indicator_id
):
    ind = catalog.indicator(indicator_id)
    mart = _mart(pipeline["serving"])
    rows = mart[mart.indicator_id == indicator_id]
    with duckdb.connect(str(pipeline["warehouse"]), read_only=True) as con:
        years = set(expected_years(ind, loaded_years(con)))
    assert years, indicator_id
    levels = {"national"} | (GEO_DIMENSIONS & set(ind["dimensions"]))
    for level in levels:
        assert set(rows[rows.geo_level == level].year) == years, (indicator_id, level)
    assert set(rows[rows.geo_level == "rhf"].geo_code) <= {
        "helse_sor_ost",
        "helse_vest",
        "helse_midt_norge",
        "helse_nord",
    }
    for dimension in ("sex", "age_group"):
        if dimension in ind["dimensions"]:
            assert (rows[dimension] != "all").any(), (indicator_id, dimension)


def test_breakdowns_of_the_issue_are_published(pipeline):
    mart = _mart(pipeline["serving"])
    patients = set(mart[mart.indicator_id == "tsb_patients"].breakdown)
    assert {"total", "main_substance=alcohol", "main_substance=opioids"} <= patients
    fte = set(mart[mart.indicator_id == "municipal_fte_rus"].breakdown)
    assert {"work_category=rus", "target_group=barn;work_category=rus"} <= fte
    gap = mart[(mart.indicator_id == "golden_rule_gap") & (mart.geo_level == "rhf")]
    assert set(gap.breakdown) == {"sector=tsb", "sector=phv"}
    assert set(gap.target_status) <= {"on_track", "off_track"}


def test_status_follows_the_plan_baseline_and_its_interval_not_last_year(pipeline):
    """Status is the change since the plan's baseline (2015) against its 95 % interval: a value
    worse than its baseline with intervals apart is never on track, one whose change interval
    holds 0 is no significant change, and every change is the published values' difference."""
    with duckdb.connect(str(pipeline["serving"]), read_only=True) as con:
        rows = con.execute(
            """
            SELECT m.*, i.direction, b.value AS base_value, b.ci_low AS base_low, b.ci_high AS base_high
            FROM mart_indicator_values m
            JOIN dim_indicator i USING (indicator_id)
            LEFT JOIN mart_indicator_values b ON b.indicator_id = m.indicator_id
                AND b.geo_level = m.geo_level AND b.geo_code = m.geo_code AND b.sex = m.sex
                AND b.age_group = m.age_group AND b.breakdown = m.breakdown AND b.year = m.baseline_year
            WHERE i.direction IN ('up', 'down') AND i.threshold IS NULL AND m.value IS NOT NULL
                AND (i.headline_json IS NULL OR list_contains(
                    CAST(json_extract(i.headline_json, '$.breakdowns') AS VARCHAR[]), m.breakdown))
            """
        ).df()
    changed = rows[rows.change_since_baseline.notna()]
    assert len(changed) > 10_000
    assert (changed.baseline_value == changed.base_value).all()
    assert ((changed.value - changed.base_value - changed.change_since_baseline).abs() < 1e-9).all()
    up = changed.direction == "up"
    apart_worse = (up & (changed.ci_high < changed.base_low)) | (~up & (changed.ci_low > changed.base_high))
    apart_better = (up & (changed.ci_low > changed.base_high)) | (~up & (changed.ci_high < changed.base_low))
    assert apart_worse.sum() > 0 and apart_better.sum() > 0
    assert (changed[apart_worse].target_status == "off_track").all()
    assert (changed[apart_better].target_status == "on_track").all()
    holds_zero = (changed.change_ci_low <= 0) & (changed.change_ci_high >= 0)
    assert (changed[holds_zero].target_status == "no_significant_change").all()
    assert (changed[~holds_zero].target_status != "no_significant_change").all()
    # a series measured from 2015 where it has a value then
    series = ["indicator_id", "geo_level", "geo_code", "sex", "age_group", "breakdown"]
    in_2015 = rows[rows.year == 2015][series]
    later = changed.merge(in_2015, on=list(in_2015.columns))
    assert (later.baseline_year == 2015).all()
    # the plan's own example: drug-induced deaths 260 (2015) to 300 (2024) is not on track
    deaths = changed[
        (changed.indicator_id == "drug_induced_deaths")
        & (changed.geo_level == "national")
        & (changed.breakdown == "total")
        & (changed.sex == "all")
        & (changed.age_group == "all")
        & (changed.year == 2024)
    ]
    assert deaths.target_status.tolist() == ["no_significant_change"]
    # nothing before or at the baseline carries a change or a direction status
    assert set(rows[rows.change_since_baseline.isna()].target_status) == {"no_target"}


def test_a_category_beside_the_headline_has_no_status_of_its_own(pipeline):
    """The catalog's direction is its headline's: the function level wants more green + yellow,
    so a falling red or blood-red level is not "worsening"; the headline keeps its status."""
    with duckdb.connect(str(pipeline["serving"]), read_only=True) as con:
        values = dict(
            con.execute(
                "SELECT breakdown, list(DISTINCT target_status) FROM mart_indicator_values "
                "WHERE indicator_id = 'brukerplan_function_level' GROUP BY breakdown"
            ).fetchall()
        )
        trends = dict(
            con.execute(
                "SELECT breakdown, list(DISTINCT coalesce(trend_status, 'none')) FROM mart_indicator_trends "
                "WHERE indicator_id = 'brukerplan_function_level' GROUP BY breakdown"
            ).fetchall()
        )
    for beside in ("level=rod", "level=blodrod", "level=gul", "level=gronn", "total"):
        assert values[beside] == ["no_target"], (beside, values[beside])
        assert trends[beside] == ["none"], (beside, trends[beside])
    assert {"on_track", "off_track", "no_significant_change"} & set(values["level=gronn+gul"])
    assert {"improving", "worsening", "no_significant_change"} & set(trends["level=gronn+gul"])


def test_the_serving_file_holds_each_municipalitys_catchment(pipeline):
    """dim_municipality_catchment is published: one row per municipality of dim_geography,
    with the county, HF and RHF dim_geography gives it, each a published unit."""
    from rusmonitor.publish import PUBLISHED_TABLES

    assert "dim_municipality_catchment" in PUBLISHED_TABLES
    with duckdb.connect(str(pipeline["serving"]), read_only=True) as con:
        catchments = con.execute("SELECT * FROM dim_municipality_catchment").df()
        municipalities = con.execute(
            "SELECT geo_code AS municipality_code, county_code, hf_code, rhf_code FROM dim_geography "
            "WHERE geo_level = 'municipality'"
        ).df()
        units = set(con.execute("SELECT geo_level || ':' || geo_code FROM dim_geography").df().iloc[:, 0])
    assert list(catchments.columns) == ["municipality_code", "county_code", "hf_code", "rhf_code"]
    assert len(municipalities) > 300 and catchments.municipality_code.is_unique
    assert not catchments.isna().any().any()
    ordered = catchments.sort_values("municipality_code").reset_index(drop=True)
    assert ordered.equals(municipalities.sort_values("municipality_code").reset_index(drop=True))
    for level in ("county", "hf", "rhf"):
        assert {f"{level}:{code}" for code in catchments[f"{level}_code"]} <= units, level


def test_no_person_level_rows_or_small_counts_are_published(pipeline):
    with duckdb.connect(str(pipeline["serving"]), read_only=True) as con:
        columns = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns()").fetchall()}
        small = con.execute(
            "SELECT count(*) FROM mart_indicator_values m JOIN dim_indicator i USING (indicator_id) "
            "WHERE i.is_person_count AND m.numerator BETWEEN 1 AND 4"
        ).fetchall()[0][0]
        hidden = con.execute(
            "SELECT count(*) FROM mart_indicator_values WHERE suppressed "
            "AND (value IS NOT NULL OR suppression_reason IS NULL)"
        ).fetchall()[0][0]
    assert not {"person_key", "pasient_lopenr", "episode_id"} & columns
    assert small == 0 and hidden == 0


def test_second_run_over_the_same_files_changes_nothing(pipeline):
    before = table_fingerprints(pipeline["warehouse"], BUILD_SCHEMAS)
    served = table_fingerprints(pipeline["serving"], ("main",))
    state, tasks = run_dag(**pipeline)
    assert state == "success", tasks
    assert table_fingerprints(pipeline["warehouse"], BUILD_SCHEMAS) == before
    after = table_fingerprints(pipeline["serving"], ("main",))
    served.pop("main.publish_info"), after.pop("main.publish_info")
    assert after == served


def test_malformed_file_fails_its_load_and_keeps_the_data(copied):
    path = copied["landing"] / "npr" / "2013" / "npr_tsb_episoder_2013.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("behandling_start", "behandlingsstart", 1), encoding="utf-8")
    raw_before = table_fingerprints(copied["warehouse"], ("raw",))
    served_before = file_digest(copied["serving"])

    state, tasks = run_dag(**copied)

    assert state == "failed"
    assert tasks["load_npr"] == "failed"
    assert tasks["publish"] == "upstream_failed"
    assert table_fingerprints(copied["warehouse"], ("raw",)) == raw_before
    assert file_digest(copied["serving"]) == served_before


def test_failing_quality_gate_stops_publication(copied):
    """Data that passes the contracts and dbt's tests but not the GX mart suite: a resubmitted
    NPR file whose referral dates are decades old gives a mean wait no plan could have."""
    path = copied["landing"] / "npr" / "2014" / "npr_tsb_episoder_2014.csv"
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    frame["henvisning_mottatt"] = "1990-01-02"
    frame.to_csv(path, sep=";", index=False, quoting=csv.QUOTE_MINIMAL)
    served_before = file_digest(copied["serving"])

    state, tasks = run_dag(**copied)

    assert state == "failed"
    assert tasks["load_npr"] == "success" and tasks["dbt_build"] == "success"
    assert tasks["validate_marts"] == "failed"
    assert tasks["publish"] == "upstream_failed"
    assert file_digest(copied["serving"]) == served_before


def test_dbt_docs_build_as_one_static_page_with_the_catalog_definitions(pipeline):
    from rusmonitor.transform import generate_docs

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RUSMONITOR_DATA", str(pipeline["warehouse"].parent.parent))
        page = generate_docs(pipeline["warehouse"])
    html = page.read_text(encoding="utf-8")
    assert "ind_detox_followup_24h_share" in html
    # the indicator's definition, generated from the catalog into the model's YAML
    assert catalog.indicator("detox_followup_24h_share")["numerator"]["en"][:60] in html


def test_one_bad_samdata_cell_loses_only_its_own_record_end_to_end(copied):
    """A 2014 cost stored as text in one cell (a somatic cost of one trust): that record is
    quarantined, the trust's TSB cost in the same sheet row loads, and the published national
    TSB cost for 2014 stays the reference figure, 4 600.0 MNOK."""
    import openpyxl

    path = copied["landing"] / "samdata" / "2014" / "samdata_spesialisthelsetjenesten_2014.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Driftskostnader"]
    header = [c.value for c in sheet[3]]
    row = 8
    trust = sheet.cell(row, header.index("Helseforetak") + 1).value
    sheet.cell(row, header.index("Somatikk") + 1).value = "2 803,3"
    book.save(path)

    state, tasks = run_dag(**copied)

    assert state == "success", tasks
    with duckdb.connect(str(copied["warehouse"]), read_only=True) as con:
        quarantined = con.execute(
            "SELECT json_extract_string(record, '$.helseforetak'), json_extract_string(record, '$.sektor') "
            "FROM raw._quarantine WHERE table_name = 'samdata_operating_costs'"
        ).fetchall()
        costs = con.execute(
            "SELECT sektor, count(*) FROM raw.samdata_operating_costs WHERE aar = 2014 AND helseforetak = ? "
            "GROUP BY 1 ORDER BY 1",
            [trust],
        ).fetchall()
    assert quarantined == [(trust, "Somatikk")]
    assert costs == [("PHV barn og unge", 1), ("PHV voksne", 1), ("TSB", 1)]
    mart = _mart(copied["serving"])
    assert _value(mart, "tsb_cost_nok", 2014, "national", "NO", "total") == pytest.approx(4600.0, abs=0.05)


def test_trends_are_the_tests_they_name_refitted_independently(pipeline):
    """Each published trend is refitted from the published values with statsmodels (Poisson GLM,
    WLS, OLS) or, for the chi-square test for trend, from its identity chi2 = N r^2 over the
    persons; the p-values agree, and a window with a hidden year or under five years has none."""
    import numpy as np
    import statsmodels.api as sm
    from scipy import stats

    series = ["indicator_id", "geo_level", "geo_code", "sex", "age_group", "breakdown"]
    with duckdb.connect(str(pipeline["serving"]), read_only=True) as con:
        trends = con.execute("SELECT * FROM mart_indicator_trends").df()
        values = con.execute(
            "SELECT m.*, i.kind FROM mart_indicator_values m JOIN dim_indicator i USING (indicator_id)"
        ).df()
    assert set(trends.method.dropna()) == {
        "chi_square_trend",
        "poisson_regression",
        "weighted_regression",
        "linear_regression",
    }
    assert {"increasing", "decreasing", "no_significant_change", "hidden_values"} <= set(trends.trend)
    assert trends[trends.trend.isin(["hidden_values", "not_enough_points"])].p_value.isna().all()
    assert (trends[trends.trend == "not_enough_points"].n_points < 5).all()
    by_series = values.groupby(series)
    checked = 0
    for method, rows in trends[trends.method.notna()].groupby("method"):
        for trend in rows.sample(min(len(rows), 25), random_state=1).itertuples():
            points = by_series.get_group(tuple(getattr(trend, c) for c in series))
            points = points[points.year.between(trend.first_year, trend.last_year)].sort_values("year")
            assert len(points) == trend.n_points and points.value.notna().all()
            year = points.year.to_numpy(float) - points.year.mean()
            design = sm.add_constant(year)
            if method == "poisson_regression":
                offset = np.log(points.denominator) if points.kind.iloc[0] == "rate" else None
                fit = sm.GLM(
                    points.numerator.to_numpy(float), design, family=sm.families.Poisson(), offset=offset
                ).fit()
                p = np.asarray(fit.pvalues)[1]
            elif method == "weighted_regression":
                se = (points.ci_high - points.ci_low) / (2 * 1.959964)
                fit = sm.WLS(points.value.to_numpy(float), design, weights=1 / se.to_numpy(float) ** 2).fit()
                p = 2 * stats.norm.sf(
                    abs(np.asarray(fit.params)[1] / np.sqrt(np.asarray(fit.normalized_cov_params)[1, 1]))
                )
            elif method == "linear_regression":
                p = stats.linregress(year, points.value).pvalue
            else:  # Cochran-Armitage: N r^2, r the correlation of outcome and year over persons
                x, n = points.numerator.to_numpy(float), points.denominator.to_numpy(float)
                big_n = n.sum()
                mean_t, mean_y = (n * year).sum() / big_n, x.sum() / big_n
                cov = (x * year).sum() / big_n - mean_t * mean_y
                var_t, var_y = (n * year**2).sum() / big_n - mean_t**2, mean_y * (1 - mean_y)
                p = stats.chi2.sf(big_n * cov**2 / (var_t * var_y), 1) if var_y > 0 else 1.0
            assert abs(p - trend.p_value) < 1e-5, (method, trend)
            checked += 1
    assert checked >= 60
    # the plan-period window of a series is its years 2015-2020
    plan = trends[trends.period == "plan_period"]
    assert plan.first_year.min() >= 2015 and plan.last_year.max() <= 2020


def test_a_file_in_the_wrong_period_folder_and_a_half_copied_file_change_nothing_published(
    copied, monkeypatch
):
    """The two other silent losses, end to end: a 2015 IS-24/8 return dropped into the 2013
    folder as a correction is rejected (2013 does not vanish, 2015 is not doubled), and an NPR
    file cut off mid-copy is never loaded; the run fails and the published marts stay as they were."""
    monkeypatch.setenv("RUSMONITOR_SETTLE_WAIT", "2")
    landing = copied["landing"]
    source = landing / "is_24_8" / "2015" / "is_24_8_arsverk_2015.csv"
    shutil.copy(source, landing / "is_24_8" / "2013" / "is_24_8_arsverk_2013_korrigert.csv")
    whole = (landing / "npr" / "2024" / "npr_tsb_episoder_2024.csv").read_bytes()
    (landing / "npr" / "2024" / "npr_tsb_episoder_2024.csv").write_bytes(
        whole[: len(whole) // 2].rstrip(b"\n")
    )
    raw_before = table_fingerprints(copied["warehouse"], ("raw",))
    served_before = file_digest(copied["serving"])

    state, tasks = run_dag(**copied)

    assert state == "failed"
    assert tasks["load_is_24_8"] == "failed" and tasks["load_npr"] == "failed", tasks
    assert tasks["publish"] == "upstream_failed"
    assert table_fingerprints(copied["warehouse"], ("raw",)) == raw_before
    assert file_digest(copied["serving"]) == served_before
    with duckdb.connect(str(copied["serving"]), read_only=True) as con:
        years = con.execute(
            "SELECT DISTINCT year FROM mart_indicator_values WHERE indicator_id = 'municipal_fte_rus' "
            "AND geo_level = 'national'"
        ).fetchall()
    assert {2013, 2015} <= {y for (y,) in years}
