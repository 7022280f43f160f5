"""The materialized (stored) tables: ``refresh`` recomputes them from their views, whole or
by the ``-- refresh key:`` of a view file; ``mark_pending`` and ``catch_up`` keep them in
step with what the ingests wrote (docs/concurrency.md)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from pipelines.config import settings
from pipelines.store.schema import COMPUTE_SUFFIX, ViewFile, view_files


def refresh(con: duckdb.DuckDBPyConnection, sql_dir: Path | None = None,
            changed: set[str] | None = None,
            touched: dict[str, set[str]] | None = None,
            scheme: str | None = None) -> list[str]:
    """Recompute the materialized tables from their views, in dependency order, in one
    transaction (a reader sees the old tables or the new ones, never a mix).

    ``changed``: the stored tables written since the last refresh; only the materialized
    tables that read one of them are recomputed (None: all of them).
    ``touched``: per key column, the key values written (e.g. {"site_id": {...}}). A table
    whose view file declares ``-- refresh key: <column>`` is then recomputed for those
    values only, provided every changed table it reads carries that column; otherwise
    whole. The pending marks of ``refresh_pending`` are cleared in the same transaction.
    ``scheme``: only the stored tables of ``sql/rules/<scheme>/``, whole, reading the other
    stored tables as they are; the pending marks and ``refresh_state`` stay as they were
    (the other tables are no more up to date than before).
    """
    sql_dir = sql_dir or settings().sql_dir
    if scheme is not None and scheme not in refresh_schemes(sql_dir):
        raise ValueError(f"no stored tables for scheme {scheme!r}; one of "
                         + ", ".join(refresh_schemes(sql_dir)))
    views = [v for v in view_files(sql_dir) if v.materialized
             and (changed is None or v.tables & changed)
             and (scheme is None or v.label.startswith(f"rules/{scheme}/"))]
    materialized = {v.name for v in view_files(sql_dir) if v.materialized}
    columns = _columns(con)
    whole = all(_partial_keys(v, changed, touched, columns) is None for v in views)
    # A plain view read by several of the tables (brl9341_lot_observations) is computed
    # once into a temp table of its name, which the later computations read instead.
    shared = _shared_views(views, materialized, sql_dir) if whole else set()
    cached: list[str] = []
    con.execute("begin transaction")
    try:
        for view in views:
            keys = _partial_keys(view, changed, touched, columns)
            if keys is None:
                for name in sorted((shared & view.upstream) - set(cached)):
                    con.execute(f"create or replace temp table {name} as"
                                f" select * from main.{name}")
                    cached.append(name)
                con.execute(f"create or replace table {view.name} as"
                            f" select * from {view.name}{COMPUTE_SUFFIX}")
            elif keys:
                _refresh_part(con, view, keys, materialized, columns)
        for name in cached:
            con.execute(f"drop table temp.{name}")
        if scheme is not None:
            con.execute("commit")
            return [v.name for v in views]
        con.execute("create or replace table refresh_state as select now() as refreshed_at,"
                    " (select max(file_id) from ingestion_log) as last_file_id")
        if "refresh_pending" in columns:
            con.execute("delete from refresh_pending")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        for name in cached:
            con.execute(f"drop table if exists temp.{name}")
        raise
    return [v.name for v in views]


def refresh_schemes(sql_dir: Path | None = None) -> list[str]:
    """The folders of ``sql/rules/`` holding stored tables: what ``refresh --scheme`` takes."""
    return sorted({v.label.split("/")[1] for v in view_files(sql_dir or settings().sql_dir)
                   if v.materialized and v.label.startswith("rules/") and v.label.count("/") > 1})


def _shared_views(views: list[ViewFile], materialized: set[str], sql_dir: Path) -> set[str]:
    """Plain views upstream of two or more of the tables being recomputed."""
    plain = {v.name for v in view_files(sql_dir) if not v.materialized}
    counts: dict[str, int] = {}
    for view in views:
        for name in (view.upstream & plain) - materialized:
            counts[name] = counts.get(name, 0) + 1
    shared = {name for name, n in counts.items() if n > 1}
    upstream = {v.name: v.upstream for v in view_files(sql_dir)}
    # one behind another shared view is read through it: computing it too gains nothing
    return {name for name in shared if not any(name in upstream[o] for o in shared)}


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """The columns of every stored table of the main schema."""
    rows = con.execute("select table_name, column_name from duckdb_columns()"
                       " where schema_name = 'main' and database_name = current_database()"
                       " and table_name in (select table_name from duckdb_tables()"
                       " where schema_name = 'main' and database_name = current_database())"
                       ).fetchall()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table.lower(), set()).add(column.lower())
    return found


def _partial_keys(view: ViewFile, changed: set[str] | None,
                  touched: dict[str, set[str]] | None,
                  columns: dict[str, set[str]]) -> set[str] | None:
    """The key values to recompute for a keyed view, or None to recompute it whole."""
    key = view.refresh_key
    if changed is None or touched is None or key is None or key not in touched:
        return None
    if any(key not in columns.get(t, ()) for t in view.tables & changed):
        return None  # a changed table without the key: its change can reach any key
    return touched[key]


def _refresh_part(con: duckdb.DuckDBPyConnection, view: ViewFile, keys: set[str],
                  materialized: set[str], columns: dict[str, set[str]]) -> None:
    """Replace the rows of the given key values by a computation over only their rows.

    DuckDB does not push a key filter below the window functions, recursive and
    materialized CTEs of the rule views, so the filter is applied to their inputs: for the
    computation, a temporary table of the same name shadows every stored table carrying the
    key (temp objects come first in name resolution, also inside views), holding only the
    touched keys' rows. The views themselves stay as written.
    """
    key = view.refresh_key
    assert key is not None
    inputs = view.tables | (view.upstream & materialized)
    shadowed = sorted(t for t in inputs if key in columns.get(t, ()))
    in_keys = f"{key} in (select k from _refresh_keys)"
    con.execute("create or replace temp table _refresh_keys as"
                " select unnest(?::varchar[]) as k", [sorted(keys)])
    try:
        for table in shadowed:
            con.execute(f"create or replace temp table {table} as"
                        f" select * from main.{table} where {in_keys}")
        con.execute(f"delete from main.{view.name} where {in_keys}")
        con.execute(f"insert into main.{view.name} by name"
                    f" select * from {view.name}{COMPUTE_SUFFIX} where {in_keys}")
    finally:
        for table in shadowed:
            con.execute(f"drop table if exists temp.{table}")
        con.execute("drop table if exists temp._refresh_keys")


def refresh_keys(sql_dir: Path | None = None) -> set[str]:
    """The key columns the materialized view files declare (``-- refresh key:``)."""
    return {v.refresh_key for v in view_files(sql_dir or settings().sql_dir)
            if v.materialized and v.refresh_key}


# table -> the table its replaced rows move to, with replaced_by_sha256 and replaced_at
REPLACED_HISTORY = {"analyses": "analyses_replaced"}


def mark_pending(con: duckdb.DuckDBPyConnection, tables: Iterable[str], source_sha256: str,
                 ingested_at: object, sql_dir: Path | None = None) -> None:
    """Record, inside the writer's open transaction, what a file wrote: the tables with rows
    of this provenance and their key values. Committed with the rows, so a crash before
    the refresh leaves the store knowing what is behind (see ``catch_up``)."""
    columns = _columns(con)
    con.execute("insert into refresh_pending values ('ingestion_log', null, null)")
    keys = refresh_keys(sql_dir)
    provenance = "source_sha256 = $sha and ingested_at = $at"
    params = {"sha": source_sha256, "at": ingested_at}
    for table in sorted(set(tables)):
        cols = columns.get(table, set())
        if not {"source_sha256", "ingested_at"} <= cols:
            con.execute("insert into refresh_pending values (?, null, null)", [table])
            continue
        con.execute(f"insert into refresh_pending select $t, null, null where exists"
                    f" (select 1 from main.{table} where {provenance})", params | {"t": table})
        for key in sorted(keys & cols):
            con.execute(f"insert into refresh_pending select distinct $t, $k, {key}::varchar"
                        f" from main.{table} where {provenance} and {key} is not null",
                        params | {"t": table, "k": key})
        # Rows the file took out of the table (a lab's corrected report, issue 22): their
        # keys changed too, also when the correcting row names another site.
        history = REPLACED_HISTORY.get(table)
        if history is None or history not in columns:
            continue
        replaced = "replaced_by_sha256 = $sha and replaced_at = $at"
        con.execute(f"insert into refresh_pending select $t, null, null where exists"
                    f" (select 1 from main.{history} where {replaced})", params | {"t": table})
        for key in sorted(keys & cols & columns[history]):
            con.execute(f"insert into refresh_pending select distinct $t, $k, {key}::varchar"
                        f" from main.{history} where {replaced} and {key} is not null",
                        params | {"t": table, "k": key})


def is_behind(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the stored tables miss data the store holds: pending marks (an ingest
    committed but was not refreshed), or files logged after the last refresh."""
    tables = {t.lower() for (t,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'main'"
        " and database_name = current_database()").fetchall()}
    if "ingestion_log" not in tables:
        return False  # not a store (yet)
    if "refresh_pending" in tables and con.execute(
            "select count(*) from refresh_pending").fetchall()[0][0]:
        return True
    logged = con.execute("select max(file_id) from ingestion_log").fetchall()[0][0]
    if "refresh_state" not in tables:
        return logged is not None
    done = con.execute("select max(last_file_id) from refresh_state").fetchall()[0][0]
    return logged is not None and (done is None or done < logged)


def catch_up(con: duckdb.DuckDBPyConnection, sql_dir: Path | None = None) -> list[str] | None:
    """Bring the stored tables up to date when they are behind (None: they were not).

    Pending marks give the tables and keys to recompute; a store behind without marks (a
    store of an earlier version, or marks lost) is refreshed whole.
    """
    if not is_behind(con):
        return None
    pending = con.execute("select table_name, key_column, key_value from refresh_pending"
                          ).fetchall() if "refresh_pending" in _columns(con) else []
    if not pending:
        return refresh(con, sql_dir)
    changed = {t for t, _, _ in pending}
    touched: dict[str, set[str]] = {}
    for _, key, value in pending:
        if key is not None:
            touched.setdefault(key, set()).add(value)
    return refresh(con, sql_dir, changed=changed, touched=touched)

