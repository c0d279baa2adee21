"""Numbers as the reader expects them: in bokmål a space for thousands and a comma for
decimals, in English a comma and a point; units named in the reader's language."""

from __future__ import annotations

import math

from texts import lang

# unit -> (bokmål, English, decimals)
UNITS = {
    "percent": ("%", "%", 1),
    "percentage_points": ("prosentpoeng", "percentage points", 1),
    "days": ("dager", "days", 1),
    "nok_million": ("mill. kr", "NOK million", 0),
    "persons": ("personer", "persons", 0),
    "fte": ("årsverk", "FTEs", 0),
    "stays": ("opphold", "stays", 0),
    "consultations": ("konsultasjoner", "consultations", 0),
    "places": ("plasser", "places", 0),
    "deaths": ("dødsfall", "deaths", 0),
    "sentences": ("dommer", "sentences", 0),
    "per_1000": ("per 1 000 innb.", "per 1,000 inhabitants", 1),
    "per_10000": ("per 10 000 innb.", "per 10,000 inhabitants", 1),
    "per_100000": ("per 100 000 innb.", "per 100,000 inhabitants", 1),
}
SUPPRESSED = ":"  # the publishers' symbol for a cell hidden for privacy
MISSING = ".."


def decimals(unit: str) -> int:
    return UNITS.get(unit, ("", "", 1))[2]


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
    labels = UNITS.get(unit)
    if labels is None:
        return unit
    return labels[1] if lang() == "en" else labels[0]
