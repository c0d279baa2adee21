"""Writing a landing file into the raw schema of the warehouse, one transaction per file.

Each file is read as text (readers.py), checked against its contract (contracts/,
violations.py) and only then written, in one transaction, with load metadata on every row
(_load_id, _source_file, _content_hash, _row_number). A file already loaded with the same
content is skipped, so reruns change nothing; a file whose content changed, or a resubmission of
the same kind in the period's folder (a correction or a higher version, versions.py), replaces
exactly that period, and only with rows of that period's year. Records that break the contract
go to raw._quarantine with file, row (and sheet cell), column, reason and the whole record: one
record per value, so a bad cell of a wide sheet row sets aside that cell's record and not its
neighbours. A file wrong as a whole is rejected with an error naming the file, the row and the
column, and nothing in the warehouse changes. The GX raw checkpoint runs before the commit.

Only delivered files are read (delivery.py: a done-marker, or settled with a whole end); the
others are left for a retry: the rest load, then FilesStillBeingWritten (a transient error, so
Airflow retries the task) names them and why.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from rusmonitor import catalog, delivery, quality, quality_store, versions
from rusmonitor.contracts import Contract
from rusmonitor.faults import failpoint
from rusmonitor.load.errors import MAX_LINE, FilesStillBeingWritten, LoadError, RowError, capped
from rusmonitor.load.files import (
    file_hash,
    file_kind,
    landing_files,
    not_files,
    period_folder_year,
    relative_name,
)
from rusmonitor.load.readers import EXTRA, RECORD, ROW, Incoming, read_landing_file
from rusmonitor.load.violations import (
    COUNTY_VERSIONS,
    MUNICIPALITY_VERSIONS,
    check_period,
    contract_violations,
    parsed,
)
from rusmonitor.settings import (
    COUNTY_VERSIONS_SEED,
    MUNICIPALITY_VERSIONS_SEED,
    landing_dir,
    warehouse_path,
)
from rusmonitor.sources import CONTRACTS

# the package logs as one logger, "rusmonitor.load": run_display reads its per-file lines by
# that name and the tests capture it (a module's __name__ would be rusmonitor.load.<module>)
log = logging.getLogger("rusmonitor.load")


@dataclass
class LoadResult:
    source: str
    file: str
    status: str  # loaded | replaced | unchanged
    rows: int
    load_id: str
    seconds: float = 0.0
    quarantined: list[RowError] = field(default_factory=list)


META_DDL = """
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw._loads (
    load_id VARCHAR, source VARCHAR, source_file VARCHAR PRIMARY KEY, content_hash VARCHAR,
    tables VARCHAR, row_count BIGINT, loaded_at TIMESTAMP, seconds DOUBLE);
ALTER TABLE raw._loads ADD COLUMN IF NOT EXISTS quarantined_rows BIGINT DEFAULT 0;
ALTER TABLE raw._loads ADD COLUMN IF NOT EXISTS period VARCHAR;
CREATE TABLE IF NOT EXISTS raw._quarantine (
    load_id VARCHAR, source VARCHAR, table_name VARCHAR, source_file VARCHAR,
    row_number BIGINT, location VARCHAR, column_name VARCHAR, value VARCHAR, reason VARCHAR,
    record VARCHAR);
ALTER TABLE raw._quarantine ADD COLUMN IF NOT EXISTS cell VARCHAR;
"""


def _ensure_table(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    cols = ", ".join(f'"{c.name}" {c.sql_type}' for c in contract.columns)
    con.execute(
        f"CREATE TABLE IF NOT EXISTS raw.{contract.table} ({cols}, _load_id VARCHAR, "
        f"_source_file VARCHAR, _content_hash VARCHAR, {ROW} BIGINT)"
    )


def load_file(con: duckdb.DuckDBPyConnection, source: str, path: Path, landing: Path) -> LoadResult:
    started = time.perf_counter()
    name = relative_name(path, landing)
    period_year = period_folder_year(source, name)
    seen = delivery.fingerprint(path)
    digest = file_hash(path)
    load_id = f"{source}-{digest[:16]}"
    # The file replaces whatever its period held before: a period is one kind of extract in one
    # folder (source/<year>/). A rerun of the same file changes nothing; a resubmitted file
    # replaces exactly that period.
    folder = name.rsplit("/", 1)[0] if "/" in name else ""
    period = f"{folder}:{file_kind(source, path)}"
    # fetchall: DuckDB keeps a half-read result open on the connection after fetchone()
    prior = con.execute(
        "SELECT source_file, content_hash FROM raw._loads WHERE period = ? "
        "OR (period IS NULL AND source_file = ?)",
        [period, name],
    ).fetchall()
    if prior == [(name, digest)]:
        return LoadResult(source, name, "unchanged", 0, load_id)
    replaced = sorted({p[0] for p in prior} | {name})

    incoming = read_landing_file(source, path)
    if delivery.fingerprint(path) != seen:  # written to while it was read: not what was hashed
        raise FilesStillBeingWritten([name], {name: "it changed while it was being read"})
    quarantine: list[tuple[Incoming, list[RowError]]] = []
    try:
        for i, inc in enumerate(incoming):  # check everything before writing anything
            # the text frame copied into DuckDB once: every check below scans it, and a scan of
            # a registered pandas frame converts its strings again each time
            con.register(f"incoming_{i}_frame", inc.frame)
            con.execute(f"CREATE OR REPLACE TEMP TABLE incoming_{i} AS SELECT * FROM incoming_{i}_frame")
            con.unregister(f"incoming_{i}_frame")
            check_period(con, inc, name, f"incoming_{i}", period_year)
            try:
                errors, _ = contract_violations(con, inc, name, f"incoming_{i}", period_year)
            except LoadError as rejected:
                # the file is wrong as a whole: its GX raw suite names what, for the record
                typed = ", ".join(
                    f"{parsed(c, contract=inc.contract)} AS {c.name}" for c in inc.contract.columns
                )
                result = quality.check_incoming(con, inc.contract, f"incoming_{i}", typed)
                quality_store.record([result], "raw", context=name, con=con)
                failed = "; ".join(str(o) for o in result.outcomes if not o.success)
                raise LoadError(
                    rejected.file,
                    str(rejected).split("\n")[0] + (f"\n  GX: {failed}" if failed else ""),
                    rejected.errors,
                    rejected.total,
                ) from rejected
            quarantine.append((inc, errors))
        rows = 0
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM raw._quarantine WHERE list_contains(?, source_file)", [replaced])
            for i, (inc, errors) in enumerate(quarantine):
                rows += _write_rows(con, inc, f"incoming_{i}", errors, load_id, name, digest, replaced)
            # what was read is written: let it go before GX reads the written rows back (a
            # national NPR file's text frame and its copy are a third of its load's peak memory)
            for i, inc in enumerate(incoming):
                con.execute(f"DROP TABLE IF EXISTS incoming_{i}")
                inc.frame = inc.frame.iloc[:0].copy()  # a copy: a slice would keep the whole frame
            seconds = time.perf_counter() - started
            set_aside = [e for _, errors in quarantine for e in errors]
            con.execute("DELETE FROM raw._loads WHERE list_contains(?, source_file)", [replaced])
            con.execute(
                "INSERT INTO raw._loads (load_id, source, source_file, content_hash, tables, "
                "row_count, loaded_at, seconds, quarantined_rows, period) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    load_id,
                    source,
                    name,
                    digest,
                    ",".join(i.contract.table for i in incoming),
                    rows,
                    dt.datetime.now(dt.UTC).replace(tzinfo=None),
                    seconds,
                    sum(len({e.record for e in errors}) for _, errors in quarantine),
                    period,
                ],
            )
            # the raw checkpoint: GX suites over what this load wrote, before it is committed
            checked = {inc.contract.table: inc.contract for inc in incoming}
            results = [r for c in checked.values() for r in quality.check_load(con, c, load_id)]
        except Exception:
            con.execute("ROLLBACK")
            raise
        passed = all(r.success for r in results)
        failpoint("load.before_commit")  # the fault tests kill the process here
        # a critical expectation failed: roll back, the period keeps its last good data
        con.execute("COMMIT" if passed else "ROLLBACK")
        quality_store.record(results, "raw", context=name, con=con)
        if not passed:
            # what was set aside is often why (a one-row sheet quarantined leaves it empty)
            why = f" after setting aside {set_aside[0]}" if set_aside else ""
            raise quality.QualityGateFailed(
                results, what=capped(f"{name} was not loaded (raw unchanged){why}: ")
            )
    finally:
        for i in range(len(incoming)):
            con.execute(f"DROP TABLE IF EXISTS incoming_{i}")
    status = "replaced" if prior else "loaded"
    return LoadResult(source, name, status, rows, load_id, time.perf_counter() - started, set_aside)


def _write_rows(
    con: duckdb.DuckDBPyConnection,
    inc: Incoming,
    view: str,
    errors: list[RowError],
    load_id: str,
    name: str,
    digest: str,
    replaced: list[str],
) -> int:
    """Replace the period's rows in raw.<table> with the file's; records with errors go to
    raw._quarantine with the whole original record, so nothing is lost. A record is one value's
    record: a bad cell of an unpivoted sheet row sets aside that cell's record only."""
    table = inc.contract.table  # exists: connect() creates every contract's table
    cols = ", ".join(parsed(c, contract=inc.contract) for c in inc.contract.columns)
    bad = sorted({e.record for e in errors})
    con.execute(f"DELETE FROM raw.{table} WHERE list_contains(?, _source_file)", [replaced])
    con.execute(
        f"INSERT INTO raw.{table} SELECT {cols}, ?, ?, ?, {ROW} FROM {view} "
        f"WHERE NOT list_contains(?, {RECORD}) ORDER BY {ROW}, {RECORD}",
        [load_id, name, digest, bad],
    )
    if errors:
        kept = [*inc.contract.column_names, ROW] + [EXTRA] * (EXTRA in inc.frame.columns)
        fields = ", ".join(f'{c!r}: t."{c}"' for c in kept)
        records = dict(
            con.execute(
                f"SELECT {RECORD}, CAST(to_json({{{fields}}}) AS VARCHAR) FROM {view} AS t "
                f"WHERE list_contains(?, {RECORD})",
                [bad],
            ).fetchall()
        )
        con.executemany(
            "INSERT INTO raw._quarantine (load_id, source, table_name, source_file, row_number, "
            "location, column_name, value, reason, record, cell) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    load_id,
                    inc.contract.source,
                    table,
                    name,
                    e.row,
                    e.where,
                    e.column,
                    # the value as far as it reads; the whole record keeps it all
                    e.value if e.value is None or len(e.value) <= MAX_LINE else capped(e.value),
                    e.reason,
                    records.get(e.record),
                    e.cell,
                ]
                for e in errors
            ],
        )
    return len(inc.frame) - len(bad)


def connect(warehouse: Path | None = None) -> duckdb.DuckDBPyConnection:
    path = warehouse or warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(META_DDL)
    # every raw table exists from the start, empty until its extract arrives: dbt's staging
    # reads optional extracts (NPR outpatient contacts) too
    for contract in CONTRACTS.values():
        _ensure_table(con, contract)
    # the municipality codes of every year, for the contract check (a temp table: not data)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {MUNICIPALITY_VERSIONS} AS SELECT * FROM read_csv(?, "
        "header = true, columns = {'municipality_code': 'VARCHAR', 'municipality_name': 'VARCHAR', "
        "'county_code': 'VARCHAR', 'valid_from': 'INTEGER', 'valid_to': 'INTEGER'})",
        [str(MUNICIPALITY_VERSIONS_SEED)],
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {COUNTY_VERSIONS} AS SELECT * FROM read_csv(?, "
        "header = true, columns = {'county_code': 'VARCHAR', 'county_name': 'VARCHAR', "
        "'valid_from': 'INTEGER', 'valid_to': 'INTEGER'})",
        [str(COUNTY_VERSIONS_SEED)],
    )
    return con


def _not_files_error(source: str, landing: Path, broken: dict[str, str]) -> LoadError:
    listed = "; ".join(f"{name} is {what}" for name, what in list(broken.items())[:5])
    more = f" (and {len(broken) - 5} more)" if len(broken) > 5 else ""
    return LoadError(
        next(iter(broken)),
        f"[{source}] {listed}{more}: named as an extract but nothing to read, so its period is not "
        "loaded. Replace it with the file, or remove it.",
    )


def load_source(source: str, landing: Path | None = None, warehouse: Path | None = None) -> list[LoadResult]:
    """Load every landing file of one source. Stops at the first bad file (those before it stay
    loaded: each file is its own transaction)."""
    landing = landing or landing_dir()
    files = landing_files(source, landing)
    broken = not_files(source, landing)  # a data error, not a transient one: said after the rest
    if not files and broken:
        raise _not_files_error(source, landing, broken)
    if not files:
        raise FileNotFoundError(f"no landing files for {source!r} under {landing / source}")
    # One file per period folder and kind is current, by versions.py's rule (a correction, then
    # the highest version number, then the newest); it replaces the period.
    periods: dict[tuple[Path, str], list[Path]] = {}
    for path in files:
        periods.setdefault((path.parent, file_kind(source, path)), []).append(path)
    current = []
    for _, candidates in sorted(periods.items()):
        newest = versions.current(candidates)
        for old in candidates:
            if old != newest:
                log.warning(
                    "[%s] %s is superseded by %s (%s): not loaded",
                    source,
                    relative_name(old, landing),
                    relative_name(newest, landing),
                    versions.why_newer(newest, old),
                )
        current.append(newest)
    files, pending = delivery.wait_for_delivery(current)
    unsettled = {relative_name(p, landing): why for p, why in pending.items()}
    for name, why in unsettled.items():
        log.warning("[%s] %s is not complete yet (%s): not loaded, left for the next try", source, name, why)
    results = []
    with connect(warehouse) as con:
        for i, path in enumerate(files, start=1):
            try:
                result = load_file(con, source, path, landing)
            except FilesStillBeingWritten as changed:  # written to while it was read
                log.warning("[%s] %s", source, changed)
                unsettled |= changed.reasons
                continue
            if result.quarantined:
                log.warning(
                    "[%s] %s: %d record(s) set aside in raw._quarantine, e.g. %s",
                    source,
                    result.file,
                    len({e.record for e in result.quarantined}),
                    "; ".join(str(e) for e in result.quarantined[:3]),
                )
            log.info(
                "[%s %d/%d] %s: %s, %d rows, %.1f s",
                source,
                i,
                len(files),
                result.file,
                result.status,
                result.rows,
                result.seconds,
            )
            results.append(result)
    if broken:  # everything else is loaded and committed
        raise _not_files_error(source, landing, broken)
    if unsettled:  # everything else is loaded and committed; a retry picks these up
        raise FilesStillBeingWritten(sorted(unsettled), unsettled)
    return results


def load_catalog(warehouse: Path | None = None) -> int:
    """Write the indicator catalog to raw.catalog_indicators (replacing it: it is small and
    versioned with the code, so the table always mirrors the catalog file)."""
    frame = pd.DataFrame(catalog.indicator_rows())
    with connect(warehouse) as con:
        con.register("catalog_frame", frame)
        con.execute("CREATE OR REPLACE TABLE raw.catalog_indicators AS SELECT * FROM catalog_frame")
        con.unregister("catalog_frame")
    return len(frame)
