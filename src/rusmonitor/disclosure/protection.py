"""The extended system secondary suppression works on, and its linear-programming stage.

The extended system is the cells plus one latent cell per share complement (denominator minus
numerator, never published), and every relation including D - N - C = 0 (extended_system).

After the quick single-relation pass (suppress.py), each independent part of the system is
protected here (_protect_component): feasible points of the attacker's programme (lp.py) prove
hidden counts protected; a hidden cell that is not small and that the relations fix exactly is
shown (showing it tells a reader nothing new); for each hidden count still under-protected, one
linear programme (protection_programme) finds the cheapest set of visible cells whose hiding
lets it move by its protection level, and the proof runs again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from rusmonitor.catalog import default_suppression_limit
from rusmonitor.disclosure.cells import Cells
from rusmonitor.disclosure.specs import Spec
from rusmonitor.disclosure.system import cell_limits


@dataclass
class Extended:
    """The cells plus one latent cell per share complement (never published), and every
    relation including D - N - C = 0."""

    values: np.ndarray
    limit: np.ndarray
    protection: np.ndarray
    latent: np.ndarray  # bool: a complement
    matrix: sparse.csr_matrix  # relations x extended cells
    complement_rows: pd.DataFrame  # (comp, row_id) the share rows of each complement
    complement_members: sparse.csr_matrix  # complement x cells: the cells it is made of
    n_cells: int

    @cached_property
    def by_column(self) -> sparse.csc_matrix:
        """The relations by cell: a region's columns are a cheap slice of it."""
        return self.matrix.tocsc()


def extended_system(built: Cells, relations: pd.DataFrame, specs: dict[str, Spec]) -> Extended:
    cells = built.cells
    n = len(cells)
    limits = cell_limits(built, specs).reindex(range(n))
    forms = built.forms.merge(built.rows[["row_id", "indicator_id"]], on="row_id")
    shares = {k for k, s in specs.items() if s.kind == "share" and set(s.measures()) == {"N", "D"}}
    forms = forms[forms.indicator_id.isin(shares)]
    signed = forms.assign(coef=np.where(forms.measure == "N", forms.coef, -forms.coef))
    signed = signed.groupby(["row_id", "cell_id"], as_index=False).coef.sum()
    signed = signed[signed.coef != 0]
    ids = signed.cell_id.to_numpy(np.int64)
    key = signed.assign(
        h1=(ids * 2654435761 + (signed.coef > 0)) % 2_147_483_647, h2=(ids * 40503 + 7) % 1_000_000_007
    )
    key = key.groupby("row_id").agg(n=("cell_id", "size"), h1=("h1", "sum"), h2=("h2", "sum"))
    comp_of_row = pd.Series(pd.factorize(pd.MultiIndex.from_frame(key))[0], index=key.index)
    first = comp_of_row.reset_index().drop_duplicates(0).set_index(0).row_id
    comp_terms = signed[signed.row_id.isin(first.values)].copy()
    comp_terms["comp"] = comp_terms.row_id.map(comp_of_row)
    n_comp = len(first)
    values = cells.value.to_numpy(float)
    # C = D - N: the complement relation is N - D + C = 0
    comp_value = np.zeros(n_comp)
    np.add.at(
        comp_value,
        comp_terms.comp.to_numpy(int),
        -comp_terms.coef.to_numpy(float) * values[comp_terms.cell_id.to_numpy(int)],
    )
    comp_limit = (
        comp_terms.drop_duplicates("comp")
        .set_index("comp")
        .row_id.map(built.rows.set_index("row_id").indicator_id.map({k: s.limit for k, s in specs.items()}))
        .reindex(range(n_comp))
        .to_numpy(float)
    )
    comp_prot = (
        comp_terms.drop_duplicates("comp")
        .set_index("comp")
        .row_id.map(
            built.rows.set_index("row_id").indicator_id.map({k: s.protection for k, s in specs.items()})
        )
        .reindex(range(n_comp))
        .to_numpy(float)
    )
    n_rel = int(relations.relation_id.max()) + 1 if len(relations) else 0
    rel = sparse.csr_matrix(
        (
            relations.coef.to_numpy(float),
            (relations.relation_id.to_numpy(int), relations.cell_id.to_numpy(int)),
        ),
        shape=(n_rel, n + n_comp),
    )
    comp_rel = sparse.csr_matrix(
        (
            np.concatenate([comp_terms.coef.to_numpy(float), np.ones(n_comp)]),
            (
                np.concatenate([comp_terms.comp.to_numpy(int), np.arange(n_comp)]),
                np.concatenate([comp_terms.cell_id.to_numpy(int), n + np.arange(n_comp)]),
            ),
        ),
        shape=(n_comp, n + n_comp),
    )
    default_limit = default_suppression_limit()  # a cell no indicator sets a limit for
    return Extended(
        values=np.concatenate([values, comp_value]),
        limit=np.concatenate([limits["limit"].fillna(default_limit).to_numpy(float), comp_limit]),
        protection=np.concatenate([limits["protection"].fillna(default_limit).to_numpy(float), comp_prot]),
        latent=np.concatenate([np.zeros(n, bool), np.ones(n_comp, bool)]),
        matrix=sparse.vstack([rel, comp_rel]).tocsr(),
        complement_rows=comp_of_row.rename("comp").reset_index(),
        complement_members=sparse.csr_matrix(
            (np.ones(len(comp_terms)), (comp_terms.comp.to_numpy(int), comp_terms.cell_id.to_numpy(int))),
            shape=(n_comp, n),
        ),
        n_cells=n,
    )


def _cost(values: np.ndarray) -> np.ndarray:
    """What hiding a cell costs: one cell, and a little more for more persons."""
    return 1.0 + np.log1p(np.maximum(values, 0.0))


class _Neighbourhoods:
    """Cells within a few relations of a cell, for the protection programme."""

    def __init__(self, matrix: sparse.csr_matrix):
        self.rel_cells = matrix.tocsr()
        self.cell_rels = matrix.T.tocsr()

    def around(self, cell: int, depth: int) -> np.ndarray:
        frontier = np.array([cell])
        seen = frontier
        for _ in range(depth):
            rels = np.unique(self.cell_rels.indices[_positions(self.cell_rels.indptr, frontier)])
            if not len(rels):
                break
            cells = np.unique(self.rel_cells.indices[_positions(self.rel_cells.indptr, rels)])
            new = np.setdiff1d(cells, seen, assume_unique=True)
            if not len(new):
                break
            seen = np.union1d(seen, new)
            frontier = new
        return seen


def _positions(indptr: np.ndarray, majors: np.ndarray) -> np.ndarray:
    """Where the entries of these rows (of a CSR matrix; columns of a CSC one) are, in order:
    a slice without scipy's per-call indexing cost."""
    starts = indptr[majors]
    lengths = indptr[majors + 1] - starts
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return offsets + np.arange(int(lengths.sum()))


def protection_programme(
    ext: Extended, hidden: np.ndarray, target: int, need: float, region: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """The visible cells of `region` to hide so that `target` can be `need` larger with every
    other visible cell unchanged: min sum cost * |y| over visible cells, M y = 0, x + y >= 0,
    y_target >= need; with the feasible point x + y over `region` (None if the region has no
    way)."""
    # the region's columns and the relations they appear in, renumbered; the programme's
    # matrix is [M, -M] by column (y = x+ - x-)
    by_column = ext.by_column
    at = _positions(by_column.indptr, region)
    rows, row_index = np.unique(by_column.indices[at], return_inverse=True)
    data = by_column.data[at]
    start = np.concatenate([[0], np.cumsum(np.diff(by_column.indptr)[region])])
    n = len(region)
    values = ext.values[region]
    # a hidden zero must be protected like a small count (a reader cannot tell them apart)
    cost = np.where(hidden[region], 0.0, _cost(np.where(values < 0.5, 2 * ext.limit[region], values)))
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    lp.num_col_ = 2 * n
    lp.num_row_ = len(rows)
    lp.col_cost_ = np.concatenate([cost, cost])
    lower = np.zeros(2 * n)
    upper = np.concatenate([np.full(n, highspy.kHighsInf), np.maximum(values, 0.0)])
    t = int(np.searchsorted(region, target))
    lower[t] = need
    upper[n + t] = 0.0
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.zeros(len(rows))
    lp.row_upper_ = np.zeros(len(rows))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.concatenate([start, start[1:] + len(data)])
    lp.a_matrix_.index_ = np.concatenate([row_index, row_index]).astype(np.int32)
    lp.a_matrix_.value_ = np.concatenate([data, -data])
    lp.a_matrix_.num_col_ = 2 * n
    lp.a_matrix_.num_row_ = len(rows)
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    x = np.asarray(h.getSolution().col_value)
    y = x[:n] - x[n:]
    moved = region[(np.abs(y) > 1e-7) & ~hidden[region]]
    return moved, values + y


class _ComponentModel:
    """The hidden cells of one independent part of the system, as the attacker sees them:
    unknowns >= 0 tied by every relation, the visible cells fixed at their values."""

    def __init__(self, ext: Extended, hidden: np.ndarray, cols: np.ndarray):
        self.cols = cols[hidden[cols]]
        m = ext.matrix[:, cols].tocsr()
        rows = np.flatnonzero(np.diff(m.indptr) > 0)
        m = ext.matrix[rows].tocsc()
        visible = cols[~hidden[cols]]
        a = m[:, self.cols].tocsr()
        b = -(m[:, visible] @ ext.values[visible])
        keep = np.diff(a.indptr) > 0
        self.model = _lp_model(len(self.cols), a[keep], b[keep]) if len(self.cols) else None
        self.truth = ext.values[self.cols]


def _lp_model(n, a_eq, b_eq):
    from rusmonitor.disclosure.lp import _Model

    return _Model(n, a_eq, b_eq, sparse.csr_matrix((0, n)), np.zeros(0), 1e7)


class _Pool:
    """The smallest and largest value of every cell over feasible points found so far (the
    true values are one): inner bounds of its feasible interval. Every point stays feasible as
    more cells are hidden, so what it proves holds for the final pattern."""

    def __init__(self, ext: Extended):
        self.ext = ext
        self.lo = ext.values.copy()
        self.hi = ext.values.copy()
        self.settled = np.zeros(len(ext.values), bool)  # complements the relations fix

    def keep(self, cols: np.ndarray, x: np.ndarray) -> None:
        self.lo[cols] = np.minimum(self.lo[cols], x)
        self.hi[cols] = np.maximum(self.hi[cols], x)

    def open(self, cols: np.ndarray, hidden: np.ndarray) -> np.ndarray:
        """Which of these hidden cells are not yet proven protected. A share's complement
        needs it only where the share's numerator or denominator is hidden, or where it is
        small (a shown share's complement is no secret unless it is a small count)."""
        from rusmonitor.disclosure.lp import integer_interval

        lo, hi = integer_interval(self.lo[cols], self.hi[cols])
        limit, prot = self.ext.limit[cols], self.ext.protection[cols]
        out = ~((hi >= limit + 1) & (hi - lo >= prot)) & ~self.settled[cols]
        latent = self.ext.latent[cols]
        if latent.any():
            members = self.ext.complement_members[cols[latent] - self.ext.n_cells]
            parts_hidden = (members @ hidden[: self.ext.n_cells].astype(float)) > 0
            values = self.ext.values[cols[latent]]
            small = (values >= 0.5) & (values <= self.ext.limit[cols[latent]] + 0.5)
            out[latent] &= parts_hidden | small
        return out


def _protect_component(
    ext: Extended, hidden: np.ndarray, cols: np.ndarray, hoods, stats, pool: _Pool | None = None
) -> None:
    """Hide more cells of this part until every hidden count is proven protected (in place)."""
    pool = pool or _Pool(ext)
    for _ in range(20):
        part = _ComponentModel(ext, hidden, cols)
        if part.model is None:
            return
        n = len(part.cols)
        open_ = pool.open(part.cols, hidden)
        for _ in range(30):
            if not open_.any():
                break
            x = part.model.solve(np.where(open_, -1.0, 0.0))
            pool.keep(part.cols, x)
            stats["solves"] = stats.get("solves", 0) + 1
            still = pool.open(part.cols, hidden)
            progressed = (open_ & ~still).any()
            open_ = still
            if not progressed:
                break
        if not open_.any():
            return
        grew = False
        small = (part.truth >= 0.5) & (part.truth <= ext.limit[part.cols] + 0.5)
        for j in np.flatnonzero(open_ & ~small):
            # a hidden count that is not small: if the relations fix it, show it instead (a
            # complement the relations fix is no small count either: at zero, everyone in the
            # group is in the category, which no further hiding can change)
            unit = np.zeros(n)
            unit[j] = 1.0
            top = part.model.solve(-unit)
            pool.keep(part.cols, top)
            bottom = part.model.solve(unit)
            pool.keep(part.cols, bottom)
            stats["solves"] = stats.get("solves", 0) + 2
            if top[j] - bottom[j] < 1e-6:
                if ext.latent[part.cols[j]]:
                    pool.settled[part.cols[j]] = True
                    stats["fixed_complements"] = stats.get("fixed_complements", 0) + 1
                else:
                    hidden[part.cols[j]] = False
                    stats["shown_exact"] = stats.get("shown_exact", 0) + 1
                    grew = True
        open_ &= ~pool.settled[part.cols]
        for target in part.cols[open_]:
            if not hidden[target] or not pool.open(np.array([target]), hidden)[0]:
                continue  # shown, or an earlier point already proves it
            need = _need(ext, target)
            for region in (hoods.around(target, 2), hoods.around(target, 4), cols):
                found = protection_programme(ext, hidden, target, need, region)
                stats["programmes"] = stats.get("programmes", 0) + 1
                if found is not None:
                    moved, point = found
                    pool.keep(region, point)
                    if len(moved):
                        hidden[moved] = True
                        grew = True
                    break
            else:
                raise RuntimeError(f"no way to protect cell {target}")
        if not grew:
            return


def _need(ext: Extended, target: int) -> float:
    value, limit, protection = ext.values[target], ext.limit[target], ext.protection[target]
    return max(limit + 1 - value, protection) if value <= limit + 0.5 else protection
