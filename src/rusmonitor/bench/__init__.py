"""`rusmonitor bench`: the whole rebuild at national scale, stage by stage, against a floor.

Generates national-scale extracts for 2010-2024 (NPR at the register's volume: about 27 000
TSB patients and 600 000 outpatient contacts a year; every survey), then times each stage of
the pipeline as the DAG runs it (generate, load, GX raw, dbt build, GX marts, publish) and, in
the same run, the floor: the same work as plain SQL executed directly in DuckDB.

- load floor: every extract read by DuckDB's read_csv with the contract's types (no contract
  check, quarantine, load metadata or per-file transaction);
- GX raw floor: the contract's expectations as one SQL aggregate per raw table;
- dbt floor: the compiled SQL of every model run in dependency order (no tests, no dbt), plus
  the Python model's own execution time as dbt reports it;
- GX marts floor: the mart suite's expectations that SQL can state, as one aggregate;
- publish floor: the published tables copied with one CREATE TABLE AS each.

Every stage runs in a child process, so its peak memory (max RSS) is its own. Also measured:
an incremental run (the 2024 extracts arriving on a warehouse holding 2010-2023), the parse
time of every DAG file as the DAG processor parses it, and the dbt stage run by cosmos inside
Airflow (rusmonitor_transform with dag.test()) against one plain `dbt build`.

Figures, not assertions: machines are noisy; the ratios come from the same run.

One room each, top to bottom (pyproject's `[tool.importlinter]`):
- __main__ and command: `rusmonitor bench` (and `python -m rusmonitor.bench`, each step's child);
- steps: every step by name, run in a child process or in this one;
- report: the table and the lines the run prints;
- floors, incremental, orchestration: the plain-SQL floors; the incremental year; the DAG parse
  times and the dbt stage under Airflow by cosmos;
- stages: the pipeline's stages as the DAG runs them, and the disclosure audit and loss;
- expectations_sql, folder: GX expectations as SQL aggregates; the paths of one bench folder.
"""

from rusmonitor.bench.command import main
from rusmonitor.bench.expectations_sql import check_sql, expectation_sql
from rusmonitor.bench.folder import Bench
from rusmonitor.bench.incremental import NEW_YEAR
from rusmonitor.bench.report import report
from rusmonitor.bench.steps import STEPS, child, run_step

__all__ = [
    "NEW_YEAR",
    "STEPS",
    "Bench",
    "check_sql",
    "child",
    "expectation_sql",
    "main",
    "report",
    "run_step",
]
