"""The catalog is the one source of truth for indicators: what reads it finds what it needs."""

import copy
import dataclasses
import os
import re
from pathlib import Path

import pytest
import yaml

from conftest import CITATION_PATTERNS, forbidden_citations
from rusmonitor import catalog
from rusmonitor.catalog import published_indicators
from rusmonitor.settings import CATALOG_PATH, ROOT
from rusmonitor.sources import SOURCES, source


def test_norwegian_keys_survive_yaml():
    cat = catalog.load_catalog()
    assert cat["goals"][1]["no"].startswith("Sikre reell brukerinnflytelse")
    rows = catalog.indicator_rows()
    assert len(rows) == len(cat["indicators"]) == len({r["indicator_id"] for r in rows})
    assert all(r["goal_no"] and r["effort_area_no"] for r in rows)


def test_every_published_indicator_is_in_the_catalog_with_its_model():
    ids = {i["id"] for i in catalog.indicators()}
    assert set(published_indicators()) <= ids
    # every indicator but the one that needs person-level death records (catalog notes)
    assert ids - set(published_indicators()) == {"overdose_deaths_after_discharge"}
    # one model per published indicator, and no model the catalog does not publish
    from rusmonitor.docs import INDICATOR_MODELS_DIR

    models = {p.stem.removeprefix("ind_") for p in INDICATOR_MODELS_DIR.glob("ind_*.sql")}
    assert models == set(published_indicators())


def test_an_indicator_without_data_says_why():
    cat = copy.deepcopy(catalog.load_catalog())
    catalog.check_statuses(cat)
    gap = next(ind for ind in cat["indicators"] if ind.get("status") == "no_data")
    del gap["notes"]
    with pytest.raises(ValueError, match="no `notes` saying why"):
        catalog.check_statuses(cat)
    gap["status"] = "later"
    with pytest.raises(ValueError, match="expected one of"):
        catalog.check_statuses(cat)


def test_the_union_stacks_the_catalogs_published_indicators():
    """dbt's list of indicator models is generated from the catalog, not kept by hand."""
    from rusmonitor.docs import PUBLISHED_INDICATORS_MACRO, ROOT, render_published_indicators_macro

    assert PUBLISHED_INDICATORS_MACRO.read_text(encoding="utf-8") == render_published_indicators_macro(), (
        "dbt_project/macros/published_indicators.sql is stale: run `uv run rusmonitor docs`"
    )
    listed = re.findall(r"'(\w+)',", PUBLISHED_INDICATORS_MACRO.read_text(encoding="utf-8"))
    assert listed == published_indicators()
    union = ROOT / "dbt_project/models/intermediate/publication/int_indicator_values_unioned.sql"
    assert "published_indicators()" in union.read_text(encoding="utf-8")
    project = yaml.safe_load((ROOT / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8"))
    assert "published_indicators" not in project["vars"]  # no second list beside the catalog


def test_contract_docs_are_current():
    from rusmonitor.docs import CONTRACTS_DOC, render_contracts

    assert CONTRACTS_DOC.read_text(encoding="utf-8") == render_contracts(), (
        "docs/contracts.md is stale: run `uv run rusmonitor docs`"
    )


def test_every_source_has_current_dbt_sources_and_nothing_else_lists_them():
    """Each declared source's __sources.yml is generated from its module, and every staging
    folder with a __sources.yml of raw data belongs to a declared source."""
    from rusmonitor.docs import STAGING_DIR, dbt_sources_path, render_dbt_sources

    for declared in SOURCES:
        path = dbt_sources_path(declared)
        assert path.read_text(encoding="utf-8") == render_dbt_sources(declared), (
            f"{path.relative_to(ROOT)} is stale: run `uv run rusmonitor docs`"
        )
        tables = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"][0]["tables"]
        assert [t["name"] for t in tables] == [c.table for c in declared.contracts]
    # the loader's own bookkeeping and the catalog are the two raw tables no source module declares
    folders = {p.parent.name for p in STAGING_DIR.glob("*/__sources.yml")}
    assert folders == {s.id for s in SOURCES} | {"loads", "catalog"}


def test_the_census_contract_has_the_measures_the_catalog_gives_figures_for():
    # the census module writes its 27 measure columns; the catalog's baselines (which the
    # sample generator is calibrated to) must name the same measures, in the same order
    from rusmonitor.sources.kartlegging import CENSUS_MEASURES

    for indicator_id in ("unmet_need_pct_clients", "service_received_pct_clients"):
        named = [b["breakdown"]["measure"] for b in catalog.indicator(indicator_id)["baselines"]]
        assert tuple(named) == CENSUS_MEASURES, indicator_id


def test_source_docs_are_current_and_cite_every_document():
    from rusmonitor.docs import SOURCES_DOC, render_sources

    assert SOURCES_DOC.read_text(encoding="utf-8") == render_sources(), (
        "docs/sources.md is stale: run `uv run rusmonitor docs`"
    )
    text = SOURCES_DOC.read_text(encoding="utf-8")
    for document in catalog.load_catalog()["documents"].values():
        assert f"### {document['en']}" in text
    cited = [ind["id"] for ind in catalog.indicators() if ind.get("source_refs")]
    assert cited and all(f"(`{i}`)" in text for i in cited)


def test_indicator_model_yaml_is_generated_from_the_catalog():
    from rusmonitor.docs import INDICATOR_MODELS_YAML, render_indicator_models_yaml

    assert INDICATOR_MODELS_YAML.read_text(encoding="utf-8") == render_indicator_models_yaml(), (
        "dbt_project/models/marts/indicators/_indicators.yml is stale: run `uv run rusmonitor docs`"
    )
    models = yaml.safe_load(INDICATOR_MODELS_YAML.read_text(encoding="utf-8"))["models"]
    assert {m["name"] for m in models} == {f"ind_{i}" for i in published_indicators()}
    tsb = next(m for m in models if m["name"] == "ind_tsb_patients")
    assert tsb["config"]["meta"]["indicator"]["source"] == "npr"


NOT_SCANNED_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "target"}
NOT_SCANNED_DIRS |= {"logs", "dbt_packages", "test-output", ".import_linter_cache"}
BINARY_SUFFIXES = {".gz", ".zip", ".png", ".jpg", ".ico", ".duckdb", ".wal", ".parquet", ".xlsx"}


def _repository_text_files():
    for folder, dirs, files in os.walk(ROOT):
        here = Path(folder)
        dirs[:] = [d for d in dirs if d not in NOT_SCANNED_DIRS and here / d != ROOT / "data"]
        for name in files:
            path = here / name
            # a worktree's `.git` file names the worktree, not the repository's content
            if name in ("uv.lock", ".git") or path.suffix in BINARY_SUFFIXES:
                continue
            try:
                yield path, path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def test_catalog_cites_documents_by_title_and_chapter():
    texts = [*_strings(catalog.load_catalog()), *_strings(catalog.indicator_rows())]
    texts += [*_strings(catalog.reference_figures())]
    found = sorted({hit for text in texts for hit in forbidden_citations(text)})
    assert not found, f"catalog texts cite file lines or outside files: {found}"
    documents = catalog.load_catalog()["documents"]
    for row in catalog.indicator_rows():
        # every indicator says where in the documents it comes from, in both languages
        assert row["source_ref_no"] and row["source_ref_en"], row["indicator_id"]
        assert row["source_ref_no"].startswith(tuple(d["no"] for d in documents.values()))
        assert row["source_ref_en"].startswith(tuple(d["en"] for d in documents.values()))
        assert "seed_ref" not in row


def test_a_citation_of_an_unknown_document_names_the_indicator_and_the_document():
    ind = {"id": "x_share", "source_refs": [{"document": "no_such_plan", "no": "kap. 1", "en": "ch. 1"}]}
    with pytest.raises(KeyError, match="x_share.*no_such_plan"):
        catalog.source_reference(ind, "no")


def test_no_file_in_the_repository_cites_file_lines_or_outside_paths():
    found = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
        for path, text in _repository_text_files()
        for pattern in CITATION_PATTERNS
        for m in pattern.finditer(text)
    ]
    assert not found, "cite documents by title and chapter:\n" + "\n".join(found)


def _limit_literals(limit: int) -> re.Pattern:
    """The ways the suppression limit L has been written out as a number: "1–L", [1, 2, …, L],
    `suppression_limit: L`, a fallback `or L` or `fillna(L)`, `between(1, L)`, "below L+1" (a
    distance band of "1-L,9 km" in a publisher's file is not one)."""
    small = ", ".join(str(n) for n in range(1, limit + 1))
    return re.compile(
        rf"\b1\s?[-–]\s?{limit}\b(?![,.]\d)|\[{small}\]"
        rf"|\b(?:suppression_limit|protection_level)[\"': =]{{1,4}}{limit}\b"
        rf"|SUPPRESSION_LIMIT\s*=|\bor {limit}\)|fillna\({limit}\)|between\(1, {limit}\)"
        rf"|\b(?:below|under) {limit + 1}\b",
        re.IGNORECASE,
    )


def test_the_suppression_limit_is_written_only_in_the_catalog():
    pattern = _limit_literals(catalog.default_suppression_limit())
    found = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
        for path, text in _repository_text_files()
        if path != CATALOG_PATH
        for m in pattern.finditer(text)
    ]
    assert not found, "read the limit from the catalog (catalog.default_suppression_limit()):\n" + "\n".join(
        found
    )
    # the one place: the catalog's top-level key (no indicator sets its own yet)
    limit = catalog.default_suppression_limit()
    assert pattern.findall(CATALOG_PATH.read_text(encoding="utf-8")) == [f"suppression_limit: {limit}"]


def test_every_indicator_unit_is_declared_with_labels_and_decimals():
    cat = copy.deepcopy(catalog.load_catalog())
    catalog.check_units(cat)
    cat["indicators"][0]["unit"] = "furlongs"
    with pytest.raises(ValueError, match=f"{cat['indicators'][0]['id']}.*furlongs"):
        catalog.check_units(cat)
    cat = copy.deepcopy(catalog.load_catalog())
    del cat["units"]["days"]["en"]
    with pytest.raises(ValueError, match="days.*en"):
        catalog.check_units(cat)


def test_a_headline_is_a_breakdown_the_mart_publishes_not_a_sum_the_report_makes():
    cat = copy.deepcopy(catalog.load_catalog())
    catalog.check_headlines(cat)
    level = next(i for i in cat["indicators"] if i["id"] == "brukerplan_function_level")
    level["headline"]["combine"] = "sum"
    with pytest.raises(ValueError, match="brukerplan_function_level.*combine 'sum'"):
        catalog.check_headlines(cat)
    level["headline"] = {"breakdowns": ["colour=gronn"], "label": {"no": "grønn", "en": "green"}}
    with pytest.raises(ValueError, match="colour=gronn.*dimensions"):
        catalog.check_headlines(cat)
    level["headline"] = {"breakdowns": ["level=gronn"], "label": {"no": "grønn"}}
    with pytest.raises(ValueError, match="needs `no` and `en`"):
        catalog.check_headlines(cat)


# words that mark a text as English or as bokmål (short, common, and not shared)
ENGLISH_WORDS = re.compile(r"\b(the|and|of|with|who|in the|per year)\b")
BOKMAL_WORDS = re.compile(r"\b(og|med|som|av|til|i året|etter|uten)\b")


def test_every_published_indicator_text_is_in_bokmal_and_english():
    published = set(published_indicators())
    pairs = [
        (ind["id"], field, ind[field]["no"], ind[field]["en"])
        for ind in catalog.indicators()
        if ind["id"] in published
        for field in catalog.BILINGUAL_TEXTS
        if field in ind
    ]
    assert len(pairs) > 50
    for indicator_id, field, no, en in pairs:
        assert no.strip() and en.strip() and no != en, (indicator_id, field)
        assert not ENGLISH_WORDS.search(no), (indicator_id, field, no)
        assert not BOKMAL_WORDS.search(en), (indicator_id, field, en)
    # each becomes a bokmål and an English column of dim_indicator
    rows = {r["indicator_id"]: r for r in catalog.indicator_rows()}
    for indicator_id, field, no, en in pairs:
        column = catalog.BILINGUAL_TEXTS[field]
        assert (rows[indicator_id][f"{column}_no"], rows[indicator_id][f"{column}_en"]) == (no, en)


def test_every_source_is_named_in_bokmal_and_english():
    rows = {r["indicator_id"]: r for r in catalog.indicator_rows()}
    for declared in SOURCES:
        no, en = declared.name_no, declared.name_en
        assert no != en and not ENGLISH_WORDS.search(no) and not BOKMAL_WORDS.search(en), declared.id
        using = [r for r in rows.values() if r["source_id"] == declared.id]
        assert all((r["source_name_no"], r["source_name_en"]) == (no, en) for r in using), declared.id


def test_a_source_named_in_one_language_or_unknown_to_an_indicator_fails():
    npr = source("npr")
    # a source's name is cited on every page: both languages, and not the same text twice
    with pytest.raises(ValueError, match=r"source 'npr': name_en is empty"):
        dataclasses.replace(npr, name_en=" ")
    with pytest.raises(ValueError, match=r"source 'npr': name_no and name_en are the same text"):
        dataclasses.replace(npr, name_en=npr.name_no)
    cat = copy.deepcopy(catalog.load_catalog())
    catalog.check_sources(cat)
    cat["indicators"][0]["source"] = "lar"
    with pytest.raises(ValueError, match=r"source 'lar' is not declared in rusmonitor/sources/"):
        catalog.check_sources(cat)


def test_a_catalog_text_in_one_language_fails_at_load():
    cat = copy.deepcopy(catalog.load_catalog())
    catalog.check_bilingual_texts(cat)
    ind = next(i for i in cat["indicators"] if i["id"] == "tsb_wait_mean_days")
    del ind["target"]["en"]
    with pytest.raises(ValueError, match=r"tsb_wait_mean_days.*`target`.*missing \['en'\]"):
        catalog.check_bilingual_texts(cat)
    ind["target"] = "Øke kapasiteten og redusere ventetiden til rusbehandling"
    with pytest.raises(ValueError, match=r"tsb_wait_mean_days.*`target`.*missing \['no', 'en'\]"):
        catalog.check_bilingual_texts(cat)
    ind["target"] = {"no": "Øke kapasiteten", "en": "Increase capacity", "nn": "Auke kapasiteten"}
    with pytest.raises(ValueError, match=r"tsb_wait_mean_days.*unknown \['nn'\]"):
        catalog.check_bilingual_texts(cat)
    ind["target"] = {"no": "Øke kapasiteten", "en": "Increase capacity"}
    catalog.check_bilingual_texts(cat)


def test_units_say_what_the_report_intervals_and_checks_need():
    assert catalog.rate_scales() == {"per_1000": 1000.0, "per_10000": 10000.0, "per_100000": 100000.0}
    assert catalog.unit_range("percent") == (0, 100) and catalog.unit_range("fte") is None
    persons = {r["indicator_id"]: r["is_person_count"] for r in catalog.indicator_rows()}
    assert persons["municipal_fte_per_10k"] is False and persons["tsb_patients"] is True


def test_the_citation_check_catches_issue_numbers_and_line_numbers():
    # written in pieces so that this file does not cite anything itself
    issue, line = "issue" + " 12", "L" + "567"
    assert forbidden_citations(f"as {issue} asks, see {line}") == [line, issue]
    assert forbidden_citations("Issues" + "-3 and GX #11579, loaded by l14") == ["Issues" + "-3"]


def test_every_measure_has_a_goal_an_owner_a_due_year_and_texts_in_both_languages():
    rows = catalog.measure_rows()
    assert len(rows) >= 15 and {r["goal"] for r in rows} == {1, 2, 3, 4, 5}
    plan = catalog.load_catalog()["documents"]["plan"]
    for row in rows:
        assert row["measure_no"] != row["measure_en"] and row["owner_no"] != row["owner_en"]
        assert row["source_ref_no"].startswith(plan["no"] + ": kap. ")
        assert row["source_ref_en"].startswith(plan["en"] + ": ch. ")
        assert 2015 <= row["due_year"] <= 2020
    assert not [
        hit for r in rows for text in r.values() if isinstance(text, str) for hit in forbidden_citations(text)
    ]


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda m: m["measures"][0].update(owner="nav"), "owner 'nav' is not under `owners`"),
        (lambda m: m["measures"][0].update(goal=6), "goal 6 is not one of the plan's"),
        (lambda m: m["measures"][1].update(id=m["measures"][0]["id"]), "the id is used twice"),
        (lambda m: m["measures"][0].pop("en"), "every text needs bokmål (no) and English (en)"),
    ],
)
def test_a_measure_without_goal_owner_unique_id_or_english_fails_at_load(
    tmp_path, monkeypatch, edit, message
):
    from rusmonitor.settings import MEASURES_PATH

    declared = catalog._fix_norwegian_keys(yaml.safe_load(MEASURES_PATH.read_text(encoding="utf-8")))
    edit(declared)
    broken = tmp_path / "measures.yml"
    broken.write_text(yaml.safe_dump(declared, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(catalog, "MEASURES_PATH", broken)
    catalog.load_measures.cache_clear()
    try:
        with pytest.raises(ValueError, match=re.escape(message)):
            catalog.load_measures()
    finally:
        catalog.load_measures.cache_clear()
