"""Which landing files there are: the extracts of each source by name pattern and kind, each in
its period folder <source>/<year>/, with its content hash. Hidden and temporary names (.x.csv,
~x.csv) are never read; an entry named as an extract that is no file (a folder, a broken link)
is named by not_files."""

from __future__ import annotations

import fnmatch
from pathlib import Path

from rusmonitor import delivery
from rusmonitor.load.errors import LoadError
from rusmonitor.sources import Extract
from rusmonitor.sources import source as declared


def extract_of(source_id: str, path: Path) -> Extract:
    """Which of its source's extracts a landing file is, from its name (the pattern it matches)."""
    source = declared(source_id)
    for extract in source.extracts:
        if fnmatch.fnmatch(path.name, extract.pattern):
            return extract
    kinds = ", ".join(source.patterns)
    raise LoadError(str(path), f"{path}: the name matches no extract of {source_id!r} ({kinds})")


def file_kind(source_id: str, path: Path) -> str:
    """Which kind of extract a landing file is: the name pattern it matches, joined with those of
    the extracts that deliver the same raw tables in another format (SSB's JSON-stat2 and its
    CSV download of one year are one kind: one of them is current in a period folder, never
    both). Extracts read alike are parts of a delivery (EUDA's workbook per table): each its own."""
    extract = extract_of(source_id, path)
    tables = {c.table for c in extract.contracts}
    same = [
        e.pattern
        for e in declared(source_id).extracts
        if e == extract or (e.reader != extract.reader and tables & {c.table for c in e.contracts})
    ]
    return "|".join(same)


def _named_as_extracts(source: str, landing: Path) -> list[Path]:
    found = {f for kind in declared(source).patterns for f in (landing / source).glob(f"*/{kind}")}
    # a dot or tilde name is a writer's temporary file (rsync, editors, copy-then-rename)
    return sorted(f for f in found if not f.name.startswith((".", "~")))


def landing_files(source: str, landing: Path) -> list[Path]:
    return [f for f in _named_as_extracts(source, landing) if f.is_file()]


def not_files(source: str, landing: Path) -> dict[str, str]:
    """Entries named as an extract that are no file to read: a folder named *.csv, a link to
    nothing. {path relative to landing: what it is}."""
    out = {}
    for f in _named_as_extracts(source, landing):
        rel = f"{source}/{f.relative_to(landing / source).as_posix()}"
        if f.is_symlink() and not f.exists():
            out[rel] = f"a symbolic link to {f.readlink()}, which does not exist"
        elif not f.is_file():
            out[rel] = "a folder, not a file" if f.is_dir() else "not a regular file"
    return out


def file_hash(path: Path) -> str:
    return delivery.sha256(path)


def relative_name(path: Path, landing: Path) -> str:
    try:
        return path.resolve().relative_to(landing.resolve()).as_posix()
    except ValueError:
        return path.name


def period_folder_year(source: str, name: str) -> int:
    """The year of a landing file's period folder: <source>/<year>/<file>."""
    parts = name.split("/")
    if len(parts) != 3 or not (parts[1].isdigit() and len(parts[1]) == 4):
        raise LoadError(
            name, f"{name}: not in a period folder {source}/<year>/ (a four-digit year); not loaded"
        )
    return int(parts[1])
