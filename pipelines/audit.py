"""The append-only audit log: who did what, when (logins, uploads, exports, downloads,
user changes, CLI ingests). Kept in the store's auth file (pipelines/authfile.py); the
database refuses updates and deletes of its lines."""

from __future__ import annotations

import getpass
from pathlib import Path

import polars as pl

from pipelines.authfile import connect

ACTIONS = ("login", "login_failed", "logout", "session_expired", "upload", "export",
           "download", "user_add", "user_passwd", "user_disable", "ingest",
           "throttle_clear", "session_end")


def record(store: Path | str | None, actor: str, action: str, detail: str = "",
           client: str = "") -> None:
    """Append one line. ``action`` is one of ACTIONS (a typo would hide a line from filters)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    with connect(store) as con:
        con.execute("insert into audit_log (actor, action, detail, client) values (?, ?, ?, ?)",
                    [actor, action, detail, client])


def cli_actor() -> str:
    """The operating-system user running a command-line tool."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def entries(store: Path | str | None, limit: int = 5000, action: str | None = None,
            actor: str | None = None) -> pl.DataFrame:
    """The newest lines first, optionally one action or one actor (bound parameters)."""
    sql = "select id, at, actor, action, detail, client from audit_log where 1 = 1"
    params: list[object] = []
    if action:
        sql += " and action = ?"
        params.append(action)
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


def record_ingest(store: Path | str | None, results: list, actor: str | None = None,
                  action: str = "ingest") -> None:
    """One line per file an ingest took (pipelines.ingest.FileResult): ``ingest`` from the
    command line, ``upload`` from the dashboard."""
    actor = actor or cli_actor()
    for result in results:
        record(store, actor, action, result.summary)
