"""What a validation found (Outcome, SuiteResult), the severities an expectation carries in its
meta, and the gate: a critical failure stops the data (QualityGateFailed), a warning is
logged and passes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

# the package's logger, the name it logged under as one module
log = logging.getLogger("rusmonitor.quality")

CRITICAL = "critical"
WARNING = "warning"


class QualityGateFailed(Exception):
    """A critical expectation failed: the data must not move on (to raw, the marts or the
    report)."""

    def __init__(self, results: list[SuiteResult], what: str = ""):
        self.results = results
        failed = [o for r in results for o in r.outcomes if not o.success and o.severity == CRITICAL]
        lines = [f"{what}{len(failed)} critical expectation(s) failed:"]
        lines += [f"  {o}" for o in failed[:30]]
        super().__init__("\n".join(lines))


@dataclass
class Outcome:
    suite: str
    expectation: str
    kwargs: dict[str, Any]
    success: bool
    observed: Any = None
    unexpected_count: int | None = None
    error: str | None = None
    severity: str = CRITICAL

    @property
    def column(self) -> str | None:
        column = self.kwargs.get("column") or self.kwargs.get("column_list")
        return None if column is None else str(column)

    def __str__(self) -> str:
        what = ", ".join(
            f"{k}={v!r}"
            for k, v in self.kwargs.items()
            if k in ("column", "column_list", "row_condition", "min_value", "max_value")
        )
        detail = self.error or (
            f"unexpected {self.unexpected_count}" if self.unexpected_count else f"observed {self.observed!r}"
        )
        return f"[{self.suite}] {self.expectation}({what}): {detail}"


@dataclass
class SuiteResult:
    """success: no critical expectation failed (warnings may have)."""

    suite: str
    success: bool
    rows: int
    seconds: float
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def warnings(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity == WARNING]


def gate(results: list[SuiteResult]) -> list[SuiteResult]:
    """Raise if a critical expectation failed; warnings pass (they are recorded and shown)."""
    if not all(r.success for r in results):
        raise QualityGateFailed([r for r in results if not r.success])
    for r in results:
        for o in r.warnings:
            log.warning("quality warning: %s", o)
    return results
