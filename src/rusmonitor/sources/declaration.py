"""What a source declares: its names, its kind, the extracts it delivers (name pattern, the
raw tables they fill, how they are read) and the years it covers.

A source is one module in this package, `rusmonitor/sources/<id>.py`, holding its `SOURCE` and
the contracts of its raw tables. The loader, the GX raw and freshness suites, the dbt sources
(`dbt_project/models/staging/<id>/__sources.yml`), docs/contracts.md and the DAGs all read it;
its sample generator is `rusmonitor/generate/<id>.py` (a `write(seed, year, out)` function).
"""

from __future__ import annotations

from dataclasses import dataclass

from rusmonitor.contracts import Contract

# how a landing file is read: CSV by its one contract (the loader's generic reader), Samdata's
# workbook (its own sheets into its own three tables), an SSB JSON-stat2 dataset with region,
# sex, age and time dimensions, SSB statbank's CSV download of the same, an EUDA Statistical
# Bulletin workbook (a row per country, a column per year) or an FHI statistikkbank CSV export
# (each into its one table)
READERS = ("csv", "samdata_workbook", "jsonstat2", "statbank_csv", "euda_workbook", "fhi_csv")
# follow_up: the plan's own follow-up (the measure owners' status reports)
KINDS = ("register", "samdata", "reference", "survey", "follow_up")
# the years a source covers unless it says otherwise
DEFAULT_YEARS: tuple[int, ...] = tuple(range(2010, 2025))


@dataclass(frozen=True)
class Extract:
    """One kind of landing file: its name pattern in the period folder <source>/<year>/, the raw
    tables it fills and how it is read."""

    pattern: str
    contracts: tuple[Contract, ...]
    reader: str = "csv"

    def __post_init__(self) -> None:
        if self.reader not in READERS:
            raise ValueError(f"extract {self.pattern!r}: reader {self.reader!r} is not one of {READERS}")
        if self.reader != "samdata_workbook" and len(self.contracts) != 1:
            raise ValueError(f"extract {self.pattern!r}: a {self.reader} extract fills exactly one raw table")


@dataclass(frozen=True)
class Source:
    id: str  # the module's name, the landing folder data/landing/<id>/ and the dbt source name
    # a stable number: orders the loads and seeds the sample generator's random streams, so a
    # new source never changes another's sample
    number: int
    name_no: str
    name_en: str
    kind: str  # register | samdata | reference | survey | follow_up
    extracts: tuple[Extract, ...]
    # whether its rows are persons (or their episodes, stays, answers): disclosure control then
    # treats row and unexpected counts in its quality results as counts of persons
    persons: bool = False
    years: tuple[int, ...] = DEFAULT_YEARS

    def __post_init__(self) -> None:
        # a source's name is cited on every page that shows its data: in both languages
        for field_name in ("name_no", "name_en"):
            if not getattr(self, field_name).strip():
                raise ValueError(f"source {self.id!r}: {field_name} is empty (the report cites both names)")
        if self.name_no == self.name_en:
            raise ValueError(f"source {self.id!r}: name_no and name_en are the same text; translate one")
        if self.kind not in KINDS:
            raise ValueError(f"source {self.id!r}: kind {self.kind!r} is not one of {KINDS}")
        for contract in self.contracts:
            if contract.source != self.id:
                raise ValueError(
                    f"source {self.id!r}: contract {contract.table!r} says source {contract.source!r}"
                )

    @property
    def contracts(self) -> tuple[Contract, ...]:
        # each raw table once: two extracts may fill one (SSB's JSON-stat2 and its CSV download)
        return tuple(dict.fromkeys(c for extract in self.extracts for c in extract.contracts))

    @property
    def patterns(self) -> list[str]:
        return [extract.pattern for extract in self.extracts]

    @property
    def name(self) -> dict[str, str]:
        return {"no": self.name_no, "en": self.name_en}
