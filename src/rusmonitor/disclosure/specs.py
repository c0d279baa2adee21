"""What disclosure control needs to know about each indicator, read from the catalog (at build
time) or from the published `dim_indicator` (by the audit, which sees only what a reader sees).

A *measure* of a row (its numerator `N` or denominator `D`) is in the protected system when it
counts persons. Two indicators often count the same persons (a share's denominator is another
indicator's count); the catalog says so with `numerator_is` / `denominator_is`:

    numerator_is: tsb_patients                      the numerator of tsb_patients
    denominator_is: detox_followup_24h_share.denominator
    numerator_is: brukerplan_users_mapped[18-24]    ... in the age band 18-24
    denominator_is: a + b                           the sum of two indicators' numerators

Disclosure control then treats them as one count, so a cell hidden in one indicator is hidden
in every indicator that publishes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# the scale of a rate's unit (value = scale * numerator / denominator)
RATE_SCALES = {"per_1000": 1_000.0, "per_10000": 10_000.0, "per_100000": 100_000.0}
# dimensions that are not breakdown keys
KEY_DIMENSIONS = {
    "year",
    "national",
    "rhf",
    "hf",
    "county",
    "municipality",
    "nd_office",
    "correctional_region",
    "sex",
    "age_group",
}
_TERM = re.compile(
    r"^\s*(?P<indicator>[a-z0-9_]+)(?:\.(?P<measure>numerator|denominator))?"
    r"(?:\[(?P<age>[0-9+\-]+)\])?\s*$"
)


@dataclass(frozen=True)
class Term:
    """One indicator's measure, optionally restricted to an age interval."""

    indicator_id: str
    measure: str  # "N" or "D"
    age_group: str | None = None


@dataclass(frozen=True)
class Spec:
    indicator_id: str
    kind: str
    unit: str
    numerator_persons: bool
    denominator_persons: bool
    limit: int
    protection: int
    breakdown_keys: tuple[str, ...]
    dimensions: tuple[str, ...] = ()
    numerator_is: tuple[Term, ...] = ()
    denominator_is: tuple[Term, ...] = ()
    standard_ages: str | None = None
    standard_year: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def scale(self) -> float:
        """value = scale * N / D for shares and rates."""
        if self.kind == "share":
            return 100.0
        return RATE_SCALES.get(self.unit, 1.0)

    def measures(self) -> tuple[str, ...]:
        """The measures of this indicator that count persons (those disclosure control protects)."""
        out = []
        if self.numerator_persons:
            out.append("N")
        if self.denominator_persons:
            out.append("D")
        return tuple(out)


def parse_terms(text: str | None) -> tuple[Term, ...]:
    """`a + b.denominator[15-64]` -> its terms; empty for none."""
    if text is None or (isinstance(text, float) and text != text) or not str(text).strip():
        return ()
    terms = []
    for part in str(text).split("+"):
        match = _TERM.match(part)
        if not match:
            raise ValueError(f"cannot read the count reference {text!r} (at {part!r})")
        measure = "D" if match["measure"] == "denominator" else "N"
        terms.append(Term(match["indicator"], measure, match["age"]))
    return tuple(terms)


def breakdown_keys(dimensions: Iterable[str]) -> tuple[str, ...]:
    return tuple(d for d in dimensions if d not in KEY_DIMENSIONS)


def specs_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, Spec]:
    """Specs from rows in dim_indicator's columns (the catalog as published)."""
    specs = {}
    for row in rows:
        limit = int(row["suppression_limit"])
        protection = row.get("protection_level")
        std_year = row.get("standard_year")
        dims = row.get("dimensions") or ""
        specs[row["indicator_id"]] = Spec(
            indicator_id=row["indicator_id"],
            kind=row["kind"],
            unit=row["unit"],
            numerator_persons=bool(row["is_person_count"]),
            denominator_persons=bool(row["is_denominator_person_count"]),
            limit=limit,
            protection=int(protection) if _present(protection) else limit,
            breakdown_keys=breakdown_keys(str(dims).split(",")),
            dimensions=tuple(d for d in str(dims).split(",") if d),
            numerator_is=parse_terms(row.get("numerator_is")),
            denominator_is=parse_terms(row.get("denominator_is")),
            standard_ages=row.get("standard_ages") if _present(row.get("standard_ages")) else None,
            standard_year=int(std_year) if _present(std_year) else None,
        )
    _check_references(specs)
    return specs


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and value != value) and value != ""


def _check_references(specs: Mapping[str, Spec]) -> None:
    for spec in specs.values():
        for term in spec.numerator_is + spec.denominator_is:
            if term.indicator_id not in specs:
                raise ValueError(
                    f"{spec.indicator_id}: the count reference names {term.indicator_id!r}, "
                    "which is not in the catalog"
                )


def base_term(specs: Mapping[str, Spec], term: Term) -> Term:
    """Follow references to the indicator that counts these persons itself."""
    seen = set()
    while True:
        spec = specs[term.indicator_id]
        refs = spec.numerator_is if term.measure == "N" else spec.denominator_is
        if len(refs) != 1 or (term.indicator_id, term.measure) in seen:
            return term
        seen.add((term.indicator_id, term.measure))
        ref = refs[0]
        term = Term(ref.indicator_id, ref.measure, ref.age_group or term.age_group)


def resolved(specs: Mapping[str, Spec], indicator_id: str, measure: str) -> tuple[Term, ...]:
    """The base terms a measure of an indicator adds up to (itself when it names no other)."""
    spec = specs[indicator_id]
    refs = spec.numerator_is if measure == "N" else spec.denominator_is
    if not refs:
        return (Term(indicator_id, measure),)
    return tuple(base_term(specs, ref) for ref in refs)


def count_id(term: Term) -> str:
    return f"{term.indicator_id}.{term.measure}"
