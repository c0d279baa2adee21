"""FHI's statistikkbank: not a sample but tables really exported from it (Kommunehelsa, 2025:
Ungdata's shares and the cause-of-death register's rates for Norway, Telemark and its
municipalities; reference/SOURCES.md), written into the landing folder byte for byte as
exported. The seed changes nothing: they are published figures."""

from __future__ import annotations

import gzip
from pathlib import Path

from rusmonitor.sources.fhi_statistikkbank import FHI_TABLES

PUBLISHED = Path(__file__).resolve().parent.parent / "reference" / "fhi"
EXPORTED = 2025  # the year the tables were exported


def write(seed: int, year: int, out: Path) -> list[Path]:
    if year != EXPORTED:
        raise ValueError(f"only the tables exported in {EXPORTED} are shipped, not {year}")
    folder = out / "fhi_statistikkbank" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in FHI_TABLES:
        target = folder / f"{name}.csv"
        target.write_bytes(gzip.decompress((PUBLISHED / f"{name}.csv.gz").read_bytes()))
        written.append(target)
    return written
