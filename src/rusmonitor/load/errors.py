"""What a load says when a landing file or one of its records is wrong: RowError (one value of
one record, by file, row, sheet cell and column), LoadError (a file that breaks its contract:
nothing of it is written) and FilesStillBeingWritten (a file not complete yet: transient, left
for a retry). Quoted values and message lines are cut to a readable length."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_REPORTED_ERRORS = 20  # RowErrors a LoadError lists; the rest are counted
MAX_VALUE_SHOWN = 80  # characters of a bad value echoed into a message (a 50 MB line is not)


def shown(value: str | None, limit: int = MAX_VALUE_SHOWN) -> str:
    """A value as a message quotes it: repr, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(value or '')} characters)"


MAX_LINE = 480  # characters of one message line


def capped(line: str) -> str:
    return line if len(line) <= MAX_LINE else f"{line[: MAX_LINE - 30]}… ({len(line)} characters)"


@dataclass(frozen=True)
class RowError:
    file: str
    row: int  # the physical location: CSV line, sheet row, or JSON-stat value position
    column: str
    value: str | None
    reason: str
    where: str = "row"  # how `row` reads: "row", "sheet 'X' row", "value"
    # which record of the file (a sheet row unpivoted to one record per sector is several)
    record: int | None = field(default=None, compare=False)
    cell: str | None = None  # a spreadsheet cell, e.g. "D7"

    def __str__(self) -> str:
        value = "" if self.value is None else f" (value {shown(self.value)})"
        cell = f" (cell {self.cell})" if self.cell else ""
        return f"{self.file}: {self.where} {self.row}{cell}, column {self.column!r}: {self.reason}{value}"


class LoadError(Exception):
    """A landing file that breaks its contract. Nothing of it was written."""

    def __init__(
        self, file: str, message: str, errors: list[RowError] | None = None, total: int | None = None
    ):
        self.file = file
        self.errors = errors or []
        # the GX validations that say why (quality.SuiteResult), stored by the loader once the
        # files before this one are committed, so that they are the newest record
        self.checked: list = []
        self.total = total if total is not None else len(self.errors)
        # each line readable: a parser's or GX's text can quote a whole (50 MB) line
        lines = [capped(line) for line in message.split("\n")] + [f"  {e}" for e in self.errors]
        if self.total > len(self.errors):
            lines.append(f"  ... and {self.total - len(self.errors)} more")
        super().__init__("\n".join(lines))


class FilesStillBeingWritten(RuntimeError):
    """Landing files not complete yet (delivery.py's rule): not loaded, not quarantined.
    Transient: a retry, or the next run, loads them once they are complete."""

    def __init__(self, files: list[str], reasons: dict[str, str] | None = None):
        self.files = files
        self.reasons = reasons or {}
        listed = "; ".join(f"{f} ({self.reasons[f]})" if f in self.reasons else f for f in files)
        super().__init__(
            f"{len(files)} landing file(s) not complete yet, left for the next try: {listed}. "
            "Wait for the copy to finish, or have the publisher write <file>.done with its size "
            "and sha256."
        )
