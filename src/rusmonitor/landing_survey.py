"""What in the landing folder no source loads, and what was loaded but is gone: said once a run.

The loader reads <source>/<year>/<file> where the source is one of LOADED_SOURCES and the name
matches one of the source's extracts. Anything else (a folder `NPR/` or `lar/`, a file with no
year folder, `x.CSV`, an SSB CSV in the JSON-stat population folder) would otherwise be passed
over without a word. Writers' temporary names (`.x`, `~x`) and done-markers of claimed files
are not listed: they are expected.
"""

from __future__ import annotations

import fnmatch
import logging
from pathlib import Path

import duckdb

from rusmonitor.sources import LOADED_SOURCES, source

log = logging.getLogger(__name__)
MAX_LISTED = 20  # entries named in the warning; the count says how many more


def _patterns(source_id: str) -> list[str]:
    return source(source_id).patterns


def _expected(name: str) -> bool:
    return name.startswith((".", "~"))


def unclaimed(landing: Path) -> list[str]:
    """Entries under `landing` that no source claims, as paths relative to it (folders end in /)."""
    if not landing.is_dir():
        return []
    out = []
    for top in sorted(landing.iterdir()):
        if _expected(top.name):
            continue
        if top.name not in LOADED_SOURCES or not top.is_dir():
            out.append(top.name + ("/" if top.is_dir() else ""))
            continue
        patterns = _patterns(top.name)
        for period in sorted(top.iterdir()):
            rel = f"{top.name}/{period.name}"
            if _expected(period.name):
                continue
            if not period.is_dir() or not (period.name.isdigit() and len(period.name) == 4):
                out.append(rel + ("/" if period.is_dir() else ""))
                continue
            for entry in sorted(period.iterdir()):
                name = entry.name
                if _expected(name):
                    continue
                claimed = entry.is_file() and any(fnmatch.fnmatchcase(name, p) for p in patterns)
                marker_of_claimed = name.endswith(".done") and any(
                    fnmatch.fnmatchcase(name[: -len(".done")], p) for p in patterns
                )
                if not (claimed or marker_of_claimed):
                    out.append(f"{rel}/{name}" + ("/" if entry.is_dir() else ""))
    return out


def gone(con: duckdb.DuckDBPyConnection, landing: Path) -> list[str]:
    """Files raw._loads has loaded that are no longer in the landing folder (their rows stay)."""
    loaded = [r[0] for r in con.execute("SELECT source_file FROM raw._loads ORDER BY 1").fetchall()]
    return [f for f in loaded if not (landing / f).exists()]


def _listed(names: list[str]) -> str:
    more = f", and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
    return ", ".join(names[:MAX_LISTED]) + more


def report(con: duckdb.DuckDBPyConnection, landing: Path) -> dict[str, list[str]]:
    """Log one warning for what no source claims and one for loaded files that are gone."""
    found = {"unclaimed": unclaimed(landing), "gone": gone(con, landing)}
    if found["unclaimed"]:
        log.warning(
            "%d landing entr%s under %s that no source loads (a source's files go in "
            "<source>/<year>/ and match its extract names): %s",
            len(found["unclaimed"]),
            "y" if len(found["unclaimed"]) == 1 else "ies",
            landing,
            _listed(found["unclaimed"]),
        )
    if found["gone"]:
        log.warning(
            "%d loaded file(s) are no longer in the landing folder; their rows stay in raw until a "
            "file of the same period replaces them: %s",
            len(found["gone"]),
            _listed(found["gone"]),
        )
    return found
