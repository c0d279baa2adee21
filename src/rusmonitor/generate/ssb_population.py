"""Sample extracts of one source, population, in its publisher's format
(see rusmonitor.generate)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from rusmonitor.generate.common import (
    POPULATION_TOTAL,
    SOURCE_IDS,
    municipalities_in,
    population_base,
    predecessor_shares,
)


def population_by_year(seed: int, year: int) -> pd.DataFrame:
    """Municipality x sex x age population on 1 January of `year`."""
    base = population_base()
    rng = np.random.default_rng([seed, SOURCE_IDS["ssb_population"]])
    munis = np.sort(base.municipality_code.unique())
    trend = dict(zip(munis, rng.normal(0.0, 0.004, len(munis)), strict=True))
    factor = POPULATION_TOTAL[year] / POPULATION_TOTAL[2023]
    g = base.municipality_code.map(trend).to_numpy()
    persons = base.persons.to_numpy() * factor * (1 + g * (year - 2023))
    return base.assign(persons=np.round(persons).astype(np.int64))


def population_in_year_codes(seed: int, year: int) -> pd.DataFrame:
    """population_by_year, on the municipality codes valid in `year`."""
    pop = population_by_year(seed, year).rename(columns={"municipality_code": "code_2024"})
    split = pop.merge(predecessor_shares(year), on="code_2024")
    split["persons"] = split.persons * split.share
    out = split.groupby(["code", "sex", "age"], as_index=False).persons.sum()
    out["persons"] = np.round(out.persons).astype(np.int64)
    return out.rename(columns={"code": "municipality_code"})


def write(seed: int, year: int, out: Path) -> Path:
    pop = population_in_year_codes(seed, year)
    geo = municipalities_in(year).set_index("municipality_code")
    regions = sorted(pop.municipality_code.unique())
    ages = list(range(0, 106))
    age_codes = [f"{a:03d}" if a < 105 else "105+" for a in ages]
    cube = pop.set_index(["municipality_code", "sex", "age"]).persons.reindex(
        pd.MultiIndex.from_product([regions, ["1", "2"], ages]), fill_value=0
    )
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "07459: Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
        "source": "Statistisk sentralbyrå (synthetic extract, rusmonitor)",
        "updated": f"{year}-02-20T07:00:00Z",
        "id": ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"],
        "size": [len(regions), 2, len(ages), 1, 1],
        "dimension": {
            "Region": {
                "label": "region",
                "category": {
                    "index": {r: i for i, r in enumerate(regions)},
                    "label": {r: geo.loc[r, "municipality_name"] for r in regions},
                },
            },
            "Kjonn": {
                "label": "kjønn",
                "category": {"index": {"1": 0, "2": 1}, "label": {"1": "Menn", "2": "Kvinner"}},
            },
            "Alder": {
                "label": "alder",
                "category": {
                    "index": {c: i for i, c in enumerate(age_codes)},
                    "label": {
                        c: (f"{a} år" if a < 105 else "105 år eller eldre")
                        for c, a in zip(age_codes, ages, strict=True)
                    },
                },
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {"Personer1": 0},
                    "label": {"Personer1": "Personer"},
                    "unit": {"Personer1": {"base": "personer", "decimals": 0}},
                },
            },
            "Tid": {"label": "år", "category": {"index": {str(year): 0}, "label": {str(year): str(year)}}},
        },
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "value": [int(v) for v in cube.to_numpy()],
        "extension": {"px": {"tableid": "07459", "decimals": 0}},
    }
    path = out / "ssb_population" / str(year) / f"ssb_07459_{year}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path
