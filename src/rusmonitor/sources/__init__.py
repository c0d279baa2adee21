"""The sources the pipeline loads, one module each: `rusmonitor/sources/<id>.py` declares a
source's names, extracts (file patterns, raw-table contracts, reader), years and, in its
contracts, freshness. Nothing else lists sources: this package finds its modules itself.

Kept light (dataclasses, no pandas): the DAG files read it at parse time.
"""

from __future__ import annotations

import importlib
import pkgutil

from rusmonitor.contracts import Contract
from rusmonitor.sources.declaration import DEFAULT_YEARS, Extract, Source

NOT_SOURCES = {"declaration"}


def _discover() -> tuple[Source, ...]:
    found = []
    for module in pkgutil.iter_modules(__path__):
        if module.name in NOT_SOURCES or module.name.startswith("_"):
            continue
        declared = getattr(importlib.import_module(f"{__name__}.{module.name}"), "SOURCE", None)
        if not isinstance(declared, Source):
            raise TypeError(f"rusmonitor/sources/{module.name}.py declares no SOURCE = Source(...)")
        if declared.id != module.name:
            raise ValueError(f"rusmonitor/sources/{module.name}.py declares the source {declared.id!r}")
        found.append(declared)
    numbers = [s.number for s in found]
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"two sources share a number: {sorted((s.number, s.id) for s in found)}")
    tables = [c.table for s in found for c in s.contracts]
    if len(set(tables)) != len(tables):
        raise ValueError(f"two contracts share a raw table name: {sorted(tables)}")
    return tuple(sorted(found, key=lambda s: s.number))


SOURCES: tuple[Source, ...] = _discover()
BY_ID: dict[str, Source] = {s.id: s for s in SOURCES}
# the ids, in load order (a DAG per source reads these at parse time)
LOADED_SOURCES: tuple[str, ...] = tuple(BY_ID)
# every raw-layer contract by its table, in the sources' order
CONTRACTS: dict[str, Contract] = {c.table: c for s in SOURCES for c in s.contracts}


def source(source_id: str) -> Source:
    try:
        return BY_ID[source_id]
    except KeyError:
        raise KeyError(f"unknown source {source_id!r}; the sources are {', '.join(BY_ID)}") from None


def contracts_for(source_id: str) -> list[Contract]:
    return list(source(source_id).contracts)


__all__ = [
    "CONTRACTS",
    "DEFAULT_YEARS",
    "LOADED_SOURCES",
    "SOURCES",
    "Extract",
    "Source",
    "contracts_for",
    "source",
]
