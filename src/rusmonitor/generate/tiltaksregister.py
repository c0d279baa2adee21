"""A sample of the measure register: each of the plan's measures (catalog/measures.yml) starts
by its due year and is carried out around it, some late, a few not within the period. One path
per measure over all years (drawn once, year 0), so each year's file continues the last."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rusmonitor.catalog import load_measures
from rusmonitor.generate.common import _write_csv, rng_for

NOT_DONE = 9999  # a measure not carried out within the sample's years


def _paths(seed: int) -> list[tuple[dict, int, int]]:
    """(measure, first year under way, year carried out) for each measure."""
    rng = rng_for(seed, "tiltaksregister")
    out = []
    for m in load_measures()["measures"]:
        started = int(rng.integers(2016, max(2016, m["due"]) + 1))
        late = int(rng.choice([-1, 0, 0, 0, 1, 2, NOT_DONE]))
        done = NOT_DONE if late == NOT_DONE else max(started, m["due"] + late, 2016)
        out.append((m, started, done))
    return out


def status_in(year: int, started: int, done: int) -> str:
    if year >= done:
        return "gjennomfort"
    return "igangsatt" if year >= started else "ikke_startet"


def write(seed: int, year: int, out: Path) -> Path:
    owners = load_measures()["owners"]
    rows = []
    for m, started, done in _paths(seed):
        status = status_in(year, started, done)
        evidence = None if status == "ikke_startet" else f"Statusrapport {year}, {owners[m['owner']]['no']}"
        rows.append({"aar": year, "tiltak_id": m["id"], "status": status, "dokumentasjon": evidence})
    path = out / "tiltaksregister" / str(year) / f"tiltaksregister_{year}.csv"
    _write_csv(pd.DataFrame(rows), path)
    return path
