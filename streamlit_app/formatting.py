"""Numbers as a Norwegian reader expects them: space for thousands, comma for decimals."""

from __future__ import annotations

import math

UNIT_LABELS = {
    "percent": ("%", 1),
    "percentage_points": ("prosentpoeng", 1),
    "days": ("dager", 1),
    "nok_million": ("mill. kr", 0),
    "persons": ("personer", 0),
    "fte": ("årsverk", 0),
    "per_1000": ("per 1 000 innb.", 1),
    "per_10000": ("per 10 000 innb.", 1),
    "per_100000": ("per 100 000 innb.", 1),
}
SUPPRESSED = ":"  # the publishers' symbol for a cell hidden for privacy
MISSING = ".."


def number(value: float | None, decimals: int = 0, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text = f"{value:{'+' if signed else ''},.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def with_unit(value: float | None, unit: str, signed: bool = False) -> str:
    label, decimals = UNIT_LABELS.get(unit, ("", 1))
    shown = number(value, decimals, signed)
    return shown if shown == MISSING else f"{shown} {label}".strip()


def unit_label(unit: str) -> str:
    return UNIT_LABELS.get(unit, (unit, 1))[0]
