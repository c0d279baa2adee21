"""Adding an indicator is its catalog entry plus one SQL file (DEVELOPERS.md, "Adding an
indicator"): in a copy of the project, a new indicator written as exactly those two is built
by dbt, documented in dbt's manifest, checked by the GX mart suite, published with disclosure
control and listed in the report, with nothing else edited by hand."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import yaml
from streamlit.testing.v1 import AppTest

from rusmonitor.settings import ROOT

NEW_ID = "nd_sentences_copy"
NOT_COPIED = {".git", ".venv", "data", "target", "logs", "dbt_packages", "__pycache__", ".pytest_cache"}
NOT_COPIED |= {".ruff_cache", ".import_linter_cache", "test-output"}

NEW_ENTRY = {
    "id": NEW_ID,
    "name_no": "Dommer til ND (prøveindikator)",
    "name_en": "Sentences to ND (trial indicator)",
    "goal": 5,
    "area": "ettervern",
    "kind": "count",
    "unit": "sentences",
    "source": "kriminalomsorgen",
    "dimensions": ["year", "nd_office"],
    "priority": "full",
}

NEW_MODEL = f"""\
-- {NEW_ID}: the ND sentences again, under a new id (a trial of adding an indicator)
with

sentences as (

    select * from {{{{ ref('stg_kriminalomsorgen__measures') }}}}
    where unit_level = 'nd_office' and measure = 'nd_sentence'

),

{{{{ indicator_select(
    'sentences',
    numerator='sum(count)',
    geo=[[('nd_office', 'unit_code')]],
) }}}}
"""

# in the copy, with its own package: the catalog, docs, dbt build, GX marts and publication
# as the DAG runs them (load_catalog, dbt_build, validate_marts, publish)
STEPS = textwrap.dedent(
    """
    import json, sys
    import rusmonitor
    from rusmonitor import cli, load, publish, quality, transform
    assert cli.main(["docs"]) == 0
    load.load_catalog()
    transform.run_dbt("build")
    results = quality.gate(quality.validate_marts())
    publish.publish(run_id="new-indicator")
    named = lambda o: "NEW_ID" in json.dumps(o.kwargs, default=str)
    checked = [o for r in results for o in r.outcomes if o.success and named(o)]
    print(json.dumps({"checked": len(checked), "package": rusmonitor.__file__}))
    """
).replace("NEW_ID", NEW_ID)


def _copy_project(target: Path) -> Path:
    shutil.copytree(ROOT, target, ignore=lambda _dir, names: [n for n in names if n in NOT_COPIED])
    return target


def _add_indicator(project: Path) -> None:
    catalog_file = project / "src" / "rusmonitor" / "catalog" / "indicators.yml"
    text = catalog_file.read_text(encoding="utf-8")
    entry = yaml.safe_dump([NEW_ENTRY], allow_unicode=True, sort_keys=False)
    # appended to the end of the `indicators:` list (the catalog's last top-level block)
    assert text.rstrip().splitlines()[-1].startswith("    "), "the catalog no longer ends in its list"
    catalog_file.write_text(text.rstrip() + "\n\n" + textwrap.indent(entry, "  "), encoding="utf-8")
    model = project / "dbt_project" / "models" / "marts" / "indicators" / f"ind_{NEW_ID}.sql"
    model.write_text(NEW_MODEL, encoding="utf-8")


def test_an_indicator_is_its_catalog_entry_and_one_sql_file(pipeline, tmp_path, monkeypatch):
    project = _copy_project(tmp_path / "project")
    _add_indicator(project)
    warehouse = tmp_path / "warehouse.duckdb"
    serving = tmp_path / "serving" / "warehouse.duckdb"
    shutil.copy(pipeline["warehouse"], warehouse)
    env = {
        **os.environ,
        "PYTHONPATH": str(project / "src"),
        "RUSMONITOR_DATA": str(tmp_path / "data"),
        "RUSMONITOR_WAREHOUSE": str(warehouse),
        "RUSMONITOR_SERVING": str(serving),
        "RUSMONITOR_QUALITY": str(tmp_path / "quality"),
    }
    done = subprocess.run(
        [sys.executable, "-c", STEPS], cwd=project, env=env, capture_output=True, text=True, timeout=1800
    )
    assert done.returncode == 0, done.stderr[-4000:]
    ran = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(ran["package"]).is_relative_to(project)  # the copy's package and catalog
    # GX: the mart suite has expectations of its own for the new indicator, and they passed
    assert ran["checked"] > 0

    # documented: its generated YAML, and dbt's manifest carries the catalog's meta
    generated = yaml.safe_load(
        (project / "dbt_project/models/marts/indicators/_indicators.yml").read_text(encoding="utf-8")
    )
    assert f"ind_{NEW_ID}" in {m["name"] for m in generated["models"]}
    # (rusmonitor.transform writes dbt's target folder beside the data, not into the project)
    manifest = json.loads(
        (tmp_path / "data" / "dbt" / "target" / "manifest.json").read_text(encoding="utf-8")
    )
    node = manifest["nodes"][f"model.rusmonitor.ind_{NEW_ID}"]
    assert node["config"]["meta"]["indicator"]["id"] == NEW_ID
    assert NEW_ENTRY["name_en"] in node["description"]

    # published, with disclosure control, beside the others: the same figures as nd_sentences
    with duckdb.connect(str(serving), read_only=True) as con:
        rows = con.execute(
            "SELECT a.year, a.geo_code, a.value, b.value FROM mart_indicator_values a "
            "JOIN mart_indicator_values b USING (year, geo_level, geo_code, sex, age_group, breakdown) "
            "WHERE a.indicator_id = ? AND b.indicator_id = 'nd_sentences'",
            [NEW_ID],
        ).fetchall()
        (name,) = con.execute(
            "SELECT name_no FROM dim_indicator WHERE indicator_id = ?", [NEW_ID]
        ).fetchall()[0]
    assert rows and all(new == old or (new is None and old is None) for _y, _g, new, old in rows)
    assert name == NEW_ENTRY["name_no"]

    # listed in the report: on its goal's page and on its own page, named from the catalog
    monkeypatch.setenv("RUSMONITOR_SERVING", str(serving))
    for page, query in (("views/goal_5.py", {}), ("views/indicator.py", {"indicator": NEW_ID})):
        at = AppTest.from_file(str(project / "streamlit_app" / "app.py"), default_timeout=180)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        shown = [e.value for e in (*at.title, *at.header, *at.subheader, *at.markdown)]
        shown += [e.label for e in at.toggle]
        assert any(NEW_ENTRY["name_no"] in text for text in shown), (page, shown[:20])
