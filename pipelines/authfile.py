"""The users and audit file beside the store: ``<store>.auth.sqlite``, owner-only.

Why SQLite and not the DuckDB store: the dashboard opens the store read-only and DuckDB
lets only one process write it (an ingest), yet a login must write at any moment
(failed-login counters, audit lines). SQLite (standard library) takes many small
concurrent writers, each a short transaction. The file is created with mode 0600.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.config import settings

SUFFIX = ".auth.sqlite"
# Raised whenever SCHEMA changes: a file of an older version gets SCHEMA applied again.
SCHEMA_VERSION = 3

SCHEMA = """
create table if not exists users (
    username      text primary key,
    role          text not null,
    password_hash text,                 -- argon2id; NULL: OpenID Connect only
    email         text unique,          -- the OpenID Connect identity that maps here
    holder_ids    text not null default '[]',  -- JSON list, producers only
    disabled_at   text,                 -- NULL while the user may log in
    is_demo       integer not null default 0,
    lang          text,                 -- the dashboard language the user chose (nl, en)
    created_at    text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
-- Login attempts, counted before the password is checked (pipelines/users.py, issue 24).
create table if not exists login_throttle (
    key              text primary key,  -- 'user:<name>' or 'client:<address or session:..>'
    attempts         integer not null,  -- attempts let through to the password check
    refused          integer not null default 0,  -- attempts refused while waiting
    last_attempt_at  real not null      -- unix seconds of the last attempt let through
);
create index if not exists login_throttle_by_time on login_throttle (last_attempt_at);
-- Addresses a user logged in from lately: there the user name is counted apart, so
-- strangers elsewhere do not take the owner's turns (pipelines/users.py, _user_key).
create table if not exists login_known (
    username       text not null,
    client         text not null,
    last_login_at  real not null,
    primary key (username, client)
);
drop table if exists login_failures;   -- before issue 24: counted after the check
-- Server-side sessions (issue 24): the token lives in the server's memory only; this
-- table holds its SHA-256, so the file does not hold a usable session.
create table if not exists sessions (
    token_sha256  text primary key,
    username      text not null,
    method        text not null,        -- password, oidc
    client        text not null default '',
    created_at    real not null,        -- unix seconds
    last_seen_at  real not null,
    ended_at      real,                 -- NULL while the session may be used
    end_reason    text
);
create index if not exists sessions_by_user on sessions (username, ended_at);
-- Facts about the store, e.g. 'demo_store': the store path the demo built (issue 24).
create table if not exists meta (
    key    text primary key,
    value  text not null
);
create table if not exists audit_log (
    id      integer primary key autoincrement,
    at      text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor   text not null,              -- user name, 'cli:<os user>' or 'anonymous'
    action  text not null,              -- login, login_failed, logout, upload, export, ...
    detail  text not null default '',
    client  text not null default ''
);
-- Append-only: the database refuses to change or remove an audit line.
create trigger if not exists audit_log_no_update before update on audit_log
begin select raise(abort, 'the audit log is append-only'); end;
create trigger if not exists audit_log_no_delete before delete on audit_log
begin select raise(abort, 'the audit log is append-only'); end;
"""


def auth_path(store: Path | str | None = None) -> Path:
    """The users/audit file of a store: ``<store>.auth.sqlite`` beside it."""
    store = Path(store or settings().db_path)
    return store.with_name(store.name + SUFFIX)


def _create_private(path: Path) -> None:
    """Create the file readable and writable by its owner only (before SQLite opens it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # the umask could not widen it, but an old file could be wider


# Columns added after a table was first made (`create table if not exists` leaves an older
# table as it is): version 3, issue 27: users.lang.
ADDED_COLUMNS = (("users", "lang", "text"),)


def _add_columns(con: sqlite3.Connection) -> None:
    for table, column, kind in ADDED_COLUMNS:
        have = {row[1] for row in con.execute(f"pragma table_info({table})")}
        if column not in have:
            con.execute(f"alter table {table} add column {column} {kind}")


@contextmanager
def connect(store: Path | str | None = None, write: bool = True
            ) -> Iterator[sqlite3.Connection]:
    """A connection to the store's auth file, schema applied; one transaction, committed
    on success. ``write=False`` for reads: they never wait for a writer (WAL)."""
    path = auth_path(store)
    if not path.exists():
        _create_private(path)
    con = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        con.execute("pragma busy_timeout=10000")
        # The file is set up at this schema version (a read, no write lock); an older file
        # gets the new tables (every statement of SCHEMA may run again).
        if con.execute("pragma user_version").fetchone()[0] < SCHEMA_VERSION:
            # WAL: readers never wait for a writer; SQLite gives -wal/-shm the file's mode.
            con.execute("pragma journal_mode=wal")
            con.executescript(SCHEMA)
            _add_columns(con)
            con.execute(f"pragma user_version = {SCHEMA_VERSION}")
        con.execute("begin immediate" if write else "begin")
        try:
            yield con
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        con.close()
