"""The audit log: who did what, when and from where, as a SHA-256 hash chain.

Kept in the store's auth file (pipelines/authfile.py, table ``audit_log``); the database
refuses updates and deletes of its lines, and every line carries the hash of the line
before it, so a line changed, removed or inserted by other means (the file edited
directly) shows in ``verify()`` / ``python -m pipelines audit verify``.

The chain (docs/security.md, "Audit log and public register"):

- ``canonical(line)`` is the UTF-8 JSON array ``[id, at, actor, action, detail, client,
  prev_hash]`` with no spaces (``separators=(",", ":")``, ``ensure_ascii=False``);
  ``hash = sha256(canonical(line)).hexdigest()``.
- ``prev_hash`` of a line is the ``hash`` of the line before it (by id). The first
  chained line's ``prev_hash`` is the SHA-256 of the lines written before the chain
  existed (each ``canonical`` with ``prev_hash`` null, followed by a newline, in id order):
  of nothing (``e3b0c442...``) for a new log. A log that already had lines gets a
  ``chain_start`` line first, so the admin sees where the chain begins.
- ``audit_chain_head`` holds the last line's id and hash, written in the same transaction
  as the line: removing the newest lines shows too.
- Appends run in one ``begin immediate`` transaction (authfile.connect): the last hash is
  read under the write lock, so concurrent writers never fork the chain.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import socket
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from pipelines.authfile import auth_path, connect
from pipelines.i18n.cli import _, ngettext

ACTIONS = (
    "login", "login_failed", "login_throttled", "logout", "session_expired",
    "page_forbidden",
    "upload", "ingest", "refresh", "init", "demo", "maintain",
    "report", "report_frozen", "report_names", "report_text", "report_freeze", "download",
    "export", "export_names",
    "user_add", "user_passwd", "user_disable", "user_email",
    "digest",
    "throttle_clear", "session_end",
    "chain_start",
)
# Other spellings callers may use for the same action (kept out of the filters' list).
ALIASES = {"throttled": "login_throttled", "forbidden": "page_forbidden",
           "maintenance": "maintain"}

# The first chained line of a new log follows "no lines before": sha256 of nothing.
EMPTY_DIGEST = hashlib.sha256(b"").hexdigest()

COLUMNS = ("id", "at", "actor", "action", "detail", "client", "prev_hash", "hash")


# --- the chain's definition -----------------------------------------------------------


def canonical(line_id: int, at: str, actor: str, action: str, detail: str, client: str,
              prev_hash: str | None) -> bytes:
    """The bytes a line's hash is taken over (docs/security.md)."""
    return json.dumps([line_id, at, actor, action, detail, client, prev_hash],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def line_hash(line_id: int, at: str, actor: str, action: str, detail: str, client: str,
              prev_hash: str | None) -> str:
    return hashlib.sha256(canonical(line_id, at, actor, action, detail, client,
                                    prev_hash)).hexdigest()


def pre_chain_digest(lines: list[tuple]) -> str:
    """SHA-256 over the lines written before the chain (id, at, actor, action, detail,
    client), each canonical with prev_hash null and a newline."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update(canonical(*line[:6], None) + b"\n")
    return digest.hexdigest()


def _now() -> str:
    # the format SQLite's default wrote before the chain: UTC, milliseconds, 'Z'
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


# --- writing ----------------------------------------------------------------------------


def _ensure_chain(con: sqlite3.Connection) -> None:
    """Add the chain's columns, head and guard to an auth file made before them (inside
    the caller's write transaction)."""
    columns = {row[1] for row in con.execute("pragma table_info(audit_log)")}
    if "hash" not in columns:
        con.execute("alter table audit_log add column prev_hash text")
        con.execute("alter table audit_log add column hash text")
    con.execute("""create table if not exists audit_chain_head (
        only      integer primary key check (only = 1),
        last_id   integer not null,
        last_hash text not null)""")
    # Every new line is chained: a plain insert (code that bypasses record()) is refused.
    con.execute("""create trigger if not exists audit_log_chained before insert on audit_log
        when new.hash is null or new.prev_hash is null
        begin select raise(abort, 'audit lines are written by pipelines.audit.record'); end""")


def _append(con: sqlite3.Connection, actor: str, action: str, detail: str,
            client: str) -> int:
    last = con.execute("select id, hash from audit_log order by id desc limit 1").fetchone()
    if last is not None and last[1] is None:
        # A log from before the chain: one chain_start line covering its lines first.
        pre = con.execute("select id, at, actor, action, detail, client from audit_log"
                          " order by id").fetchall()
        detail_start = (f"hash chain starts; the {len(pre)} earlier lines (ids {pre[0][0]}"
                        f"-{pre[-1][0]}) are covered by this line's previous hash")
        _insert(con, last[0] + 1, "system", "chain_start", detail_start, "",
                pre_chain_digest(pre))
        last = con.execute("select id, hash from audit_log order by id desc limit 1"
                           ).fetchone()
    line_id, prev = (1, EMPTY_DIGEST) if last is None else (last[0] + 1, last[1])
    _insert(con, line_id, actor, action, detail, client, prev)
    return line_id


def _insert(con: sqlite3.Connection, line_id: int, actor: str, action: str, detail: str,
            client: str, prev: str) -> None:
    at = _now()
    digest = line_hash(line_id, at, actor, action, detail, client, prev)
    con.execute("insert into audit_log (id, at, actor, action, detail, client, prev_hash,"
                " hash) values (?, ?, ?, ?, ?, ?, ?, ?)",
                [line_id, at, actor, action, detail, client, prev, digest])
    con.execute("insert into audit_chain_head (only, last_id, last_hash) values (1, ?, ?)"
                " on conflict (only) do update set last_id = excluded.last_id,"
                " last_hash = excluded.last_hash", [line_id, digest])


def record(store: Path | str | None, actor: str, action: str, detail: str = "",
           client: str = "") -> int:
    """Append one line (who, what, detail, from where; ``at`` is now, UTC) and return its
    id. ``action`` is one of ACTIONS (or ALIASES): a typo would hide a line from filters."""
    action = ALIASES.get(action, action)
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    with connect(store) as con:  # begin immediate: one writer at a time, no fork
        _ensure_chain(con)
        return _append(con, str(actor), action, str(detail), str(client))


def cli_actor() -> str:
    """The operating-system user running a command-line tool."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def cli_client() -> str:
    """Where a command-line tool ran: the machine's name."""
    try:
        return f"host:{socket.gethostname()}"
    except OSError:
        return "host:unknown"


def record_cli(store: Path | str | None, action: str, detail: str = "") -> int:
    """A line for a command-line run (init, refresh, report, ...)."""
    return record(store, cli_actor(), action, detail, cli_client())


def record_ingest(store: Path | str | None, results: list, actor: str | None = None,
                  action: str = "ingest", client: str | None = None) -> None:
    """One line per file an ingest took (pipelines.ingest.FileResult): ``ingest`` from the
    command line, ``upload`` from the dashboard."""
    if actor is None:
        actor, client = cli_actor(), client or cli_client()
    for result in results:
        record(store, actor, action, result.summary, client or "")


# --- reading ----------------------------------------------------------------------------


def entries(store: Path | str | None, limit: int = 5000, action: str | None = None,
            actor: str | None = None) -> pl.DataFrame:
    """The newest lines first, optionally one action or one actor (bound parameters)."""
    sql = "select id, at, actor, action, detail, client from audit_log where 1 = 1"
    params: list[object] = []
    if action:
        sql += " and action = ?"
        params.append(ALIASES.get(action, action))
    if actor:
        sql += " and actor = ?"
        params.append(actor)
    sql += " order by id desc limit ?"
    params.append(limit)
    with connect(store, write=False) as con:
        rows = con.execute(sql, params).fetchall()
    schema = {"id": pl.Int64, "at": pl.String, "actor": pl.String, "action": pl.String,
              "detail": pl.String, "client": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


@dataclass(frozen=True)
class Verification:
    ok: bool
    message: str  # one line: "OK: ..." or what is wrong with which line
    lines: int = 0
    first_bad_id: int | None = None
    head: str | None = None  # the last line's hash: note it elsewhere to anchor the log


def _bad(line_id: int | None, message: str, lines: int) -> Verification:
    return Verification(False, message, lines, line_id)


def verify(store: Path | str | None) -> Verification:
    """Walk the chain from the first line; the first line changed, removed or inserted."""
    path = auth_path(store)
    if not path.exists():
        return Verification(False, _("no audit log at {path}").format(path=path))
    with connect(store, write=False) as con:
        columns = {row[1] for row in con.execute("pragma table_info(audit_log)")}
        if "hash" not in columns:
            count = con.execute("select count(*) from audit_log").fetchone()[0]
            return Verification(True, _("OK: no chained lines yet ({count} lines from "
                                        "before the chain; the next line starts it)"
                                        ).format(count=count), count)
        rows = con.execute(f"select {', '.join(COLUMNS)} from audit_log order by id"
                           ).fetchall()
        head = con.execute("select last_id, last_hash from audit_chain_head").fetchone()
    return check_lines(rows, head)


def check_lines(rows: list[tuple], head: tuple[int, str] | None) -> Verification:
    """The chain check over rows (COLUMNS, in id order) and the head (last_id, last_hash)."""
    n = len(rows)
    start = 0
    while start < n and rows[start][7] is None:
        start += 1
    pre = rows[:start]
    expected_prev = pre_chain_digest(pre) if pre else EMPTY_DIGEST
    prev_row: tuple | None = pre[-1] if pre else None
    prev2_hash: str | None = None
    for row in rows[start:]:
        line_id, prev_hash, stored = row[0], row[6], row[7]
        if stored is None:
            return _bad(line_id, _("line {line} was inserted: it has no hash, after the "
                                   "chain started").format(line=line_id), n)
        if line_hash(*row[:7]) != stored:
            return _bad(line_id, _("line {line} was changed: its content does not match "
                                   "its hash").format(line=line_id), n)
        expected_id = (prev_row[0] + 1) if prev_row is not None else 1
        if line_id != expected_id:
            return _bad(expected_id, _("line {first} was removed: line {line} follows line "
                                       "{before}").format(
                            first=expected_id, line=line_id, before=expected_id - 1)
                        if line_id == expected_id + 1 else
                        _("lines {first}-{last} were removed: line {line} follows line "
                          "{before}").format(first=expected_id, last=line_id - 1,
                                             line=line_id, before=expected_id - 1), n)
        if prev_hash != expected_prev:
            if prev_row is None or prev_row[7] is None:
                return _bad(line_id, _("the lines before line {line} (written before the "
                                       "chain) were changed, removed or inserted: its "
                                       "previous hash does not match them").format(
                                           line=line_id), n)
            if prev2_hash is not None and prev_hash == prev2_hash:
                return _bad(prev_row[0], _("line {before} was inserted: line {line} "
                                           "follows the line before it").format(
                                               before=prev_row[0], line=line_id), n)
            return _bad(prev_row[0], _("line {before} was changed (or replaced): line "
                                       "{line} does not follow from it").format(
                                           before=prev_row[0], line=line_id), n)
        prev2_hash = prev_row[7] if prev_row is not None else None
        prev_row, expected_prev = row, stored
    chained = n - start
    if head is None:
        if chained:
            return _bad(None, _("the chain's head record is missing (removed)"), n)
        return Verification(True, _("OK: no chained lines yet ({count} lines from before "
                                    "the chain; the next line starts it)").format(count=n),
                            n)
    last_id, last_hash = head
    if prev_row is None or last_id > prev_row[0]:
        after = prev_row[0] if prev_row is not None else 0
        return _bad(after + 1, _("lines {first}-{last} were removed: the log ends at line "
                                 "{end}, its head records line {last}").format(
                                     first=after + 1, last=last_id, end=after), n)
    if last_id < prev_row[0]:
        return _bad(last_id + 1, _("line {line} was inserted: the head records line "
                                   "{last} as the last one written").format(
                                       line=last_id + 1, last=last_id), n)
    if last_hash != prev_row[7]:
        return _bad(last_id, _("line {line} was changed: its hash is not the one the head "
                               "records").format(line=last_id), n)
    return Verification(True, ngettext(
        "OK: {n} line, hash chain intact ({chained} chained), head {head}",
        "OK: {n} lines, hash chain intact ({chained} chained), head {head}", n).format(
            n=n, chained=chained, head=last_hash), n, head=last_hash)
