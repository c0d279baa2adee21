"""The catalog is the one source of truth for indicators: what reads it finds what it needs."""

import yaml

from rusmonitor import catalog
from rusmonitor.quality import published_indicators


def test_norwegian_keys_survive_yaml():
    cat = catalog.load_catalog()
    assert cat["goals"][1]["no"].startswith("Sikre reell brukerinnflytelse")
    rows = catalog.indicator_rows()
    assert len(rows) == len(cat["indicators"]) == len({r["indicator_id"] for r in rows})
    assert all(r["goal_no"] and r["effort_area_no"] for r in rows)


def test_every_published_indicator_is_in_the_catalog():
    ids = {i["id"] for i in catalog.indicators()}
    assert set(published_indicators()) <= ids
    # every indicator but the one that needs person-level death records (catalog notes)
    assert ids - set(published_indicators()) == {"overdose_deaths_after_discharge"}


def test_contract_docs_are_current():
    from rusmonitor.docs import CONTRACTS_DOC, render_contracts

    assert CONTRACTS_DOC.read_text(encoding="utf-8") == render_contracts(), (
        "docs/contracts.md is stale: run `uv run rusmonitor docs`"
    )


def test_indicator_model_yaml_is_generated_from_the_catalog():
    from rusmonitor.docs import INDICATOR_MODELS_YAML, render_indicator_models_yaml

    assert INDICATOR_MODELS_YAML.read_text(encoding="utf-8") == render_indicator_models_yaml(), (
        "dbt_project/models/marts/indicators/_indicators.yml is stale: run `uv run rusmonitor docs`"
    )
    models = yaml.safe_load(INDICATOR_MODELS_YAML.read_text(encoding="utf-8"))["models"]
    assert {m["name"] for m in models} == {f"ind_{i}" for i in published_indicators()}
    tsb = next(m for m in models if m["name"] == "ind_tsb_patients")
    assert tsb["config"]["meta"]["indicator"]["source"] == "npr"
