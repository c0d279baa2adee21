"""Sample extracts of one source, Kriminalomsorgen, in its publisher's format
(see rusmonitor.generate)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rusmonitor.generate.common import _write_csv, rng_for

# ND (drug programme with court control): Oslo 14 and Bergen 10 sentences in 2014
# (Prop. 15 S (2015–2016), ch. 3.4.8); a trial in those two cities since 2006, offered by more
# probation offices from 2016.
ND_OFFICES = {"oslo": "Oslo", "bergen": "Bergen"}


ND_OFFICES_FROM_2016 = {
    "agder": "Agder",
    "rogaland": "Rogaland",
    "trondelag": "Trøndelag",
    "troms": "Troms",
    "nordland": "Nordland",
    "ostfold": "Østfold",
    "vestfold": "Vestfold",
    "innlandet": "Innlandet",
    "buskerud": "Buskerud",
    "telemark": "Telemark",
    "akershus": "Akershus",
    "more_og_romsdal": "Møre og Romsdal",
    "finnmark": "Finnmark",
    "sogn_og_fjordane": "Sogn og Fjordane",
}


ND_2014 = {"oslo": 14, "bergen": 10}


CORRECTIONAL_REGIONS = {
    "region_ost": "Region øst",
    "region_sor": "Region sør",
    "region_sorvest": "Region sørvest",
    "region_vest": "Region vest",
    "region_nord": "Region nord",
}


def kriminalomsorgen(seed: int, year: int) -> pd.DataFrame:
    rng = rng_for(seed, "kriminalomsorgen", year)
    rows = []
    offices = dict(ND_OFFICES) | (ND_OFFICES_FROM_2016 if year >= 2016 else {})
    for code, name in offices.items():
        if year == 2014 and code in ND_2014:
            count = ND_2014[code]
        elif code in ND_OFFICES:
            count = int(rng.integers(8, 16) + max(0, year - 2014))
        else:
            count = int(rng.integers(0, 6) + max(0, year - 2016) // 2)
        rows.append((year, "nd_kontor", code, f"Friomsorgskontoret {name}", "nd_dom", count))
    for code, name in CORRECTIONAL_REGIONS.items():
        count = int(rng.integers(40, 90) * (1 + 0.03 * max(0, year - 2015)))
        rows.append((year, "region", code, name, "paragraf_12", count))
    return pd.DataFrame(rows, columns=["aar", "enhet_type", "enhet_kode", "enhet_navn", "tiltak", "antall"])


def write(seed: int, year: int, out: Path) -> Path:
    path = out / "kriminalomsorgen" / str(year) / f"kriminalomsorgen_{year}.csv"
    _write_csv(kriminalomsorgen(seed, year), path)
    return path
