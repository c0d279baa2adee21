"""Great Expectations suites and their runs.

Suites are generated, never hand-written: the raw suites from the source contracts
(contracts.py), the mart suite from the indicator catalog (indicators.yml). DuckDB tables reach
GX as pandas DataFrames through Arrow, because GX's SQL datasource over duckdb-engine is broken
(GX #11579: every metric errors). A validation that raises counts as a failure, never a pass.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import yaml

from rusmonitor import catalog
from rusmonitor.contracts import CONTRACTS, Contract
from rusmonitor.settings import DBT_PROJECT_DIR, warehouse_path

log = logging.getLogger(__name__)

MART_YAML = DBT_PROJECT_DIR / "models" / "marts" / "mart_indicator_values.yml"


def mart_contract() -> tuple[list[str], list[str]]:
    """The public columns (in order) and the key of the long mart, from its dbt model contract:
    one definition for dbt, GX and publication."""
    doc = yaml.safe_load(MART_YAML.read_text(encoding="utf-8"))
    model = next(m for m in doc["models"] if m["name"] == "mart_indicator_values")
    columns = [c["name"] for c in model["columns"]]
    key = next(
        t["unique_combination"]["arguments"]["columns"]
        for t in model["data_tests"]
        if isinstance(t, dict) and "unique_combination" in t
    )
    return columns, key


# Plausible ranges by catalog unit, for kinds whose value is a level rather than a change.
# Ranges of a value by unit, for shares, means and medians (a count of bed-days is not a duration).
UNIT_RANGES = {"percent": (0, 100), "days": (0, 365)}


class QualityGateFailed(Exception):
    """A suite failed: the data must not move on (to the marts, or to the report)."""

    def __init__(self, results: list[SuiteResult]):
        self.results = results
        failed = [o for r in results for o in r.outcomes if not o.success]
        lines = [f"{len(failed)} expectation(s) failed:"]
        lines += [f"  {o}" for o in failed[:30]]
        super().__init__("\n".join(lines))


@dataclass
class Outcome:
    suite: str
    expectation: str
    kwargs: dict[str, Any]
    success: bool
    observed: Any = None
    unexpected_count: int | None = None
    error: str | None = None

    def __str__(self) -> str:
        what = ", ".join(
            f"{k}={v!r}"
            for k, v in self.kwargs.items()
            if k in ("column", "column_list", "row_condition", "min_value", "max_value")
        )
        detail = self.error or (
            f"unexpected {self.unexpected_count}" if self.unexpected_count else f"observed {self.observed!r}"
        )
        return f"[{self.suite}] {self.expectation}({what}): {detail}"


@dataclass
class SuiteResult:
    suite: str
    success: bool
    rows: int
    seconds: float
    outcomes: list[Outcome] = field(default_factory=list)


# ---------------------------------------------------------------- suites
def _typed(contract_column, values):
    return [int(v) for v in values] if contract_column.dtype == "integer" else list(values)


def raw_expectations(contract: Contract) -> list:
    """The contract as expectations: columns, not-null, allowed values, patterns, ranges, key."""
    import great_expectations.expectations as gxe

    out = [
        gxe.ExpectTableColumnsToMatchSet(
            column_set=contract.column_names + list(contract.metadata_columns), exact_match=True
        ),
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
    ]
    for c in contract.columns:
        if not c.nullable:
            out.append(gxe.ExpectColumnValuesToNotBeNull(column=c.name))
        if c.allowed is not None:
            out.append(gxe.ExpectColumnValuesToBeInSet(column=c.name, value_set=_typed(c, c.allowed)))
        if c.pattern is not None and c.dtype == "varchar":
            out.append(gxe.ExpectColumnValuesToMatchRegex(column=c.name, regex=f"^{c.pattern}$"))
        if c.min is not None or c.max is not None:
            out.append(gxe.ExpectColumnValuesToBeBetween(column=c.name, min_value=c.min, max_value=c.max))
    if len(contract.key) == 1:
        out.append(gxe.ExpectColumnValuesToBeUnique(column=contract.key[0]))
    else:
        out.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(contract.key)))
    for col in contract.metadata_columns:
        out.append(gxe.ExpectColumnValuesToNotBeNull(column=col))
    return out


def published_indicators() -> list[str]:
    """The indicators the mart publishes: the dbt var that drives mart_indicator_values."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return list(project["vars"]["published_indicators"])


def expected_years(ind: dict, years_by_source: dict[str, list[int]]) -> list[int]:
    """The years an indicator must have national rows for: every year its source delivered,
    less the first for growth rates (they need the year before) and, for rates, years without
    population."""
    years = sorted(years_by_source.get(ind["source"], []))
    if ind["kind"] == "difference":
        years = years[1:]
    if ind["kind"] == "rate":
        population = set(years_by_source.get("ssb_population", []))
        years = [y for y in years if y in population]
    return years


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
    ids = [i["id"] for i in catalog.indicators()]
    published = published_indicators()
    columns, key = mart_contract()
    out = [
        gxe.ExpectTableColumnsToMatchOrderedList(column_list=columns),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=key),
        gxe.ExpectColumnValuesToBeInSet(column="indicator_id", value_set=ids),
        gxe.ExpectColumnDistinctValuesToContainSet(column="indicator_id", value_set=published),
        gxe.ExpectColumnValuesToBeInSet(
            column="geo_level",
            value_set=["national", "rhf", "hf", "county", "municipality", "nd_office", "correctional_region"],
        ),
        gxe.ExpectColumnValuesToBeInSet(column="sex", value_set=["all", "male", "female"]),
        gxe.ExpectColumnValuesToBeInSet(
            column="target_status", value_set=["on_track", "off_track", "no_target"]
        ),
        gxe.ExpectColumnValuesToNotBeNull(column="value", row_condition=shown),
        gxe.ExpectColumnValuesToBeNull(column="value", row_condition=hidden),
        gxe.ExpectColumnValuesToNotBeNull(column="suppression_reason", row_condition=hidden),
        # privacy: no visible person count between 1 and 4
        gxe.ExpectColumnValuesToNotBeInSet(
            column="numerator", value_set=[1, 2, 3, 4], row_condition=person_count
        ),
        gxe.ExpectColumnValuesToNotBeInSet(
            column="denominator", value_set=[1, 2, 3, 4], row_condition=person_denominator
        ),
    ]
    for ind in catalog.indicators():
        if ind["id"] not in published:
            continue
        cond = Column("indicator_id") == ind["id"]
        if ind["kind"] in ("share", "mean", "median") and ind["unit"] in UNIT_RANGES:
            lo, hi = UNIT_RANGES[ind["unit"]]
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="value", min_value=lo, max_value=hi, row_condition=cond
                )
            )
        elif ind["kind"] in ("count", "rate"):
            out.append(gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0, row_condition=cond))
        # every year of the source's data, at national level
        expected = expected_years(ind, years_by_source)
        out.append(
            gxe.ExpectColumnDistinctValuesToContainSet(
                column="year", value_set=expected, row_condition=cond & (Column("geo_level") == "national")
            )
        )
    return out


# ---------------------------------------------------------------- runs
def _exception(info: Any) -> tuple[bool, str | None]:
    """GX reports errors either flat or keyed by metric id; find any raised one."""
    if not isinstance(info, dict):
        return False, None
    if "raised_exception" in info:
        return bool(info["raised_exception"]), info.get("exception_message")
    for nested in info.values():
        raised, message = _exception(nested)
        if raised:
            return True, message
    return False, None


def validate_frame(suite_name: str, frame, expectations: list) -> SuiteResult:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    started = time.perf_counter()
    context = gx.get_context(mode="ephemeral")
    # a progress bar per metric batch floods task logs; the summary line below says enough
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas(name="rusmonitor")
    asset = source.add_dataframe_asset(name=suite_name)
    batch = asset.add_batch_definition_whole_dataframe(name="whole_table")
    suite = context.suites.add(gx.ExpectationSuite(name=suite_name, expectations=expectations))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite_name, data=batch, suite=suite)
    )
    result = definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
    outcomes = []
    for r in result.results:
        cfg = r.expectation_config
        raised, error = _exception(r.exception_info)
        res = r.result or {}
        outcomes.append(
            Outcome(
                suite=suite_name,
                expectation=cfg.type,
                kwargs=dict(cfg.kwargs),
                success=bool(r.success) and not raised,
                observed=res.get("observed_value"),
                unexpected_count=res.get("unexpected_count"),
                error=error,
            )
        )
    success = all(o.success for o in outcomes) and bool(outcomes)
    return SuiteResult(suite_name, success, len(frame), time.perf_counter() - started, outcomes)


def _frame(con: duckdb.DuckDBPyConnection, sql: str):
    # DuckDB -> Arrow -> pandas: typed columns without a detour through Python objects
    return con.sql(sql).to_arrow_table().to_pandas()


def validate_raw(warehouse: Path | None = None, tables: list[str] | None = None) -> list[SuiteResult]:
    results = []
    with duckdb.connect(str(warehouse or warehouse_path()), read_only=True) as con:
        present = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'"
            ).fetchall()
        }
        for table in tables or list(CONTRACTS):
            if table not in present:
                continue
            frame = _frame(con, f"SELECT * FROM raw.{table}")
            result = validate_frame(f"raw.{table}", frame, raw_expectations(CONTRACTS[table]))
            log.info(
                "GX raw.%s: %s (%d rows, %d expectations, %.1f s)",
                table,
                "passed" if result.success else "FAILED",
                result.rows,
                len(result.outcomes),
                result.seconds,
            )
            results.append(result)
    return results


def loaded_years(con: duckdb.DuckDBPyConnection) -> dict[str, list[int]]:
    """The years each source has loaded, from the loader's bookkeeping (period = source/year)."""
    rows = con.execute(
        "SELECT DISTINCT source, try_cast(split_part(split_part(period, '/', 2), ':', 1) AS INTEGER) "
        "FROM raw._loads"
    ).fetchall()
    years: dict[str, list[int]] = {}
    for source, year in rows:
        if year is not None:
            years.setdefault(source, []).append(year)
    return {source: sorted(ys) for source, ys in years.items()}


def validate_marts(warehouse: Path | None = None) -> list[SuiteResult]:
    with duckdb.connect(str(warehouse or warehouse_path()), read_only=True) as con:
        frame = _frame(
            con,
            "SELECT m.*, i.is_person_count, i.is_denominator_person_count "
            "FROM marts.mart_indicator_values m "
            "JOIN marts.dim_indicator i USING (indicator_id)",
        )
        years = loaded_years(con)
    data = frame.drop(columns=["is_person_count", "is_denominator_person_count"])
    expectations = mart_expectations(years)
    # the column-set check sees the public columns only; the rest see the helper column too
    result = validate_frame("marts.mart_indicator_values", frame, expectations[1:])
    head = validate_frame("marts.mart_indicator_values.columns", data, expectations[:1])
    merged = SuiteResult(
        "marts.mart_indicator_values",
        result.success and head.success,
        result.rows,
        result.seconds + head.seconds,
        head.outcomes + result.outcomes,
    )
    log.info(
        "GX marts.mart_indicator_values: %s (%d rows, %d expectations, %.1f s)",
        "passed" if merged.success else "FAILED",
        merged.rows,
        len(merged.outcomes),
        merged.seconds,
    )
    return [merged]


def export_suites(out: Path, years: dict[str, list[int]]) -> list[Path]:
    """Write the generated suites as GX JSON files, for review."""
    import json

    import great_expectations as gx

    out.mkdir(parents=True, exist_ok=True)
    suites = {f"raw.{t}": raw_expectations(c) for t, c in CONTRACTS.items()}
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


def gate(results: list[SuiteResult]) -> list[SuiteResult]:
    """Raise if any suite failed; return the results otherwise."""
    if not all(r.success for r in results):
        raise QualityGateFailed([r for r in results if not r.success])
    return results
