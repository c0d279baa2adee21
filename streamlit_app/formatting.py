"""Numbers as the reader expects them: in bokmål a space for thousands and a comma for
decimals, in English a comma and a point; units named in the reader's language."""

from __future__ import annotations

import math

from rusmonitor.catalog import units
from texts import lang

SUPPRESSED = ":"  # the publishers' symbol for a cell hidden for privacy
MISSING = ".."


def decimals(unit: str) -> int:
    declared = units().get(unit)
    return int(declared["decimals"]) if declared else 1


def number(value: float | None, places: int = 0, signed: bool = False, english: bool | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text = f"{value:{'+' if signed else ''},.{places}f}"
    if (lang() == "en") if english is None else english:
        return text
    return text.replace(",", "\u00a0").replace(".", ",")


def with_unit(value: float | None, unit: str, signed: bool = False) -> str:
    shown = number(value, decimals(unit), signed)
    return shown if shown == MISSING else f"{shown} {unit_label(unit)}".strip()


def with_unit_all(values, unit: str) -> list[str]:
    """with_unit of many values (a map's areas): the language and the unit looked up once,
    not twice per value (each lookup reads st.query_params)."""
    places, label, english = decimals(unit), unit_label(unit), lang() == "en"
    shown = (number(v, places, english=english) for v in values)
    return [s if s == MISSING else f"{s} {label}".strip() for s in shown]


def unit_label(unit: str) -> str:
    declared = units().get(unit)
    if declared is None:
        return unit
    return declared["en"] if lang() == "en" else declared["no"]
