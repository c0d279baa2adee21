"""Load landing files into the raw schema of the DuckDB warehouse: each file checked against its
contract, then written in one transaction, its bad records quarantined.

The rooms, each importing only those below it:
  transaction  a file into the warehouse: idempotent, period replacement, quarantine, the GX
               raw checkpoint before the commit; connect, load_source, load_catalog
  violations   the contract as SQL: which records break it, when a file is wrong as a whole
  readers      a landing file (CSV, the Samdata workbook, JSON-stat) as text frames
  files        which landing files there are: kind, period folder, content hash
  errors       RowError, LoadError, FilesStillBeingWritten and how they quote values
"""

from __future__ import annotations

from rusmonitor.load.errors import MAX_LINE, FilesStillBeingWritten, LoadError, RowError
from rusmonitor.load.files import landing_files
from rusmonitor.load.readers import Incoming, jsonstat_frame, read_landing_file
from rusmonitor.load.transaction import LoadResult, connect, load_catalog, load_source

# what the CLI, the Airflow tasks, the benchmark, the landing survey, ssb and the tests take from here
__all__ = [
    "MAX_LINE",
    "FilesStillBeingWritten",
    "Incoming",
    "LoadError",
    "LoadResult",
    "RowError",
    "connect",
    "jsonstat_frame",
    "landing_files",
    "load_catalog",
    "load_source",
    "read_landing_file",
]
