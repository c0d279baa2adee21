"""The checks the pipeline runs: each reads its frame from the warehouse (or a landing file's
view), validates it with its generated suite and returns the SuiteResults the gate and
rusmonitor.quality_store take. The loader's run inside its transaction (check_incoming,
check_period_folder, check_load); the DAG's after the loads (validate_freshness) and after
dbt (validate_marts)."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from rusmonitor.contracts import Contract
from rusmonitor.quality.frames import loaded_years, period_profile_sql, read_frame, with_derived_columns
from rusmonitor.quality.gx_runtime import validate_frame
from rusmonitor.quality.results import SuiteResult
from rusmonitor.quality.suites import (
    freshness_expectations,
    mart_expectations,
    profile_expectations,
    raw_expectations,
    severity,
)
from rusmonitor.settings import warehouse_path
from rusmonitor.sources import CONTRACTS

# the package's logger, the name it logged under as one module (cli.py quiets GX, not this)
log = logging.getLogger("rusmonitor.quality")


def check_incoming(
    con: duckdb.DuckDBPyConnection, contract: Contract, view: str, typed_sql: str
) -> SuiteResult:
    """The contract suite over a landing file's rows as they would be typed, before anything
    is written: names the expectations a file rejected as a whole breaks."""
    frame = read_frame(con, f"SELECT {typed_sql} FROM {view}")
    return validate_frame(f"raw.{contract.table}", frame, raw_expectations(contract, metadata=False))


def check_period_folder(
    con: duckdb.DuckDBPyConnection, contract: Contract, view: str, year_sql: str, folder_year: int
) -> SuiteResult:
    """A landing file's rows against the year of its period folder, before anything is written:
    the GX record of a file rejected for holding another period's rows."""
    import great_expectations.expectations as gxe

    column = contract.period_column
    frame = read_frame(con, f'SELECT {year_sql} AS "{column}" FROM {view}')
    expectation = severity(
        gxe.ExpectColumnValuesToBeBetween(column=column, min_value=folder_year, max_value=folder_year)
    )
    return validate_frame(f"raw.{contract.table}.period_folder", frame, [expectation])


def check_load(
    con: duckdb.DuckDBPyConnection, contract: Contract, load_ids: str | list[str]
) -> list[SuiteResult]:
    """The raw checkpoint of one load or of a batch of loads (load ids in the order they were
    written), run inside their transaction (so a critical failure can roll it back and the last
    good data stays): the contract suite over the loads' rows and any older rows sharing their
    key (a duplicated delivery), and the profile suite over the table's files (a period
    delivered twice, a jump in size or totals of a file against the files before it)."""
    from great_expectations.expectations.row_conditions import Column as Col

    ids = [load_ids] if isinstance(load_ids, str) else list(load_ids)
    listed = ", ".join(f"'{i}'" for i in ids)
    key = ", ".join(contract.key)
    # two scans in a UNION, not one with OR: DuckDB then streams the loads' rows instead of
    # filtering the whole table row by row (0.5 s instead of 2.4 s for 700 000 NPR rows)
    rows = read_frame(
        con,
        f"SELECT * FROM raw.{contract.table} WHERE _load_id IN ({listed}) UNION ALL "
        f"SELECT * FROM raw.{contract.table} WHERE _load_id NOT IN ({listed}) AND ({key}) IN "
        f"(SELECT ({key}) FROM raw.{contract.table} WHERE _load_id IN ({listed}))",
    )
    profile = read_frame(con, period_profile_sql(contract, {i: n for n, i in enumerate(ids, start=1)}))
    # a column, not the load ids in the condition: the suite stays the same from load to load
    profile["this_load"] = profile["load_id"].isin(ids).astype(bool)
    profile_suite = profile_expectations(contract)
    for expectation in profile_suite:  # the ratios are the loads'; uniqueness is the table's
        if getattr(expectation, "column", "").startswith("ratio_"):
            expectation.row_condition = Col("this_load") == True  # noqa: E712  (a GX condition)
    return [
        validate_frame(f"raw.{contract.table}", rows, raw_expectations(contract)),
        validate_frame(f"raw.{contract.table}.periods", profile, profile_suite),
    ]


def validate_freshness(warehouse: Path | None = None, sources: list[str] | None = None) -> list[SuiteResult]:
    """The newest period of each source against the newest of all sources that have one, less
    the source's allowed lag: a source whose newest extract did not arrive is stale (critical)."""
    import pandas as pd

    with duckdb.connect(str(warehouse or warehouse_path()), read_only=True) as con:
        years = loaded_years(con)
    # the reporting year is the newest of the sources dated by their figures: a one-off survey's
    # or an export's folder (fhi_statistikkbank/2025/) says when, not which year it reports
    dated = {c.source for c in CONTRACTS.values() if c.freshness_lag_years is not None}
    years = {source: ys for source, ys in years.items() if source in dated}
    if not years:
        return []
    reporting_year = max(max(ys) for ys in years.values())
    rows = []
    for table, contract in CONTRACTS.items():
        if contract.freshness_lag_years is None or (sources and contract.source not in sources):
            continue
        newest = max(years.get(contract.source, []), default=None)
        rows.append(
            {
                "source": contract.source,
                "table": table,
                "newest_year": newest,
                "expected_year": reporting_year - contract.freshness_lag_years,
            }
        )
    frame = pd.DataFrame(rows).astype({"newest_year": "Int64", "expected_year": "Int64"})
    result = validate_frame("raw.freshness", frame, freshness_expectations())
    log.info("GX raw.freshness: %s (%d tables)", "passed" if result.success else "FAILED", len(frame))
    return [result]


def validate_marts(warehouse: Path | None = None) -> list[SuiteResult]:
    with duckdb.connect(str(warehouse or warehouse_path()), read_only=True) as con:
        frame = read_frame(
            con,
            "SELECT m.*, i.is_person_count, i.is_denominator_person_count "
            "FROM marts.mart_indicator_values m "
            "JOIN marts.dim_indicator i USING (indicator_id)",
        )
        years = loaded_years(con)
    data = frame.drop(columns=["is_person_count", "is_denominator_person_count"])
    frame = with_derived_columns(frame)
    expectations = mart_expectations(years)
    # the column-set check sees the public columns only; the rest see the helper columns too
    result = validate_frame("marts.mart_indicator_values", frame, expectations[1:])
    head = validate_frame("marts.mart_indicator_values.columns", data, expectations[:1])
    for outcome in head.outcomes:  # one suite, validated in two frames
        outcome.suite = "marts.mart_indicator_values"
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
