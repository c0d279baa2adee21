"""The independent parts of the extended system, protected side by side.

No relation crosses two parts, so what one part hides, and every point its programmes find,
depends on that part alone: the parts can be protected in any order and in separate
processes with the same result. With more than one core the parts are shared out among
worker processes started fresh (`python -m rusmonitor.disclosure.parts`), not forked: the
caller may be dbt or Airflow with threads of their own, and HiGHS' thread pool does not
survive a fork. Each worker reads the system from one file and writes only its parts' hidden
cells back.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from rusmonitor.disclosure.protection import Extended, _Neighbourhoods, _Pool, _protect_component

log = logging.getLogger(__name__)

# below this many hidden cells, starting workers costs more than it saves
MIN_HIDDEN_FOR_WORKERS = 2000


def independent_parts(matrix: sparse.csr_matrix) -> list[np.ndarray]:
    """The independent parts of the system (no relation crosses two), largest first."""
    pattern = matrix.copy()
    pattern.data = np.ones_like(pattern.data)
    n, labels = connected_components((pattern.T @ pattern).tocsr(), directed=False)
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(n + 1))
    parts = [order[bounds[k] : bounds[k + 1]] for k in range(n)]
    return sorted(parts, key=len, reverse=True)


def workers() -> int:
    """Processes for the parts: RUSMONITOR_DISCLOSURE_WORKERS, or the cores this process may use."""
    wanted = os.environ.get("RUSMONITOR_DISCLOSURE_WORKERS")
    if wanted:
        return max(1, int(wanted))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def protect_parts(ext: Extended, hidden: np.ndarray, stats: dict) -> None:
    """Protect every part with a hidden cell (hidden changes in place; stats gain the counts)."""
    parts = [cols for cols in independent_parts(ext.matrix) if hidden[cols].any()]
    n_workers = min(workers(), len(parts))
    if n_workers > 1 and int(hidden.sum()) >= MIN_HIDDEN_FOR_WORKERS:
        _in_workers(ext, hidden, parts, stats, n_workers)
    else:
        _protect(ext, hidden, parts, stats)


def _protect(ext: Extended, hidden: np.ndarray, parts: list[np.ndarray], stats: dict) -> None:
    hoods, pool = _Neighbourhoods(ext.matrix), _Pool(ext)
    for cols in parts:
        _protect_component(ext, hidden, cols, hoods, stats, pool)


def _shares(parts: list[np.ndarray], n: int) -> list[list[int]]:
    """The parts (largest first) dealt to the worker with the fewest cells so far."""
    shares: list[list[int]] = [[] for _ in range(n)]
    load = [0] * n
    for i, cols in enumerate(parts):
        w = load.index(min(load))
        shares[w].append(i)
        load[w] += len(cols)
    return shares


def _in_workers(ext: Extended, hidden: np.ndarray, parts: list[np.ndarray], stats: dict, n: int) -> None:
    log.info("disclosure control: %d independent parts on %d processes", len(parts), n)
    with tempfile.TemporaryDirectory(prefix="rusmonitor-disclosure-") as tmp:
        work = Path(tmp)
        (work / "system.pickle").write_bytes(pickle.dumps((ext, hidden, parts), protocol=5))
        started = []
        try:
            for w, share in enumerate(_shares(parts, n)):
                (work / f"share-{w}.pickle").write_bytes(pickle.dumps(share))
                err = open(work / f"stderr-{w}.txt", "wb")  # noqa: SIM115 (closed below)
                started.append((w, err, None))
                cmd = [sys.executable, "-m", "rusmonitor.disclosure.parts", str(work), str(w)]
                started[-1] = (w, err, subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err))
            for w, _, proc in started:
                code = proc.wait()
                if code != 0:
                    tail = (work / f"stderr-{w}.txt").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"disclosure control: worker {w} ended with exit code {code}:\n{tail}")
        finally:
            # on any way out (a worker failed, an interrupt): no worker outlives its folder
            for _, err, proc in started:
                if proc is not None and proc.poll() is None:
                    proc.kill()
                    proc.wait()
                err.close()
        for w, _, _ in started:
            cols, share_hidden, share_stats = pickle.loads((work / f"result-{w}.pickle").read_bytes())
            hidden[cols] = share_hidden
            for key, value in share_stats.items():
                stats[key] = stats.get(key, 0) + value


def _work(folder: str, worker: str) -> None:
    """One worker: protect its share of the parts as one process would, write back their
    cells' hidden state and the counts."""
    work = Path(folder)
    ext, hidden, parts = pickle.loads((work / "system.pickle").read_bytes())
    share = [parts[i] for i in pickle.loads((work / f"share-{worker}.pickle").read_bytes())]
    stats: dict = {}
    _protect(ext, hidden, share, stats)
    cols = np.concatenate(share) if share else np.zeros(0, np.int64)
    (work / f"result-{worker}.pickle").write_bytes(pickle.dumps((cols, hidden[cols], stats), protocol=5))


if __name__ == "__main__":
    _work(*sys.argv[1:3])
