"""The connection the report is computed on, optionally frozen at an ingestion moment.

``--frozen-at TS`` must leave out everything ingested after TS. Every fact row carries
its ``ingested_at`` (and every file its row in ``ingestion_log``), so a frozen report is
computed over a temporary in-memory copy of the store: each table with an
``ingested_at`` column is copied with ``ingested_at <= TS``, the report texts with
``updated_at <= TS``, the other tables (reference data, settings) as they are; then the
views are created and the stored (materialized) tables recomputed over that copy, so
every rule sees the same cut. Without a freeze the store is read directly (read-only).

Limit: a row re-ingested with changed values after TS replaced the earlier version; the
copy cannot bring the earlier values back (the store keeps one version per key). An
analysis replaced by a lab's corrected report after TS is the exception: it is kept in
``analyses_replaced`` and put back in the copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb

from pipelines.config import settings
from pipelines.store import REPLACED_HISTORY, apply_schema, apply_views, refresh

TEXT_TABLE = "report_texts"


@contextmanager
def report_connection(db_path: Path | str,
                      frozen_at: datetime | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    if frozen_at is None:
        con = duckdb.connect(str(db_path), read_only=True)
    else:
        con = frozen_copy(db_path, frozen_at)
    try:
        yield con
    finally:
        con.close()


def frozen_copy(db_path: Path | str, frozen_at: datetime) -> duckdb.DuckDBPyConnection:
    """An in-memory store holding what was ingested on or before ``frozen_at``."""
    sql_dir = settings().sql_dir
    con = duckdb.connect(":memory:")
    try:
        con.execute("attach ? as frozen_source (read_only)", [str(db_path)])
        apply_schema(con, sql_dir)
        for table in _tables(con, "memory"):
            source_columns = _columns(con, "frozen_source", table)
            if not source_columns:
                continue  # a table the store does not have (older store)
            columns = [c for c in _columns(con, "memory", table) if c in source_columns]
            where = "true"
            if "ingested_at" in columns:
                where = "ingested_at <= $frozen_at"
            elif table == TEXT_TABLE:
                where = "updated_at <= $frozen_at"
            listed = ", ".join(f'"{c}"' for c in columns)
            params = {"frozen_at": frozen_at} if where != "true" else None
            con.execute(f'insert into memory.main."{table}" ({listed}) select {listed}'
                        f' from frozen_source.main."{table}" where {where}', params)
        _restore_replaced(con, frozen_at)
        con.execute("detach frozen_source")
        apply_views(con, sql_dir)
        refresh(con, sql_dir)
    except Exception:
        con.close()
        raise
    return con


def _tables(con: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name ="
        " 'main' order by table_name", [database]).fetchall()]


def _columns(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select column_name from duckdb_columns() where database_name = ? and schema_name ="
        " 'main' and table_name = ? order by column_index", [database, table]).fetchall()]


def set_as_of(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    con.execute("set variable as_of = ?::date", [as_of])


def _restore_replaced(con: duckdb.DuckDBPyConnection, frozen_at: datetime) -> None:
    """A row replaced after the moment (a lab's corrected report, issue 22) was in force at
    the moment: it goes back into its table, and leaves the copy's history."""
    for table, history in REPLACED_HISTORY.items():
        if not _columns(con, "frozen_source", history):
            continue  # a store from before corrections
        columns = [c for c in _columns(con, "memory", table)
                   if c in _columns(con, "frozen_source", history)]
        listed = ", ".join(f'"{c}"' for c in columns)
        con.execute(f'insert into memory.main."{table}" ({listed}) select {listed}'
                    f' from frozen_source.main."{history}"'
                    f' where ingested_at <= $frozen_at and replaced_at > $frozen_at',
                    {"frozen_at": frozen_at})
        con.execute(f'delete from memory.main."{history}" where replaced_at > $frozen_at',
                    {"frozen_at": frozen_at})
