"""Which of several files in one period folder is current: by a declared rule, not by name sort.

A period folder (<source>/<year>/) may hold the first delivery and its resubmissions. The
current file is, in this order:
1. a correction over one that is not: the stem says so, `korrigert` in any of its spellings
   (`korrigert`, `korrigerte`, `korrigering`, `korr`, `korigert`, `rettet`, `corrected`, in any
   case, after `_`, `-`, `.` or a space);
2. the highest explicit version number, read as a number (`_v10` after `_v9`; none is 0);
3. the newest modification time;
4. the name, last, so the choice never depends on the order files are listed in.
Every file passed over is logged at WARNING by the loader, with both names and the reason.
"""

from __future__ import annotations

import re
from pathlib import Path

CORRECTION = re.compile(
    r"(?:^|[_\-. ])(?:kor{1,2}igert[e]?|korrigering|korr|rettet|corrected)(?=$|[_\-. ])", re.I
)
VERSION = re.compile(r"(?:^|[_\-. ])v(?:er(?:sjon|sion)?)?[_\-. ]?(\d+)(?=$|[_\-. ])", re.I)


def is_correction(path: Path) -> bool:
    return CORRECTION.search(path.stem) is not None


def version_number(path: Path) -> int:
    numbers = [int(m) for m in VERSION.findall(path.stem)]
    return max(numbers, default=0)


def rank(path: Path) -> tuple[bool, int, int, str]:
    return is_correction(path), version_number(path), path.stat().st_mtime_ns, path.name


def current(paths: list[Path]) -> Path:
    return max(paths, key=rank)


def why_newer(newer: Path, older: Path) -> str:
    """The rule that put `newer` before `older`, in words for the log."""
    if is_correction(newer) != is_correction(older):
        return "a correction"
    if version_number(newer) != version_number(older):
        return f"version {version_number(newer)} after {version_number(older)}"
    if newer.stat().st_mtime_ns != older.stat().st_mtime_ns:
        return "modified later"
    return "same version and time: the later name"
