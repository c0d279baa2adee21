"""What a data contract says: the Column and Contract types, and the code pattern the contracts
share.

A contract describes one raw table: its columns (name, type, nullability, allowed values,
pattern, range), key and grain. Each source's module in rusmonitor/sources/ declares the
contracts of its raw tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # varchar | integer | date | decimal(p,s)
    description: str = ""
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None  # regular expression the whole (trimmed) text must match
    min: float | None = None
    max: float | None = None
    # a municipality (or county) code must be one valid in the year given by this column
    valid_in_year_of: str | None = None
    geography: str = "municipality"  # or "county"

    @property
    def sql_type(self) -> str:
        return {"varchar": "VARCHAR", "integer": "BIGINT", "date": "DATE"}.get(self.dtype, self.dtype.upper())


@dataclass(frozen=True)
class Contract:
    source: str  # the id of the source that delivers it (rusmonitor/sources/<id>.py)
    table: str  # raw table name (schema raw)
    description: str
    grain: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    file_format: str  # how the landing file is laid out, for the docs
    metadata_columns: tuple[str, ...] = field(
        default=("_load_id", "_source_file", "_content_hash", "_row_number")
    )
    # columns whose total per period should move smoothly from year to year (a tenfold jump
    # is an error, not news); person-level tables are checked on their row counts instead
    measures: tuple[str, ...] = ()
    # how many years the newest period may lag the newest of any source (None: a one-off
    # survey, no freshness); the survey rounds of PasOpp come every three years
    freshness_lag_years: int | None = 0
    # (larger, smaller) column pairs: a part never exceeds its whole (yes-answers never exceed
    # answers), else a share above 100 % follows
    ordered_pairs: tuple[tuple[str, str], ...] = ()
    # the column whose year every row must share with the file's period folder <source>/<year>/
    # (a date column counts by its year); None: the contract does not tie rows to a period
    period_column: str | None = None
    # numbers as the publisher writes them: a decimal comma, thousands grouped by a space or a
    # no-break space ("2 803,3"); a "." is then ambiguous and quarantined, never guessed at
    decimal_comma: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


# a municipality code, four digits
MUNICIPALITY = r"\d{4}"

# a time of day, HH:MM (a non-capturing group: GX warns on capturing ones)
HHMM = r"(?:[01]\d|2[0-3]):[0-5]\d"
