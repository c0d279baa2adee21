"""The suites, generated, never hand-written: the raw suites from the source contracts
(contracts/), the per-file profile and freshness suites, and the mart suite from the
indicator catalog (indicators.yml) and the dbt project; export_suites writes them as GX JSON
for review."""

from __future__ import annotations

from pathlib import Path

from rusmonitor import catalog
from rusmonitor.contracts import Contract
from rusmonitor.geography import GEO_LEVELS, RHF_CODES
from rusmonitor.quality.dbt_project import mart_contract, target_statuses
from rusmonitor.quality.results import CRITICAL, WARNING
from rusmonitor.sources import CONTRACTS


def severity(expectation, level: str = CRITICAL):
    """Tag an expectation with its severity (GX keeps meta with the suite and in Data Docs)."""
    expectation.meta = {**(expectation.meta or {}), "severity": level}
    return expectation


def _typed(contract_column, values):
    return [int(v) for v in values] if contract_column.dtype == "integer" else list(values)


def raw_expectations(contract: Contract, metadata: bool = True) -> list:
    """The contract as expectations: columns, not-null, allowed values, patterns, ranges, key.
    Without metadata: for a landing file's rows before they are written (no load columns)."""
    import great_expectations.expectations as gxe

    out = [gxe.ExpectTableRowCountToBeBetween(min_value=1)]
    if metadata:
        out.insert(
            0,
            gxe.ExpectTableColumnsToMatchSet(
                column_set=contract.column_names + list(contract.metadata_columns), exact_match=True
            ),
        )
    for c in contract.columns:
        if not c.nullable:
            out.append(gxe.ExpectColumnValuesToNotBeNull(column=c.name))
        if c.allowed is not None:
            out.append(gxe.ExpectColumnValuesToBeInSet(column=c.name, value_set=_typed(c, c.allowed)))
        if c.pattern is not None and c.dtype == "varchar":
            out.append(gxe.ExpectColumnValuesToMatchRegex(column=c.name, regex=f"^{c.pattern}$"))
        if c.min is not None or c.max is not None:
            out.append(gxe.ExpectColumnValuesToBeBetween(column=c.name, min_value=c.min, max_value=c.max))
    for larger, smaller in contract.ordered_pairs:
        out.append(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=larger, column_B=smaller, or_equal=True, ignore_row_if="either_value_is_missing"
            )
        )
    if len(contract.key) == 1:
        out.append(gxe.ExpectColumnValuesToBeUnique(column=contract.key[0]))
    else:
        out.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(contract.key)))
    if metadata:
        for col in contract.metadata_columns:
            out.append(gxe.ExpectColumnValuesToNotBeNull(column=col))
    return out


# A period's rows, or a measure's total, against the median of the table's other periods: a
# new year is not four times the last (Brukerplan grew from 8 000 to 28 000 users over 13 years),
# and a tenfold jump in a total is an error in the extract.
ROWS_RATIO = (1 / 4, 4.0)
MEASURE_RATIO = (1 / 5, 5.0)


def profile_expectations(contract: Contract) -> list:
    """The suite over a table's per-file profile: a period is delivered once, and no period's
    size or totals jump against the others (critical)."""
    import great_expectations.expectations as gxe

    out = [
        severity(gxe.ExpectColumnValuesToNotBeNull(column="period_year")),
        # the same period from two files is a duplicated delivery
        severity(gxe.ExpectColumnValuesToBeUnique(column="period")),
    ]
    if contract.freshness_lag_years is not None:  # one-off surveys have no year-on-year
        out.append(
            severity(
                gxe.ExpectColumnValuesToBeBetween(
                    column="ratio_rows", min_value=ROWS_RATIO[0], max_value=ROWS_RATIO[1]
                )
            )
        )
        for m in contract.measures:
            out.append(
                severity(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=f"ratio_{m}", min_value=MEASURE_RATIO[0], max_value=MEASURE_RATIO[1]
                    )
                )
            )
    return out


def freshness_expectations() -> list:
    """Every source that is not a one-off has delivered its newest period (critical)."""
    import great_expectations.expectations as gxe

    return [
        severity(gxe.ExpectColumnValuesToNotBeNull(column="newest_year")),
        severity(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="newest_year", column_B="expected_year", or_equal=True
            )
        ),
    ]


def expected_years(ind: dict, years_by_source: dict[str, list[int]]) -> list[int]:
    """The years an indicator must have national rows for: every year its source delivered,
    less the first for growth rates (they need the year before) and, for rates, years without
    population. A source dated by its edition, not by its figures' years (EUDA's bulletin), has
    them from the catalog entry's `years`."""
    if "years" in ind:
        return list(range(ind["years"]["first"], ind["years"]["last"] + 1))
    years = sorted(years_by_source.get(ind["source"], []))
    if ind["kind"] == "difference":
        years = years[1:]
    if ind["kind"] == "rate":
        population = set(years_by_source.get("ssb_population", []))
        years = [y for y in years if y in population]
    return years


# A year-on-year ratio beyond this (or below its inverse) is flagged, unless the catalog sets
# `max_yearly_change` on the indicator.
DEFAULT_MAX_YEARLY_CHANGE = 3.0


def mart_expectations(years_by_source: dict[str, list[int]]) -> list:
    """The mart suite, from the catalog: ids, levels, ranges by unit, no unsuppressed small
    counts, every published indicator present for every year its source delivered."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    # GX builds conditions from ==; `is True` would not build one
    shown = Column("suppressed") == False  # noqa: E712
    hidden = Column("suppressed") == True  # noqa: E712
    person_count = Column("is_person_count") == True  # noqa: E712
    person_denominator = Column("is_denominator_person_count") == True  # noqa: E712
    small_counts = list(range(1, catalog.default_suppression_limit() + 1))
    ids = [i["id"] for i in catalog.indicators()]
    published = catalog.published_indicators()
    columns, key = mart_contract()
    out = [
        gxe.ExpectTableColumnsToMatchOrderedList(column_list=columns),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=key),
        gxe.ExpectColumnValuesToBeInSet(column="indicator_id", value_set=ids),
        gxe.ExpectColumnDistinctValuesToContainSet(column="indicator_id", value_set=published),
        gxe.ExpectColumnValuesToBeInSet(
            column="geo_level",
            value_set=list(GEO_LEVELS),
        ),
        gxe.ExpectColumnValuesToBeInSet(column="sex", value_set=["all", "male", "female"]),
        gxe.ExpectColumnValuesToBeInSet(column="target_status", value_set=target_statuses()),
        gxe.ExpectColumnValuesToNotBeNull(column="value", row_condition=shown),
        gxe.ExpectColumnValuesToBeNull(column="value", row_condition=hidden),
        gxe.ExpectColumnValuesToNotBeNull(column="suppression_reason", row_condition=hidden),
        # privacy: no visible person count from 1 up to the catalog's limit
        gxe.ExpectColumnValuesToNotBeInSet(
            column="numerator", value_set=small_counts, row_condition=person_count
        ),
        gxe.ExpectColumnValuesToNotBeInSet(
            column="denominator", value_set=small_counts, row_condition=person_denominator
        ),
        # the 95 % interval contains the value (derived gaps: value - ci_low, ci_high - value)
        gxe.ExpectColumnValuesToBeBetween(column="ci_low_gap", min_value=-1e-9),
        gxe.ExpectColumnValuesToBeBetween(column="ci_high_gap", min_value=-1e-9),
    ]
    headline = (Column("sex") == "all") & (Column("age_group") == "all")
    for ind in catalog.indicators():
        if ind["id"] not in published:
            continue
        cond = Column("indicator_id") == ind["id"]
        years = expected_years(ind, years_by_source)
        if ind["priority"] == "core" and "rhf" in ind["dimensions"]:
            # every RHF, every year: a region missing from an extract shows here
            out.append(
                gxe.ExpectColumnDistinctValuesToContainSet(
                    column="year_geo",
                    value_set=[f"{y}:{r}" for y in years for r in RHF_CODES],
                    row_condition=cond & (Column("geo_level") == "rhf") & headline,
                )
            )
        if ind["kind"] != "difference":
            # a jump from one year to the next beyond the catalog's bound is worth a look, not a
            # stop: real changes happen (warning)
            bound = float(ind.get("max_yearly_change", DEFAULT_MAX_YEARLY_CHANGE))
            out.append(
                severity(
                    gxe.ExpectColumnValuesToBeBetween(
                        column="yoy_ratio", min_value=1 / bound, max_value=bound, row_condition=cond
                    ),
                    WARNING,
                )
            )
        value_range = catalog.unit_range(ind["unit"])
        if ind["kind"] in ("share", "mean", "median") and value_range:
            lo, hi = value_range
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="value", min_value=lo, max_value=hi, row_condition=cond
                )
            )
        elif ind["kind"] in ("count", "rate"):
            out.append(gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0, row_condition=cond))
        # every year of the source's data, at national level
        out.append(
            gxe.ExpectColumnDistinctValuesToContainSet(
                column="year", value_set=years, row_condition=cond & (Column("geo_level") == "national")
            )
        )
    return out


def export_suites(out: Path, years: dict[str, list[int]]) -> list[Path]:
    """Write the generated suites as GX JSON files, for review."""
    import json

    import great_expectations as gx

    out.mkdir(parents=True, exist_ok=True)
    suites = {f"raw.{t}": raw_expectations(c) for t, c in CONTRACTS.items()}
    suites |= {f"raw.{t}.periods": profile_expectations(c) for t, c in CONTRACTS.items()}
    suites["raw.freshness"] = freshness_expectations()
    suites["marts.mart_indicator_values"] = mart_expectations(years)
    written = []
    for name, expectations in suites.items():
        suite = gx.ExpectationSuite(name=name, expectations=expectations)
        path = out / f"{name}.json"
        path.write_text(
            json.dumps(suite.to_json_dict(), indent=2, ensure_ascii=False, default=str), encoding="utf-8"
        )
        written.append(path)
    return written
