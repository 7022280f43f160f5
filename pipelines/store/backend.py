"""The storage backend: a DuckDB file, its writers queued on a lock, and the read-only
snapshots the dashboard reads (``connect_write`` publishes them; docs/concurrency.md)."""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.config import settings
from pipelines.store.stored_tables import catch_up


def connect(db: Path | str | None = None, read_only: bool = True,
            timeout_s: float | None = None) -> duckdb.DuckDBPyConnection:
    """The one way for other tools to open the store (docs/contract.md, "Opening the store").

    Every table and view of the contract resolves by its bare name. Read-only, it opens the
    newest published snapshot while that holds the store's data (so it never waits for an
    ingest) and the store itself otherwise; with ``read_only=False`` the store itself, for
    small writes such as ``update settings set as_of = ...`` (bulk writes go through
    ``connect_write``, which also refreshes the stored tables and publishes). Opening waits
    at most ``timeout_s`` (default settings().lock_timeout_s) while another process writes.
    """
    cfg = settings()
    path = Path(db or cfg.db_path)
    if not path.exists():
        raise FileNotFoundError(f"no store at {path}; create it with:"
                                f" python -m pipelines init --db {path}")
    wait = cfg.lock_timeout_s if timeout_s is None else timeout_s
    if not read_only:
        return _open_write(str(path), wait)
    deadline = time.monotonic() + wait
    while True:
        target = readable_snapshot(path) or path
        try:
            return duckdb.connect(str(target), read_only=True)
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class StoreBusy(RuntimeError):
    """Another writer held the store for longer than the bounded wait."""


# Writers queue for each other on an flock of <store>.lock: DuckDB lets one process write a
# file, and a second writer would otherwise fail on DuckDB's own lock. Within a process a
# re-entrant lock per store lets a writer open a nested write (init inside a demo build).
_writer_guard = threading.Lock()
_writer_locks: dict[str, threading.RLock] = {}
_writer_depth: dict[str, int] = {}


def lock_path(db_path: Path | str) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def writer_lock(db_path: Path | str, timeout_s: float | None = None) -> Iterator[bool]:
    """Hold the store's writer lock; yields True for the outermost holder of this process.

    Waits at most ``timeout_s`` (default: settings().writer_wait_s) for the writer ahead,
    then raises StoreBusy naming it.
    """
    key = str(Path(db_path).resolve())
    wait = settings().writer_wait_s if timeout_s is None else timeout_s
    deadline = time.monotonic() + wait
    with _writer_guard:
        local = _writer_locks.setdefault(key, threading.RLock())
    if not local.acquire(timeout=max(wait, 0.0)):
        raise StoreBusy(f"{db_path}: another writer in this process held the store for"
                        f" more than {wait:g} s")
    try:
        depth = _writer_depth.get(key, 0)
        _writer_depth[key] = depth + 1
        if depth:
            yield False
            return
        fd = os.open(lock_path(key), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
                        raise StoreBusy(
                            f"{db_path}: another writer (process {holder or '?'}) has held"
                            f" the store for more than {wait:g} s; try again later"
                        ) from None
                    time.sleep(0.05)
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            yield True
        finally:
            os.close(fd)  # closing the descriptor releases the flock
    finally:
        _writer_depth[key] -= 1
        local.release()


def _open_write(db_path: str, timeout_s: float) -> duckdb.DuckDBPyConnection:
    """Connect read-write; waits while a reader in another process holds the file (the
    dashboard reads snapshots, but a report or a console may read the store itself)."""
    deadline = time.monotonic() + timeout_s
    limit = settings().writer_memory_limit
    config = {"memory_limit": limit} if limit else {}
    new_file = db_path != ":memory:" and not os.path.exists(db_path)
    while True:
        try:
            con = duckdb.connect(db_path, config=config)
            if new_file:  # the store holds holders' data: owner-only (issue 10)
                os.chmod(db_path, 0o600)
            return con
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            # "lock": a reader in another process; "different configuration": a read-only
            # connection in this same process. Both end within seconds.
            message = str(exc).lower()
            if ("lock" not in message and "different configuration" not in message) \
                    or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def connect_write(db_path: Path | str | None = None, timeout_s: float | None = None, *,
                  publish: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection, the only way to write a store.

    Writers queue on the store's writer lock (``writer_lock``; ``timeout_s`` bounds that
    wait and DuckDB's, default settings()). When the block ends without
    an error, the outermost writer brings the stored tables up to date (``catch_up``),
    checkpoints, closes, and publishes a read-only snapshot for the dashboard
    (``publish_snapshot``); so every caller — ingest, refresh, init, demo, the dashboard's
    upload and editors — publishes, and no published snapshot is ever behind its data.
    """
    cfg = settings()
    path = Path(db_path or cfg.db_path)
    with writer_lock(path, timeout_s) as outermost:
        con = _open_write(str(path), cfg.lock_timeout_s if timeout_s is None else timeout_s)
        try:
            yield con
            if outermost:
                catch_up(con)
                con.execute("checkpoint")
        finally:
            con.close()
        if outermost and publish:
            publish_snapshot(path)


# Published snapshots: <store>.snapshots/<n>.duckdb and the pointer file CURRENT naming
# the newest with the (mtime, size) of the store it copies. Readers open the one CURRENT
# names; the pointer is replaced atomically (rename), a snapshot is never written again.
SNAPSHOT_POINTER = "CURRENT"
KEEP_SNAPSHOTS = 3  # older ones are unlinked; a reader that has one open keeps reading it


def snapshot_dir(db_path: Path | str) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".snapshots")


def _pointer(db_path: Path | str) -> tuple[str, str] | None:
    try:
        name, _, stamp = (snapshot_dir(db_path) / SNAPSHOT_POINTER).read_text().partition(" ")
    except FileNotFoundError:
        return None
    return name.strip(), stamp.strip()


def current_snapshot(db_path: Path | str) -> Path | None:
    """The newest published snapshot of a store, or None when none was published."""
    pointer = _pointer(db_path)
    if pointer is None:
        return None
    path = snapshot_dir(db_path) / pointer[0]
    return path if path.exists() else None


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_mtime_ns}:{st.st_size}"


def writer_active(db_path: Path | str) -> bool:
    """True while a writer holds the store's writer lock (a momentary probe)."""
    try:
        fd = os.open(lock_path(db_path), os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def readable_snapshot(db_path: Path | str) -> Path | None:
    """The snapshot a reader should open: the newest one while it holds the store's data
    or a writer is at work (it will publish when done); None when the store was written
    since without ``connect_write`` (a console, a test) — then read the store itself."""
    db_path = Path(db_path)
    pointer = _pointer(db_path)
    if pointer is None:
        return None
    snapshot = snapshot_dir(db_path) / pointer[0]
    if not snapshot.exists():
        return None
    try:
        current = _stamp(db_path) == pointer[1] and not db_path.with_name(
            db_path.name + ".wal").exists()
    except FileNotFoundError:
        return None
    return snapshot if current or writer_active(db_path) else None


def publish_snapshot(db_path: Path | str) -> Path:
    """Copy the closed, checkpointed store to a new snapshot and point CURRENT at it.

    Call while holding the writer lock. Skipped when the store is unchanged since the last
    snapshot. The copy goes through shutil.copyfile (sendfile in the kernel on Linux).
    """
    db_path = Path(db_path)
    folder = snapshot_dir(db_path)
    folder.mkdir(mode=0o700, exist_ok=True)  # copies of the store: owner-only (issue 10)
    wal = db_path.with_name(db_path.name + ".wal")
    if wal.exists():  # a writer outside connect_write left a WAL: fold it into the file
        duckdb.connect(str(db_path)).close()
    pointer = _pointer(db_path)
    stamp = _stamp(db_path)
    if pointer and pointer[1] == stamp and (folder / pointer[0]).exists():
        return folder / pointer[0]
    numbers = [int(p.stem) for p in folder.glob("*.duckdb") if p.stem.isdigit()]
    name = f"{max(numbers, default=0) + 1:06d}.duckdb"
    partial = folder / f".{name}.partial"
    shutil.copyfile(db_path, partial)
    os.chmod(partial, 0o600)
    os.replace(partial, folder / name)
    pointer_tmp = folder / f".{SNAPSHOT_POINTER}.partial"
    pointer_tmp.write_text(f"{name} {stamp}\n")
    os.replace(pointer_tmp, folder / SNAPSHOT_POINTER)
    for number in sorted(numbers)[:-(KEEP_SNAPSHOTS - 1) or None]:
        (folder / f"{number:06d}.duckdb").unlink(missing_ok=True)
    return folder / name
