"""Sample extracts of one source, Samdata, in its publisher's format
(see rusmonitor.generate)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from rusmonitor.generate.common import POPULATION_TOTAL, SOURCE_IDS, apportion, geography, population_base

# Samdata, national 2014, MNOK current prices; TSB ≈ 4.6 bn (Prop. 15 S (2015–2016), ch. 2.2).
COSTS_2014 = {"Somatikk": 96_000.0, "PHV voksne": 15_800.0, "PHV barn og unge": 3_900.0, "TSB": 4_600.0}


REAL_GROWTH = {
    "Somatikk": (0.018, 0.008),
    "PHV voksne": (0.012, 0.012),
    "PHV barn og unge": (0.020, 0.012),
    "TSB": (0.030, 0.015),
}  # mean, sd


RHF_TSB_PER_CAPITA = {"helse_sor_ost": 1.0, "helse_vest": 0.95, "helse_midt_norge": 0.9, "helse_nord": 1.2}


INFLATION = {
    2011: 3.0,
    2012: 3.2,
    2013: 3.1,
    2014: 3.0,
    2015: 2.9,
    2016: 2.6,
    2017: 2.4,
    2018: 2.8,
    2019: 3.1,
    2020: 2.3,
    2021: 2.9,
    2022: 4.5,
    2023: 5.5,
    2024: 4.6,
}


# TSB activity 2014 (Prop. 15 S (2015–2016), ch. 2.2) and yearly trend.
TSB_ACTIVITY_2014 = {
    "oppholdsdogn": (586_000, -0.010),
    "innleggelser": (13_600, 0.005),
    "polikliniske_konsultasjoner": (596_000, 0.030),
    "dognplasser_offentlig": (807, -0.005),
    "dognplasser_privat": (1_099, -0.005),
}


def _price_index() -> dict[int, float]:
    idx = {2024: 100.0}
    for y in range(2024, 2010, -1):
        idx[y - 1] = idx[y] / (1 + INFLATION[y] / 100)
    return {y: round(v, 2) for y, v in idx.items()}


def _hf_weights(geo: pd.DataFrame, seed: int) -> pd.DataFrame:
    pop = population_base().groupby("municipality_code").persons.sum()
    hf = (
        geo.assign(pop=geo.municipality_code.map(pop))
        .groupby(["rhf_code", "rhf_name", "hf_code", "hf_name"], as_index=False)
        .pop.sum()
    )
    rng = np.random.default_rng([seed, SOURCE_IDS["samdata"]])
    hf["w"] = hf["pop"] * rng.lognormal(0, 0.1, len(hf))
    return hf


def samdata_tables(seed: int, year: int) -> dict[str, pd.DataFrame]:
    """Costs per HF x sector, the price index and TSB activity per HF for one year."""
    geo = geography()
    hf = _hf_weights(geo, seed)
    prices = _price_index()
    rng = np.random.default_rng([seed, SOURCE_IDS["samdata"], 0])  # one path for all years
    rhfs = sorted(hf.rhf_code.unique())
    years = sorted(POPULATION_TOTAL)
    cost_rows = []
    for sector, national in COSTS_2014.items():
        per_capita = {r: (RHF_TSB_PER_CAPITA[r] if sector == "TSB" else 1.0) for r in rhfs}
        rhf_w = hf.groupby("rhf_code").w.sum() * pd.Series(per_capita)
        rhf_2014 = national * rhf_w / rhf_w.sum()
        mu, sd = REAL_GROWTH[sector]
        growth = pd.DataFrame(rng.normal(mu, sd, (len(years), len(rhfs))), index=years, columns=rhfs)
        real = {}
        for r in rhfs:  # chain real growth out from the 2014 anchor in both directions
            level = {2014: rhf_2014[r]}
            for y in range(2015, max(years) + 1):
                level[y] = level[y - 1] * (1 + growth.loc[y, r])
            for y in range(2013, min(years) - 1, -1):
                level[y] = level[y + 1] / (1 + growth.loc[y + 1, r])
            real[r] = level
        for r in rhfs:
            nominal = real[r][year] * prices[year] / prices[2014]
            sub = hf[hf.rhf_code == r]
            tenths = apportion(int(round(nominal * 10)), sub.w.to_numpy())
            for (_, h), t in zip(sub.iterrows(), tenths, strict=True):
                cost_rows.append((h.rhf_name, h.hf_name, sector, t / 10))
    costs = pd.DataFrame(cost_rows, columns=["rhf", "helseforetak", "sektor", "verdi"])
    if year == 2014:  # the reference year is exact nationally, so rescale the TSB tenths
        tsb = costs.sektor == "TSB"
        tenths = apportion(int(COSTS_2014["TSB"] * 10), costs.loc[tsb, "verdi"].to_numpy())
        costs.loc[tsb, "verdi"] = tenths / 10

    activity = hf[["rhf_name", "hf_name"]].rename(columns={"rhf_name": "rhf", "hf_name": "helseforetak"})
    for measure, (value_2014, trend) in TSB_ACTIVITY_2014.items():
        total = int(round(value_2014 * (1 + trend) ** (year - 2014)))
        activity[measure] = apportion(total, hf.w.to_numpy())
    return {
        "costs": costs,
        "price_index": pd.DataFrame({"aar": [year], "prisindeks": [prices[year]]}),
        "activity": activity,
    }


def write(seed: int, year: int, out: Path) -> Path:
    t = samdata_tables(seed, year)
    wide = (
        t["costs"]
        .pivot(index=["rhf", "helseforetak"], columns="sektor", values="verdi")
        .reset_index()[["rhf", "helseforetak", *COSTS_2014]]
    )
    wide.insert(0, "År", year)
    path = out / "samdata" / str(year) / f"samdata_spesialisthelsetjenesten_{year}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        _sheet(
            xl,
            "Driftskostnader",
            f"Driftskostnader {year}, mill. kr, løpende priser",
            wide.rename(columns={"rhf": "RHF", "helseforetak": "Helseforetak"}),
        )
        _sheet(
            xl,
            "Prisindeks",
            "Prisindeks for spesialisthelsetjenesten (2024 = 100)",
            t["price_index"].rename(columns={"aar": "År", "prisindeks": "Prisindeks"}),
        )
        act = (
            t["activity"]
            .assign(aar=year)[["aar", *t["activity"].columns]]
            .rename(
                columns={
                    "aar": "År",
                    "rhf": "RHF",
                    "helseforetak": "Helseforetak",
                    "oppholdsdogn": "Oppholdsdøgn",
                    "innleggelser": "Innleggelser",
                    "polikliniske_konsultasjoner": "Polikliniske konsultasjoner",
                    "dognplasser_offentlig": "Døgnplasser offentlig",
                    "dognplasser_privat": "Døgnplasser privat",
                }
            )
        )
        _sheet(xl, "TSB aktivitet", f"Tverrfaglig spesialisert rusbehandling {year}", act)
    _normalise_xlsx(path)
    return path


def _sheet(xl: pd.ExcelWriter, name: str, title: str, df: pd.DataFrame) -> None:
    """Samdata's layout: a title in A1, a blank row, the header on row 3."""
    df.to_excel(xl, sheet_name=name, index=False, startrow=2)
    xl.sheets[name]["A1"] = title


def _normalise_xlsx(path: Path) -> None:
    """Make the workbook byte-identical across runs: fixed zip timestamps and document dates."""
    fixed = b"2015-11-13T00:00:00Z"
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re

                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + fixed, data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2015, 11, 13, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, data)
    path.write_bytes(buf.getvalue())
