"""The suppression engine on small tables: what it hides, why, and that the result passes the
audit a reader could run on it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rusmonitor.catalog import default_suppression_limit
from rusmonitor.disclosure.audit import audit_published
from rusmonitor.disclosure.specs import specs_from_rows
from rusmonitor.disclosure.suppress import protect

# the catalog's limit: the tests' small counts are those the pipeline hides
LIMIT = default_suppression_limit()


def _spec(indicator_id, kind="count", unit="persons", dims="year,rhf", persons=True, **extra):
    row = {
        "indicator_id": indicator_id,
        "goal": 3,
        "kind": kind,
        "unit": unit,
        "dimensions": dims,
        "is_person_count": persons,
        "is_denominator_person_count": kind in ("share", "mean", "median"),
        "suppression_limit": LIMIT,
        "protection_level": LIMIT,
        "numerator_is": None,
        "denominator_is": None,
        "standard_ages": None,
        "standard_year": None,
    }
    row.update(extra)
    return row


def _rows(*rows):
    frame = pd.DataFrame(
        rows,
        columns=[
            "indicator_id",
            "year",
            "geo_level",
            "geo_code",
            "sex",
            "age_group",
            "breakdown",
            "numerator",
            "denominator",
        ],
    )
    frame.insert(0, "row_id", np.arange(1, len(frame) + 1))
    return frame


def _geography(*units):
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


def _published(rows, status, specs_rows):
    """The public mart as mart_indicator_values builds it from the engine's status."""
    out = rows.merge(status, on="row_id")
    persons = out.indicator_id.map({s["indicator_id"]: s["is_person_count"] for s in specs_rows})
    out["numerator"] = out.numerator.where(~out.is_numerator_hidden & ~(out.is_suppressed & ~persons))
    out["denominator"] = out.denominator.where(~out.is_denominator_hidden)
    out["value"] = np.where(out.is_suppressed, np.nan, out.numerator)
    out["ci_low"] = out["ci_high"] = np.nan
    out["suppressed"] = out.is_suppressed
    out["suppression_reason"] = np.where(out.is_suppressed, "disclosure_control", None)
    return out.drop(columns="row_id")


REGIONS = _geography(
    ("rhf", "a", "national", "NO", None, None, None), ("rhf", "b", "national", "NO", None, None, None)
)


def test_small_counts_and_what_gives_them_away_are_hidden_with_their_reasons():
    """The country has 10 patients, a 7 and b 3: b is hidden (primary) and so is a, or the
    country minus a gives b away. A share of 20 in 22 has a complement of 2; a mean over 3
    persons hides its denominator; costs are not persons and stay."""
    specs_rows = [
        _spec("patients"),
        _spec("share", kind="share", unit="percent"),
        _spec("wait", kind="mean", unit="days", persons=False),
        _spec("costs", unit="nok_million", persons=False),
    ]
    rows = _rows(
        ("patients", 2020, "national", "NO", "all", "all", "total", 10, None),
        ("patients", 2020, "rhf", "a", "all", "all", "total", 7, None),
        ("patients", 2020, "rhf", "b", "all", "all", "total", 3, None),
        ("share", 2020, "national", "NO", "all", "all", "total", 20, 22),
        ("share", 2021, "national", "NO", "all", "all", "total", 0, 0),
        ("wait", 2020, "national", "NO", "all", "all", "total", 150, 3),
        ("costs", 2020, "national", "NO", "all", "all", "total", 2, None),
    )
    result = protect(rows, specs_from_rows(specs_rows), REGIONS)
    status = result.rows.set_index("row_id")
    assert status.suppression_reason.fillna("-").to_dict() == {
        1: "-",
        2: "secondary",
        3: "primary",
        4: "complement",
        5: "-",
        6: "denominator",
        7: "-",
    }
    assert bool(status.loc[6, "is_denominator_hidden"]) and not bool(status.loc[7, "is_suppressed"])


def test_a_count_two_indicators_publish_is_hidden_in_both():
    specs_rows = [_spec("count"), _spec("rate", kind="rate", unit="per_1000", numerator_is="count")]
    rows = _rows(
        ("count", 2020, "national", "NO", "all", "all", "total", 40, None),
        ("count", 2020, "rhf", "a", "all", "all", "total", 37, None),
        ("count", 2020, "rhf", "b", "all", "all", "total", 3, None),
        ("rate", 2020, "national", "NO", "all", "all", "total", 40, 10_000),
        ("rate", 2020, "rhf", "a", "all", "all", "total", 37, 7_000),
        ("rate", 2020, "rhf", "b", "all", "all", "total", 3, 3_000),
    )
    status = protect(rows, specs_from_rows(specs_rows), REGIONS).rows.set_index("row_id")
    assert status.is_suppressed.tolist() == [False, True, True, False, True, True]
    assert status.is_denominator_hidden.sum() == 0  # a rate's population is public


def test_a_count_declared_shared_but_different_in_the_data_stops_with_both_named():
    """A catalog reference (numerator_is / denominator_is) that is wrong for the data would
    make the engine protect the wrong count: it stops and names both indicators instead."""
    specs_rows = [_spec("count"), _spec("rate", kind="rate", unit="per_1000", numerator_is="count")]
    rows = _rows(
        ("count", 2020, "national", "NO", "all", "all", "total", 40, None),
        ("rate", 2020, "national", "NO", "all", "all", "total", 39, 10_000),
    )
    with pytest.raises(ValueError, match=r"2020 national NO: count numerator = 40; rate numerator = 39"):
        protect(rows, specs_from_rows(specs_rows), REGIONS)


def test_two_geographies_over_the_same_municipalities_are_protected_together():
    """Counties and HF areas cut the same eight municipalities differently; the pattern must
    survive an attacker who uses both."""
    munis = [(f"m{i}", f"c{i // 4}", f"h{i % 2}") for i in range(8)]
    geo = _geography(
        ("rhf", "r", "national", "NO", None, None, None),
        *[("hf", h, "rhf", "r", None, None, None) for h in ("h0", "h1")],
        *[("county", c, "national", "NO", None, None, None) for c in ("c0", "c1")],
        *[("municipality", m, "county", c, c, h, "r") for m, c, h in munis],
    )
    counts = dict(zip([m for m, _, _ in munis], [2, 30, 12, 40, 9, 1, 25, 14], strict=True))
    specs_rows = [
        _spec("x", dims="year,county,municipality"),
        _spec("y", dims="year,rhf,hf", numerator_is="x"),
    ]
    county = {
        c: sum(v for (m, cc, _), v in zip(munis, counts.values(), strict=True) if cc == c)
        for c in ("c0", "c1")
    }
    hf = {
        h: sum(v for (m, _, hh), v in zip(munis, counts.values(), strict=True) if hh == h)
        for h in ("h0", "h1")
    }
    total = sum(counts.values())
    rows = _rows(
        ("x", 2020, "national", "NO", "all", "all", "total", total, None),
        *[("x", 2020, "county", c, "all", "all", "total", v, None) for c, v in county.items()],
        *[("x", 2020, "municipality", m, "all", "all", "total", v, None) for m, v in counts.items()],
        ("y", 2020, "national", "NO", "all", "all", "total", total, None),
        ("y", 2020, "rhf", "r", "all", "all", "total", total, None),
        *[("y", 2020, "hf", h, "all", "all", "total", v, None) for h, v in hf.items()],
    )
    result = protect(rows, specs_from_rows(specs_rows), geo)
    published = {
        "mart_indicator_values": _published(rows, result.rows, specs_rows),
        "dim_indicator": pd.DataFrame(specs_rows),
        "dim_geography": geo,
    }
    report = audit_published(published, exact_all=True)
    assert report.ok, [(f.kind, f.where, f.detail) for f in report.findings]
    hidden = set(result.rows[result.rows.is_suppressed].row_id)
    assert {4, 9} <= hidden  # m0 = 2 and m5 = 1 (rows 4 and 9)


def test_a_summed_category_is_protected_with_the_categories_it_adds_up():
    """Function levels 3 green, 50 yellow, 30 red of 83, and the headline green + yellow = 53
    published beside them. Hiding green and red protects green against the total alone
    (green + red = 33), but not against an attacker who knows that `level=gronn+gul` is green
    plus yellow (53 - 50 = 3): the audit finds it, and the engine hides yellow or the sum."""
    specs_rows = [_spec("level", kind="share", unit="percent", dims="year,level", denominator_is="level")]
    rows = _rows(
        ("level", 2020, "national", "NO", "all", "all", "total", 83, 83),
        ("level", 2020, "national", "NO", "all", "all", "level=gronn", 3, 83),
        ("level", 2020, "national", "NO", "all", "all", "level=gul", 50, 83),
        ("level", 2020, "national", "NO", "all", "all", "level=rod", 30, 83),
        ("level", 2020, "national", "NO", "all", "all", "level=gronn+gul", 53, 83),
    )
    specs = specs_from_rows(specs_rows)
    result = protect(rows, specs, _geography())

    def audit(status):
        published = {
            "mart_indicator_values": _published(rows, status, specs_rows),
            "dim_indicator": pd.DataFrame(specs_rows),
            "dim_geography": _geography(),
        }
        return audit_published(published, exact_all=True)

    report = audit(result.rows)
    assert report.ok, [(f.kind, f.where, f.detail) for f in report.findings]
    hidden = set(result.rows[result.rows.is_suppressed].row_id)
    assert 2 in hidden and {3, 5} & hidden, hidden
    # green and red hidden, the sum shown: green is worked out through the sum
    naive = result.rows.copy()
    naive["is_suppressed"] = naive.row_id.isin([2, 4])
    naive["is_numerator_hidden"] = naive["is_suppressed"]
    naive["suppression_reason"] = np.where(naive.is_suppressed, "primary", None)
    report = audit(naive)
    assert not report.ok
    assert any("gronn" in f.where and "gronn+gul" not in f.where for f in report.findings), [
        (f.kind, f.where) for f in report.findings
    ]


def test_a_moving_average_over_a_hidden_year_is_hidden():
    geo = _geography(
        ("county", "c", "national", "NO", None, None, None),
        ("municipality", "m", "county", "c", "c", None, None),
        ("municipality", "n", "county", "c", "c", None, None),
    )
    specs_rows = [_spec("r", kind="rate", unit="per_1000", dims="year,county,municipality")]
    years = {2010: 9, 2011: 2, 2012: 8, 2013: 12}
    other = {2010: 50, 2011: 60, 2012: 70, 2013: 80}
    rows = []
    for year in years:
        rows.append(("r", year, "municipality", "m", "all", "all", "total", years[year], 900))
        rows.append(("r", year, "municipality", "n", "all", "all", "total", other[year], 1000))
        rows.append(("r", year, "county", "c", "all", "all", "total", years[year] + other[year], 1900))
    for year in (2012, 2013):
        pooled = sum(years[y] for y in range(year - 2, year + 1))
        rows.append(
            ("r", year, "municipality", "m", "all", "all", "adjustment=moving_average_3y", pooled, 2700)
        )
    frame = _rows(*rows)
    status = protect(frame, specs_from_rows(specs_rows), geo).rows.merge(frame, on="row_id")
    moving = status[status.breakdown == "adjustment=moving_average_3y"]
    assert moving.is_suppressed.all() and set(moving.suppression_reason) == {"derived"}
    assert status[(status.year == 2011) & (status.geo_code == "m")].suppression_reason.tolist() == ["primary"]


def test_the_parts_protected_in_worker_processes_hide_what_one_process_hides(monkeypatch, caplog):
    """Each year of a count by region is an independent part: shared out among two worker
    processes they end hidden exactly as when one process protects them in turn."""
    from rusmonitor.disclosure import parts

    rng = np.random.default_rng(7)
    regions = ("a", "b", "c", "d")
    geo = _geography(*[("rhf", r, "national", "NO", None, None, None) for r in regions])
    specs_rows = [_spec("patients"), _spec("share", kind="share", unit="percent")]
    rows = []
    for year in range(2000, 2025):
        counts = rng.integers(0, 12, len(regions)) * rng.integers(0, 2, len(regions)) + rng.integers(0, 3)
        rows += [
            ("patients", year, "rhf", r, "all", "all", "total", int(c), None)
            for r, c in zip(regions, counts, strict=True)
        ]
        rows.append(("patients", year, "national", "NO", "all", "all", "total", int(counts.sum()), None))
        shown = counts + rng.integers(0, 4, len(regions))
        rows += [
            ("share", year, "rhf", r, "all", "all", "total", int(c), int(d))
            for r, c, d in zip(regions, counts, shown, strict=True)
        ]
    frame = _rows(*rows)
    specs = specs_from_rows(specs_rows)

    monkeypatch.setenv("RUSMONITOR_DISCLOSURE_WORKERS", "1")
    alone = protect(frame, specs, geo)
    monkeypatch.setenv("RUSMONITOR_DISCLOSURE_WORKERS", "2")
    monkeypatch.setattr(parts, "MIN_HIDDEN_FOR_WORKERS", 0)
    with caplog.at_level("INFO", logger=parts.__name__):
        shared = protect(frame, specs, geo)
    assert "on 2 processes" in caplog.text
    assert alone.stats["programmes"] > 0 and alone.stats["hidden"] > alone.stats["primary"]
    pd.testing.assert_frame_equal(alone.rows, shared.rows)
    assert {k: v for k, v in alone.stats.items() if k != "seconds"} == {
        k: v for k, v in shared.stats.items() if k != "seconds"
    }


def test_a_worker_that_fails_stops_disclosure_control_with_its_exit_code(monkeypatch):
    """Nothing is published from a part a worker did not protect: its failure is the error."""
    import sys

    from rusmonitor.disclosure import parts

    rows = _rows(
        *[
            ("patients", year, "rhf", r, "all", "all", "total", c, None)
            for year in (2020, 2021)
            for r, c in (("a", 3), ("b", 9))
        ],
        *[("patients", year, "national", "NO", "all", "all", "total", 12, None) for year in (2020, 2021)],
    )
    monkeypatch.setenv("RUSMONITOR_DISCLOSURE_WORKERS", "2")
    monkeypatch.setattr(parts, "MIN_HIDDEN_FOR_WORKERS", 0)
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.raises(RuntimeError, match="worker 0 ended with exit code 1"):
        protect(rows, specs_from_rows([_spec("patients")]), REGIONS)
