"""The import log (issue 25): one row in ``imports`` per file ingested, whoever ingested it
and however (command line, dashboard upload, watched inbox). Listed on the Imports page.

The row is written right after the file's own transaction: a file whose rows are in the
store is in the log; a file refused whole is logged with outcome ``refused``.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # pipelines.ingest imports this module
    from pipelines.ingest import FileResult

SOURCES = ("cli", "upload", "inbox", "api")
OUTCOMES = ("loaded", "partly", "quarantined", "unchanged", "refused")


def outcome(result: FileResult) -> str:
    """What became of the file, in one word (OUTCOMES)."""
    if result.error:
        return "refused"
    if result.already_ingested or (result.rows_loaded == 0 and result.rows_quarantined == 0):
        return "unchanged"
    if result.rows_quarantined == 0:
        return "loaded"
    return "partly" if result.rows_loaded else "quarantined"


def current_user() -> str:
    """The operating-system account running the command (the CLI and the inbox)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "unknown"


def record(con: duckdb.DuckDBPyConnection, result: FileResult, *, by_user: str | None,
           source: str, started_at: dt.datetime, duration_s: float) -> None:
    con.execute(
        "insert into imports (file, sha256, kind, rows_loaded, rows_quarantined, by_user,"
        " started_at, source, outcome, duration_s, reason, reason_key, reason_args)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [Path(result.file_name).name, result.sha256, result.kind, result.rows_loaded,
         result.rows_quarantined, by_user or current_user(), started_at, source,
         outcome(result), round(duration_s, 3), result.error, result.error_key,
         json.dumps(result.error_args) if result.error_key else None])
