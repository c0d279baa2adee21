"""Information loss: how much disclosure control hides, beside tau-Argus on the same tables.

Per indicator and geography level: the share of rows hidden and the share of persons in
hidden rows (what a reader loses). Beside it, the cells of the protected system (one per
count, shared by the indicators that publish it) hidden by rusmonitor and by tau-Argus'
optimal cell suppression (pytauargus FullJJ on HiGHS) given the same sensitive cells, the
same relations and the same costs, part by part; a part tau-Argus does not finish within the
time limit, or that is larger than `max_cells` (FullJJ is exact branch and cut, and on the
largest parts it does not finish in hours), is left out of the comparison and counted.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from rusmonitor.disclosure.parts import independent_parts
from rusmonitor.disclosure.protection import _cost, extended_system
from rusmonitor.disclosure.suppress import protect
from rusmonitor.disclosure.tauargus import JJTable, write_jj


def hidden_shares(warehouse: Path) -> pd.DataFrame:
    """Per indicator and level: rows, share hidden, share of persons in hidden rows."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            """
            SELECT v.indicator_id, v.geo_level, count(*) AS rows,
                avg(d.is_suppressed::int) AS rows_hidden,
                CASE WHEN bool_and(i.is_person_count) THEN
                    sum(v.numerator) FILTER (WHERE d.is_suppressed) / nullif(sum(v.numerator), 0)
                END AS persons_hidden
            FROM intermediate.int_indicator_values_unioned v
            JOIN intermediate.int_indicator_disclosure d USING (row_id)
            JOIN marts.dim_indicator i USING (indicator_id)
            WHERE v.breakdown NOT LIKE 'adjustment=%'
            GROUP BY ALL ORDER BY ALL
            """
        ).df()


def _frames(warehouse: Path):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("SELECT * FROM intermediate.int_indicator_values_unioned").df()
        catalog = con.execute("SELECT * FROM marts.dim_indicator").df()
        geography = con.execute("SELECT * FROM marts.dim_geography").df()
    return rows, catalog, geography


def _tau_part(args) -> dict:
    """tau-Argus optimal suppression of one part, in a child process that is stopped after
    `timeout` seconds (FullJJ's own time limit is not kept)."""
    path, timeout = args
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, path], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"finished": False, "seconds": time.monotonic() - started}
    if proc.returncode != 0:
        return {"finished": False, "seconds": time.monotonic() - started, "error": proc.stderr[-400:]}
    chosen = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"finished": True, "secondary": chosen, "seconds": time.monotonic() - started}


_CHILD = """
import contextlib, json, os, sys, tempfile
from pytauargus._tauargus import HiTaSCtrl
jj = sys.argv[1]
with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
    out = os.path.join(tmp, "out.txt")
    code = HiTaSCtrl().full_jj(in_file_jj=jj, out_file=out, max_time=0)
    if code > 1:
        raise SystemExit(f"FullJJ code {code}")
    chosen = [int(t) for t in open(out).read().split()] if os.path.exists(out) else []
print(json.dumps(chosen))
"""


def against_tauargus(
    warehouse: Path, timeout: float = 120.0, processes: int = 2, max_cells: int = 4000
) -> tuple[pd.DataFrame, dict]:
    """Hidden cells per count and level: rusmonitor's and tau-Argus' optimal, on the parts of
    at most `max_cells` cells that tau-Argus finishes within `timeout` seconds each."""
    from rusmonitor.disclosure.specs import specs_from_rows

    rows, catalog, geography = _frames(warehouse)
    specs = specs_from_rows(catalog.to_dict("records"))
    started = time.monotonic()
    ours = protect(rows, specs, geography)
    our_seconds = time.monotonic() - started
    ext = extended_system(ours.built, ours.relations, specs)
    small = (ext.values >= 0.5) & (ext.values <= ext.limit + 0.5)
    need = np.where(small, np.maximum(ext.limit + 1 - ext.values, ext.protection), 0.0)
    unsafe = small | ext.latent
    sensitive_parts = [p for p in independent_parts(ext.matrix) if small[p].any()]
    parts = [p for p in sensitive_parts if len(p) <= max_cells]
    tmp = Path(tempfile.mkdtemp(prefix="rusmonitor-loss-"))
    jobs = []
    for k, cols in enumerate(parts):
        sub = ext.matrix[:, cols].tocsr()
        keep = np.flatnonzero(np.diff(sub.indptr) > 0)
        table = JJTable(
            values=np.round(ext.values[cols]),
            cost=10 * _cost(ext.values[cols]),
            unsafe=unsafe[cols],
            upper_protection=need[cols],
            restrictions=sub[keep],
        )
        path = tmp / f"part{k}.jj"
        write_jj(path, table)
        jobs.append((str(path), timeout))
    with mp.get_context("spawn").Pool(processes) as pool:
        done = pool.map(_tau_part, jobs)
    tau_hidden = unsafe.copy()
    finished = np.zeros(len(ext.values), bool)
    tau_seconds = 0.0
    for cols, result in zip(parts, done, strict=True):
        tau_seconds += result["seconds"]
        if result["finished"]:
            finished[cols] = True
            tau_hidden[cols[np.asarray(result["secondary"], int)]] = True
    cells = ours.built.cells.assign(
        ours=ours.hidden,
        tau=tau_hidden[: ext.n_cells],
        compared=finished[: ext.n_cells],
        persons=ext.values[: ext.n_cells],
    )
    compared = cells[cells.compared]
    table = (
        compared.groupby(["count", "geo_level"])
        .agg(
            cells=("cell_id", "size"),
            ours=("ours", "mean"),
            tau=("tau", "mean"),
        )
        .reset_index()
    )
    summary = {
        "parts": len(sensitive_parts),
        "parts_too_large": len(sensitive_parts) - len(parts),
        "parts_finished": int(sum(r["finished"] for r in done)),
        "cells_compared": int(len(compared)),
        "cells_total": int(ext.n_cells),
        "ours_hidden": int(compared.ours.sum()),
        "tau_hidden": int(compared.tau.sum()),
        "ratio": float(compared.ours.sum() / max(compared.tau.sum(), 1)),
        "ours_persons_hidden": float(
            (compared.persons * compared.ours).sum() / max(compared.persons.sum(), 1)
        ),
        "tau_persons_hidden": float((compared.persons * compared.tau).sum() / max(compared.persons.sum(), 1)),
        "ours_seconds": round(our_seconds, 1),
        "tau_seconds": round(tau_seconds, 1),
    }
    return table, summary


def format_loss(shares: pd.DataFrame, table: pd.DataFrame | None = None, summary: dict | None = None) -> str:
    lines = [f"{'indicator':34} {'level':13} {'rows':>7} {'hidden':>7} {'persons hidden':>15}"]
    for _, r in shares.iterrows():
        persons = "" if pd.isna(r.persons_hidden) else f"{100 * r.persons_hidden:14.1f}%"
        lines.append(
            f"{r.indicator_id:34} {r.geo_level:13} {int(r.rows):7d} {100 * r.rows_hidden:6.1f}% {persons:>15}"
        )
    if table is not None and summary is not None:
        lines.append("")
        lines.append(
            f"{'count (cells of the protected system)':40} {'level':13} {'cells':>7} {'ours':>7} "
            f"{'tau-Argus':>9}"
        )
        for _, r in table.iterrows():
            lines.append(
                f"{r['count']:40} {r.geo_level:13} {int(r.cells):7d} {100 * r.ours:6.1f}% {100 * r.tau:8.1f}%"
            )
        lines.append(
            f"compared {summary['cells_compared']} of {summary['cells_total']} cells "
            f"({summary['parts_finished']} of {summary['parts']} parts tau-Argus finished, "
            f"{summary['parts_too_large']} too large to try): "
            f"rusmonitor hides {summary['ours_hidden']}, tau-Argus optimal {summary['tau_hidden']} "
            f"({summary['ratio']:.2f}x); persons in hidden cells "
            f"{100 * summary['ours_persons_hidden']:.1f}% vs {100 * summary['tau_persons_hidden']:.1f}%; "
            f"{summary['ours_seconds']} s vs {summary['tau_seconds']} s"
        )
    return "\n".join(lines)
