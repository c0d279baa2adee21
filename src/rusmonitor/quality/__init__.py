"""Great Expectations suites and their runs.

Suites are generated, never hand-written: the raw suites from the source contracts
(contracts/), the mart suite from the indicator catalog (indicators.yml). DuckDB tables reach
GX as pandas DataFrames through Arrow, because GX's SQL datasource over duckdb-engine is broken
(GX #11579: every metric errors). A validation that raises counts as a failure, never a pass.

Every expectation carries a severity in its meta: `critical` failures stop the data (a load is
rolled back, a build is not published), `warning` failures are recorded and shown. Validations
run through GX checkpoints in a file-backed GX project under `data/quality/gx`, whose Data
Docs site (static HTML) collects every run; rusmonitor.quality_store keeps the results in the
warehouse and beside the serving file.

One room each, top to bottom (pyproject's `[tool.importlinter]`):
- checks: the checks the loader and the DAG run (read a frame, validate it, return results);
- gx_runtime: the GX project, its checkpoints, validate_frame and the Data Docs site;
- suites: the generated expectations (raw, per-file profile, freshness, mart) and their export;
- dbt_project: the mart's columns, key and statuses, and the published indicators, from dbt;
- frames: the frames the suites see, read from the warehouse, and the mart's derived columns;
- results: Outcome, SuiteResult, the severities and the gate.

Everything is re-exported here: `from rusmonitor.quality import X` and `quality.X` work for
every name the module had before it was split.
"""

from rusmonitor.geography import RHF_CODES
from rusmonitor.quality.checks import (
    check_incoming,
    check_load,
    check_period_folder,
    validate_freshness,
    validate_marts,
)
from rusmonitor.quality.dbt_project import MART_YAML, mart_contract, target_statuses
from rusmonitor.quality.frames import (
    DERIVED_COLUMNS,
    as_categories,
    loaded_years,
    period_profile_sql,
    period_year_sql,
    read_frame,
    with_derived_columns,
)
from rusmonitor.quality.gx_runtime import build_data_docs, validate_frame
from rusmonitor.quality.results import CRITICAL, WARNING, Outcome, QualityGateFailed, SuiteResult, gate
from rusmonitor.quality.suites import (
    DEFAULT_MAX_YEARLY_CHANGE,
    MEASURE_RATIO,
    ROWS_RATIO,
    expected_years,
    export_suites,
    freshness_expectations,
    mart_expectations,
    profile_expectations,
    raw_expectations,
    severity,
)
from rusmonitor.settings import quality_dir

__all__ = [
    "CRITICAL",
    "DEFAULT_MAX_YEARLY_CHANGE",
    "DERIVED_COLUMNS",
    "MART_YAML",
    "MEASURE_RATIO",
    "RHF_CODES",
    "ROWS_RATIO",
    "WARNING",
    "Outcome",
    "QualityGateFailed",
    "SuiteResult",
    "as_categories",
    "build_data_docs",
    "check_incoming",
    "check_load",
    "check_period_folder",
    "expected_years",
    "export_suites",
    "freshness_expectations",
    "gate",
    "loaded_years",
    "mart_contract",
    "mart_expectations",
    "period_profile_sql",
    "period_year_sql",
    "profile_expectations",
    "quality_dir",
    "raw_expectations",
    "read_frame",
    "severity",
    "target_statuses",
    "validate_frame",
    "validate_freshness",
    "validate_marts",
    "with_derived_columns",
]
