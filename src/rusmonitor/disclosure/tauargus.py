"""tau-Argus (pytauargus, the open-source engine on HiGHS) as the reference.

tau-Argus reads a table as a "JJ" file: every cell with its value, cost, status (s safe, u
unsafe), the bounds an attacker knows and the protection levels it needs, and every linear
restriction between cells. The same file feeds its optimal cell suppression (Fischetti and
Salazar's model: `full_jj`) and its audit (the feasible interval of every suppressed cell:
`audit_jj`). Writing our cells and relations as JJ lets both run on exactly the tables we
publish, including what tau-Argus' own table input cannot express (two geographies that do
not nest, counts shared by indicators, moving averages).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse


@dataclass
class JJTable:
    values: np.ndarray
    cost: np.ndarray
    unsafe: np.ndarray  # bool: status u (suppressed, to be protected)
    upper_protection: np.ndarray
    restrictions: sparse.csr_matrix  # each row: sum(coef * cell) = 0, integer coefficients
    upper_bound: float | None = None


def write_jj(path: Path, table: JJTable, suppressed: np.ndarray | None = None) -> None:
    """`suppressed`: cells already hidden (secondary, status m) for an audit."""
    n = len(table.values)
    upper = table.upper_bound or float(max(1.0, np.max(table.values) * 10))
    lines = ["0", str(n)]
    for i in range(n):
        status = "u" if table.unsafe[i] else ("m" if suppressed is not None and suppressed[i] else "s")
        lines.append(
            f"{i} {table.values[i]:.6g} {max(1, int(round(table.cost[i])))} {status} 0 {upper:.6g} "
            f"0 {table.upper_protection[i]:.6g} 0"
        )
    r = table.restrictions.tocsr()
    nonempty = [k for k in range(r.shape[0]) if r.indptr[k + 1] > r.indptr[k]]
    lines.append(str(len(nonempty)))
    for k in nonempty:
        cols = r.indices[r.indptr[k] : r.indptr[k + 1]]
        coefs = r.data[r.indptr[k] : r.indptr[k + 1]]
        if not np.allclose(coefs, np.round(coefs)):
            raise ValueError("a JJ restriction needs integer coefficients")
        terms = " ".join(f"{c} ({int(round(v))})" for c, v in zip(cols, coefs, strict=True))
        lines.append(f"0 {len(cols)} : {terms} ")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def optimal_suppression(table: JJTable, max_seconds: int = 600) -> np.ndarray:
    """tau-Argus' optimal secondary suppression (OPT): the cells it hides besides the unsafe."""
    from pytauargus._tauargus import HiTaSCtrl

    with tempfile.TemporaryDirectory(prefix="rusmonitor-jj-") as tmp, contextlib.chdir(tmp):
        # the solver writes its logs into the working directory
        jj, out = Path(tmp) / "table.jj", Path(tmp) / "table.out"
        write_jj(jj, table)
        code = HiTaSCtrl().full_jj(in_file_jj=str(jj), out_file=str(out), max_time=max_seconds)
        if code > 1:
            raise RuntimeError(f"tau-Argus FullJJ failed with code {code}")
        chosen = [int(token) for token in out.read_text().split()] if out.exists() else []
    secondary = np.zeros(len(table.values), bool)
    secondary[chosen] = True
    return secondary


def audit(table: JJTable, suppressed: np.ndarray) -> list[dict]:
    """tau-Argus' audit: the realised interval [min, max] of every suppressed cell."""
    from pytauargus._tauargus import audit_jj

    with tempfile.TemporaryDirectory(prefix="rusmonitor-jj-") as tmp, contextlib.chdir(tmp):
        jj = Path(tmp) / "table.jj"
        write_jj(jj, table, suppressed=suppressed & ~table.unsafe)
        return audit_jj(str(jj))


def table_from_equations(
    values: Sequence[float],
    equations: Iterable[dict[int, int]],
    unsafe: Sequence[bool],
    upper_protection: Sequence[float],
    cost: Sequence[float] | None = None,
) -> JJTable:
    """A table from equations written as {cell: coefficient} (sum = 0)."""
    rows, cols, data = [], [], []
    for r, eq in enumerate(equations):
        for c, coef in eq.items():
            rows.append(r)
            cols.append(c)
            data.append(coef)
    values = np.asarray(values, float)
    matrix = sparse.csr_matrix((data, (rows, cols)), shape=(max(rows, default=-1) + 1, len(values)))
    return JJTable(
        values=values,
        cost=np.asarray(cost if cost is not None else 1 + values, float),
        unsafe=np.asarray(unsafe, bool),
        upper_protection=np.asarray(upper_protection, float),
        restrictions=matrix,
    )
