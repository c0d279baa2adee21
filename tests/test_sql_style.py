"""The dbt models' SQL style: .ci/run lints them with sqlfluff (.sqlfluff); this shows the rules
can fail."""

import subprocess
import sys
from pathlib import Path

from rusmonitor.settings import ROOT


def test_the_sql_style_rules_catch_what_they_are_for(tmp_path):
    """.ci/run lints the dbt models with sqlfluff (.sqlfluff: the dbt templater, DuckDB); the
    same rules, on plain SQL, name a column expression without an alias, a bad indent and a
    line over the limit, and pass the same query written well."""
    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    bad = tmp_path / "bad.sql"
    bad.write_text(
        "select year, count(*)\nfrom t\n      where year > 2015 and "
        + "x = 1 and " * 12
        + "true\ngroup by year\n",
        encoding="utf-8",
    )
    good = tmp_path / "good.sql"
    good.write_text("select\n    year,\n    count(*) as n\nfrom t\ngroup by year\n", encoding="utf-8")
    args = [str(sqlfluff), "lint", "--config", str(ROOT / ".sqlfluff"), "--templater", "raw"]
    found = subprocess.run([*args, str(bad)], cwd=tmp_path, capture_output=True, text=True)
    assert found.returncode == 1, found.stdout + found.stderr
    assert {"AL03", "LT02", "LT05"} <= set(found.stdout.split()), found.stdout
    clean = subprocess.run([*args, str(good)], cwd=tmp_path, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
