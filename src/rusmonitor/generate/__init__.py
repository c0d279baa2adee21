"""Deterministic synthetic extracts in the publishers' own formats.

Real registers (NPR, Samdata, IS-24/8) cannot be shared, so the repo ships a generator that writes
the same formats, calibrated so that national totals reproduce the reference figures of the plan
(catalog/reference_figures.csv). Geography and the population base are real (see
reference/SOURCES.md). The same seed always gives byte-identical files.

Layout: <out>/<source>/<year>/<file>, one folder per source and period.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from rusmonitor.generate.common import (
    ALL_YEARS,
    SOURCE_IDS,
    _write_csv,
    geography,
    log,
    municipalities_in,
    parse_years,
    predecessor_shares,
)
from rusmonitor.generate.ssb_population import population_by_year, population_in_year_codes
from rusmonitor.settings import DEFAULT_SEED
from rusmonitor.sources import LOADED_SOURCES
from rusmonitor.sources import source as declared

# what the CLI, the benchmark, the defects and the tests take from here
__all__ = [
    "ALL_YEARS",
    "DEFAULT_SEED",
    "SOURCE_IDS",
    "generate",
    "geography",
    "municipalities_in",
    "parse_years",
    "population_by_year",
    "population_in_year_codes",
    "predecessor_shares",
    "source_years",
]


def writer(source_id: str):
    """A source's sample generator: `write(seed, year, out)` in rusmonitor/generate/<id>.py."""
    return importlib.import_module(f"{__name__}.{source_id}").write


# Late corrections: the publisher resubmits a period as a second file in its folder, which
# replaces the first (NPR fills in assessment dates registered late; one municipality corrects
# its IS-24/8 return).
CORRECTED_PERIODS = {("npr", 2019), ("is_24_8", 2016)}


def write_correction(seed: int, source: str, original: Path) -> Path:
    frame = pd.read_csv(original, sep=";", dtype=str, keep_default_na=False)
    rng = np.random.default_rng([seed, SOURCE_IDS[source], 99])
    if source == "npr":
        late = np.flatnonzero(frame.vurdering_dato.to_numpy() == "")
        filled = late[rng.random(len(late)) < 0.8]
        frame.loc[filled, "vurdering_dato"] = frame.loc[filled, "behandling_start"]
    else:
        row = int(rng.integers(0, len(frame)))
        value = float(frame.loc[row, "arsverk"].replace(",", ".")) + 1.5
        frame.loc[row, "arsverk"] = f"{value:.1f}".replace(".", ",")
    path = original.with_name(original.stem + "_korrigert.csv")
    _write_csv(frame, path)
    return path


def source_years(source_id: str, years: Iterable[int] | None = None) -> list[int]:
    """The years to write for a source: all it covers, or those of `years` it covers."""
    covered = declared(source_id).years
    return [y for y in (covered if years is None else years) if y in covered]


def generate(
    years: Iterable[int] | None = None,
    seed: int = DEFAULT_SEED,
    out: Path | str = "data/landing",
    sources: Iterable[str] | None = None,
    national: bool = False,
) -> list[Path]:
    """Write the sample extracts. years=None writes every year each source covers. national
    adds NPR's outpatient contacts (about 600 000 a year) to the default sample, whose TSB
    episodes (about 27 000 patients a year) are already at the register's volume."""
    out = Path(out)
    written = []
    for source in sources or LOADED_SOURCES:
        started = dt.datetime.now()
        years_here = source_years(source, years)
        if not years_here:
            continue
        write = writer(source)
        for year in years_here:
            paths = (
                write(seed, year, out, national=True)
                if national and source == "npr"
                else write(seed, year, out)
            )
            paths = paths if isinstance(paths, list) else [paths]
            written += paths
            if (source, year) in CORRECTED_PERIODS:
                written.append(write_correction(seed, source, paths[0]))
        log.info(
            "generated %s for %d-%d in %.1f s",
            source,
            years_here[0],
            years_here[-1],
            (dt.datetime.now() - started).total_seconds(),
        )
    return written
