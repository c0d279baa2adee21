"""Adding a source is its source module, its sample generator and its staging SQL (DEVELOPERS.md,
"Adding a source"): in a copy of the project, a new CSV source written as exactly those three is
found by every part that lists sources, documented (dbt sources, docs/contracts.md), generated,
loaded with its bad row quarantined, validated by its GX raw suite and freshness, and staged by
dbt, with nothing else edited by hand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import yaml
from test_new_indicator import _copy_project

NEW_ID = "lar_trial"

# the source: opioid substitution treatment (LAR) patients per municipality and year
SOURCE_MODULE = '''\
"""LAR status report, patients in opioid substitution treatment (a trial source)."""

from __future__ import annotations

from rusmonitor.contracts import MUNICIPALITY, Column, Contract
from rusmonitor.sources.declaration import Extract, Source

LAR_TRIAL_PATIENTS = Contract(
    source="lar_trial",
    table="lar_trial_patients",
    description="Patients in opioid substitution treatment (LAR) by municipality of residence.",
    grain="one row per municipality and year",
    key=("aar", "kommunenr"),
    file_format="CSV, ';'-separated, UTF-8, header row",
    columns=(
        Column("aar", "integer", "year", min=2000, max=2100),
        Column("kommunenr", "varchar", "municipality of residence", pattern=MUNICIPALITY,
               valid_in_year_of="aar"),
        Column("pasienter", "integer", "patients in LAR on 31 December", min=0),
    ),
    measures=("pasienter",),
    period_column="aar",
)

SOURCE = Source(
    id="lar_trial",
    number=90,  # after the sources the project has
    name_no="LAR-statusrapporten, pasienter i legemiddelassistert rehabilitering (prøvekilde)",
    name_en="LAR status report, patients in opioid substitution treatment (trial source)",
    kind="register",
    extracts=(Extract("lar_pasienter_*.csv", (LAR_TRIAL_PATIENTS,)),),
    persons=True,
    years=(2016, 2017, 2018, 2019, 2020),
)
'''

GENERATOR_MODULE = '''\
"""A sample of the trial LAR source: patients per municipality, about 2 per 1 000 inhabitants."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rusmonitor.generate.common import _write_csv, municipalities_in, rng_for


def write(seed: int, year: int, out: Path) -> Path:
    rng = rng_for(seed, "lar_trial", year)
    codes = municipalities_in(year).municipality_code
    frame = pd.DataFrame({"aar": year, "kommunenr": codes, "pasienter": rng.poisson(20, len(codes))})
    path = out / "lar_trial" / str(year) / f"lar_pasienter_{year}.csv"
    _write_csv(frame, path)
    return path
'''

STAGING_MODEL = """\
with

source as (

    select * from {{ source('lar_trial', 'lar_trial_patients') }}

),

renamed as (

    select
        aar as year,
        kommunenr as municipality_code,
        pasienter as patients,
        _load_id as load_id

    from source

)

select * from renamed
"""

# in the copy, with its own package: docs, the sample, the load (GX checkpoint per file), the
# freshness suite and dbt, as ingest_<source> and the transform run them
STEPS = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import rusmonitor
    from rusmonitor import cli, generate, load, quality, quality_store, transform
    from rusmonitor.sources import LOADED_SOURCES
    landing = Path(sys.argv[1])
    assert cli.main(["docs"]) == 0
    files = generate.generate(out=landing, sources=["NEW_ID"])
    # one bad row in the newest year: its last municipality's patient count made negative
    bad = files[-1]
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines[-1] = lines[-1].rsplit(";", 1)[0] + ";-3"
    bad.write_text("\\n".join(lines) + "\\n", encoding="utf-8")
    loaded = load.load_source("NEW_ID", landing=landing)
    freshness = quality.validate_freshness(sources=["NEW_ID"])
    quality_store.record(freshness, "raw", context="freshness")
    built = transform.run_dbt("build", extra=["--select", "source:NEW_ID", "stg_NEW_ID__patients"])
    print(json.dumps({
        "package": rusmonitor.__file__,
        "sources": list(LOADED_SOURCES),
        "files": [str(f) for f in files],
        "loaded": [[r.status, r.rows, len(r.quarantined)] for r in loaded],
        "freshness": [[r.suite, r.success] for r in freshness],
        "built": built,
    }))
    """
).replace("NEW_ID", NEW_ID)


def _add_source(project: Path) -> None:
    (project / "src/rusmonitor/sources" / f"{NEW_ID}.py").write_text(SOURCE_MODULE, encoding="utf-8")
    (project / "src/rusmonitor/generate" / f"{NEW_ID}.py").write_text(GENERATOR_MODULE, encoding="utf-8")
    staging = project / "dbt_project/models/staging" / NEW_ID
    staging.mkdir()
    (staging / f"stg_{NEW_ID}__patients.sql").write_text(STAGING_MODEL, encoding="utf-8")


def test_a_source_is_its_module_its_generator_and_its_staging_sql(tmp_path):
    project = _copy_project(tmp_path / "project")
    _add_source(project)
    warehouse = tmp_path / "warehouse.duckdb"
    landing = tmp_path / "landing"
    env = {
        **os.environ,
        "PYTHONPATH": str(project / "src"),
        "RUSMONITOR_DATA": str(tmp_path / "data"),
        "RUSMONITOR_WAREHOUSE": str(warehouse),
        "RUSMONITOR_QUALITY": str(tmp_path / "quality"),
        "RUSMONITOR_SETTLE_SECONDS": "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", STEPS, str(landing)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    ran = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(ran["package"]).is_relative_to(project)
    # found by the package itself: a DAG per source, the landing survey and the CLI read this list
    assert ran["sources"][-1] == NEW_ID and "npr" in ran["sources"]

    # generated: one file per year the module declares, in the publisher's period folders
    assert [Path(f).relative_to(landing).as_posix() for f in ran["files"]] == [
        f"{NEW_ID}/{y}/lar_pasienter_{y}.csv" for y in (2016, 2017, 2018, 2019, 2020)
    ]

    # documented: its dbt sources and its contract, generated from the module
    sources_yml = yaml.safe_load((project / f"dbt_project/models/staging/{NEW_ID}/__sources.yml").read_text())
    (declared,) = sources_yml["sources"]
    assert declared["name"] == NEW_ID and declared["schema"] == "raw"
    assert [t["name"] for t in declared["tables"]] == ["lar_trial_patients"]
    contracts_doc = (project / "docs" / "contracts.md").read_text(encoding="utf-8")
    assert "## `raw.lar_trial_patients` (lar_trial: LAR status report" in contracts_doc

    # loaded, the bad row quarantined with the rest of its file loaded
    assert [status for status, _rows, _q in ran["loaded"]] == ["loaded"] * 5
    assert [q for _s, _r, q in ran["loaded"]] == [0, 0, 0, 0, 1]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        quarantined = con.execute(
            "SELECT table_name, column_name, value, reason FROM raw._quarantine WHERE source = ?", [NEW_ID]
        ).fetchall()
        raw_rows = con.execute("SELECT count(*) FROM raw.lar_trial_patients").fetchall()[0][0]
        staged = con.execute(
            "SELECT year, count(*), sum(patients) FROM staging.stg_lar_trial__patients GROUP BY 1 ORDER BY 1"
        ).fetchall()
        # validated: the GX raw suite generated from the contract ran over every file (a run
        # names the files of its batch), and passed
        suites = con.execute(
            "SELECT suite, string_agg(context, ', '), bool_and(success) FROM quality.quality_runs "
            "WHERE suite LIKE 'raw.lar_trial_patients%' GROUP BY 1 ORDER BY 1"
        ).fetchall()
        expectations = con.execute(
            "SELECT count(DISTINCT expectation) FROM quality.quality_results "
            "WHERE suite = 'raw.lar_trial_patients'"
        ).fetchall()[0][0]
    ((table, column, value, reason),) = quarantined
    assert (table, column, value) == ("lar_trial_patients", "pasienter", "-3") and "0" in reason
    assert raw_rows == sum(r for _s, r, _q in ran["loaded"])
    named, passed = dict((s, (n, ok)) for s, n, ok in suites)["raw.lar_trial_patients"]
    assert sorted(named.split(", ")) == sorted(Path(f).relative_to(landing).as_posix() for f in ran["files"])
    assert passed
    assert expectations >= 4  # columns, types, key, range at least
    assert ran["freshness"] == [["raw.freshness", True]]

    # staged: the staging model built over every loaded year, and the source's key tests passed
    assert [y for y, _n, _p in staged] == [2016, 2017, 2018, 2019, 2020]
    assert sum(n for _y, n, _p in staged) == raw_rows
    assert ran["built"] == {"pass": 1, "success": 1}  # its key's test (unique_combination), the model
