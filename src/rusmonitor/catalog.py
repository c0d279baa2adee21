"""The indicator catalog (catalog/indicators.yml): the single source of truth for indicator
metadata, from which dbt, the quality suites, the docs and the report take what they need."""

from __future__ import annotations

import csv
import json
from functools import lru_cache
from typing import Any

import yaml

from rusmonitor.settings import CATALOG_PATH, MEASURES_PATH, REFERENCE_FIGURES_PATH
from rusmonitor.sources import LOADED_SOURCES, source


def numerator_counts_persons(ind: dict[str, Any]) -> bool:
    """Shares count persons (users, patients, respondents, referrals, discharges) in their
    numerator, rates the patients or deaths of an area; counts do when their unit is persons."""
    if ind["kind"] == "share":
        return True
    if ind["kind"] == "rate":
        return ind.get("numerator_counts_persons", True)  # FTEs per inhabitants are not persons
    return ind["kind"] == "count" and bool(units()[ind["unit"]].get("persons"))


def denominator_counts_persons(ind: dict[str, Any]) -> bool:
    """A share's denominator, and the persons a mean or median is taken over, are person counts;
    a rate's population is public and a difference has none."""
    return ind["kind"] in ("share", "mean", "median")


def _fix_norwegian_keys(node: Any) -> Any:
    """YAML 1.1 reads the key `no:` as the boolean False; the catalog means Norwegian."""
    if isinstance(node, dict):
        return {("no" if k is False else k): _fix_norwegian_keys(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_fix_norwegian_keys(v) for v in node]
    return node


def check_units(cat: dict[str, Any]) -> None:
    """Every indicator's unit is declared under `units`, with its labels and decimals."""
    declared = cat["units"]
    for name, unit in declared.items():
        missing = {"no", "en", "decimals"} - set(unit)
        if missing:
            raise ValueError(f"unit {name!r} in the catalog {CATALOG_PATH} lacks {sorted(missing)}")
    for ind in cat["indicators"]:
        if ind["unit"] not in declared:
            raise ValueError(
                f"indicator {ind['id']!r} is in unit {ind['unit']!r}, which is not under `units` "
                f"in the catalog {CATALOG_PATH}"
            )


def check_headlines(cat: dict[str, Any]) -> None:
    """A headline names breakdowns of the indicator's own dimensions, shown each on its own
    (`combine: each`) or the one named; a summed category (`level=gronn+gul`) is computed by
    the indicator's model, so disclosure control sees it, never added up in the report."""
    for ind in cat["indicators"]:
        head = ind.get("headline")
        if not head:
            continue
        where = f"indicator {ind['id']!r} in the catalog {CATALOG_PATH}"
        if head.get("combine") not in (None, "each"):
            raise ValueError(f"{where}: headline combine {head.get('combine')!r} is not 'each' (or none)")
        breakdowns = head.get("breakdowns") or []
        if not breakdowns:
            raise ValueError(f"{where}: headline has no breakdowns")
        for breakdown in breakdowns:
            for pair in str(breakdown).split(";"):
                key = pair.split("=", 1)[0]
                if "=" not in pair or key not in ind.get("dimensions", []):
                    raise ValueError(
                        f"{where}: headline breakdown {breakdown!r} is not by one of its dimensions"
                    )
        for label in [head.get("label"), *(head.get("labels") or {}).values()]:
            if label is not None and set(label) != {"no", "en"}:
                raise ValueError(f"{where}: a headline label needs `no` and `en`, has {sorted(label)}")


# Indicator texts a reader sees, each given as {no: bokmål, en: English}, and the
# dim_indicator columns they become (<column>_no, <column>_en).
BILINGUAL_TEXTS = {
    "numerator": "numerator_definition",
    "denominator": "denominator_definition",
    "target": "target_text",
    "series_break": "series_break",
    "notes": "notes",
}


def check_bilingual_texts(cat: dict[str, Any]) -> None:
    """Every reader-facing text of an indicator has a non-empty bokmål and English version (a
    source's names are checked by its declaration, rusmonitor/sources/declaration.py)."""
    owners = [(f"indicator {ind['id']!r}", ind, BILINGUAL_TEXTS) for ind in cat["indicators"]]
    for owner, entry, fields in owners:
        for field in fields:
            if field not in entry:
                if field == "name":
                    raise ValueError(f"{owner} has no `name` in the catalog {CATALOG_PATH}")
                continue
            value = entry[field]
            given = value if isinstance(value, dict) else {}
            missing = [lang for lang in ("no", "en") if not str(given.get(lang) or "").strip()]
            unknown = sorted(set(given) - {"no", "en"})
            if missing or unknown:
                raise ValueError(
                    f"{owner}: `{field}` must be {{no: ..., en: ...}} in the "
                    f"catalog {CATALOG_PATH}; missing {missing}, unknown {unknown}"
                )


STATUSES = ("published", "no_data")  # an indicator without `status` is published


def check_statuses(cat: dict[str, Any]) -> None:
    """An indicator is published (the default) or has no data yet; one without data says why
    in its notes, so the report can list it as a known gap."""
    for ind in cat["indicators"]:
        status = ind.get("status", "published")
        if status not in STATUSES:
            raise ValueError(
                f"indicator {ind['id']!r} has status {status!r} in the catalog {CATALOG_PATH}; "
                f"expected one of {list(STATUSES)}"
            )
        if status == "no_data" and not ind.get("notes"):
            raise ValueError(
                f"indicator {ind['id']!r} has no data (status: no_data) but no `notes` saying why "
                f"in the catalog {CATALOG_PATH}"
            )


def check_sources(cat: dict[str, Any]) -> None:
    """Every indicator is computed from a declared source (rusmonitor/sources/<id>.py)."""
    for ind in cat["indicators"]:
        if ind.get("source") not in LOADED_SOURCES:
            raise ValueError(
                f"indicator {ind['id']!r} in the catalog {CATALOG_PATH}: source {ind.get('source')!r} is "
                f"not declared in rusmonitor/sources/ (the sources are {', '.join(LOADED_SOURCES)})"
            )


@lru_cache(maxsize=1)
def load_catalog() -> dict[str, Any]:
    with CATALOG_PATH.open(encoding="utf-8") as f:
        cat = _fix_norwegian_keys(yaml.safe_load(f))
    check_units(cat)
    check_headlines(cat)
    check_bilingual_texts(cat)
    check_statuses(cat)
    check_sources(cat)
    return cat


def bilingual_columns(ind: dict[str, Any]) -> dict[str, str | None]:
    """An indicator's texts as dim_indicator columns: numerator_definition_no, …_en, …"""
    return {
        f"{column}_{lang}": (ind[field][lang] if field in ind else None)
        for field, column in BILINGUAL_TEXTS.items()
        for lang in ("no", "en")
    }


def units() -> dict[str, dict[str, Any]]:
    """unit -> {no, en, decimals, and where they apply scale, range, persons}."""
    return load_catalog()["units"]


def unit_range(unit: str) -> tuple[float, float] | None:
    """The values a share, mean or median in `unit` can take (a count of bed-days has none)."""
    bounds = units()[unit].get("range")
    return tuple(bounds) if bounds else None


def rate_scales() -> dict[str, float]:
    """Rate unit -> inhabitants it is per (per_1000 -> 1000)."""
    return {name: float(u["scale"]) for name, u in units().items() if "scale" in u}


def default_suppression_limit() -> int:
    """Person counts from 1 up to this are hidden unless an indicator sets its own limit."""
    return int(load_catalog()["suppression_limit"])


def suppression_limit(ind: dict[str, Any]) -> int:
    return int(ind.get("suppression_limit", default_suppression_limit()))


def small_counts_text() -> str:
    """The hidden counts as a range "1–<limit>", for texts in either language."""
    return f"1–{default_suppression_limit()}"


def indicators() -> list[dict[str, Any]]:
    return load_catalog()["indicators"]


def published_indicators() -> list[str]:
    """The indicators the mart publishes, in catalog order: all but those with no data yet.
    Each has its model dbt_project/models/marts/indicators/ind_<id>.sql."""
    return [ind["id"] for ind in indicators() if ind.get("status", "published") == "published"]


def indicator(indicator_id: str) -> dict[str, Any]:
    for ind in indicators():
        if ind["id"] == indicator_id:
            return ind
    raise KeyError(f"indicator {indicator_id!r} is not in the catalog {CATALOG_PATH}")


def source_reference(ind: dict[str, Any], lang: str) -> str | None:
    """Where in the documents the indicator comes from, in `lang` ("no" or "en"): each cited
    document's title once, then its chapters (and tables or boxes), e.g. "Prop. 15 S (2015–2016)
    Opptrappingsplanen for rusfeltet (2016–2020): kap. 2.1 Brukerne; kap. 3.4.1 …"."""
    documents = load_catalog()["documents"]
    chapters_by_document: dict[str, list[str]] = {}
    for ref in ind.get("source_refs", []):
        if ref["document"] not in documents:
            raise KeyError(
                f"indicator {ind['id']!r} cites document {ref['document']!r}, which is not under "
                f"`documents` in the catalog {CATALOG_PATH}"
            )
        chapters_by_document.setdefault(ref["document"], []).append(ref[lang])
    cited = [
        f"{documents[doc][lang]}: {'; '.join(chapters)}." for doc, chapters in chapters_by_document.items()
    ]
    return " ".join(cited) or None


def indicator_rows() -> list[dict[str, Any]]:
    """One flat row per indicator, as loaded into the warehouse for dim_indicator."""
    cat = load_catalog()
    rows = []
    for order, ind in enumerate(cat["indicators"], start=1):
        goal = cat["goals"][ind["goal"]]
        area = cat["effort_areas"][ind["area"]]
        rows.append(
            {
                "indicator_id": ind["id"],
                "catalog_order": order,
                "name_no": ind["name_no"],
                "name_en": ind["name_en"],
                "goal": ind["goal"],
                "goal_no": goal["no"],
                "goal_en": goal["en"],
                "effort_area": ind["area"],
                "effort_area_no": area["no"],
                "effort_area_en": area["en"],
                "kind": ind["kind"],
                "unit": ind["unit"],
                "source_id": ind["source"],
                "source_name_no": source(ind["source"]).name_no,
                "source_name_en": source(ind["source"]).name_en,
                "dimensions": ",".join(ind.get("dimensions", [])),
                "direction": ind.get("direction", "none"),
                "threshold": ind.get("threshold"),
                "source_ref_no": source_reference(ind, "no"),
                "source_ref_en": source_reference(ind, "en"),
                **bilingual_columns(ind),
                "priority": ind["priority"],
                "is_person_count": numerator_counts_persons(ind),
                "is_denominator_person_count": denominator_counts_persons(ind),
                "suppression_limit": suppression_limit(ind),
                # how wide a hidden small count's feasible interval must be (default: the limit)
                "protection_level": ind.get("protection_level", suppression_limit(ind)),
                # the persons counted where another indicator counts them too (disclosure
                # control hides such a count in both or in neither)
                "numerator_is": ind.get("numerator_is"),
                "denominator_is": ind.get("denominator_is"),
                "standard_ages": (ind.get("age_standardised") or {}).get("ages"),
                "standard_year": (ind.get("age_standardised") or {}).get("standard_year"),
                # breakdowns published only for some areas: {dimension: [geo levels]}
                "breakdown_levels_json": (
                    json.dumps(ind["breakdown_levels"]) if ind.get("breakdown_levels") else None
                ),
                "baselines_json": json.dumps(ind.get("baselines", []), ensure_ascii=False),
                # the series the report's tiles and charts show: {breakdowns, combine, label(s)}
                "headline_json": (
                    json.dumps(ind["headline"], ensure_ascii=False) if ind.get("headline") else None
                ),
            }
        )
    return rows


def reference_figures() -> list[dict[str, str]]:
    with REFERENCE_FIGURES_PATH.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def load_measures() -> dict[str, Any]:
    """The plan's concrete measures (catalog/measures.yml): each with its goal, owner, due year
    and where the plan states it, in bokmål and English."""
    with MEASURES_PATH.open(encoding="utf-8") as f:
        declared = _fix_norwegian_keys(yaml.safe_load(f))
    goals, owners = load_catalog()["goals"], declared["owners"]
    seen: set[str] = set()
    for m in declared["measures"]:
        where = f"measure {m.get('id')!r} in {MEASURES_PATH}"
        if m["id"] in seen:
            raise ValueError(f"{where}: the id is used twice")
        seen.add(m["id"])
        if m["goal"] not in goals:
            raise ValueError(f"{where}: goal {m['goal']} is not one of the plan's {sorted(goals)}")
        if m["owner"] not in owners:
            raise ValueError(f"{where}: owner {m['owner']!r} is not under `owners` ({sorted(owners)})")
        for text in (m, m["ref"], owners[m["owner"]]):
            if not (str(text.get("no", "")).strip() and str(text.get("en", "")).strip()):
                raise ValueError(f"{where}: every text needs bokmål (no) and English (en)")
    return declared


def measure_ids() -> tuple[str, ...]:
    return tuple(m["id"] for m in load_measures()["measures"])


def measure_rows() -> list[dict[str, Any]]:
    """One flat row per measure, as raw.catalog_measures holds it: texts in both languages, the
    owner's name and the plan's title with the chapter."""
    declared = load_measures()
    plan = load_catalog()["documents"]["plan"]
    return [
        {
            "measure_id": m["id"],
            "measure_order": order,
            "goal": m["goal"],
            "due_year": m["due"],
            "owner_id": m["owner"],
            "owner_no": declared["owners"][m["owner"]]["no"],
            "owner_en": declared["owners"][m["owner"]]["en"],
            "measure_no": m["no"],
            "measure_en": m["en"],
            "source_ref_no": f"{plan['no']}: {m['ref']['no']}",
            "source_ref_en": f"{plan['en']}: {m['ref']['en']}",
        }
        for order, m in enumerate(declared["measures"], start=1)
    ]
