"""Writing landing files into the raw schema of the warehouse, in batches of files checked and
committed together (_Batch).

Each file is read as text (readers.py), checked against its contract (contracts/,
violations.py) and only then written, in one transaction, with load metadata on every row
(_load_id, _source_file, _content_hash, _row_number). A file already loaded with the same
content is skipped, so reruns change nothing; a file whose content changed, or a resubmission of
the same kind in the period's folder (a correction or a higher version, versions.py), replaces
exactly that period, and only with rows of that period's year. Records that break the contract
go to raw._quarantine with file, row (and sheet cell), column, reason and the whole record: one
record per value, so a bad cell of a wide sheet row sets aside that cell's record and not its
neighbours. A file wrong as a whole is rejected with an error naming the file, the row and the
column, and nothing in the warehouse changes. The GX raw checkpoint runs before the commit, over
the batch's files together; a batch that fails is loaded again file by file, so that exactly
the file that fails alone is rolled back.

Only delivered files are read (delivery.py: a done-marker, or settled with a whole end); the
others are left for a retry: the rest load, then FilesStillBeingWritten (a transient error, so
Airflow retries the task) names them and why.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
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
    load_batch_rows,
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


@dataclass
class _Checked:
    """A landing file read and checked against its contract, not written yet."""

    source: str
    path: Path
    name: str
    digest: str
    load_id: str
    period: str
    prior: list[tuple[str, str]]  # (file, content hash) the period held before
    repeated: bool  # its content is loaded already, under another name
    incoming: list[Incoming]
    errors: list[list[RowError]]  # per incoming frame: the records it sets aside
    started: float

    @property
    def rows(self) -> int:
        return sum(self.table_rows.values())

    @property
    def table_rows(self) -> dict[str, int]:
        """Per raw table, the rows it will write: its records less those set aside."""
        rows: dict[str, int] = {}
        for inc, errors in zip(self.incoming, self.errors, strict=True):
            kept = len(inc.frame) - len({e.record for e in errors})
            rows[inc.contract.table] = rows.get(inc.contract.table, 0) + kept
        return rows

    @property
    def replaced(self) -> list[str]:
        return sorted({p[0] for p in self.prior} | {self.name})

    def drop_views(self, con: duckdb.DuckDBPyConnection) -> None:
        for i in range(len(self.incoming)):
            con.execute(f"DROP TABLE IF EXISTS incoming_{i}")


@dataclass
class _Written:
    """A file's rows written inside the open transaction of its batch, not committed yet."""

    checked: _Checked
    rows: dict[str, int]  # per raw table: rows written
    contracts: dict[str, Contract]
    set_aside: list[RowError]
    seconds: float

    def result(self, seconds: float) -> LoadResult:
        c = self.checked
        status = "replaced" if c.prior else "loaded"
        rows = sum(self.rows.values())
        return LoadResult(c.source, c.name, status, rows, c.load_id, seconds, self.set_aside)


def check_file(
    con: duckdb.DuckDBPyConnection, source: str, path: Path, landing: Path
) -> LoadResult | _Checked:
    """Read a landing file and check it against its contract: the file as it will be written
    (its frames copied into DuckDB as incoming_<i>, the records it sets aside), or the result of
    a file already loaded with this content. A file wrong as a whole raises LoadError, and
    nothing is written."""
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

    incoming = read_landing_file(source, path)
    if delivery.fingerprint(path) != seen:  # written to while it was read: not what was hashed
        raise FilesStillBeingWritten([name], {name: "it changed while it was being read"})
    # the same content under another name (this batch's or committed): its rows share a load id
    repeated = bool(
        con.execute(
            "SELECT count(*) FROM raw._loads WHERE load_id = ? AND source_file <> ?", [load_id, name]
        ).fetchall()[0][0]
    )
    checked = _Checked(source, path, name, digest, load_id, period, prior, repeated, incoming, [], started)
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
                failed = "; ".join(str(o) for o in result.outcomes if not o.success)
                said = LoadError(
                    rejected.file,
                    str(rejected).split("\n")[0] + (f"\n  GX: {failed}" if failed else ""),
                    rejected.errors,
                    rejected.total,
                )
                said.checked = [result]
                raise said from rejected
            checked.errors.append(errors)
    except BaseException:
        checked.drop_views(con)
        raise
    return checked


def write_file(con: duckdb.DuckDBPyConnection, checked: _Checked) -> _Written:
    """Write a checked file's rows, its set-aside records and its load record, inside the open
    transaction of its batch; its frames are let go once written."""
    c = checked
    rows = {}
    try:
        con.execute("DELETE FROM raw._quarantine WHERE list_contains(?, source_file)", [c.replaced])
        for i, (inc, errors) in enumerate(zip(c.incoming, c.errors, strict=True)):
            table = inc.contract.table
            written = _write_rows(con, inc, f"incoming_{i}", errors, c.load_id, c.name, c.digest, c.replaced)
            rows[table] = rows.get(table, 0) + written
    finally:
        # what was read is written: let it go before GX reads the written rows back (a national
        # NPR file's text frame and its copy are a third of its load's peak memory)
        c.drop_views(con)
        for inc in c.incoming:
            inc.frame = inc.frame.iloc[:0].copy()  # a copy: a slice would keep the whole frame
    seconds = time.perf_counter() - c.started
    set_aside = [e for errors in c.errors for e in errors]
    con.execute("DELETE FROM raw._loads WHERE list_contains(?, source_file)", [c.replaced])
    con.execute(
        "INSERT INTO raw._loads (load_id, source, source_file, content_hash, tables, "
        "row_count, loaded_at, seconds, quarantined_rows, period) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            c.load_id,
            c.source,
            c.name,
            c.digest,
            ",".join(i.contract.table for i in c.incoming),
            sum(rows.values()),
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
            seconds,
            sum(len({e.record for e in errors}) for errors in c.errors),
            c.period,
        ],
    )
    contracts = {inc.contract.table: inc.contract for inc in c.incoming}
    return _Written(c, rows, contracts, set_aside, seconds)


class _Batch:
    """Files of one source written in one transaction and checked by one raw checkpoint per
    table before it commits: GX's fixed cost per checkpoint is paid per batch, not per file.

    A batch passes its checkpoint exactly when each of its files would have passed alone, in
    order, because a batch is kept to files whose checks only see more when checked together:
    - the contract suite checks rows one by one and keys for uniqueness: the batch's rows (with
      older rows sharing a key) hold every row each file alone would be checked with, so a
      batch with none broken has no file with one broken. A file that replaces a period starts
      a new batch: its deletions would otherwise hide from the files before it rows they were
      checked against.
    - the row count (at least one row) is the exception: a file that writes no row to a table
      is checked alone;
    - the profile suite compares each file with the files the table held when it was written
      (quality.period_profile_sql's steps, by load id). A file whose content is loaded already
      under another name shares its load id, so it starts a new batch too.
    A batch that fails is rolled back and its files loaded again one by one, so the file that
    fails, its GX record and what stays committed are those of file-by-file loading."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        source: str,
        landing: Path,
        budget: int,
        finished: Callable[[list[LoadResult]], None],
        left: Callable[[Path, FilesStillBeingWritten], None],
    ) -> None:
        self.con, self.source, self.landing, self.budget = con, source, landing, budget
        # what happened to each file: finished (loaded or unchanged), or left for a retry
        self.finished, self.left = finished, left
        self.pending: list[_Written] = []

    def add(self, checked: _Checked) -> None:
        """Write a checked file into the batch (committing the batch before it first, if the
        file starts a new one)."""
        if self.pending and self._starts_a_new_batch(checked) and not self.flush():
            # the batch was loaded again file by file: this file's views, made inside its
            # transaction, went with the rollback
            again = self._check_again(checked.path)
            if again is None:
                return
            checked = again
        if not self.pending:
            self.con.execute("BEGIN TRANSACTION")
        try:
            self.pending.append(write_file(self.con, checked))
        except BaseException:
            self.rollback()
            raise
        if self._alone(self.pending[-1].rows) or self._rows() >= self.budget:
            self.flush()

    def _starts_a_new_batch(self, checked: _Checked) -> bool:
        too_many = self._rows() + checked.rows > self.budget
        return bool(checked.prior) or checked.repeated or too_many or self._alone(checked.table_rows)

    def _rows(self) -> int:
        return sum(n for w in self.pending for n in w.rows.values())

    @staticmethod
    def _alone(rows: dict[str, int]) -> bool:
        return any(n == 0 for n in rows.values())

    def rollback(self) -> None:
        self.con.execute("ROLLBACK")
        self.pending = []

    def flush(self) -> bool:
        """Check the batch and commit it, and hand its files' results on; a batch that fails is
        loaded again file by file (False), and the first file that fails raises
        QualityGateFailed (those before it stay loaded)."""
        if not self.pending:
            return True
        batch, started = self.pending, time.perf_counter()
        names = [w.checked.name for w in batch]
        try:
            tables: dict[str, Contract] = {}
            for w in batch:
                tables |= w.contracts
            results = [
                r
                for table, contract in tables.items()
                for r in quality.check_load(
                    self.con, contract, [w.checked.load_id for w in batch if table in w.rows]
                )
            ]
        except BaseException:
            self.rollback()
            raise
        passed = all(r.success for r in results)
        if not passed and len(batch) > 1:
            self.rollback()
            log.info(
                "[%s] %d files failed their raw checkpoint together: checking them one by one",
                batch[0].checked.source,
                len(batch),
            )
            self._one_by_one(batch)
            return False
        failpoint("load.before_commit")  # the fault tests kill the process here
        # a critical expectation failed: roll back, the period keeps its last good data
        self.con.execute("COMMIT" if passed else "ROLLBACK")
        self.pending = []
        quality_store.record(results, "raw", context=", ".join(names), con=self.con)
        if not passed:
            set_aside = batch[0].set_aside
            # what was set aside is often why (a one-row sheet quarantined leaves it empty)
            why = f" after setting aside {set_aside[0]}" if set_aside else ""
            raise quality.QualityGateFailed(
                results, what=capped(f"{names[0]} was not loaded (raw unchanged){why}: ")
            )
        gate = time.perf_counter() - started
        # each file's own time, and its share of the checkpoint's
        self.finished([w.result(w.seconds + gate / len(batch)) for w in batch])
        return True

    def _one_by_one(self, batch: list[_Written]) -> None:
        budget, self.budget = self.budget, 1
        try:
            for w in batch:
                checked = self._check_again(w.checked.path)
                if checked is not None:
                    self.add(checked)
        finally:
            self.budget = budget

    def _check_again(self, path: Path) -> _Checked | None:
        """A file of a rolled-back batch read and checked again, as the load's loop does: None
        when it is finished (unchanged) or left for a retry (changed meanwhile)."""
        try:
            checked = check_file(self.con, self.source, path, self.landing)
        except FilesStillBeingWritten as changed:
            self.left(path, changed)
            return None
        except LoadError as rejected:
            record_rejection(self.con, rejected)
            raise
        if isinstance(checked, LoadResult):
            self.finished([checked])
            return None
        return checked


def record_rejection(con: duckdb.DuckDBPyConnection, rejected: LoadError) -> None:
    """Store the GX validations of a file rejected as a whole, once what was loaded before it
    is committed (outside a batch's transaction, so they are its newest record)."""
    if rejected.checked:
        quality_store.record(rejected.checked, "raw", context=rejected.file, con=con)


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
    """Load every landing file of one source, in batches of files checked and committed together
    (_Batch). Stops at the first bad file (those before it stay loaded)."""
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
    results: list[LoadResult] = []
    position = {relative_name(p, landing): i for i, p in enumerate(files, start=1)}
    finished: dict[int, LoadResult | None] = {}  # by position; None: left for a retry
    logged = [0]  # the positions up to this one are logged

    def done(new: list[LoadResult]) -> None:
        """Log and keep finished files in their order (a batch's files finish at its commit)."""
        finished.update((position[r.file], r) for r in new)
        while logged[0] + 1 in finished:
            logged[0] += 1
            result = finished[logged[0]]
            if result is not None:
                _log_result(source, logged[0], len(files), result)
                results.append(result)

    def left(path: Path, changed: FilesStillBeingWritten) -> None:  # written to while read
        log.warning("[%s] %s", source, changed)
        unsettled.update(changed.reasons)
        finished[position[relative_name(path, landing)]] = None
        done([])

    with connect(warehouse) as con:
        batch = _Batch(con, source, landing, load_batch_rows(), finished=done, left=left)
        try:
            for path in files:
                try:
                    checked = check_file(con, source, path, landing)
                except FilesStillBeingWritten as changed:
                    left(path, changed)
                    continue
                except LoadError as rejected:
                    batch.flush()  # the files before it are checked and stay loaded
                    record_rejection(con, rejected)
                    raise
                except Exception:
                    batch.flush()  # as file by file: what was loaded before it stays
                    raise
                if isinstance(checked, LoadResult):
                    done([checked])
                else:
                    batch.add(checked)
            batch.flush()
        finally:
            if batch.pending:  # stopped by an error: nothing of an unchecked batch is kept
                batch.rollback()
    if broken:  # everything else is loaded and committed
        raise _not_files_error(source, landing, broken)
    if unsettled:  # everything else is loaded and committed; a retry picks these up
        raise FilesStillBeingWritten(sorted(unsettled), unsettled)
    return results


def _log_result(source: str, n: int, total: int, result: LoadResult) -> None:
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
        n,
        total,
        result.file,
        result.status,
        result.rows,
        result.seconds,
    )


def load_catalog(warehouse: Path | None = None) -> int:
    """Write the indicator catalog to raw.catalog_indicators and the plan's measures to
    raw.catalog_measures (replacing both: they are small and versioned with the code, so the
    tables always mirror the catalog files). Returns the indicators written."""
    frame = pd.DataFrame(catalog.indicator_rows())
    measures = pd.DataFrame(catalog.measure_rows())
    with connect(warehouse) as con:
        for table, rows in (("catalog_indicators", frame), ("catalog_measures", measures)):
            con.register("catalog_frame", rows)
            con.execute(f"CREATE OR REPLACE TABLE raw.{table} AS SELECT * FROM catalog_frame")
            con.unregister("catalog_frame")
    return len(frame)
