"""Read access to the store for the dashboard, without ever blocking an ingest.

DuckDB lets one process write a database file, or many processes read it
(https://duckdb.org/docs/current/connect/concurrency): even a READ_ONLY connection
holds a file lock, so a dashboard that kept its connection open would make every
``python -m pipelines ingest`` in another process fail with "Could not set lock".

Design:
- one process-wide READ_ONLY connection per store path, opened on demand and
  reference-counted;
- each read takes its own ``con.cursor()`` (a cursor is a separate DuckDB connection
  to the same database instance and must not be shared between threads; every
  Streamlit session runs in its own thread), sets the session's ``as_of`` variable on
  that cursor only, runs, and closes the cursor;
- when the last reader is done the connection is CLOSED, so the file lock is released
  between reads and a writer waiting in ``pipelines.store.connect_write`` gets in;
- opening retries for a short while when a writer holds the lock, then raises
  ``StoreBusy`` so the page can say "an ingest is running" instead of hanging.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from pipelines.config import settings

# How long a read waits for a writer (an ingest) to release the file. Short: an
# interactive page would rather say "busy" than freeze.
READ_RETRY_S = 10.0
RETRY_SLEEP_S = 0.1


class StoreBusy(RuntimeError):
    """A writer held the store file for longer than the read retry window."""


@dataclass
class _Shared:
    con: duckdb.DuckDBPyConnection
    users: int = 0


_guard = threading.Lock()
_shared: dict[str, _Shared] = {}


def store_path() -> Path:
    """The store the dashboard reads: pipelines.config (env CERT_DB overrides)."""
    return Path(settings().db_path)


def store_version(path: Path | str | None = None) -> tuple[int, int, int, int]:
    """(mtime_ns, size) of the file and its WAL: changes whenever a writer commits.

    Part of every cache key, so a new ingest invalidates cached query results.
    """
    path = Path(path or store_path())
    stamp: list[int] = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st = p.stat()
            stamp += [st.st_mtime_ns, st.st_size]
        except FileNotFoundError:
            stamp += [0, 0]
    return (stamp[0], stamp[1], stamp[2], stamp[3])


def _is_lock_error(exc: duckdb.Error) -> bool:
    text = str(exc).lower()
    # Another process writes: IOException "Could not set lock". This process has the
    # file open read-write (e.g. bootstrap initialising it): ConnectionException
    # "different configuration". Both pass once the writer closes.
    return "lock" in text or "different configuration" in text


def _open(path: str, timeout_s: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return duckdb.connect(path, read_only=True)
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if not _is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    f"the store {path} is being written (an ingest is running?); "
                    "try again in a moment"
                ) from exc
            time.sleep(RETRY_SLEEP_S)


def _acquire(path: str, timeout_s: float) -> duckdb.DuckDBPyConnection:
    """A new cursor on the shared connection, opening the connection if needed."""
    with _guard:
        shared = _shared.get(path)
        if shared is None:
            if not Path(path).exists():
                # read_only on a missing file is an error anyway; say which file.
                raise FileNotFoundError(f"no store at {path}")
            shared = _shared[path] = _Shared(_open(path, timeout_s))
        shared.users += 1
        try:
            return shared.con.cursor()
        except Exception:
            _release_locked(path)
            raise


def _release_locked(path: str) -> None:
    shared = _shared[path]
    shared.users -= 1
    if shared.users == 0:
        # Last reader out: close so the file lock goes with it.
        del _shared[path]
        shared.con.close()


def _release(path: str) -> None:
    with _guard:
        _release_locked(path)


@contextmanager
def reader(as_of: date | None = None, path: Path | str | None = None,
           timeout_s: float = READ_RETRY_S) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor for one read, with ``as_of`` set for this cursor only.

    Keep the block short: the file stays locked against writers until every open
    reader has left.
    """
    key = str(Path(path or store_path()))
    cur = _acquire(key, timeout_s)
    try:
        if as_of is not None:
            cur.execute("set variable as_of = ?::date", [as_of])
        yield cur
    finally:
        cur.close()
        _release(key)


def read_frame(sql: str, params: list[object] | None = None, *, as_of: date | None = None,
               path: Path | str | None = None, timeout_s: float = READ_RETRY_S) -> pl.DataFrame:
    """Run one parameterised query and return the result as a polars frame."""
    with reader(as_of=as_of, path=path, timeout_s=timeout_s) as cur:
        return cur.sql(sql, params=params or None).pl()


def open_connections() -> int:
    """How many store connections this process holds open (0 = no file lock held)."""
    with _guard:
        return len(_shared)
