"""Build the small reference tables shipped in src/rusmonitor/reference/ from real public files.

Run once by a developer when the public inputs change, with the directory that holds them as
its argument: one folder per source repository (robhop-fylker-og-kommuner/, mong-mongts/,
niphr-csdata/). The outputs are committed, so a fresh clone needs neither the inputs nor a network.

Inputs (credit in src/rusmonitor/reference/SOURCES.md):
- robhop/fylker-og-kommuner Kommuner-S.geojson, Fylker-S.geojson: 2024 codes and names (Kartverket)
- mong/mongts kommunar-og-bydelar-opptaksområder-for-voksenpsykatri.md: 2024 HF catchment areas (SKDE)
- niphr/csdata norway_locations.xlsx: municipality history 2020-2023 -> 2024 (FHI)
- niphr/csdata norway_population_by_age_sex_2023.csv: SSB table 07459, 1 Jan 2023
- the same two geojson files, simplified, as the report's map boundaries (streamlit_app/static/)
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import pandas as pd

REALDATA = Path()  # the input directory, from the command line
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "rusmonitor" / "reference"
GEO_OUT = ROOT / "dbt_project" / "seeds" / "ref_geography_2024.csv"
MAP_OUT = ROOT / "streamlit_app" / "static" / "boundaries"
# Douglas-Peucker tolerance in degrees (~1 km north-south): a municipality map of Norway drawn
# 700 px high shows ~2 km per pixel, and the files are sent to every browser that opens a map.
MAP_TOLERANCE = 0.01

# SKDE's catchment-area short names -> (hf_code, hf_name, rhf_code). There is no public code list
# for HFs or RHFs that all publishers share, so the codes are the project's own stable slugs.
HF = {
    "Finnmark": ("finnmark", "Finnmarkssykehuset HF", "helse_nord"),
    "UNN": ("unn", "Universitetssykehuset Nord-Norge HF", "helse_nord"),
    "Nordland": ("nordland", "Nordlandssykehuset HF", "helse_nord"),
    "Helgeland": ("helgeland", "Helgelandssykehuset HF", "helse_nord"),
    "Nord-Trøndelag": ("nord_trondelag", "Helse Nord-Trøndelag HF", "helse_midt_norge"),
    "St. Olav": ("st_olav", "St. Olavs hospital HF", "helse_midt_norge"),
    "Møre og Romsdal": ("more_og_romsdal", "Helse Møre og Romsdal HF", "helse_midt_norge"),
    "Førde": ("forde", "Helse Førde HF", "helse_vest"),
    "Bergen": ("bergen", "Helse Bergen HF", "helse_vest"),
    "Fonna": ("fonna", "Helse Fonna HF", "helse_vest"),
    "Stavanger": ("stavanger", "Helse Stavanger HF", "helse_vest"),
    "Østfold": ("ostfold", "Sykehuset Østfold HF", "helse_sor_ost"),
    "Akershus": ("akershus", "Akershus universitetssykehus HF", "helse_sor_ost"),
    # Oslo is split by city district between OUS, Lovisenberg and Diakonhjemmet; the warehouse
    # works at municipality level, so all of Oslo goes to Oslo universitetssykehus HF.
    "OUS": ("oslo", "Oslo universitetssykehus HF", "helse_sor_ost"),
    "Lovisenberg": ("oslo", "Oslo universitetssykehus HF", "helse_sor_ost"),
    "Diakonhjemmet": ("oslo", "Oslo universitetssykehus HF", "helse_sor_ost"),
    "Innlandet": ("innlandet", "Sykehuset Innlandet HF", "helse_sor_ost"),
    "Vestre Viken": ("vestre_viken", "Vestre Viken HF", "helse_sor_ost"),
    "Vestfold": ("vestfold", "Sykehuset i Vestfold HF", "helse_sor_ost"),
    "Telemark": ("telemark", "Sykehuset Telemark HF", "helse_sor_ost"),
    "Sørlandet": ("sorlandet", "Sørlandet sykehus HF", "helse_sor_ost"),
}
RHF = {
    "helse_sor_ost": "Helse Sør-Øst RHF",
    "helse_vest": "Helse Vest RHF",
    "helse_midt_norge": "Helse Midt-Norge RHF",
    "helse_nord": "Helse Nord RHF",
}


def municipalities_2024() -> dict[str, str]:
    gj = json.loads((REALDATA / "robhop-fylker-og-kommuner/Kommuner-S.geojson").read_text())
    return {f["properties"]["kommunenummer"]: f["properties"]["kommunenavn"] for f in gj["features"]}


def counties_2024() -> dict[str, str]:
    gj = json.loads((REALDATA / "robhop-fylker-og-kommuner/Fylker-S.geojson").read_text())
    # The short name ("Troms") reads better in a report than the trilingual one.
    return {f["properties"]["fylkesnummer"]: f["properties"]["name"] for f in gj["features"]}


def catchment_2024() -> dict[str, str]:
    path = REALDATA / "mong-mongts/statisk/kommunar-og-bydelar-opptaksområder-for-voksenpsykatri.md"
    text = path.read_text()
    out: dict[str, str] = {}
    # The Møre og Romsdal row is not closed in the source, so split on <TR> rather than match pairs.
    for chunk in re.split(r"<TR>", text)[1:]:
        cells = re.findall(r"<TD>(.*?)(?:</TD>|$)", chunk, flags=re.S)
        if len(cells) < 2:
            continue
        area = cells[0].strip()
        for item in cells[1].split(","):
            m = re.match(r"\s*(\d{4})\s", item)
            if m:  # 6-digit Oslo districts are skipped: Oslo is mapped whole below
                out.setdefault(m.group(1), area)
    out["0301"] = "OUS"
    return out


def geography() -> pd.DataFrame:
    munis, counties, areas = municipalities_2024(), counties_2024(), catchment_2024()
    missing = sorted(set(munis) - set(areas))
    if missing:
        raise SystemExit(f"municipalities without a catchment area: {missing}")
    rows = []
    for code, name in sorted(munis.items()):
        hf_code, hf_name, rhf_code = HF[areas[code]]
        rows.append(
            {
                "municipality_code": code,
                "municipality_name": name,
                "county_code": code[:2],
                "county_name": counties[code[:2]],
                "hf_code": hf_code,
                "hf_name": hf_name,
                "rhf_code": rhf_code,
                "rhf_name": RHF[rhf_code],
            }
        )
    return pd.DataFrame(rows)


def crosswalk_2023_to_2024() -> dict[str, list[tuple[str, float]]]:
    loc = pd.read_excel(REALDATA / "niphr-csdata/norway_locations.xlsx")
    loc = loc[loc.municip_code.str.startswith("municip_nor")]
    valid_2023 = loc[(loc.year_start <= 2023) & (loc.year_end.isna() | (loc.year_end >= 2023))]
    out: dict[str, list[tuple[str, float]]] = {}
    for r in valid_2023.itertuples():
        src = r.municip_code.removeprefix("municip_nor")
        # No successor: the code is still valid in 2024.
        dst = src if pd.isna(r.municip_code_end) else r.municip_code_end.removeprefix("municip_nor")
        weight = 1.0 if pd.isna(r.weighting) else float(r.weighting)
        out.setdefault(src, []).append((dst, weight))
    return out


def population_2023(valid_codes: set[str]) -> pd.DataFrame:
    path = REALDATA / "niphr-csdata/norway_population_by_age_sex_2023.csv"
    raw = pd.read_csv(path, sep=";", skiprows=2, encoding="latin-1")
    raw = raw[raw.region.str.match(r"K-\d{4} ")]
    raw["code"] = raw.region.str.slice(2, 6)
    raw["age"] = raw.age.str.extract(r"^(\d+)").astype(int)
    long = raw.melt(
        id_vars=["code", "age"],
        value_vars=["Persons 2023 Males", "Persons 2023 Females"],
        var_name="sex",
        value_name="persons",
    )
    long["sex"] = long.sex.map({"Persons 2023 Males": "1", "Persons 2023 Females": "2"})
    cw = crosswalk_2023_to_2024()
    parts = []
    for src, targets in cw.items():
        sub = long[long.code == src]
        for dst, w in targets:
            parts.append(sub.assign(code=dst, persons=sub.persons * w))
    pop = pd.concat(parts).groupby(["code", "sex", "age"], as_index=False).persons.sum()
    pop["persons"] = pop.persons.round().astype(int)
    unknown = set(pop.code) - valid_codes
    if unknown:
        raise SystemExit(f"population codes not in the 2024 geography: {sorted(unknown)}")
    return pop.rename(columns={"code": "municipality_code"})


# 2002: the cause-of-death series starts there (the plan's mean over 2002-2013)
FIRST_YEAR, LAST_YEAR = 2002, 2024
COUNTY_NAMES = {
    "03": "Oslo",
    "14": "Sogn og Fjordane",
    "18": "Nordland",
    "19": "Troms",
    "20": "Finnmark",
    "34": "Innlandet",
    "50": "Trøndelag",
    "55": "Troms",
    "56": "Finnmark",
}


def municipality_versions() -> pd.DataFrame:
    """Every municipality code valid at some point in FIRST_YEAR..LAST_YEAR, with its years and
    its successors (FHI's history table: one row per code and successor, with split weights)."""
    loc = pd.read_excel(REALDATA / "niphr-csdata/norway_locations.xlsx")
    loc = loc[loc.municip_code.str.startswith("municip_nor")].copy()
    loc["code"] = loc.municip_code.str.removeprefix("municip_nor")
    loc["successor"] = loc.municip_code_end.str.removeprefix("municip_nor")
    loc["valid_to"] = loc.year_end.fillna(LAST_YEAR).astype(int)
    loc["valid_from"] = loc.year_start.astype(int)
    loc["weight"] = loc.weighting.fillna(1.0)
    # FHI dates the 2024 codes from 2023, a year their predecessors still cover: where a code
    # starts before every one of its predecessors has ended, it starts the year after the first
    # of them ends (a merger into an existing code, like Klæbu into Trondheim, moves nothing).
    ends = loc.dropna(subset=["successor"]).groupby("successor").valid_to.min()
    loc["valid_from"] = [
        int(ends[c]) + 1 if c in ends and f <= ends[c] else f
        for c, f in zip(loc.code, loc.valid_from, strict=True)
    ]
    loc = loc[(loc.valid_to >= FIRST_YEAR) & (loc.valid_from <= LAST_YEAR)]
    loc["county_code"] = loc.county_code.str.removeprefix("county_nor")
    return loc[
        [
            "code",
            "municip_name",
            "county_code",
            "county_name",
            "valid_from",
            "valid_to",
            "successor",
            "weight",
        ]
    ]


def county_versions(versions: pd.DataFrame) -> pd.DataFrame:
    """Counties with the years they had municipalities (the 2018, 2020 and 2024 reforms)."""
    v = versions.drop_duplicates(["code", "valid_from"])
    out = v.groupby("county_code", as_index=False).agg(
        county_name=("county_name", "first"), valid_from=("valid_from", "min"), valid_to=("valid_to", "max")
    )
    # FHI joins Sami variants with '-' ("Nordland-Nordlándda") and spells some names its own way
    out["county_name"] = out.county_code.map(COUNTY_NAMES).fillna(out.county_name)
    return out


def crosswalk(versions: pd.DataFrame, current: set[str]) -> pd.DataFrame:
    """Each code version mapped to the 2024 codes, weights multiplied along the chain."""
    by_key = {(r.code, r.valid_from): r for r in versions.itertuples()}
    successors: dict[tuple[str, int], list[tuple[str, float]]] = {}
    for r in versions.itertuples():
        if isinstance(r.successor, str):
            successors.setdefault((r.code, r.valid_from), []).append((r.successor, r.weight))

    def version_of(code: str, year: int) -> tuple[str, int]:
        found = [k for k, r in by_key.items() if k[0] == code and r.valid_from <= year <= r.valid_to]
        if not found:
            raise SystemExit(f"no version of {code} valid in {year}")
        return found[0]

    def resolve(key: tuple[str, int]) -> list[tuple[str, float]]:
        row = by_key[key]
        if row.valid_to >= LAST_YEAR:
            if row.code not in current:
                raise SystemExit(f"{row.code} is valid in {LAST_YEAR} but not in the 2024 map")
            return [(row.code, 1.0)]
        out: list[tuple[str, float]] = []
        for succ, w in successors[key]:
            out += [(c, w * v) for c, v in resolve(version_of(succ, row.valid_to + 1))]
        return out

    rows = []
    for key, r in sorted(by_key.items()):
        targets: dict[str, float] = {}
        for c, w in resolve(key):
            targets[c] = targets.get(c, 0.0) + w
        primary = max(targets, key=lambda c: (targets[c], -int(c)))
        for c, w in sorted(targets.items()):
            rows.append(
                {
                    "municipality_code": r.code,
                    "valid_from": r.valid_from,
                    "valid_to": r.valid_to,
                    "municipality_code_2024": c,
                    "weight": round(w, 4),
                    "is_primary": c == primary,
                }
            )
    out = pd.DataFrame(rows)
    sums = out.groupby(["municipality_code", "valid_from"]).weight.sum()
    if not ((sums - 1).abs() < 1e-9).all():
        raise SystemExit(f"crosswalk weights do not sum to 1: {sums[(sums - 1).abs() >= 1e-9]}")
    return out


def _simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker on one ring (first point = last point), iterative."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        worst, index = -1.0, None
        for i in range(first + 1, last):
            x, y = points[i]
            d = abs(dy * (x - x1) - dx * (y - y1)) / norm if norm else ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _signed_area(ring: list) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def _ring(ring: list, exterior: bool) -> list | None:
    """Simplified and rounded (~10 m); wound as d3-geo (Vega's maps) wants: exterior rings
    clockwise, holes counter-clockwise (the opposite of RFC 7946); None if it collapses."""
    out = _simplify([(round(x, 4), round(y, 4)) for x, y in ring], MAP_TOLERANCE)
    if len(out) < 4:
        return None
    clockwise = _signed_area(out) < 0
    if clockwise != exterior:
        out.reverse()
    return [list(p) for p in out]


def boundaries(name: str, code_field: str, name_field: str, out: Path) -> tuple[int, int]:
    """A simplified copy of a robhop boundary file with properties geo_code and geo_name."""
    doc = json.loads((REALDATA / "robhop-fylker-og-kommuner" / name).read_text(encoding="utf-8"))
    features, points = [], 0
    for feature in doc["features"]:
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        )
        kept = []
        for polygon in polygons:
            exterior = _ring(polygon[0], exterior=True)
            if exterior is None:
                continue
            holes = [h for h in (_ring(r, exterior=False) for r in polygon[1:]) if h]
            kept.append([exterior, *holes])
        if not kept:  # a small island municipality: keep its largest ring unsimplified
            ring = max((p[0] for p in polygons), key=lambda r: abs(_signed_area(r)))
            ring = [[round(x, 4), round(y, 4)] for x, y in ring]
            kept = [[ring if _signed_area(ring) < 0 else ring[::-1]]]
        points += sum(len(r) for p in kept for r in p)
        props = feature["properties"]
        features.append(
            {
                "type": "Feature",
                "properties": {"geo_code": props[code_field], "geo_name": props[name_field]},
                "geometry": {"type": "MultiPolygon", "coordinates": kept},
            }
        )
    features.sort(key=lambda f: f["properties"]["geo_code"])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")),
        encoding="utf-8",
    )
    return len(features), points


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, code, label, out in (
        ("Fylker-S.geojson", "fylkesnummer", "fylkesnavn", MAP_OUT / "county_2024.geojson"),
        ("Kommuner-S.geojson", "kommunenummer", "kommunenavn", MAP_OUT / "municipality_2024.geojson"),
    ):
        features, points = boundaries(name, code, label, out)
        print(f"map {out.name}: {features} areas, {points} points, {out.stat().st_size:,} bytes")
    geo = geography()
    geo.to_csv(GEO_OUT, index=False, quoting=csv.QUOTE_MINIMAL)
    pop = population_2023(set(geo.municipality_code))
    pop.to_csv(OUT / "population_2023.csv.gz", index=False, compression={"method": "gzip", "mtime": 0})
    versions = municipality_versions()
    names = versions.drop_duplicates(["code", "valid_from"]).rename(
        columns={"code": "municipality_code", "municip_name": "municipality_name"}
    )
    names["county_code"] = names.municipality_code.str.slice(0, 2)
    names[["municipality_code", "municipality_name", "county_code", "valid_from", "valid_to"]].to_csv(
        ROOT / "dbt_project" / "seeds" / "ref_municipality_versions.csv", index=False
    )
    cw = crosswalk(versions, set(geo.municipality_code))
    cw.to_csv(ROOT / "dbt_project" / "seeds" / "ref_municipality_crosswalk.csv", index=False)
    counties = county_versions(versions)
    counties.to_csv(ROOT / "dbt_project" / "seeds" / "ref_county_versions.csv", index=False)
    print(
        f"municipality versions {FIRST_YEAR}-{LAST_YEAR}: {len(names)}; crosswalk rows: "
        f"{len(cw)}; county versions: {len(counties)}"
    )
    print(f"geography: {len(geo)} municipalities, {geo.hf_code.nunique()} HF, {geo.rhf_code.nunique()} RHF")
    print(
        f"population 2023: {pop.persons.sum():,} persons in {pop.municipality_code.nunique()} municipalities"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: build_reference_data.py INPUT_DIR (the public input files, see the docstring)")
    REALDATA = Path(sys.argv[1])
    main()
