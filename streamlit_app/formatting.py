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


def number(value: float | None, places: int = 0, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text = f"{value:{'+' if signed else ''},.{places}f}"
    if lang() == "en":
        return text
    return text.replace(",", "\u00a0").replace(".", ",")


def with_unit(value: float | None, unit: str, signed: bool = False) -> str:
    shown = number(value, decimals(unit), signed)
    return shown if shown == MISSING else f"{shown} {unit_label(unit)}".strip()


def unit_label(unit: str) -> str:
    declared = units().get(unit)
    if declared is None:
        return unit
    return declared["en"] if lang() == "en" else declared["no"]
