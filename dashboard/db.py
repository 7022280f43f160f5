"""Read access to the store for the dashboard, without ever blocking an ingest.

DuckDB lets one process write a database file, or many processes read it
(https://duckdb.org/docs/current/connect/concurrency): even a READ_ONLY connection
holds a file lock, and with continuous reads a writer never got a gap (issue 12).

Design (docs/concurrency.md):
- the dashboard reads a PUBLISHED SNAPSHOT, never the store itself: every writer
  (``pipelines.store.connect_write``) copies the store after its commit and refresh to
  ``<store>.snapshots/<n>.duckdb`` and atomically points ``CURRENT`` at it. A read opens
  the snapshot ``CURRENT`` names; readers and writers never touch the same file, so
  neither waits for the other, and a reader sees whole ingests only;
- one process-wide READ_ONLY connection per snapshot file, opened on demand and
  reference-counted; each read takes its own ``con.cursor()`` (a cursor must not be
  shared between threads; every Streamlit session runs in its own thread), sets the
  session's ``as_of`` variable on that cursor only, runs, and closes the cursor;
- when the last reader of a snapshot is done its connection is closed: a read that
  started on snapshot n finishes on n while new reads open n + 1; the writer unlinks old
  snapshots, which stay readable for whoever has them open;
- a store without a current snapshot (built before snapshots existed, or written since
  without ``connect_write``: a console, a test) is read directly as before: opening
  retries while a writer holds it, then ``StoreBusy``.
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
from pipelines.store import StoreBusy as _StoreBusy
from pipelines.store import readable_snapshot

# How long a read waits for a writer (an ingest) to release the file. Short: an
# interactive page would rather say "busy" than freeze.
READ_RETRY_S = 10.0
RETRY_SLEEP_S = 0.1


# A writer held the store file for longer than the read retry window (the same class as
# pipelines.store raises for a writer queued too long, so a page catches both).
StoreBusy = _StoreBusy


@dataclass
class _Shared:
    con: duckdb.DuckDBPyConnection
    users: int = 0
    # A snapshot is never written: its connection may stay open between reads (no writer
    # waits for it) until a newer snapshot replaces it. A store read directly is closed.
    keep: bool = False


_guard = threading.Lock()
_shared: dict[str, _Shared] = {}


def store_path() -> Path:
    """The store the dashboard reads: pipelines.config (env CERT_DB overrides)."""
    return Path(settings().db_path)


def read_path(path: Path | str | None = None) -> Path:
    """The file a read opens: the store's newest published snapshot, else the store."""
    path = Path(path or store_path())
    return readable_snapshot(path) or path


def store_version(path: Path | str | None = None) -> tuple[int, int, int, int]:
    """Identifies what a read sees: changes whenever a writer publishes (or commits, for a
    store read directly). Part of every cache key, so a new ingest invalidates cached
    query results."""
    path = Path(path or store_path())
    read = read_path(path)
    stamp: list[int] = []
    for p in (read, read.with_name(read.name + ".wal")):
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


def _acquire(path: str, timeout_s: float, keep: bool) -> duckdb.DuckDBPyConnection:
    """A new cursor on the shared connection, opening the connection if needed."""
    with _guard:
        shared = _shared.get(path)
        if shared is None:
            if not Path(path).exists():
                # read_only on a missing file is an error anyway; say which file.
                raise FileNotFoundError(f"no store at {path}")
            for other in [k for k, s in _shared.items() if s.keep and s.users == 0]:
                _shared.pop(other).con.close()  # idle snapshots, replaced by this one
            shared = _shared[path] = _Shared(_open(path, timeout_s), keep=keep)
        shared.users += 1
        try:
            return shared.con.cursor()
        except Exception:
            _release_locked(path)
            raise


def _release_locked(path: str) -> None:
    shared = _shared[path]
    shared.users -= 1
    if shared.users == 0 and not shared.keep:
        # Last reader out: close so the file lock goes with it.
        del _shared[path]
        shared.con.close()


def _release(path: str) -> None:
    with _guard:
        _release_locked(path)


def _cursor(path: Path | str | None, timeout_s: float) -> tuple[str, duckdb.DuckDBPyConnection]:
    store = Path(path or store_path())
    for attempt in range(3):
        read = read_path(store)
        try:
            return str(read), _acquire(str(read), timeout_s, keep=read != store)
        except (FileNotFoundError, duckdb.IOException):
            # a snapshot removed between choosing and opening it (three newer ones were
            # published meanwhile): choose again
            if read == store or read.exists() or attempt == 2:
                raise
    raise AssertionError("unreachable")


@contextmanager
def reader(as_of: date | None = None, path: Path | str | None = None,
           timeout_s: float = READ_RETRY_S) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor for one read, with ``as_of`` set for this cursor only.

    Reads a published snapshot (see the module docstring); a store read directly stays
    locked against writers until every open reader has left, so keep the block short.
    """
    key, cur = _cursor(path, timeout_s)
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
    """How many connections to a store file (not a snapshot) this process holds open
    (0 = no lock held that could keep a writer out)."""
    with _guard:
        return sum(1 for s in _shared.values() if not s.keep)
