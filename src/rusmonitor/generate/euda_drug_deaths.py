"""EUDA's drug-induced deaths: not a sample but the agency's real published workbooks (the 2019
Statistical Bulletin, shipped in rusmonitor/reference/euda/, reference/SOURCES.md), written into
the landing folder as the agency delivers them. The seed changes nothing: they are published
figures."""

from __future__ import annotations

import shutil
from pathlib import Path

from rusmonitor.sources.euda_drug_deaths import EUDA_TABLES

PUBLISHED = Path(__file__).resolve().parent.parent / "reference" / "euda"
EDITION = 2019  # the bulletin edition shipped


def write(seed: int, year: int, out: Path) -> list[Path]:
    if year != EDITION:
        raise ValueError(f"only the {EDITION} edition of EUDA's bulletin is shipped, not {year}")
    folder = out / "euda_drug_deaths" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    return [
        Path(shutil.copyfile(PUBLISHED / f"{name}.xlsx", folder / f"{name}.xlsx"))
        for name, _, _ in EUDA_TABLES.values()
    ]
