"""When a landing file counts as delivered: complete by a rule a publisher can follow.

1. **A done-marker** beside the file, `<name>.done` (e.g. `npr_tsb_episoder_2014.csv.done`),
   holding JSON `{"size": <bytes>, "sha256": "<hex>"}`: the file is delivered once its size and
   checksum match the marker, at once, however young it is. Until then it is still being copied.
2. **Without a marker**: nothing has written to it for settle_seconds() (its size and
   modification time are those of settle_seconds() ago, and unchanged when the load reads it),
   and its end is whole: a CSV's last line ends with a newline, an XLSX (a zip) has its central
   directory and every member's checksum right, a JSON document parses to its end.

A file not yet delivered is waited for up to settle_wait_seconds(), then left out of the load
with a log line saying why (it is neither loaded nor quarantined) and loads on a later try.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import zipfile
from pathlib import Path

from rusmonitor.settings import settle_seconds, settle_wait_seconds

log = logging.getLogger(__name__)

MARKER_SUFFIX = ".done"
ZIP_MAGIC = b"PK\x03\x04"


def marker_of(path: Path) -> Path:
    return path.with_name(path.name + MARKER_SUFFIX)


def write_marker(path: Path) -> Path:
    """The done-marker a publisher writes after the file is complete (used by the tests, and a
    reference for publishers' scripts)."""
    marker = marker_of(path)
    marker.write_text(json.dumps({"size": path.stat().st_size, "sha256": sha256(path)}), encoding="utf-8")
    return marker


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fingerprint(path: Path) -> tuple[int, int]:
    """Size and modification time (ns): any write changes one of them."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _against_marker(path: Path, marker: Path) -> str | None:
    try:
        declared = json.loads(marker.read_text(encoding="utf-8"))
        size, checksum = int(declared["size"]), str(declared["sha256"]).lower()
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return f'its done-marker {marker.name} is not {{"size": <bytes>, "sha256": "<hex>"}}'
    actual = path.stat().st_size
    if actual != size:
        return f"it has {actual} of the {size} bytes its done-marker {marker.name} declares"
    if sha256(path) != checksum:
        return f"its sha256 differs from the one its done-marker {marker.name} declares"
    return None


def _end_is_whole(path: Path) -> str | None:
    """Why the file's end shows it cut off, or None. A file that is whole but wrong (not a zip
    at all, JSON broken in its middle) is left for the reader to reject as bad data."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("rb") as f:
            f.seek(-1, os.SEEK_END)
            if f.read(1) != b"\n":
                return "its last line has no newline at the end (a complete CSV ends with one)"
    elif suffix == ".xlsx":
        with path.open("rb") as f:
            if f.read(4) != ZIP_MAGIC:
                return None
        try:
            with zipfile.ZipFile(path) as book:
                broken = book.testzip()
        except (zipfile.BadZipFile, EOFError, OSError):
            return "the workbook (a zip) has no central directory at its end: cut off"
        if broken is not None:
            return f"the workbook's member {broken} fails its checksum: cut off"
    elif suffix == ".json":
        text = path.read_bytes().decode("utf-8", errors="replace")
        try:
            json.loads(text)
        except json.JSONDecodeError as e:
            # the document stops before it closes (a string left open runs to the end too)
            if e.pos >= len(text.rstrip()) or e.msg.startswith("Unterminated string"):
                return "the JSON document ends before it is closed: cut off"
    return None


def not_delivered(path: Path, now: float | None = None) -> str | None:
    """Why `path` does not count as delivered yet, or None if it does."""
    marker = marker_of(path)
    if marker.exists():
        return _against_marker(path, marker)
    if path.stat().st_size == 0:
        return None  # an empty file is the reader's to reject, not a copy in progress
    age = (now if now is not None else time.time()) - path.stat().st_mtime
    settle = settle_seconds()
    if age < settle:
        return f"it was written {age:.1f} s ago (less than the {settle:g} s settle time)"
    return _end_is_whole(path)


def wait_for_delivery(files: list[Path]) -> tuple[list[Path], dict[Path, str]]:
    """Split files into (delivered, {not delivered: why}), waiting up to settle_wait_seconds()
    for the ones not delivered yet: a fresh copy passes after the settle time."""
    deadline = time.monotonic() + settle_wait_seconds()
    pending: dict[Path, str] = {}
    waiting = list(files)
    while True:
        pending = {f: why for f in waiting if (why := not_delivered(f)) is not None}
        if not pending or time.monotonic() >= deadline:
            break
        first, why = next(iter(pending.items()))
        log.info("waiting for %d landing file(s) not complete yet, e.g. %s: %s", len(pending), first, why)
        time.sleep(min(0.5, max(settle_seconds(), 0.05)))
        waiting = list(pending)
    return [f for f in files if f not in pending], pending
