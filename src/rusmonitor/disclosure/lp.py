"""Feasible intervals of hidden counts under linear relations (HiGHS).

The attacker knows the visible cells, every relation between cells and that counts are at
least zero; for a linear function of the hidden cells (one hidden cell, or a share's
complement) the smallest and largest values consistent with all of that are two linear
programmes. tau-Argus' audit solves both for every hidden cell. Here each connected group of
hidden cells is one HiGHS model that is re-solved with a new objective from the last basis,
and every vertex found is kept: a function whose values over the kept vertices already span a
protected interval needs no programme of its own (inner bounds suffice to prove protection;
only a function that might be under-protected gets its exact minimum and maximum).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

INF = highspy.kHighsInf
# counts are integers: a bound within this of an integer is that integer
EPS = 1e-6


@dataclass
class Problem:
    """Unknowns x >= 0 with A_eq x = b_eq and A_ub x <= b_ub; objectives are rows of `objectives`
    plus `offsets` (a complement's visible part); `limit` and `protection` per objective."""

    n: int
    a_eq: sparse.csr_matrix
    b_eq: np.ndarray
    a_ub: sparse.csr_matrix
    b_ub: np.ndarray
    objectives: sparse.csr_matrix
    offsets: np.ndarray
    limit: np.ndarray
    protection: np.ndarray


@dataclass
class Intervals:
    low: np.ndarray  # exact minimum, or an upper bound on it where `exact` is False
    high: np.ndarray  # exact maximum, or a lower bound on it
    exact: np.ndarray  # both bounds solved exactly
    solves: int
    components: int


def integer_interval(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.ceil(low - EPS), np.floor(high + EPS)


def verdict(low, high, limit, protection) -> dict[str, np.ndarray]:
    """Per objective: exactly derivable, possibly small, protected (as tau-Argus' audit with a
    protection interval: it contains a count above the limit and is at least `protection`
    wide). Under-protected = possibly small, not protected."""
    lo, hi = integer_interval(np.asarray(low, float), np.asarray(high, float))
    exact = lo >= hi
    small_possible = (hi >= 1) & (lo <= limit)
    protected = (hi >= limit + 1) & (hi - lo >= protection)
    return {
        "exact": exact,
        "under_protected": small_possible & ~protected & ~exact,
        "protected": protected | ~small_possible,
    }


def _components(problem: Problem) -> tuple[int, np.ndarray]:
    blocks = [m for m in (problem.a_eq, problem.a_ub, problem.objectives) if m.shape[0]]
    if not blocks:
        return problem.n, np.arange(problem.n)
    stacked = sparse.vstack(blocks).tocsr()
    stacked.data = np.ones_like(stacked.data)
    adjacency = (stacked.T @ stacked).tocsr()
    return connected_components(adjacency, directed=False)


class _Model:
    """One component's HiGHS model, re-solved with new objectives."""

    def __init__(self, n, a_eq, b_eq, a_ub, b_ub, upper: float):
        self.n = n
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("presolve", "off")  # warm starts need the basis kept
        lp = highspy.HighsLp()
        lp.num_col_ = n
        rows = sparse.vstack([a_eq, a_ub]).tocsc() if a_ub.shape[0] else a_eq.tocsc()
        lp.num_row_ = rows.shape[0]
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.zeros(n)
        # a finite cap keeps every programme bounded; a value that reaches it is unbounded
        lp.col_upper_ = np.full(n, upper)
        lp.row_lower_ = np.concatenate([b_eq, np.full(a_ub.shape[0], -INF)])
        lp.row_upper_ = np.concatenate([b_eq, b_ub])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = rows.indptr
        lp.a_matrix_.index_ = rows.indices
        lp.a_matrix_.value_ = rows.data
        lp.a_matrix_.num_col_ = n
        lp.a_matrix_.num_row_ = rows.shape[0]
        self.highs.passModel(lp)
        self.columns = np.arange(n, dtype=np.int32)
        self.solves = 0

    def solve(self, cost: np.ndarray) -> np.ndarray | None:
        self.highs.changeColsCost(self.n, self.columns, cost.astype(float))
        self.highs.run()
        self.solves += 1
        status = self.highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            if status == highspy.HighsModelStatus.kInfeasible:
                raise InfeasibleRelations("the published relations have no solution")
            # numerical trouble: retry once from scratch
            self.highs.clearSolver()
            self.highs.run()
            if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                raise RuntimeError(f"HiGHS: {self.highs.modelStatusToString(self.highs.getModelStatus())}")
        return np.asarray(self.highs.getSolution().col_value)


class InfeasibleRelations(ValueError):
    """The relations contradict the published values (a relation the attacker assumes is
    false, or values were published inconsistently)."""


def intervals(
    problem: Problem, exact_all: bool = False, upper: float = 1e7, max_batches: int = 30
) -> Intervals:
    """Bounds for every objective: exact where needed to decide protection (or everywhere
    with `exact_all`), inner bounds from the kept vertices elsewhere."""
    k = problem.objectives.shape[0]
    low = np.full(k, np.inf)
    high = np.full(k, -np.inf)
    exact = np.zeros(k, bool)
    n_comp, labels = _components(problem)
    solves = 0
    eq_rows = _row_labels(problem.a_eq, labels)
    ub_rows = _row_labels(problem.a_ub, labels)
    obj_rows = _row_labels(problem.objectives, labels)
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(n_comp + 1))
    for comp in range(n_comp):
        cols = order[bounds[comp] : bounds[comp + 1]]
        objs = np.flatnonzero(obj_rows == comp)
        if not len(objs):
            continue
        eqs = np.flatnonzero(eq_rows == comp)
        ubs = np.flatnonzero(ub_rows == comp)
        if not len(eqs) and not len(ubs):
            # nothing ties these unknowns: each is anywhere from 0 up
            low[objs] = problem.offsets[objs]
            high[objs] = np.inf
            exact[objs] = True
            continue
        model = _Model(
            len(cols),
            problem.a_eq[eqs][:, cols],
            problem.b_eq[eqs],
            problem.a_ub[ubs][:, cols],
            problem.b_ub[ubs],
            upper,
        )
        obj = problem.objectives[objs][:, cols].tocsr()
        offsets = problem.offsets[objs]
        lo_c = np.full(len(objs), np.inf)
        hi_c = np.full(len(objs), -np.inf)
        ex_c = np.zeros(len(objs), bool)

        def keep(x, obj=obj, offsets=offsets, lo_c=lo_c, hi_c=hi_c):
            values = obj @ x + offsets
            np.minimum(lo_c, values, out=lo_c)
            np.maximum(hi_c, values, out=hi_c)

        total = np.asarray(obj.sum(axis=0)).ravel()
        keep(model.solve(-total))
        keep(model.solve(total))
        lim = problem.limit[objs]
        prot = problem.protection[objs]
        # push the functions not yet proven protected up (or down, where the interval is too
        # narrow) together: one vertex often proves many at once
        for _ in range(max_batches):
            lo_i, hi_i = integer_interval(lo_c, hi_c)
            up = hi_i < lim + 1
            wide = ~up & (hi_i - lo_i < prot)
            before = int((up | wide).sum())
            if not before:
                break
            if up.any():
                keep(model.solve(-np.asarray(obj[up].sum(axis=0)).ravel()))
            if wide.any():
                keep(model.solve(np.asarray(obj[wide].sum(axis=0)).ravel()))
            lo_i, hi_i = integer_interval(lo_c, hi_c)
            after = int(((hi_i < lim + 1) | (hi_i - lo_i < prot)).sum())
            if after >= before:
                break
        for j in range(len(objs)):
            if not exact_all and _certain(lo_c[j], hi_c[j], lim[j], prot[j]):
                continue
            row = obj[j].toarray().ravel()
            x = model.solve(-row)
            keep(x)
            hi_c[j] = row @ x + offsets[j]
            x = model.solve(row)
            keep(x)
            lo_c[j] = row @ x + offsets[j]
            ex_c[j] = True
        hi_c[hi_c >= upper * 0.999] = np.inf
        low[objs], high[objs], exact[objs] = lo_c, hi_c, ex_c
        solves += model.solves
    return Intervals(low=low, high=high, exact=exact, solves=solves, components=n_comp)


def _certain(lo, hi, limit, protection) -> bool:
    """Inner bounds prove protection when they already span a protected interval."""
    lo_i, hi_i = math.ceil(lo - EPS), math.floor(hi + EPS)
    return hi_i >= limit + 1 and hi_i - lo_i >= protection


def _row_labels(matrix: sparse.csr_matrix, labels: np.ndarray) -> np.ndarray:
    """The component of each row (-1 for an empty row)."""
    matrix = matrix.tocsr()
    out = np.full(matrix.shape[0], -1)
    starts = matrix.indptr[:-1]
    nonempty = np.diff(matrix.indptr) > 0
    out[nonempty] = labels[matrix.indices[starts[nonempty]]]
    return out
