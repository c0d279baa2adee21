"""Great Expectations suites and their runs.

Suites are generated, never hand-written: the raw suites from the source contracts
(contracts.py), the mart suite from the indicator catalog (indicators.yml). DuckDB tables reach
GX as pandas DataFrames through Arrow, because GX's SQL datasource over duckdb-engine is broken
(GX #11579: every metric errors). A validation that raises counts as a failure, never a pass.

Every expectation carries a severity in its meta: `critical` failures stop the data (a load is
rolled back, a build is not published), `warning` failures are recorded and shown. Validations
run through GX checkpoints in a file-backed GX project under `data/quality/gx`, whose Data
Docs site (static HTML) collects every run; rusmonitor.quality_store keeps the results in the
warehouse and beside the serving file.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import yaml

from rusmonitor import catalog
from rusmonitor.contracts import CONTRACTS, Contract
from rusmonitor.geography import GEO_LEVELS, RHF_CODES
from rusmonitor.settings import DBT_PROJECT_DIR, quality_dir, warehouse_path

log = logging.getLogger(__name__)

MART_YAML = DBT_PROJECT_DIR / "models" / "marts" / "mart_indicator_values.yml"


def _mart_model() -> dict:
    doc = yaml.safe_load(MART_YAML.read_text(encoding="utf-8"))
    return next(m for m in doc["models"] if m["name"] == "mart_indicator_values")


def mart_contract() -> tuple[list[str], list[str]]:
    """The public columns (in order) and the key of the long mart, from its dbt model contract:
    one definition for dbt, GX and publication."""
    model = _mart_model()
    columns = [c["name"] for c in model["columns"]]
    key = next(
        t["unique_combination"]["arguments"]["columns"]
        for t in model["data_tests"]
        if isinstance(t, dict) and "unique_combination" in t
    )
    return columns, key


def target_statuses() -> list[str]:
    """The statuses the mart contract accepts (its dbt accepted_values test)."""
    column = next(c for c in _mart_model()["columns"] if c["name"] == "target_status")
    test = next(t for t in column["data_tests"] if isinstance(t, dict) and "accepted_values" in t)
    return list(test["accepted_values"]["arguments"]["values"])


CRITICAL = "critical"
WARNING = "warning"


def severity(expectation, level: str = CRITICAL):
    """Tag an expectation with its severity (GX keeps meta with the suite and in Data Docs)."""
    expectation.meta = {**(expectation.meta or {}), "severity": level}
    return expectation


class QualityGateFailed(Exception):
    """A critical expectation failed: the data must not move on (to raw, the marts or the
    report)."""

    def __init__(self, results: list[SuiteResult], what: str = ""):
        self.results = results
        failed = [o for r in results for o in r.outcomes if not o.success and o.severity == CRITICAL]
        lines = [f"{what}{len(failed)} critical expectation(s) failed:"]
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
    severity: str = CRITICAL

    @property
    def column(self) -> str | None:
        column = self.kwargs.get("column") or self.kwargs.get("column_list")
        return None if column is None else str(column)

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
    """success: no critical expectation failed (warnings may have)."""

    suite: str
    success: bool
    rows: int
    seconds: float
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def warnings(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity == WARNING]


# ---------------------------------------------------------------- suites
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


def check_incoming(
    con: duckdb.DuckDBPyConnection, contract: Contract, view: str, typed_sql: str
) -> SuiteResult:
    """The contract suite over a landing file's rows as they would be typed, before anything
    is written: names the expectations a file rejected as a whole breaks."""
    frame = _frame(con, f"SELECT {typed_sql} FROM {view}")
    return validate_frame(f"raw.{contract.table}", frame, raw_expectations(contract, metadata=False))


def check_period_folder(
    con: duckdb.DuckDBPyConnection, contract: Contract, view: str, year_sql: str, folder_year: int
) -> SuiteResult:
    """A landing file's rows against the year of its period folder, before anything is written:
    the GX record of a file rejected for holding another period's rows."""
    import great_expectations.expectations as gxe

    column = contract.period_column
    frame = _frame(con, f'SELECT {year_sql} AS "{column}" FROM {view}')
    expectation = severity(
        gxe.ExpectColumnValuesToBeBetween(column=column, min_value=folder_year, max_value=folder_year)
    )
    return validate_frame(f"raw.{contract.table}.period_folder", frame, [expectation])


# A period's rows, or a measure's total, against the median of the table's other periods: a
# new year is not four times the last (Brukerplan grew from 8 000 to 28 000 users over 13 years),
# and a tenfold jump in a total is an error in the extract.
ROWS_RATIO = (1 / 4, 4.0)
MEASURE_RATIO = (1 / 5, 5.0)


def period_year_sql(period: str) -> str:
    """The year of a loader period ('<source>/<year>:<file kind>') in SQL."""
    return f"try_cast(split_part(split_part({period}, '/', 2), ':', 1) AS INTEGER)"


def period_profile_sql(contract: Contract, load_id: str | None = None) -> str:
    """One row per loaded file of the table: its period's year, rows, each measure's total and
    their ratios to the median over the table's other files."""
    measures = "".join(f", sum(t.{m}) AS sum_{m}" for m in contract.measures)
    ratios = "".join(
        f", sum_{m} / nullif(median(sum_{m}) OVER (), 0) AS ratio_{m}" for m in contract.measures
    )
    this = "" if load_id is None else f"WHERE load_id = '{load_id}'"
    return f"""
        WITH per_file AS (
            SELECT t._source_file AS source_file, any_value(t._load_id) AS load_id,
                any_value(l.period) AS period,
                {period_year_sql("any_value(l.period)")} AS period_year,
                count(*) AS row_count{measures}
            FROM raw.{contract.table} AS t
            LEFT JOIN raw._loads AS l ON l.source_file = t._source_file
            GROUP BY t._source_file
        ),
        compared AS (
            SELECT *, count(*) OVER () AS files,
                row_count / nullif(median(row_count) OVER (), 0) AS ratio_rows{ratios}
            FROM per_file
        )
        SELECT * FROM compared {this}
    """


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
    small_counts = list(range(1, catalog.default_suppression_limit() + 1))
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


# A year-on-year ratio beyond this (or below its inverse) is flagged, unless the catalog sets
# `max_yearly_change` on the indicator.
DEFAULT_MAX_YEARLY_CHANGE = 3.0
DERIVED_COLUMNS = ("year_geo", "ci_low_gap", "ci_high_gap", "yoy_ratio")


def with_derived_columns(frame):
    """The columns the mart suite checks besides the mart's own: year:geo_code, the interval's
    gaps around the value, and the ratio to the same series' value the year before (headline
    rows of the country and the RHFs only)."""
    frame = frame.copy()
    frame["year_geo"] = frame["year"].astype(str) + ":" + frame["geo_code"].astype(str)
    frame["ci_low_gap"] = frame["value"] - frame["ci_low"]
    frame["ci_high_gap"] = frame["ci_high"] - frame["value"]
    series = ["indicator_id", "geo_level", "geo_code", "sex", "age_group", "breakdown"]
    ordered = frame.sort_values(series + ["year"])
    previous = ordered.groupby(series, sort=False)["value"].shift(1)
    previous_year = ordered.groupby(series, sort=False)["year"].shift(1)
    ratio = ordered["value"] / previous.where(previous != 0)
    ratio = ratio.where(previous_year == ordered["year"] - 1)
    headline = (
        ordered["geo_level"].isin(["national", "rhf"])
        & (ordered["sex"] == "all")
        & (ordered["age_group"] == "all")
        & (ordered["breakdown"] == "total")
    )
    frame["yoy_ratio"] = ratio.where(headline).reindex(frame.index).astype(float)
    return as_categories(frame)


def as_categories(frame, max_distinct: int = 2000):
    """Text columns with few distinct values as categories. GX filters the whole frame again for
    each conditional expectation (one per indicator); comparing and copying category codes
    halves the national mart suite's time (11.3 s -> 5.3 s, same outcomes)."""
    import pandas as pd

    for column in frame.columns:
        values = frame[column]
        if (
            isinstance(values.dtype, pd.StringDtype) or values.dtype == object
        ) and values.nunique() <= max_distinct:
            frame[column] = values.astype("category")
    return frame


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


def _gx_context():
    """The file-backed GX project: suites and validation results persist, so the Data Docs
    site lists every run, not only this process's. One context per project folder and process:
    building it re-reads the project's YAML, a tenth of a second per checkpoint otherwise."""
    root = quality_dir()
    root.mkdir(parents=True, exist_ok=True)
    return _file_context(str(root))


@functools.lru_cache(maxsize=8)
def _file_context(root: str):
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GX MD5s every row of a pandas batch under 1 GB for an informational batch marker: a third
    # of a checkpoint's time on an 800 000-row NPR file. The load id (the landing file's SHA-256)
    # already names the data a raw suite validated.
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="file", project_root_dir=root)
    # a progress bar per metric batch floods task logs; the summary line says enough
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _batch_definition(context, suite_name: str):
    # GX 1.x raises KeyError/LookupError for a name it does not have
    try:
        source = context.data_sources.get("rusmonitor")
    except LookupError:
        source = context.data_sources.add_pandas(name="rusmonitor")
    try:
        asset = source.get_asset(suite_name)
    except LookupError:
        asset = source.add_dataframe_asset(name=suite_name)
    try:
        return asset.get_batch_definition("whole_table")
    except LookupError:
        return asset.add_batch_definition_whole_dataframe(name="whole_table")


# (GX project, suite name) -> (the suite as stored by this process, its checkpoint). Storing a
# suite, its validation definition and checkpoint is a third of a small checkpoint's time, and
# a load runs the same suites file after file.
_STORED: dict[tuple[str, str], tuple[str, Any]] = {}


def _checkpoint(context, suite_name: str, expectations: list, docs: bool):
    """The stored checkpoint for this suite, stored anew only when the suite changed."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    signature = json.dumps(
        [docs, *(e.configuration.to_json_dict() for e in expectations)], sort_keys=True, default=str
    )
    key = (context.root_directory, suite_name)
    stored = _STORED.get(key)
    if stored is not None and stored[0] == signature:
        return stored[1]
    batch = _batch_definition(context, suite_name)
    suite = context.suites.add_or_update(gx.ExpectationSuite(name=suite_name, expectations=expectations))
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=suite_name, data=batch, suite=suite)
    )
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=suite_name,
            validation_definitions=[definition],
            actions=[UpdateDataDocsAction(name="data_docs")] if docs else [],
            result_format="SUMMARY",
        )
    )
    _STORED[key] = (signature, checkpoint)
    return checkpoint


def validate_frame(suite_name: str, frame, expectations: list, docs: bool = False) -> SuiteResult:
    """Validate a DataFrame with a GX checkpoint; with docs, the Data Docs site is updated too
    (build_data_docs does it once for many validations)."""
    from great_expectations.exceptions.resource_freshness import ResourceFreshnessAggregateError

    started = time.perf_counter()
    context = _gx_context()
    try:
        run = _checkpoint(context, suite_name, expectations, docs).run(batch_parameters={"dataframe": frame})
    except ResourceFreshnessAggregateError:
        # another process stored a different suite under this name since: store ours again
        _STORED.pop((context.root_directory, suite_name), None)
        run = _checkpoint(context, suite_name, expectations, docs).run(batch_parameters={"dataframe": frame})
    outcomes = []
    for result in run.run_results.values():
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
                    severity=(cfg.meta or {}).get("severity", CRITICAL),
                )
            )
    success = bool(outcomes) and not any(not o.success and o.severity == CRITICAL for o in outcomes)
    return SuiteResult(suite_name, success, len(frame), time.perf_counter() - started, outcomes)


def build_data_docs() -> Path:
    """Rebuild the static Data Docs site from every stored suite and validation result."""
    from rusmonitor.settings import data_docs_index

    _gx_context().build_data_docs()
    return data_docs_index()


def _frame(con: duckdb.DuckDBPyConnection, sql: str):
    # DuckDB -> Arrow -> pandas: typed columns without a detour through Python objects
    return con.sql(sql).to_arrow_table().to_pandas()


def check_load(con: duckdb.DuckDBPyConnection, contract: Contract, load_id: str) -> list[SuiteResult]:
    """The raw checkpoint of one load, run inside its transaction (so a critical failure can
    roll it back and the last good data stays): the contract suite over the load's rows and
    any older rows sharing their key (a duplicated delivery), and the profile suite over the
    table's files (a period delivered twice, a jump in size or totals of this file)."""
    from great_expectations.expectations.row_conditions import Column as Col

    key = ", ".join(contract.key)
    # two scans in a UNION, not one with OR: DuckDB then streams the load's rows instead of
    # filtering the whole table row by row (0.5 s instead of 2.4 s for 700 000 NPR rows)
    rows = _frame(
        con,
        f"SELECT * FROM raw.{contract.table} WHERE _load_id = '{load_id}' UNION ALL "
        f"SELECT * FROM raw.{contract.table} WHERE _load_id <> '{load_id}' AND ({key}) IN "
        f"(SELECT ({key}) FROM raw.{contract.table} WHERE _load_id = '{load_id}')",
    )
    profile = _frame(con, period_profile_sql(contract))
    # a column, not the load id in the condition: the suite stays the same from file to file
    profile["this_load"] = (profile["load_id"] == load_id).astype(bool)
    profile_suite = profile_expectations(contract)
    for expectation in profile_suite:  # the ratios are this file's; uniqueness is the table's
        if getattr(expectation, "column", "").startswith("ratio_"):
            expectation.row_condition = Col("this_load") == True  # noqa: E712  (a GX condition)
    return [
        validate_frame(f"raw.{contract.table}", rows, raw_expectations(contract)),
        validate_frame(f"raw.{contract.table}.periods", profile, profile_suite),
    ]


def validate_freshness(warehouse: Path | None = None, sources: list[str] | None = None) -> list[SuiteResult]:
    """The newest period of each source against the newest of all sources, less the source's
    allowed lag: a source whose newest extract did not arrive is stale (critical)."""
    import pandas as pd

    with duckdb.connect(str(warehouse or warehouse_path()), read_only=True) as con:
        years = loaded_years(con)
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


def loaded_years(con: duckdb.DuckDBPyConnection) -> dict[str, list[int]]:
    """The years each source has loaded, from the loader's bookkeeping (period = source/year)."""
    rows = con.execute(f"SELECT DISTINCT source, {period_year_sql('period')} FROM raw._loads").fetchall()
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


def gate(results: list[SuiteResult]) -> list[SuiteResult]:
    """Raise if a critical expectation failed; warnings pass (they are recorded and shown)."""
    if not all(r.success for r in results):
        raise QualityGateFailed([r for r in results if not r.success])
    for r in results:
        for o in r.warnings:
            log.warning("quality warning: %s", o)
    return results
