"""The geography lists that suites, generated docs and contracts share, each read from the one
file that defines it: the levels from the long mart's dbt contract (its accepted_values test),
the regional health authorities from the 2024 geography seed."""

from __future__ import annotations

import csv

import yaml

from rusmonitor.settings import DBT_PROJECT_DIR, GEOGRAPHY_SEED

MART_YAML = DBT_PROJECT_DIR / "models" / "marts" / "mart_indicator_values.yml"


def _geo_levels() -> tuple[str, ...]:
    doc = yaml.safe_load(MART_YAML.read_text(encoding="utf-8"))
    model = next(m for m in doc["models"] if m["name"] == "mart_indicator_values")
    column = next(c for c in model["columns"] if c["name"] == "geo_level")
    test = next(t for t in column["data_tests"] if isinstance(t, dict) and "accepted_values" in t)
    return tuple(test["accepted_values"]["arguments"]["values"])


def _rhf_codes() -> tuple[str, ...]:
    with GEOGRAPHY_SEED.open(encoding="utf-8", newline="") as f:
        # in order of first appearance (the seed is sorted by municipality code: south to north)
        return tuple(dict.fromkeys(row["rhf_code"] for row in csv.DictReader(f)))


GEO_LEVELS: tuple[str, ...] = _geo_levels()
RHF_CODES: tuple[str, ...] = _rhf_codes()
