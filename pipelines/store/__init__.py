"""Creating and opening the DuckDB store: schema, reference data, views.

The SQL lives in ``sql/``; this module only applies it in order:
``schema/`` (tables, idempotent ``create ... if not exists``), the reference
CSVs of ``data/reference/``, then the view layers ``staging/`` → ``rules/`` →
``marts/``, each view after the views it reads. All in one transaction.

It also keeps the materialized tables in step with the data (``refresh``, incremental by
the ``-- refresh key:`` of a view file) and publishes the read-only snapshots the
dashboard reads (``connect_write``; see docs/concurrency.md).

In parts (docs/architecture.md): ``schema`` (schema, reference data, view files and their
order), ``stored_tables`` (refresh, pending marks, catch-up), ``backend`` (connections,
the writer lock, snapshots). This module creates a store from the three and re-exports
their names: other code imports from ``pipelines.store``.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.config import settings
from pipelines.store.backend import (
    KEEP_SNAPSHOTS,
    SNAPSHOT_POINTER,
    StoreBusy,
    _open_write,
    connect,
    connect_write,
    current_snapshot,
    lock_path,
    publish_snapshot,
    readable_snapshot,
    snapshot_dir,
    writer_active,
    writer_lock,
)
from pipelines.store.schema import (
    COMPUTE_SUFFIX,
    MATERIALIZE_TAG,
    REFERENCE_TABLES,
    REFRESH_KEY_TAG,
    VIEW_LAYERS,
    VIEW_NAME,
    ViewFile,
    apply_schema,
    apply_views,
    drop_views,
    load_reference,
    sql_files,
    view_files,
)
from pipelines.store.stored_tables import (
    REPLACED_HISTORY,
    _columns,
    catch_up,
    is_behind,
    mark_pending,
    refresh,
    refresh_keys,
    refresh_schemes,
)

__all__ = [
    "COMPUTE_SUFFIX", "KEEP_SNAPSHOTS", "MATERIALIZE_TAG", "REFERENCE_TABLES",
    "REFRESH_KEY_TAG", "REPLACED_HISTORY", "SNAPSHOT_POINTER", "VIEW_LAYERS", "VIEW_NAME",
    "StoreBusy", "ViewFile", "apply_schema", "apply_views", "catch_up", "connect",
    "connect_write", "current_snapshot", "drop_views", "init_connection", "init_store",
    "is_behind", "load_reference", "lock_path", "mark_pending", "publish_snapshot",
    "readable_snapshot", "refresh", "refresh_keys", "refresh_schemes", "snapshot_dir",
    "sql_files", "view_files", "writer_active", "writer_lock",
    "_columns", "_open_write",  # swapped by pipelines/storage/ducklake_proto.py
]


def init_store(db_path: Path | str | None = None, *, sql_dir: Path | None = None,
               reference_dir: Path | None = None) -> Path:
    """Create or refresh a store file. Data already in it is kept."""
    cfg = settings()
    db_path = Path(db_path or cfg.db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with connect_write(db_path) as con:
        init_connection(con, sql_dir=sql_dir, reference_dir=reference_dir)
    return db_path


def init_connection(con: duckdb.DuckDBPyConnection, *, sql_dir: Path | None = None,
                    reference_dir: Path | None = None) -> None:
    """Apply schema, reference data and views to an open connection (also ``:memory:``)."""
    cfg = settings()
    sql_dir = sql_dir or cfg.sql_dir
    # One transaction: a view file that fails leaves the store's previous views in place.
    con.execute("begin transaction")
    try:
        apply_schema(con, sql_dir)
        load_reference(con, reference_dir or cfg.reference_dir)
        if con.execute("select count(*) from settings").fetchall()[0][0] == 0:
            con.execute("insert into settings values (null)")
        drop_views(con)
        apply_views(con, sql_dir)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    refresh(con, sql_dir)

