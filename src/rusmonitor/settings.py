"""Where things live. Every path can be overridden by an environment variable, read at call time
(never at import time) so that tests and Airflow workers can point the same code elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

# The repository root: the package is installed editable by `uv sync`, so this is the checkout.
ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = ROOT / "dbt_project"
DAGS_DIR = ROOT / "dags"
STREAMLIT_APP = ROOT / "streamlit_app" / "app.py"
PACKAGE_DIR = Path(__file__).resolve().parent
CATALOG_PATH = PACKAGE_DIR / "catalog" / "indicators.yml"
REFERENCE_FIGURES_PATH = PACKAGE_DIR / "catalog" / "reference_figures.csv"
MEASURES_PATH = PACKAGE_DIR / "catalog" / "measures.yml"
GEOGRAPHY_SEED = DBT_PROJECT_DIR / "seeds" / "ref_geography_2024.csv"
MUNICIPALITY_VERSIONS_SEED = DBT_PROJECT_DIR / "seeds" / "ref_municipality_versions.csv"
MUNICIPALITY_CROSSWALK_SEED = DBT_PROJECT_DIR / "seeds" / "ref_municipality_crosswalk.csv"
COUNTY_VERSIONS_SEED = DBT_PROJECT_DIR / "seeds" / "ref_county_versions.csv"
POPULATION_BASE = PACKAGE_DIR / "reference" / "population_2023.csv.gz"

# The sample extracts' seed (rusmonitor.generate); here so the CLI can name it without importing pandas.
DEFAULT_SEED = 2016

# The Airflow pool every task that opens the warehouse runs in. One slot: DuckDB allows one
# writing process per file, so ingest DAGs of different sources, the transform and publish
# queue for it instead of failing on the file lock (under a scheduler; dag.test() runs tasks
# one by one anyway). rusmonitor.orchestrate.migrate_db() creates it.
WAREHOUSE_POOL = "duckdb_warehouse"


def _path(var: str, default: Path) -> Path:
    value = os.environ.get(var)
    return Path(value).resolve() if value else default


def data_dir() -> Path:
    return _path("RUSMONITOR_DATA", ROOT / "data")


def landing_dir() -> Path:
    return _path("RUSMONITOR_LANDING", data_dir() / "landing")


def warehouse_path() -> Path:
    """The build warehouse: loads and dbt write here; the report never reads it."""
    return _path("RUSMONITOR_WAREHOUSE", data_dir() / "warehouse" / "rusmonitor.duckdb")


def serving_path() -> Path:
    """The published file the report reads (data/serving/warehouse.duckdb by default)."""
    return _path("RUSMONITOR_SERVING", data_dir() / "serving" / "warehouse.duckdb")


def quality_file(serving: Path | None = None) -> Path:
    """The published quality results, beside the serving file (quality.duckdb)."""
    return (serving or serving_path()).with_name("quality.duckdb")


def quality_dir() -> Path:
    """GX project (suites, validation results) and its Data Docs site."""
    return _path("RUSMONITOR_QUALITY", data_dir() / "quality")


def data_docs_index() -> Path:
    return quality_dir() / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def airflow_home() -> Path:
    return _path("AIRFLOW_HOME", data_dir() / "airflow")


def pipeline_lock_path() -> Path:
    """The lock one `rusmonitor pipeline` run holds, beside the warehouse it writes."""
    warehouse = warehouse_path()
    return warehouse.with_name(warehouse.name + ".pipeline.lock")


def settle_seconds() -> float:
    """A landing file without a done-marker counts as complete once nothing has written to it
    for this long (and its end is whole: delivery.py). A copy that pauses (a slow share, a
    network hiccup) must not pass as finished, so this is longer than a pause is likely to be."""
    return float(os.environ.get("RUSMONITOR_SETTLE_SECONDS", "10"))


def settle_wait_seconds() -> float:
    """How long a load waits for a file not complete yet before it leaves it for a retry."""
    return float(os.environ.get("RUSMONITOR_SETTLE_WAIT", "30"))


def load_batch_rows() -> int:
    """How many rows of one source's files a load writes before their raw checkpoint runs: the
    files of a batch are checked by GX together and committed together, so a checkpoint's fixed
    cost is paid per batch, not per file; GX reads the batch into memory, which this bounds (a
    file larger than it is a batch of its own). 1 checks every file alone."""
    return int(os.environ.get("RUSMONITOR_LOAD_BATCH_ROWS", "500000"))
