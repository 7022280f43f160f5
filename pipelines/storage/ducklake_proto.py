"""SPIKE for issue 23 (the store on DuckLake): code that worked on this machine with
duckdb==1.5.5 and the extension wheels of the same version. NOT imported by anything; the
findings and the plan are in docs/storage-plan.md.

Run (in a virtualenv with duckdb==1.5.5, duckdb-extension-ducklake==1.5.5,
duckdb-extension-sqlite-scanner==1.5.5 and, for PostgreSQL, -postgres-scanner==1.5.5):

    python -m pipelines.storage.ducklake_proto demo  /tmp/x/store.sqlite [--scale N]
    python -m pipelines.storage.ducklake_proto schema /tmp/x/store.sqlite
    python -m pipelines.storage.ducklake_proto schema postgresql://USER@127.0.0.1:PORT/DB \
        --data-path /tmp/x/data

The view files must bind on duckdb 1.5.5: point CERT_SQL_DIR at a copy of sql/ with
docs/storage-plan/duckdb-1.5.5-sql.diff applied. With a postgresql:// store the auth file
and the writer lock, derived from the --db path, land under the working directory.

``demo`` builds the real demo (``pipelines.demo.build_demo``) onto a DuckLake catalog by
swapping, for the duration of the call only, the few functions of pipelines.store and
pipelines.ingest that assume a DuckDB file (``ducklake_store``); the next session turns
those swaps into the real changes.
"""

from __future__ import annotations

import argparse
import getpass
import importlib.util
import os
import re
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

import duckdb

ALIAS = "store"
# The wheels' module names: duckdb_extension_<name>, the binary under
# extensions/v<duckdb version>/<name>.duckdb_extension (the package has no Python API).
EXTENSIONS = ("ducklake", "sqlite_scanner", "postgres_scanner")


def extension_path(name: str) -> Path:
    """The extension binary shipped by the wheel duckdb-extension-<name> (same version as
    duckdb, or duckdb refuses to load it)."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"pip install duckdb-extension-{name.replace('_', '-')}"
                           f"=={duckdb.__version__}")
    folder = Path(next(iter(spec.submodule_search_locations)))
    path = folder / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.exists():
        raise RuntimeError(f"{path}: missing; the wheel's version differs from duckdb's"
                           f" {duckdb.__version__}")
    return path


def new_connection(config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the DuckLake extensions loaded from the wheels. Auto-install
    and auto-load are off: nothing is ever downloaded, a missing wheel is an error."""
    con = duckdb.connect(config={"autoinstall_known_extensions": False,
                                 "autoload_known_extensions": False, **(config or {})})
    for name in EXTENSIONS:
        if importlib.util.find_spec(f"duckdb_extension_{name}") is not None:
            con.execute(f"load '{extension_path(name)}'")
    return con


def is_postgres(db: str | Path) -> bool:
    # pipelines.store passes Path(db): Path folds "postgresql://" to "postgresql:/"
    return re.match(r"postgres(ql)?:/", str(db)) is not None


def _url(db: str | Path) -> str:
    return re.sub(r"^(postgres(?:ql)?):/+", r"\1://", str(db))


def catalog_uri(db: str | Path) -> str:
    """``ducklake:sqlite:PATH`` for a local file, ``ducklake:postgres:<libpq keywords>`` for
    a postgresql:// URL (the extension takes libpq key=value pairs, not a URL)."""
    if not is_postgres(db):
        return f"ducklake:sqlite:{Path(db).resolve()}"
    url = urlparse(_url(db))
    parts = {"dbname": url.path.lstrip("/"), "host": url.hostname, "port": url.port,
             "user": unquote(url.username or "") or None,
             "password": unquote(url.password or "") or None}
    return "ducklake:postgres:" + " ".join(f"{k}={v}" for k, v in parts.items() if v)


def create_sqlite_catalog(path: Path) -> None:
    """WAL before the first attach: in the default journal mode readers stall and fail next
    to a writer (issue 23's measurements). WAL is a property of the file, kept from then on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)  # holders' data: owner-only
    os.close(fd)
    with sqlite3.connect(path) as con:
        con.execute("pragma journal_mode=wal")


def default_data_path(db: str | Path) -> Path:
    return Path(str(db) + ".files")


def attach(con: duckdb.DuckDBPyConnection, db: str | Path, data_path: str | Path | None = None,
           read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Attach the catalog as ``store`` and make it the default database, so every table and
    view resolves by its bare name (``use store``)."""
    options = []
    if not is_postgres(db):
        if not Path(db).exists():
            if read_only:
                raise FileNotFoundError(f"no store at {db}")
            create_sqlite_catalog(Path(db))
        else:
            # The catalog keeps the data path it was created with; a relative one follows
            # the working directory, and OVERRIDE_DATA_PATH lasts one attach: so always
            # name the folder beside the catalog, where it is now (a copied or moved store).
            options.append("override_data_path true")
        data_path = Path(data_path or default_data_path(db)).resolve()
    if data_path is not None:
        # only used when the catalog is created; later attaches read it from the catalog
        options.append(f"data_path '{str(data_path).rstrip('/')}/'")
        if "://" not in str(data_path):
            Path(data_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    if read_only:
        options.append("read_only")
    opts = f" ({', '.join(options)})" if options else ""
    con.execute(f"attach '{catalog_uri(db)}' as {ALIAS}{opts}")
    con.execute(f"use {ALIAS}")
    return con


def connect(db: str | Path, read_only: bool = True,
            data_path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """What pipelines.store.connect becomes: bare names resolve (``use store``)."""
    return attach(new_connection(), db, data_path, read_only)


# --- the schema -------------------------------------------------------------------------

_TABLE_PK = re.compile(r",\s*primary\s+key\s*\([^)]*\)", re.I)
_COLUMN_PK = re.compile(r"\s+(primary\s+key|unique)\b", re.I)
_SEQUENCE = re.compile(r"create\s+sequence[^;]*;?", re.I)
_ADD_COLUMN_BOOL = re.compile(r"(add\s+column\b[^;]*\bdefault\s+)(true|false)\b", re.I)


def ducklake_ddl(sql: str) -> str:
    """sql/schema text as DuckLake takes it: no PRIMARY KEY/UNIQUE (the keys live in
    ingest.load.PRIMARY_KEYS and are enforced by the upserts), no sequence (file_id is
    max + 1 under the writer lock), and ALTER ... ADD COLUMN defaults as literals
    ("default false" counts as non-literal there, "default 'false'" does not)."""
    sql = _TABLE_PK.sub("", sql)
    sql = _COLUMN_PK.sub("", sql)
    sql = _SEQUENCE.sub("", sql)
    return _ADD_COLUMN_BOOL.sub(lambda m: f"{m.group(1)}'{m.group(2).lower()}'", sql)


def apply_schema(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> None:
    from pipelines.store import sql_files

    for path in sql_files(sql_dir, "schema"):
        con.execute(ducklake_ddl(path.read_text(encoding="utf-8")))


# --- ingest: the upsert -----------------------------------------------------------------

def upsert_sql(table: str, key: tuple[str, ...], cols: list[str], source: str) -> str:
    """INSERT OR REPLACE needs a primary key; MERGE does not. Same effect: the listed
    columns of a matched row are overwritten, its other columns kept (as INSERT OR REPLACE
    does in DuckDB), an unmatched row inserted (defaults for the rest)."""
    on = " and ".join(f"t.{k} = n.{k}" for k in key)
    sets = ", ".join(f"{c} = n.{c}" for c in cols if c not in key)
    return (f"merge into {table} as t using ({source}) as n on {on}"
            f" when matched then update set {sets}"
            f" when not matched then insert ({', '.join(cols)})"
            f" values ({', '.join(f'n.{c}' for c in cols)})")


def write_rows(con: duckdb.DuckDBPyConnection, kind, provenance: dict,
               present: set[str] | None = None):
    """pipelines.ingest.load.write_rows with its one INSERT OR REPLACE made a MERGE."""
    from pipelines.ingest.load import (
        PRIMARY_KEYS,
        STAGE,
        TARGETS,
        LoadCounts,
        _write_lots_from_lab,
    )

    prov_cols = ["source_file", "source_sha256", "source_line", "ingested_at"]
    prov_vals = "$source_file, $source_sha256, _line, $ingested_at"
    loaded = unchanged = 0
    for index, (table, mapping) in enumerate(TARGETS[kind.name]):
        cols = ", ".join(mapping)
        exprs = ", ".join(f"{expr} as {col}" for col, expr in mapping.items())
        counts = index == len(TARGETS[kind.name]) - 1
        if table == "analyses":
            _write_lots_from_lab(con, provenance)
        if table not in PRIMARY_KEYS:
            n = con.execute(
                f"insert into {table} ({cols}, {', '.join(prov_cols)}) select {exprs},"
                f" {prov_vals} from {STAGE}", provenance).fetchall()[0][0]
            loaded += n if counts else 0
            continue
        key = PRIMARY_KEYS[table]
        con.execute(
            f"create or replace temp table _new as select distinct on ({', '.join(key)})"
            f" {exprs}, _line from {STAGE} order by {', '.join(key)}, _line")
        kept = [c for c, expr in mapping.items()
                if present is not None and expr not in present and c not in key]
        if kept:
            con.execute(
                f"update _new set {', '.join(f'{c} = t.{c}' for c in kept)} from {table} t"
                f" where {' and '.join(f't.{k} = _new.{k}' for k in key)}")
        same = " and ".join(f"t.{k} = n.{k}" for k in key)
        values = ", ".join(f"n.{c}" for c in mapping)
        stored = ", ".join(f"t.{c}" for c in mapping)
        identical = (f"exists (select 1 from {table} t where {same}"
                     f" and row({values}) is not distinct from row({stored}))")
        n_same = con.execute(f"select count(*) from _new n where {identical}").fetchall()[0][0]
        con.execute(f"delete from _new n where {identical}")
        n_new = con.execute("select count(*) from _new").fetchall()[0][0]
        source = (f"select {cols}, $source_file as source_file, $source_sha256 as"
                  f" source_sha256, _line as source_line, $ingested_at as ingested_at"
                  f" from _new")
        con.execute(upsert_sql(table, key, [*mapping, *prov_cols], source), provenance)
        if counts:
            loaded, unchanged = n_new, n_same
    return LoadCounts(loaded=loaded, unchanged=unchanged)


# --- the store's functions, swapped for a DuckLake catalog --------------------------------

def stored_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The store's tables from information_schema. Tried because duckdb_tables() loads every
    table's statistics (about 3 s for the first call of a connection); measured no cheaper
    (the first listing of a connection pays the same), so ``fast`` is off: the real fix is
    not listing the catalog on the write path at all."""
    return {r[0].lower() for r in con.execute(
        "select table_name from information_schema.tables where table_catalog ="
        " current_database() and table_schema = 'main' and table_type = 'BASE TABLE'"
    ).fetchall()}


def table_columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """store._columns without duckdb_columns()/duckdb_tables() (see stored_tables)."""
    tables = stored_tables(con)
    found: dict[str, set[str]] = {}
    for table, column in con.execute(
            "select table_name, column_name from information_schema.columns where"
            " table_catalog = current_database() and table_schema = 'main'").fetchall():
        if table.lower() in tables:
            found.setdefault(table.lower(), set()).add(column.lower())
    return found


def is_behind(con: duckdb.DuckDBPyConnection) -> bool:
    """store.is_behind on stored_tables."""
    tables = stored_tables(con)
    if "ingestion_log" not in tables:
        return False
    if "refresh_pending" in tables and con.execute(
            "select count(*) from refresh_pending").fetchall()[0][0]:
        return True
    logged = con.execute("select max(file_id) from ingestion_log").fetchall()[0][0]
    if "refresh_state" not in tables:
        return logged is not None
    done = con.execute("select max(last_file_id) from refresh_state").fetchall()[0][0]
    return logged is not None and (done is None or done < logged)


def _next_file_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select coalesce(max(file_id), 0) + 1 from ingestion_log"
                       ).fetchall()[0][0]


@contextmanager
def ducklake_store(data_path: str | Path | None = None, author: str | None = None,
                   timings: list[tuple[str, float]] | None = None,
                   fast: bool = False) -> Iterator[None]:
    """Within the block, pipelines.store and pipelines.ingest write a DuckLake catalog at
    the ``db`` path they are given (SQLite file or postgresql:// URL) instead of a DuckDB
    file: schema without keys, MERGE upserts, no CHECKPOINT, no snapshot copies, each ingest's
    snapshot named (author, message). ``fast``: also list tables and columns through
    information_schema instead of duckdb_tables()/duckdb_columns(). A swap, for the spike."""
    import pipelines.ingest as ingest
    import pipelines.store as store
    from pipelines.store import backend, schema, stored_tables

    saved = {(ingest, "write_rows"): ingest.write_rows}

    def swap(name: str, value: object) -> None:
        """Replace ``name`` in pipelines.store and in each of its parts that binds it (a
        part calls the name of its own module: the package's re-export alone is not
        enough)."""
        for module in (store, schema, stored_tables, backend):
            if name in vars(module):
                saved.setdefault((module, name), getattr(module, name))
                setattr(module, name, value)

    def open_write(db_path: str, timeout_s: float) -> duckdb.DuckDBPyConnection:
        t0 = time.perf_counter()
        con = attach(new_connection(), db_path, data_path)
        if "ingestion_log" in stored_tables(con):
            # ingest calls nextval('ingestion_log_seq'): a temp sequence (searched before
            # the store) numbering on from the stored maximum; valid while the writer lock
            # is held, which connect_write does around this connection's whole life
            con.execute(f"create temp sequence ingestion_log_seq start {_next_file_id(con)}")
        else:
            con.execute("create temp sequence ingestion_log_seq start 1")
        if timings is not None:
            timings.append(("open+attach", time.perf_counter() - t0))
        return con

    @contextmanager
    def connect_write(db_path=None, timeout_s=None, *, publish=True):
        """store.connect_write without CHECKPOINT (on DuckLake it runs the whole upkeep:
        flush inlined data, merge, expire, clean up: 8-25 s here) and without the copy."""
        path = db_path or store.settings().db_path
        with store.writer_lock(path, timeout_s) as outermost:
            con = open_write(str(path), 0)
            try:
                yield con
                if outermost:
                    t0 = time.perf_counter()
                    store.catch_up(con)
                    if timings is not None:
                        timings.append(("catch_up", time.perf_counter() - t0))
            finally:
                con.close()

    def mark_pending(con, tables, source_sha256, ingested_at, sql_dir=None):
        # the last statement of an ingest's transaction: name the snapshot it commits
        commit_message(con, author or f"cli:{getpass.getuser()}",
                       f"ingest sha256={source_sha256} at {ingested_at}")
        return saved_mark_pending(con, tables, source_sha256, ingested_at, sql_dir)

    saved_mark_pending = ingest.mark_pending
    saved[(ingest, "mark_pending")] = ingest.mark_pending
    if fast:
        swap("_columns", table_columns)
        swap("is_behind", is_behind)
    swap("_open_write", open_write)
    swap("connect_write", connect_write)
    swap("publish_snapshot", lambda db_path: Path(db_path))
    swap("apply_schema", apply_schema)
    ingest.write_rows = write_rows
    ingest.mark_pending = mark_pending
    try:
        yield
    finally:
        for (module, name), value in saved.items():
            setattr(module, name, value)


def commit_message(con: duckdb.DuckDBPyConnection, author: str, message: str) -> None:
    """Inside an open transaction: the snapshot it commits records who and why."""
    con.execute(f"call {ALIAS}.set_commit_message(?, ?)", [author, message])


PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _as_server_user(user: str | None) -> list[str]:
    # initdb and postgres refuse to run as root: run them as another (existing) user
    return ["runuser", "-u", user, "--"] if user else []


def start_postgres(folder: Path, port: int, user: str | None = None) -> str:
    """A throwaway PostgreSQL 15 in ``folder`` on 127.0.0.1:``port``; returns its URL.

    ``user``: the OS user to run it as when this process is root (``useradd --system
    pgdl`` beforehand; the folder's parents must be traversable by it). Trust auth on
    loopback and fsync off: a test server. Stop it with ``stop_postgres``."""
    import shutil
    import subprocess

    if not (PG_BIN / "initdb").exists():
        raise FileNotFoundError(f"{PG_BIN / 'initdb'}: apt-get install postgresql-15")
    folder.mkdir(parents=True, exist_ok=True)
    if user:
        shutil.chown(folder, user)
    folder.chmod(0o700)
    run = _as_server_user(user)
    role = user or getpass.getuser()
    data = folder / "data"
    subprocess.run([*run, str(PG_BIN / "initdb"), "-D", str(data), "-U", role,
                    "--auth=trust", "-E", "UTF8", "--no-locale"],
                   check=True, capture_output=True)
    subprocess.run([*run, str(PG_BIN / "pg_ctl"), "-D", str(data), "-l",
                    str(folder / "log"), "-w", "-o",
                    f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off",
                    "start"], check=True, capture_output=True)
    subprocess.run([*run, str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port),
                    "-U", role, "store"], check=True, capture_output=True)
    return f"postgresql://{role}@127.0.0.1:{port}/store"


def stop_postgres(folder: Path, user: str | None = None) -> None:
    import subprocess

    subprocess.run([*_as_server_user(user), str(PG_BIN / "pg_ctl"), "-D",
                    str(folder / "data"), "-m", "fast", "-w", "stop"],
                   check=True, capture_output=True)


def build_demo(db: str | Path, scale: int = 1, data_path: str | Path | None = None
               ) -> float:
    from pipelines.demo import build_demo as build

    t0 = time.perf_counter()
    with ducklake_store(data_path):
        build(Path(db) if not is_postgres(db) else db, scale=scale)  # type: ignore[arg-type]
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.storage.ducklake_proto")
    parser.add_argument("command", choices=["schema", "demo"])
    parser.add_argument("db")
    parser.add_argument("--data-path")
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args(argv)
    if args.command == "demo":
        print(f"demo scale {args.scale}: {build_demo(args.db, args.scale, args.data_path):.1f} s")
        return 0
    from pipelines.store import init_connection

    t0 = time.perf_counter()
    with ducklake_store(args.data_path):
        con = attach(new_connection(), args.db, args.data_path)
        init_connection(con)
    tables = con.execute("select count(*) from duckdb_tables() where database_name = 'store'"
                         ).fetchall()[0][0]
    views = con.execute("select count(*) from duckdb_views() where database_name = 'store'"
                        ).fetchall()[0][0]
    print(f"schema, reference data, views, refresh: {time.perf_counter() - t0:.1f} s;"
          f" {tables} tables, {views} views")
    return 0


if __name__ == "__main__":
    sys.exit(main())
