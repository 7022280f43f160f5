"""A sliding-window limit on uses per key (issue 24: the public register's lookups per
client address), kept in the store's auth file so that it holds across sessions, tabs and
server processes. Counting and checking are one ``begin immediate`` transaction: parallel
requests cannot all pass on the same count."""

from __future__ import annotations

import time
from pathlib import Path

from pipelines.authfile import connect

SCHEMA = (
    """create table if not exists rate_uses (
        key text not null,   -- e.g. 'register:<client address>'
        at  real not null    -- unix seconds
    )""",
    "create index if not exists rate_uses_key_at on rate_uses (key, at)",
)


def take(store: Path | str | None, key: str, limit: int, window_s: float,
         now: float | None = None) -> float:
    """Count one use of ``key`` when fewer than ``limit`` were counted in the last
    ``window_s`` seconds and return 0; otherwise count nothing and return the seconds
    until the oldest use leaves the window."""
    now = time.time() if now is None else now
    with connect(store) as con:
        for statement in SCHEMA:  # (executescript would commit the transaction)
            con.execute(statement)
        con.execute("delete from rate_uses where at <= ?", [now - window_s])  # all keys
        count, oldest = con.execute("select count(*), min(at) from rate_uses where key = ?",
                                    [key]).fetchone()
        if count >= limit:
            return max(oldest + window_s - now, 0.001)
        con.execute("insert into rate_uses (key, at) values (?, ?)", [key, now])
        return 0.0
