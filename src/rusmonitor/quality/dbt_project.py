"""What the dbt project declares that the suites and publication use: the long mart's public
columns, key and accepted statuses (its model contract in mart_indicator_values.yml). Which
indicators it publishes is the catalog's (catalog.published_indicators)."""

from __future__ import annotations

import yaml

from rusmonitor.settings import DBT_PROJECT_DIR

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
