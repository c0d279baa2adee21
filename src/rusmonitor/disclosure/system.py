"""Everything a reader can write down about the hidden cells, as one linear problem.

Given which cells are known (visible) and their values, the unknowns are the other cells, and
the equations are: the structural relations (relations.py); every published number that is a
sum of cells (a moving average's pooled numerator, a denominator that adds two counts); every
published value computed from hidden counts (a rate with its public population, a share, an
age-standardised rate with its band populations and standard weights). A share's complement
(denominator minus numerator) cannot be negative. The functions to bound are every hidden cell
and every share's complement that involves one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from rusmonitor.catalog import default_suppression_limit
from rusmonitor.disclosure.cells import Cells, standard_bands
from rusmonitor.disclosure.lp import Problem
from rusmonitor.disclosure.specs import Spec, count_id, resolved


@dataclass
class Built:
    problem: Problem
    unknown: np.ndarray  # cell ids of the unknowns, in column order
    objective_cells: np.ndarray  # cell id of each objective (-1 for a complement)
    objective_rows: np.ndarray  # row id of a complement's row (-1 for a cell)
    inconsistent: pd.DataFrame  # equations with no unknowns that do not hold


def cell_limits(built: Cells, specs: dict[str, Spec]) -> pd.DataFrame:
    """The strictest limit and protection of the indicators that publish each cell."""
    frame = built.origins.assign(
        limit=built.origins.indicator_id.map({k: s.limit for k, s in specs.items()}),
        protection=built.origins.indicator_id.map({k: s.protection for k, s in specs.items()}),
    )
    return frame.groupby("cell_id")[["limit", "protection"]].max()


def _matrix(frame: pd.DataFrame, row: str, n_rows: int, n_cols: int) -> sparse.csr_matrix:
    return sparse.csr_matrix(
        (frame.coef.to_numpy(float), (frame[row].to_numpy(int), frame.cell_id.to_numpy(int))),
        shape=(n_rows, n_cols),
    )


def build_problem(
    built: Cells,
    relations: pd.DataFrame,
    specs: dict[str, Spec],
    values: np.ndarray,
    published: pd.DataFrame | None = None,
) -> Built:
    """values: each cell's value, NaN where unknown. published: the rows as published (with
    numerator, denominator, value; NaN where hidden), for the equations a published number
    gives; None to use only the structure (the build side, where hidden values are hidden)."""
    n_cells = len(built.cells)
    known = ~np.isnan(values)
    unknown = np.flatnonzero(~known)
    col = -np.ones(n_cells, int)
    col[unknown] = np.arange(len(unknown))
    v = np.where(known, values, 0.0)

    eq_frames = [relations[["relation_id", "cell_id", "coef"]].rename(columns={"relation_id": "eq"})]
    eq_rhs = [np.zeros(int(relations.relation_id.max()) + 1 if len(relations) else 0)]
    if published is not None:
        for frame, rhs in _published_equations(built, specs, published, known):
            frame = frame.copy()
            offset = sum(len(r) for r in eq_rhs)
            frame["eq"] = frame["eq"] + offset
            eq_frames.append(frame)
            eq_rhs.append(rhs)
    eqs = pd.concat(eq_frames, ignore_index=True)
    rhs = np.concatenate(eq_rhs) if eq_rhs else np.zeros(0)
    full = _matrix(eqs.rename(columns={"eq": "row"}), "row", len(rhs), n_cells)
    a_eq, b_eq, bad = _reduce(full, rhs, known, unknown, v)
    inconsistent = pd.DataFrame({"equation": bad[0], "residual": bad[1]})

    comp = _complements(built, specs)
    ub_full = _matrix(
        comp.rename(columns={"comp": "row"}), "row", comp.comp.max() + 1 if len(comp) else 0, n_cells
    )
    # N - D <= 0, with the known part moved to the right
    a_ub = ub_full[:, unknown].tocsr()
    b_ub = -(ub_full[:, known] @ v[known]) if ub_full.shape[0] else np.zeros(0)
    involved = np.diff(a_ub.indptr) > 0
    a_ub, b_ub = a_ub[involved], b_ub[involved]
    comp_rows = comp.groupby("comp").row_id.first().to_numpy() if len(comp) else np.zeros(0, int)
    comp_rows = comp_rows[involved]

    limits = cell_limits(built, specs)
    cell_limit = limits.reindex(range(n_cells))["limit"].fillna(default_suppression_limit()).to_numpy()
    cell_prot = limits.reindex(range(n_cells))["protection"].fillna(default_suppression_limit()).to_numpy()
    eye = sparse.identity(len(unknown), format="csr")
    comp_limit = built.rows.set_index("row_id").indicator_id.map({k: s.limit for k, s in specs.items()})
    comp_prot = built.rows.set_index("row_id").indicator_id.map({k: s.protection for k, s in specs.items()})
    objectives = sparse.vstack([eye, -a_ub]).tocsr() if a_ub.shape[0] else eye
    offsets = np.concatenate([np.zeros(len(unknown)), b_ub])
    problem = Problem(
        n=len(unknown),
        a_eq=a_eq,
        b_eq=b_eq,
        a_ub=a_ub,
        b_ub=b_ub,
        objectives=objectives,
        offsets=offsets,
        limit=np.concatenate([cell_limit[unknown], comp_limit.reindex(comp_rows).to_numpy(float)]),
        protection=np.concatenate([cell_prot[unknown], comp_prot.reindex(comp_rows).to_numpy(float)]),
    )
    return Built(
        problem=problem,
        unknown=unknown,
        objective_cells=np.concatenate([unknown, -np.ones(len(comp_rows), int)]),
        objective_rows=np.concatenate([-np.ones(len(unknown), int), comp_rows]),
        inconsistent=inconsistent,
    )


def _reduce(full, rhs, known, unknown, v):
    """Move the known cells to the right-hand side; drop equations with no unknown (and
    report those that do not hold)."""
    full = full.tocsc()
    a = full[:, unknown].tocsr()
    b = rhs - full[:, np.flatnonzero(known)] @ v[known]
    has = np.diff(a.indptr) > 0
    bad = np.flatnonzero(~has & (np.abs(b) > 1e-6 * np.maximum(1.0, np.abs(rhs))))
    return a[has], b[has], (bad, b[bad])


def _complements(built: Cells, specs: dict[str, Spec]) -> pd.DataFrame:
    """A share's numerator minus its denominator (<= 0): rows (comp, row_id, cell_id, coef)."""
    forms = built.forms.merge(built.rows[["row_id", "indicator_id"]], on="row_id")
    shares = [k for k, s in specs.items() if s.kind == "share" and set(s.measures()) == {"N", "D"}]
    forms = forms[forms.indicator_id.isin(shares)]
    if forms.empty:
        return pd.DataFrame(columns=["comp", "row_id", "cell_id", "coef"])
    signed = forms.assign(coef=np.where(forms.measure == "N", forms.coef, -forms.coef))
    signed = signed.groupby(["row_id", "cell_id"], as_index=False).coef.sum()
    signed = signed[signed.coef != 0]
    # one inequality per distinct complement (several rows can share one)
    ids = signed.cell_id.to_numpy(np.int64)
    hashed = signed.assign(
        h1=(ids * 2654435761 + (signed.coef.to_numpy() > 0)) % 2_147_483_647,
        h2=(ids * 40503 + 7) % 1_000_000_007,
    )
    key = hashed.groupby("row_id").agg(n=("cell_id", "size"), h1=("h1", "sum"), h2=("h2", "sum"))
    signed = signed[signed.row_id.isin(key.index[~key.duplicated()])]
    signed["comp"], _ = pd.factorize(signed.row_id)
    return signed


def _published_equations(built: Cells, specs: dict[str, Spec], published: pd.DataFrame, known: np.ndarray):
    """Equations from published numbers that involve an unknown cell: a published sum of
    cells, and a visible value computed from counts."""
    pub = published.set_index("row_id").reindex(built.rows.row_id)
    forms = built.forms.assign(unknown=~known[built.forms.cell_id.to_numpy()])
    involved = forms.groupby(["row_id", "measure"]).unknown.transform("any")
    n_terms = forms.groupby(["row_id", "measure"]).cell_id.transform("size")
    out = []
    multi = forms[(n_terms > 1) & involved]
    if not multi.empty:
        column = np.where(multi.measure == "N", "numerator", "denominator")
        numer = pub["numerator"].reindex(multi.row_id).to_numpy(float)
        denom = pub["denominator"].reindex(multi.row_id).to_numpy(float)
        multi = multi.assign(total=np.where(column == "numerator", numer, denom)).dropna(subset=["total"])
        multi["eq"], _ = pd.factorize(multi.row_id.astype(str) + multi.measure)
        out.append((multi[["eq", "cell_id", "coef"]], multi.groupby("eq").total.first().to_numpy()))
    out.extend(_value_equations(built, specs, pub, forms[involved]))
    return out


def _value_equations(built: Cells, specs: dict[str, Spec], pub: pd.DataFrame, forms: pd.DataFrame):
    """A visible value computed from counts with an unknown among them: scale * N - value * D
    = 0 for a share, N = value * population / scale for a rate (and a moving average), and the
    age-standardised sum over bands."""
    rows = built.rows.set_index("row_id")
    kinds = rows.indicator_id.map({k: s.kind for k, s in specs.items()})
    scales = rows.indicator_id.map({k: s.scale for k, s in specs.items()})
    value = pub["value"]
    forms = forms[forms.row_id.isin(value.index[value.notna()])]
    forms = forms[(rows.kind_of_row.reindex(forms.row_id) != "age_standardised").to_numpy()]
    forms = forms.assign(
        kind=kinds.reindex(forms.row_id).to_numpy(),
        scale=scales.reindex(forms.row_id).to_numpy(float),
        value=value.reindex(forms.row_id).to_numpy(float),
        population=pub["denominator"].reindex(forms.row_id).to_numpy(float),
    )
    parts = []
    rhs_parts = []
    shares = forms[forms.kind == "share"]
    if not shares.empty:
        coef = np.where(shares.measure == "N", shares.scale * shares.coef, -shares.value * shares.coef)
        eq, uniques = pd.factorize(shares.row_id)
        parts.append(pd.DataFrame({"eq": eq, "cell_id": shares.cell_id.to_numpy(), "coef": coef}))
        rhs_parts.append(np.zeros(len(uniques)))
    rates = forms[(forms.kind == "rate") & (forms.measure == "N") & forms.population.notna()]
    if not rates.empty:
        offset = sum(len(r) for r in rhs_parts)
        eq, uniques = pd.factorize(rates.row_id)
        parts.append(
            pd.DataFrame(
                {"eq": eq + offset, "cell_id": rates.cell_id.to_numpy(), "coef": rates.coef.to_numpy()}
            )
        )
        first = rates.drop_duplicates("row_id")
        rhs_parts.append((first.value * first.population / first.scale).to_numpy())
    start = sum(len(r) for r in rhs_parts)
    asr_terms, asr_rhs = _standardisation_equations(built, specs, pub, start=start)
    parts.extend(asr_terms)
    rhs_parts.append(np.array(asr_rhs, float))
    if parts:
        yield pd.concat(parts, ignore_index=True), np.concatenate(rhs_parts)


def _standardisation_equations(built: Cells, specs: dict[str, Spec], pub: pd.DataFrame, start: int):
    """value = scale * sum_b w_b * N_b / pop_b over the standard ages' bands, with pop_b the
    published population of the band row and w_b the standard population's share."""
    rows = built.rows
    value = pub["value"].reindex(rows.row_id).to_numpy(float)
    asr = rows[(rows.kind_of_row == "age_standardised") & ~np.isnan(value)]
    terms, rhs = [], []
    eq = start
    key = ["year", "geo_level", "geo_code", "sex"]
    for indicator_id, group in asr.groupby("indicator_id"):
        spec = specs[indicator_id]
        base = count_id(resolved(specs, indicator_id, "N")[0])
        mine = rows[(rows.indicator_id == indicator_id) & (rows.breakdown == "total")]
        bands = standard_bands(spec, mine.age_group.unique())
        band_rows = mine[mine.age_group.isin(bands)][["row_id", *key, "age_group"]].copy()
        band_rows["population"] = pub["denominator"].reindex(band_rows.row_id).to_numpy(float)
        std = band_rows[
            (band_rows.geo_level == "national")
            & (band_rows.year == spec.standard_year)
            & (band_rows.sex == "all")
        ]
        if len(std) != len(bands) or std.population.isna().any():
            continue
        weights = std.set_index("age_group").population / std.population.sum()
        cells = built.cells[
            (built.cells["count"] == base)
            & built.cells.age_group.isin(bands)
            & (built.cells.breakdown == "total")
        ]
        parts = (
            band_rows.drop(columns="row_id")
            .merge(cells[["cell_id", *key, "age_group"]], on=[*key, "age_group"])
            .merge(group[["row_id", *key]], on=key)
        )
        parts = parts.assign(weight=parts.age_group.map(weights).to_numpy(float))
        counts = parts.groupby("row_id").population.agg(["count", "size"])
        complete = counts.index[(counts["count"] == len(bands)) & (counts["size"] == len(bands))]
        parts = parts[parts.row_id.isin(complete)]
        if parts.empty:
            continue
        codes, uniques = pd.factorize(parts.row_id)
        terms.append(
            pd.DataFrame(
                {
                    "eq": codes + eq,
                    "cell_id": parts.cell_id.to_numpy(),
                    "coef": spec.scale * parts.weight.to_numpy() / parts.population.to_numpy(),
                }
            )
        )
        rhs.extend(pub["value"].reindex(uniques).to_numpy(float))
        eq += len(uniques)
    return terms, rhs
