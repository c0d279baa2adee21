"""The linear relations a reader can use between cells of one count: a place is the sum of the
places it is made of (for every geography that nests in it, including two that do not nest in
each other, such as counties and HF catchment areas over the same municipalities), all sexes
the sum of each sex, an age interval the sum of the bands in it, a breakdown's total the sum of
its categories, a summed category (`level=gronn+gul`) the sum of the ones it names.

A missing row is a zero (the indicator models publish every non-empty group), so each relation
sums the children that exist. Every relation is checked against the true values before it is
used (`check_relations`): a relation that does not hold would make the audit's attacker wrong.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rusmonitor.disclosure.cells import KEY, age_interval

GROUP = ["count", "year", "geo_level", "geo_code", "sex", "age_group", "breakdown"]


def membership(geography: pd.DataFrame) -> pd.DataFrame:
    """(geo_level, geo_code, anc_level, anc_code): every unit and every unit it lies in.

    `geography` has geo_level, geo_code, parent_level, parent_code and, for municipalities, the
    county_code, hf_code and rhf_code they belong to (dim_geography)."""
    geo = geography.copy()
    pairs = [
        geo.dropna(subset=["parent_level"])[["geo_level", "geo_code", "parent_level", "parent_code"]].rename(
            columns={"parent_level": "anc_level", "parent_code": "anc_code"}
        )
    ]
    munis = geo[geo.geo_level == "municipality"]
    for level in ("county", "hf", "rhf"):
        column = f"{level}_code"
        if column in munis:
            part = munis.dropna(subset=[column])
            pairs.append(
                pd.DataFrame(
                    {
                        "geo_level": "municipality",
                        "geo_code": part.geo_code,
                        "anc_level": level,
                        "anc_code": part[column],
                    }
                )
            )
    pairs = pd.concat(pairs, ignore_index=True).drop_duplicates()
    # a unit lies in what its municipalities all lie in (a county in its RHF), and in the
    # ancestors of its ancestors
    if not munis.empty and "rhf_code" in munis:
        for level in ("county", "hf"):
            column = f"{level}_code"
            spans = munis.groupby(column).rhf_code.agg(["nunique", "first"]).reset_index()
            spans = spans[spans["nunique"] == 1]
            pairs = pd.concat(
                [
                    pairs,
                    pd.DataFrame(
                        {
                            "geo_level": level,
                            "geo_code": spans[column],
                            "anc_level": "rhf",
                            "anc_code": spans["first"],
                        }
                    ),
                ],
                ignore_index=True,
            )
    for _ in range(4):
        up = pairs.merge(
            pairs, left_on=["anc_level", "anc_code"], right_on=["geo_level", "geo_code"], suffixes=("", "_up")
        )
        more = pd.DataFrame(
            {
                "geo_level": up.geo_level,
                "geo_code": up.geo_code,
                "anc_level": up.anc_level_up,
                "anc_code": up.anc_code_up,
            }
        )
        grown = pd.concat([pairs, more], ignore_index=True).drop_duplicates()
        if len(grown) == len(pairs):
            break
        pairs = grown
    return pairs.reset_index(drop=True)


def structural_relations(built, geography: pd.DataFrame) -> pd.DataFrame:
    """Every relation as rows (relation_id, cell_id, coef, kind): sum(coef * cell) = 0, the
    parent with -1 and its children with +1.

    `built` is a cells.Cells. The children of a relation are the cells one indicator publishes
    along one of its own dimensions (its grouping sets cover every non-empty group there); the
    parent may come from any indicator that counts the same persons."""
    cells = built.cells
    children = cells.merge(built.origins, on="cell_id")
    dims = _dimensions(built.rows)
    parts = [
        _geography(cells, children, membership(geography), dims),
        _sexes(cells, children, dims),
        _ages(cells, children, dims),
        _categories(cells, children, dims),
    ]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["relation_id", "cell_id", "coef", "kind"])
    out = pd.concat(parts, ignore_index=True)
    # the same relation found through two indicators is kept once
    hashed = out.assign(
        h1=(out.cell_id.to_numpy(np.int64) * 2654435761 + (out.coef > 0)) % 2_147_483_647,
        h2=(out.cell_id.to_numpy(np.int64) * 40503 + 7) % 1_000_000_007,
    )
    signature = hashed.groupby("group").agg(n=("cell_id", "size"), h1=("h1", "sum"), h2=("h2", "sum"))
    keep = signature[~signature.duplicated()].index
    out = out[out["group"].isin(keep)].copy()
    out["relation_id"], _ = pd.factorize(out["group"])
    return out[["relation_id", "cell_id", "coef", "kind"]].reset_index(drop=True)


def _dimensions(rows: pd.DataFrame) -> dict[str, set[str]]:
    """What each indicator's rows are broken down by: geography levels, 'sex', 'age_group' and
    category keys, as its rows show them."""
    dims: dict[str, set[str]] = {}
    for indicator_id, frame in rows.groupby("indicator_id", sort=False):
        found = {f"level:{level}" for level in frame.geo_level.unique()}
        if (frame.sex != "all").any():
            found.add("sex")
        if (frame.age_group != "all").any():
            found.add("age_group")
        categories = frame.breakdown[
            (frame.breakdown != "total") & ~frame.breakdown.str.startswith("adjustment=")
        ]
        for breakdown in categories.unique():
            found.update("category:" + pair.split("=", 1)[0] for pair in breakdown.split(";"))
        dims[indicator_id] = found
    return dims


def _allowed(children: pd.DataFrame, dims: dict[str, set[str]], dimension: pd.Series) -> pd.DataFrame:
    allowed = {f"{origin}|{dim}" for origin, found in dims.items() for dim in found}
    return children[(children.indicator_id.astype(str) + "|" + dimension.astype(str)).isin(allowed)]


def _with_parent(children: pd.DataFrame, parents: pd.DataFrame, on: list[str], kind: str) -> pd.DataFrame:
    """children has the parent's key columns `on`, `_part` and the publishing indicator; one
    relation per parent, part and indicator."""
    joined = children.merge(parents[[*on, "cell_id"]].rename(columns={"cell_id": "parent_id"}), on=on)
    if joined.empty:
        return pd.DataFrame(columns=["group", "cell_id", "coef", "kind"])
    group = (
        kind
        + ":"
        + joined["parent_id"].astype(str)
        + ":"
        + joined["_part"].astype(str)
        + ":"
        + joined["indicator_id"].astype(str)
    )
    kids = pd.DataFrame({"group": group, "cell_id": joined["cell_id"], "coef": 1.0})
    kids = kids[kids.cell_id != joined["parent_id"]]
    heads = kids.drop_duplicates("group").copy()
    heads["cell_id"] = joined.loc[heads.index, "parent_id"].to_numpy()
    heads["coef"] = -1.0
    out = pd.concat([heads, kids], ignore_index=True).drop_duplicates(["group", "cell_id"])
    out["kind"] = kind
    return out


def _geography(cells, children, nest: pd.DataFrame, dims) -> pd.DataFrame:
    """A place minus the places of one level inside it, for the levels with no level between
    them in this count (the rest follow)."""
    out = []
    for count, frame in cells.groupby("count", sort=False):
        levels = set(frame.geo_level.unique())
        level_pairs = nest[nest.geo_level.isin(levels) & nest.anc_level.isin(levels)][
            ["geo_level", "anc_level"]
        ].drop_duplicates()
        pairs = set(map(tuple, level_pairs.to_numpy()))
        direct = {
            (a, b) for a, b in pairs if not any((a, c) in pairs and (c, b) in pairs for c in levels - {a, b})
        }
        kids_of_count = children[children["count"] == count]
        for child_level, anc_level in sorted(direct):
            kids = kids_of_count[kids_of_count.geo_level == child_level].merge(
                nest[(nest.geo_level == child_level) & (nest.anc_level == anc_level)],
                on=["geo_level", "geo_code"],
            )
            kids = _allowed(kids, dims, "level:" + kids.geo_level).assign(_part=child_level)
            parents = frame[frame.geo_level == anc_level].rename(columns={"geo_code": "anc_code"})
            on = ["count", "year", "anc_code", "sex", "age_group", "breakdown"]
            out.append(_with_parent(kids, parents, on, "geography"))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def _sexes(cells, children, dims) -> pd.DataFrame:
    kids = children[children.sex != "all"]
    kids = _allowed(kids, dims, pd.Series("sex", index=kids.index)).assign(_part="sex")
    on = [c for c in GROUP if c != "sex"]
    return _with_parent(kids, cells[cells.sex == "all"], on, "sex")


def _ages(cells, children, dims) -> pd.DataFrame:
    """All ages is the sum of the bands; another interval (18+, 15-64) the sum of the bands that
    tile it exactly."""
    out = []
    intervals = {label: age_interval(label) for label in cells.age_group.unique()}
    kids_all = _allowed(children, dims, pd.Series("age_group", index=children.index))
    for count, frame in cells.groupby("count", sort=False):
        present = [a for a in frame.age_group.unique() if intervals.get(a)]
        bands = [
            a
            for a in present
            if a != "all"
            and not any(
                b != a
                and b != "all"
                and intervals[b][0] >= intervals[a][0]
                and intervals[b][1] <= intervals[a][1]
                for b in present
            )
        ]
        band_set = set(bands)
        kids_of_count = kids_all[kids_all["count"] == count]
        for whole in (a for a in present if a not in band_set):
            low, high = intervals[whole]
            inside = sorted(
                (b for b in bands if intervals[b][0] >= low and intervals[b][1] <= high),
                key=lambda b: intervals[b][0],
            )
            if not inside:
                continue
            if whole != "all":
                edges = [intervals[b] for b in inside]
                tiles = (
                    edges[0][0] == low
                    and edges[-1][1] == high
                    and all(edges[i][1] == edges[i + 1][0] for i in range(len(edges) - 1))
                )
                if not tiles:
                    continue
            members = set(inside) | ({"unknown"} if whole == "all" else set())
            kids = kids_of_count[kids_of_count.age_group.isin(members)].assign(_part=whole)
            parents = frame[frame.age_group == whole]
            on = ["count", "year", "geo_level", "geo_code", "sex", "breakdown"]
            out.append(_with_parent(kids, parents, on, "age_group"))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def _categories(cells, children, dims) -> pd.DataFrame:
    """A breakdown's total is the sum of its categories, one key at a time; a summed category
    (`level=gronn+gul`, a headline the catalog adds up) is the sum of the categories it names
    and is not itself a part of the total."""
    parts = children[(children.breakdown != "total") & ~children.breakdown.str.startswith("adjustment=")]
    if parts.empty:
        return pd.DataFrame()
    exploded = parts.assign(pair=parts.breakdown.str.split(";")).explode("pair")
    summed = exploded.pair.str.contains("+", regex=False)
    groups = _summed_categories(cells, children, exploded[summed], dims)
    exploded = exploded[~summed]
    uniques = exploded[["breakdown", "pair"]].drop_duplicates()
    uniques["parent_breakdown"] = [
        ";".join(p for p in b.split(";") if p != pair) or "total"
        for b, pair in zip(uniques.breakdown, uniques.pair, strict=True)
    ]
    uniques["_part"] = uniques.pair.str.split("=", n=1).str[0]
    kids = exploded.merge(uniques, on=["breakdown", "pair"])
    kids = _allowed(kids, dims, "category:" + kids["_part"])
    kids = kids.drop(columns="breakdown").rename(columns={"parent_breakdown": "breakdown"})
    return pd.concat([_with_parent(kids, cells, GROUP, "category"), groups], ignore_index=True)


def _summed_categories(cells, children, summed, dims) -> pd.DataFrame:
    """`key=a+b;...` is the sum of `key=a;...` and `key=b;...` (the other pairs the same)."""
    if summed.empty:
        return pd.DataFrame(columns=["group", "cell_id", "coef", "kind"])
    members = []
    for breakdown, pair in summed[["breakdown", "pair"]].drop_duplicates().itertuples(index=False):
        key, values = pair.split("=", 1)
        for value in values.split("+"):
            member = ";".join(f"{key}={value}" if p == pair else p for p in breakdown.split(";"))
            members.append((member, breakdown, pair, key))
    members = pd.DataFrame(members, columns=["breakdown", "sum_breakdown", "_part", "_key"])
    kids = children.merge(members, on="breakdown")
    kids = _allowed(kids, dims, "category:" + kids["_key"])
    kids = kids.drop(columns=["breakdown", "_key"]).rename(columns={"sum_breakdown": "breakdown"})
    return _with_parent(kids, cells, GROUP, "category_sum")


def check_relations(cells: pd.DataFrame, relations: pd.DataFrame, tolerance: float = 1e-6) -> pd.DataFrame:
    """The relations that do not hold in the cells' values (empty when all hold)."""
    values = cells.set_index("cell_id")["value"]
    terms = relations.assign(term=relations.coef * relations.cell_id.map(values))
    sums = terms.groupby("relation_id").agg(residual=("term", "sum"), kind=("kind", "first"))
    return sums[sums.residual.abs() > tolerance]


def relation_matrix(relations: pd.DataFrame, n_cells: int):
    """The relations as a sparse matrix (one row per relation)."""
    from scipy import sparse

    return sparse.csr_matrix(
        (
            relations.coef.to_numpy(float),
            (relations.relation_id.to_numpy(int), relations.cell_id.to_numpy(int)),
        ),
        shape=(int(relations.relation_id.max()) + 1 if len(relations) else 0, n_cells),
    )


def key_of(cells: pd.DataFrame, cell_ids) -> list[tuple]:
    return [tuple(r) for r in cells.set_index("cell_id").loc[np.asarray(cell_ids), KEY[0:]].itertuples()]
