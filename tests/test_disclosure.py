"""Disclosure control, proven by an attacker that sees only the published files and solves
linear programmes over every relation at once (rusmonitor.disclosure.audit), and shown to
fail when something a reader could use is put back."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from rusmonitor import catalog
from rusmonitor.disclosure.audit import KEY, audit

DEATHS = ["drug_induced_deaths", "drug_induced_deaths_per_100k"]
TSB = ["tsb_patients", "tsb_patients_per_1000", "free_choice_share"]


def _truth(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture()
def serving_copy(pipeline, tmp_path) -> Path:
    target = tmp_path / "serving" / "warehouse.duckdb"
    target.parent.mkdir()
    shutil.copy(pipeline["serving"], target)
    shutil.copy(pipeline["serving"].with_name("quality.duckdb"), target.with_name("quality.duckdb"))
    return target


def test_nothing_small_can_be_worked_out_from_the_published_files(pipeline):
    report = audit(pipeline["serving"], truth_warehouse=pipeline["warehouse"])
    assert report.summary.hidden.sum() > 10_000  # the sample data has small counts to hide
    assert report.ok, [f"{f.kind} {f.indicator_id} {f.where} {f.detail}" for f in report.findings[:20]]
    truth = report.truth
    small = truth.true_value.between(1, catalog.default_suppression_limit())
    assert small.sum() > 10_000
    # every exactly solved interval holds the true value: the attacker's equations are true
    solved = truth[truth.solved]
    assert ((solved.true_value >= solved.low - 1e-6) & (solved.true_value <= solved.high + 1e-6)).all()


def _hidden_rows(
    warehouse: Path, indicators: list[str], reason: str, extra: str = "", limit: int = 50
) -> list[tuple]:
    names = ", ".join(f"'{i}'" for i in indicators)
    return _truth(
        warehouse,
        f"SELECT {', '.join('v.' + k for k in KEY)}, v.numerator, v.denominator, v.value "
        "FROM intermediate.int_indicator_values_unioned v "
        "JOIN intermediate.int_indicator_disclosure d USING (row_id) "
        f"WHERE v.indicator_id IN ({names}) AND d.suppression_reason = '{reason}' {extra} "
        "ORDER BY v.indicator_id, v.year, v.geo_level, v.geo_code, v.sex, v.age_group, v.breakdown "
        f"LIMIT {limit}",
    )


def _show(serving: Path, row: tuple) -> None:
    """Publish one hidden row's true numerator, denominator and value."""
    key, (numerator, denominator, value) = row[:7], row[7:]
    with duckdb.connect(str(serving)) as con:
        con.execute(
            "UPDATE mart_indicator_values SET numerator = ?, denominator = coalesce(denominator, ?), "
            "value = ?, suppressed = false, suppression_reason = NULL "
            f"WHERE {' AND '.join(f'{k} = ?' for k in KEY)}",
            [numerator, denominator, value, *key],
        )


def test_the_audit_names_what_a_secondary_cell_put_back_gives_away(pipeline, serving_copy):
    candidates = _hidden_rows(pipeline["warehouse"], DEATHS[:1], "secondary")
    assert candidates
    for row in candidates[:5]:
        _show(serving_copy, row)
        report = audit(serving_copy, indicators=DEATHS)
        exposed = [f for f in report.findings if f.kind in ("exact", "under_protected")]
        if exposed:
            break
        shutil.copy(pipeline["serving"], serving_copy)
    assert exposed, "showing a secondary cell exposed nothing"
    year, geo_level, geo_code = row[1], row[2], row[3]
    assert any(str(year) in f.where for f in exposed), [f.where for f in exposed]
    assert geo_level in ("county", "national") and geo_code


def test_the_audit_names_a_moving_average_shown_over_a_hidden_year(pipeline, serving_copy):
    (row,) = _hidden_rows(
        pipeline["warehouse"],
        ["tsb_patients_per_1000"],
        "derived",
        "AND v.breakdown = 'adjustment=moving_average_3y' AND v.geo_level = 'municipality'",
        limit=1,
    )
    _show(serving_copy, row)
    report = audit(serving_copy, indicators=TSB)
    derived = [f for f in report.findings if f.kind == "derived"]
    assert len(derived) == 1 and row[3] in derived[0].where and str(row[1]) in derived[0].where


def test_the_audit_names_an_age_standardised_rate_over_unpublished_bands(pipeline, serving_copy):
    # a municipality's age bands are not published: its standardised rate would give them away
    (row,) = _hidden_rows(
        pipeline["warehouse"],
        ["tsb_patients_per_1000"],
        "derived",
        "AND v.breakdown = 'adjustment=age_standardised' AND v.geo_level = 'municipality' AND v.sex = 'all'",
        limit=1,
    )
    _show(serving_copy, row)
    report = audit(serving_copy, indicators=TSB)
    derived = [f for f in report.findings if f.kind == "derived"]
    assert len(derived) == 1 and row[3] in derived[0].where


def test_the_audit_names_lineage_that_tells_a_hidden_cell_apart(pipeline, serving_copy):
    # drop the register's loads from one hidden cell's lineage, as lineage listing only the
    # loads with rows behind a cell would do for a zero
    (key,) = _truth(
        pipeline["warehouse"],
        f"SELECT {', '.join('v.' + k for k in KEY)} FROM intermediate.int_indicator_values_unioned v "
        "JOIN intermediate.int_indicator_disclosure d USING (row_id) "
        "WHERE v.indicator_id = 'tsb_patients_per_1000' AND d.suppression_reason = 'primary' "
        "ORDER BY ALL LIMIT 1",
    )
    with duckdb.connect(str(serving_copy)) as con:
        con.execute(
            "DELETE FROM mart_indicator_lineage WHERE source_id = 'npr' AND "
            + " AND ".join(f"{k} = ?" for k in KEY),
            list(key),
        )
    report = audit(serving_copy, indicators=TSB)
    lineage = [f for f in report.findings if f.kind == "lineage"]
    assert lineage and key[3] in lineage[0].where, [f.where for f in lineage]


def test_published_quality_results_hold_no_counts_of_persons(pipeline, serving_copy):
    report = audit(serving_copy, indicators=DEATHS)
    assert not [f for f in report.findings if f.kind == "quality"]
    with duckdb.connect(str(serving_copy.with_name("quality.duckdb"))) as con:
        con.execute("UPDATE quality_runs SET rows_validated = 3 WHERE suite = 'raw.npr_tsb_episodes'")
    report = audit(serving_copy, indicators=DEATHS)
    assert [f for f in report.findings if f.kind == "quality" and "npr_tsb_episodes" in f.where]


def test_hidden_cells_share_one_public_reason(pipeline):
    with duckdb.connect(str(pipeline["serving"]), read_only=True) as con:
        reasons = con.execute(
            "SELECT DISTINCT suppression_reason FROM mart_indicator_values WHERE suppressed"
        ).fetchall()
        shown = con.execute(
            "SELECT count(*) FROM mart_indicator_values WHERE suppressed AND "
            "(value IS NOT NULL OR ci_low IS NOT NULL OR ci_high IS NOT NULL)"
        ).fetchall()[0][0]
    assert reasons == [("disclosure_control",)] and shown == 0
