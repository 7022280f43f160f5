"""Creating and opening the DuckDB store: schema, reference data, views.

The SQL lives in ``sql/``; this module only applies it in order:
``schema/`` (tables, idempotent ``create ... if not exists``), the reference
CSVs of ``data/reference/``, then the view layers ``staging/`` → ``rules/`` →
``marts/``, each view after the views it reads. All in one transaction.

It also keeps the materialized tables in step with the data (``refresh``, incremental by
the ``-- refresh key:`` of a view file) and publishes the read-only snapshots the
dashboard reads (``connect_write``; see docs/concurrency.md).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from pipelines.config import settings

VIEW_LAYERS = ("staging", "rules", "marts")

# data/reference/<file>.csv -> table; the alias table is completed from ref_components.
REFERENCE_TABLES = (
    "schemes",
    "products",
    "ref_components",
    "ref_limits",
    "ref_k_classes",
    "ref_gamma",
    "ref_attribute_rule",
    "ref_ccv_steps",
    "ref_tariffs",
    "ref_offhours_multipliers",
    "ref_holidays",
    # issue 25: SIKB/IMmetingen domain-table codes read by pipelines/ingest/sikb0101.py
    "ref_sikb_parameters",
    "ref_sikb_units",
    "ref_sikb_qualities",
)


def sql_files(sql_dir: Path, layer: str) -> list[Path]:
    """The layer's .sql files, grouped by subject in subfolders (rules/brl9341/...)."""
    return sorted((sql_dir / layer).rglob("*.sql"))


def apply_schema(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> None:
    for path in sql_files(sql_dir, "schema"):
        con.execute(path.read_text(encoding="utf-8"))


def load_reference(con: duckdb.DuckDBPyConnection, reference_dir: Path) -> None:
    """Replace every reference table by the content of its CSV (re-running is harmless)."""
    for table in REFERENCE_TABLES:
        path = reference_dir / f"{table}.csv"
        if not path.exists():
            continue
        con.execute(f"delete from {table}")
        con.execute(
            f"insert into {table} by name select * from read_csv(?, header = true, "
            "all_varchar = true)",
            [str(path)],
        )
    con.execute("delete from ref_component_aliases")
    con.execute(
        """
        insert into ref_component_aliases
        select distinct on (alias) alias, component from (
            select lower(trim(a)) as alias, component
            from ref_components,
                 unnest([component, name_nl, name_en, symbol]) as t(a)
            where a is not null
            union all
            select lower(trim(alias)), component
            from read_csv(?, header = true, all_varchar = true)
        )
        order by alias
        """,
        [str(reference_dir / "ref_component_aliases_extra.csv")],
    )


VIEW_NAME = re.compile(r"create\s+or\s+replace\s+view\s+([a-z_][a-z0-9_]*)", re.I)
# A view file whose header says "-- materialize: table" is stored as a table by refresh():
# the SQL becomes the view <name>__compute and the table <name> holds its rows, so the
# views reading <name> read a table. Such a view must not depend on the as-of date.
MATERIALIZE_TAG = re.compile(r"^--\s*materialize:\s*table\s*$", re.M)
# "-- refresh key: site_id": every row of the table belongs to one key value and depends
# only on the stored rows with that value, so refresh() can recompute the touched values.
REFRESH_KEY_TAG = re.compile(r"^--\s*refresh key:\s*([a-z_][a-z0-9_]*)\s*$", re.M)
COMPUTE_SUFFIX = "__compute"


@dataclass(frozen=True)
class ViewFile:
    label: str  # layer/file.sql
    path: Path
    name: str
    materialized: bool
    tables: frozenset[str] = frozenset()  # the stored tables it reads, through other views
    refresh_key: str | None = None  # the column of "-- refresh key:" (materialized only)
    upstream: frozenset[str] = frozenset()  # the views it reads, through other views

    def sql(self) -> str:
        text = self.path.read_text(encoding="utf-8")
        if not self.materialized:
            return text
        return VIEW_NAME.sub(f"create or replace view {self.name}{COMPUTE_SUFFIX}", text,
                             count=1)


_parsed: dict[tuple, list[ViewFile]] = {}


def view_files(sql_dir: Path) -> list[ViewFile]:
    """Every view file, ordered so each comes after the views it reads (parsed once per
    version of the files: every ingest asks)."""
    files = [path for layer in VIEW_LAYERS for path in sql_files(sql_dir, layer)]
    key = (str(sql_dir), *((str(f), f.stat().st_mtime_ns) for f in files))
    if key not in _parsed:
        _parsed.clear()
        _parsed[key] = _view_files(sql_dir)
    return list(_parsed[key])


def _view_files(sql_dir: Path) -> list[ViewFile]:
    """Every view file, ordered so each comes after the views it reads.

    Dependencies are read from the SQL text (a view named after `from` or `join`); among
    views that are ready, layer order (staging, rules, marts) and then file name decide.
    """
    files = [(layer, path) for layer in VIEW_LAYERS for path in sql_files(sql_dir, layer)]
    views: list[ViewFile] = []
    texts: list[str] = []
    for layer, path in files:
        text = path.read_text(encoding="utf-8")
        match = VIEW_NAME.search(text)
        label = f"{layer}/{path.relative_to(sql_dir / layer).as_posix()}"
        if not match:
            raise RuntimeError(f"sql/{label}: no 'create or replace view'")
        key = REFRESH_KEY_TAG.search(text)
        views.append(ViewFile(label, path, match.group(1).lower(),
                              bool(MATERIALIZE_TAG.search(text)),
                              refresh_key=key.group(1) if key else None))
        texts.append(re.sub(r"--[^\n]*", "", text).lower())  # comments do not count
    index = {v.name: i for i, v in enumerate(views)}
    words = [_relations(text) for text in texts]
    deps = [{index[w] for w in ws if w in index and index[w] != i} for i, ws in enumerate(words)]
    ordered: list[int] = []
    done: set[int] = set()
    while len(ordered) < len(views):
        ready = [i for i in range(len(views)) if i not in done and deps[i] <= done]
        if not ready:
            cycle = [views[i].label for i in range(len(views)) if i not in done]
            raise RuntimeError(f"views depend on each other in a cycle: {', '.join(cycle)}")
        ordered.append(ready[0])
        done.add(ready[0])
    _check_materialized(views, deps, index.get("as_of_date"))
    tables: dict[int, frozenset[str]] = {}
    upstream: dict[int, frozenset[str]] = {}
    for i in ordered:  # dependencies first, so theirs are known
        own = {w for w in words[i] if w not in index}
        tables[i] = frozenset(own.union(*(tables[d] for d in deps[i])))
        upstream[i] = frozenset({views[d].name for d in deps[i]}.union(
            *(upstream[d] for d in deps[i])))
    return [replace(views[i], tables=tables[i], upstream=upstream[i]) for i in ordered]


FROM_LIST = re.compile(
    r"\bfrom\s+(.*?)(?=\b(?:where|group|order|join|left|inner|cross|full|anti|semi|window|"
    r"qualify|union|limit|having|using|on)\b|[();]|$)", re.S)


def _relations(sql: str) -> set[str]:
    """Names read by a query: after `join`, and every item of a `from a, b as x` list."""
    names = set(re.findall(r"\bjoin\s+([a-z_][a-z0-9_]*)", sql))
    for from_list in FROM_LIST.findall(sql):
        for item in from_list.split(","):
            words = item.split()
            if words:
                names.add(words[0])
    return names


def _check_materialized(views: list[ViewFile], deps: list[set[int]],
                        as_of: int | None) -> None:
    """A stored table cannot answer for each session's as-of date: refuse the tag there."""
    def reaches(i: int, seen: set[int]) -> bool:
        if i == as_of:
            return True
        seen.add(i)
        return any(reaches(d, seen) for d in deps[i] if d not in seen)

    for i, view in enumerate(views):
        if view.materialized and as_of is not None and reaches(i, set()):
            raise RuntimeError(f"sql/{view.label}: marked 'materialize: table' but depends "
                               "on as_of_date; a stored table cannot follow the as-of date")


def apply_views(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> list[str]:
    """Create every view in dependency order (and the tables of materialized ones, empty
    until refresh()); returns the files applied, in order."""
    applied: list[str] = []
    for view in view_files(sql_dir):
        try:
            con.execute(view.sql())
            if view.materialized:
                con.execute(f"create or replace table {view.name} as"
                            f" select * from {view.name}{COMPUTE_SUFFIX} limit 0")
        except duckdb.Error as exc:
            raise RuntimeError(f"sql/{view.label}: {exc}") from exc
        applied.append(view.label)
    return applied


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


def drop_views(con: duckdb.DuckDBPyConnection) -> None:
    """Views of an earlier version may not bind against the new ones: start from none."""
    names = con.execute("select view_name from duckdb_views() where not internal"
                        " and schema_name = 'main'").fetchall()
    for (name,) in names:
        con.execute(f'drop view if exists "{name}"')


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
