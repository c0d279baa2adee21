"""Generated documentation, so it cannot drift from what is enforced:

- docs/contracts.md from the source contracts the loader and the GX raw suites use;
- each source's dbt sources, dbt_project/models/staging/<id>/__sources.yml, from its
  declaration (rusmonitor/sources/<id>.py): its raw tables, their descriptions and key tests;
- docs/sources.md from the catalog's documents and each indicator's chapter references, so
  every figure is cited by document title and chapter, never by a file's line number;
- the dbt YAML of the indicator models (description, meta, tests) from the indicator catalog,
  so `dbt docs` and dbt's manifest carry each indicator's definition, and a new catalog entry
  appears with its definition when its model is added;
- the dbt macro `published_indicators()`, the catalog's published ids, which
  int_indicator_values_unioned stacks (dbt resolves a model's refs when it parses it, before
  any query could read the catalog, so the list is written out here)."""

from __future__ import annotations

from pathlib import Path

import yaml

from rusmonitor import catalog
from rusmonitor.contracts import Column
from rusmonitor.geography import GEO_LEVELS
from rusmonitor.settings import ROOT
from rusmonitor.sources import CONTRACTS, SOURCES, Source, source

CONTRACTS_DOC = ROOT / "docs" / "contracts.md"
SOURCES_DOC = ROOT / "docs" / "sources.md"
INDICATOR_MODELS_YAML = ROOT / "dbt_project" / "models" / "marts" / "indicators" / "_indicators.yml"
INDICATOR_MODELS_DIR = INDICATOR_MODELS_YAML.parent
PUBLISHED_INDICATORS_MACRO = ROOT / "dbt_project" / "macros" / "published_indicators.sql"
STAGING_DIR = ROOT / "dbt_project" / "models" / "staging"


def _rules(c: Column) -> str:
    rules = ["nullable" if c.nullable else "required"]
    if c.allowed:
        rules.append("one of " + ", ".join(f"`{a}`" for a in c.allowed))
    if c.pattern:
        rules.append(f"matches `{c.pattern}`")
    if c.min is not None or c.max is not None:
        rules.append(
            f"between {c.min if c.min is not None else '-∞'} and {c.max if c.max is not None else '∞'}"
        )
    if c.valid_in_year_of:
        rules.append(f"a {c.geography} code valid in the year of `{c.valid_in_year_of}`")
    return "; ".join(rules)


def render_contracts() -> str:
    lines = [
        "# Source contracts",
        "",
        "Generated from the source declarations (`src/rusmonitor/sources/<id>.py`) by `rusmonitor docs`;",
        "do not edit by hand.",
        "The loader checks every landing file against its contract before writing anything, and the",
        "GX raw suites are generated from the same contracts.",
        "",
        "- A file that is wrong as a whole (unreadable, not UTF-8, empty, a header that does not",
        "  match, or more than 1 % of its rows breaking the contract) is rejected with one message",
        "  naming the file, and nothing of it is written.",
        "- Records that break the contract go to `raw._quarantine` (file, row or sheet cell, column,",
        "  value, reason and the whole record); the rest of the file loads. A record is one value's:",
        "  a bad cell of a sheet with one column per sector sets aside that sector's record only.",
        "- Each file replaces its period (its folder `<source>/<year>/`); a resubmission in the same",
        "  folder (a correction, `korrigert` in any spelling, or a higher version number, `_v10`",
        "  after `_v9`, then the newer file) replaces the period. A file already loaded is skipped.",
        "  Rows must be of the folder's year (the contract's period column): a file of another",
        "  year is rejected naming the years found, a few stray rows (at most 1 %) are quarantined.",
        "- A file is read only once delivered: its done-marker `<file>.done`, JSON",
        '  `{"size": <bytes>, "sha256": "<hex>"}`, matches it; or, without a marker, nothing has',
        "  written to it for the settle time (10 s) and its end is whole: a CSV ends with a",
        "  newline, an XLSX's zip directory and checksums read, a JSON document closes. A file",
        "  not delivered yet is neither loaded nor quarantined, and loads on a later try.",
        "- Numbers: decimal point, except where a contract says decimal comma; there thousands",
        "  may be grouped by a space or a no-break space (`2 803,3`), a `.` is ambiguous and",
        "  quarantined, and more decimals than the column keeps are quarantined, not rounded.",
        "- Every raw row carries `_load_id`, `_source_file`, `_content_hash` and `_row_number`.",
        "",
    ]
    for contract in CONTRACTS.values():
        lines += [
            f"## `raw.{contract.table}` ({contract.source}: {source(contract.source).name_en})",
            "",
            contract.description,
            "",
            f"- **Grain:** {contract.grain}",
            f"- **Key:** {', '.join(f'`{k}`' for k in contract.key)}",
            f"- **File:** {contract.file_format}",
            "- **Period:** "
            + (
                f"every row's `{contract.period_column}` is of the year of its folder"
                if contract.period_column
                else "not tied to the folder's year"
            ),
            "- **Numbers:** " + ("decimal comma" if contract.decimal_comma else "decimal point"),
            "- **Freshness:** "
            + (
                "a one-off survey"
                if contract.freshness_lag_years is None
                else f"newest period at most {contract.freshness_lag_years} year(s) behind the newest source"
            ),
        ]
        if contract.measures:
            lines.append(
                "- **Totals checked per period** (⅕–5× the median period): "
                + ", ".join(f"`{m}`" for m in contract.measures)
            )
        if contract.ordered_pairs:
            lines.append(
                "- **Parts never exceed their whole:** "
                + ", ".join(f"`{a}` ≥ `{b}`" for a, b in contract.ordered_pairs)
            )
        lines += [
            "",
            "| column | type | meaning | rules |",
            "|---|---|---|---|",
        ]
        lines += [f"| `{c.name}` | {c.dtype} | {c.description} | {_rules(c)} |" for c in contract.columns]
        lines.append("")
    return "\n".join(lines)


def _indicator_description(ind: dict) -> str:
    parts = [f"{ind['name_en']} ({ind['name_no']}). Kind {ind['kind']}, unit {ind['unit']}."]
    # the dbt docs are in English; the catalog gives each text in bokmål and English
    for field, label in (
        ("numerator", "Numerator"),
        ("denominator", "Denominator"),
        ("target", "Target"),
        ("series_break", "Series break"),
    ):
        if ind.get(field):
            parts.append(f"{label}: {ind[field]['en']}.")
    return " ".join(parts)


def render_published_indicators_macro() -> str:
    """The catalog's published indicator ids as a dbt macro, in catalog order."""
    ids = "".join(f"\n    '{indicator_id}'," for indicator_id in catalog.published_indicators())
    return (
        "{#- Generated from the indicator catalog (src/rusmonitor/catalog/indicators.yml) by\n"
        "    `rusmonitor docs`; do not edit by hand. The indicators the long mart publishes, each\n"
        "    with its model ind_<id>.sql: every catalog entry without `status: no_data`. -#}\n"
        "{% macro published_indicators() %}\n"
        f"{{{{ return([{ids}\n]) }}}}\n"
        "{% endmacro %}\n"
    )


def render_indicator_models_yaml() -> str:
    """The YAML beside the ind_<id>.sql models: one entry per published catalog indicator."""
    models = []
    for ind in map(catalog.indicator, catalog.published_indicators()):
        meta = {
            k: ind[k]
            for k in ("goal", "area", "kind", "unit", "source", "direction", "priority")
            if ind.get(k) is not None
        }
        if catalog.source_reference(ind, "en"):
            meta["source_ref"] = catalog.source_reference(ind, "en")
        meta["dimensions"] = ind.get("dimensions", [])
        models.append(
            {
                "name": f"ind_{ind['id']}",
                "description": _indicator_description(ind),
                "config": {"meta": {"indicator": {"id": ind["id"], **meta}}},
                "columns": [
                    {
                        "name": "indicator_id",
                        "data_tests": [{"accepted_values": {"arguments": {"values": [ind["id"]]}}}],
                    },
                    {
                        "name": "geo_level",
                        "data_tests": [{"accepted_values": {"arguments": {"values": list(GEO_LEVELS)}}}],
                    },
                    {"name": "value", "description": f"In {ind['unit']}."},
                ],
            }
        )
    header = (
        "# Generated from the indicator catalog (src/rusmonitor/catalog/indicators.yml) by\n"
        "# `rusmonitor docs`; do not edit by hand. Every model has the standard columns of\n"
        "# macros/indicator.sql, which int_indicator_values_unioned stacks.\n"
    )
    body = yaml.safe_dump({"version": 2, "models": models}, allow_unicode=True, sort_keys=False, width=100)
    return header + body


def render_sources() -> str:
    """The documents behind the catalog, each with the indicators that cite it and where (in
    English; the report shows the same references in bokmål), then the data each indicator is
    computed from."""
    cat = catalog.load_catalog()
    lines = [
        "# Sources",
        "",
        "Generated from the indicator catalog (`src/rusmonitor/catalog/indicators.yml`) and the",
        "source modules (`src/rusmonitor/sources/<id>.py`) by `rusmonitor docs`; do not edit by",
        "hand. The report cites the same documents, by title and chapter, in the reader's language.",
        "",
        "## Documents",
        "",
    ]
    for key, title in cat["documents"].items():
        citing = [
            (ind, ref)
            for ind in cat["indicators"]
            for ref in ind.get("source_refs", [])
            if ref["document"] == key
        ]
        lines += [f"### {title['en']}", "", f"*{title['no']}*", ""]
        if not citing:
            lines += ["Not cited by any indicator.", ""]
            continue
        lines += ["| indicator | where |", "|---|---|"]
        lines += [f"| {ind['name_en']} (`{ind['id']}`) | {ref['en']} |" for ind, ref in citing]
        lines.append("")
    lines += ["## Data", "", "| source | kind | indicators |", "|---|---|---|"]
    for declared in SOURCES:
        ids = [f"`{ind['id']}`" for ind in cat["indicators"] if ind.get("source") == declared.id]
        lines.append(f"| {declared.name_en} (`{declared.id}`) | {declared.kind} | {', '.join(ids) or '–'} |")
    return "\n".join(lines) + "\n"


def dbt_sources_path(declared: Source) -> Path:
    return STAGING_DIR / declared.id / "__sources.yml"


def render_dbt_sources(declared: Source) -> str:
    """A source's raw tables as dbt sources: each table's description from its contract, and its
    key tested unique (and, a single column, not null). The loader enforces the contract per
    file; the tests say the raw layer as a whole still holds it when dbt builds."""
    tables = []
    for contract in declared.contracts:
        described = f"{contract.description} Grain: {contract.grain}."
        table: dict = {"name": contract.table, "description": described}
        if len(contract.key) == 1:
            table["columns"] = [{"name": contract.key[0], "data_tests": ["not_null", "unique"]}]
        else:  # the generic test of tests/generic/unique_combination.sql
            table["data_tests"] = [{"unique_combination": {"arguments": {"columns": list(contract.key)}}}]
        tables.append(table)
    doc = {
        "version": 2,
        "sources": [
            {
                "name": declared.id,
                "description": f"{declared.name_en}, loaded by rusmonitor.load.",
                "schema": "raw",
                "tables": tables,
            }
        ],
    }
    header = f"# Generated from src/rusmonitor/sources/{declared.id}.py by `rusmonitor docs`; do not edit.\n"
    return header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def write_docs() -> list[Path]:
    CONTRACTS_DOC.parent.mkdir(parents=True, exist_ok=True)
    CONTRACTS_DOC.write_text(render_contracts(), encoding="utf-8")
    SOURCES_DOC.write_text(render_sources(), encoding="utf-8")
    INDICATOR_MODELS_YAML.write_text(render_indicator_models_yaml(), encoding="utf-8")
    PUBLISHED_INDICATORS_MACRO.write_text(render_published_indicators_macro(), encoding="utf-8")
    written = [CONTRACTS_DOC, SOURCES_DOC, INDICATOR_MODELS_YAML, PUBLISHED_INDICATORS_MACRO]
    for declared in SOURCES:
        path = dbt_sources_path(declared)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_dbt_sources(declared), encoding="utf-8")
        written.append(path)
    return written
