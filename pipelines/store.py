"""Creating and opening the DuckDB store: schema, reference data, views.

The SQL lives in ``sql/``; this module only applies it in order:
``schema/`` (tables, idempotent ``create ... if not exists``), the reference
CSVs of ``data/reference/``, then the view layers ``staging/`` → ``rules/`` →
``marts/``, each view after the views it reads. All in one transaction.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
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
)


def sql_files(sql_dir: Path, layer: str) -> list[Path]:
    return sorted((sql_dir / layer).glob("*.sql"))


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


def view_files(sql_dir: Path) -> list[tuple[str, Path]]:
    """(layer/file, path) of every view, ordered so each comes after the views it reads.

    Dependencies are read from the SQL text (a view named after `from` or `join`); among
    views that are ready, layer order (staging, rules, marts) and then file name decide.
    """
    files = [(layer, path) for layer in VIEW_LAYERS for path in sql_files(sql_dir, layer)]
    names: dict[str, int] = {}
    texts: list[str] = []
    for index, (layer, path) in enumerate(files):
        text = path.read_text(encoding="utf-8")
        match = VIEW_NAME.search(text)
        if not match:
            raise RuntimeError(f"sql/{layer}/{path.name}: no 'create or replace view'")
        names[match.group(1).lower()] = index
        texts.append(re.sub(r"--[^\n]*", "", text).lower())  # comments do not count
    words = [set(re.findall(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", text)) for text in texts]
    deps = [{names[w] for w in ws if w in names and names[w] != i} for i, ws in enumerate(words)]
    ordered: list[int] = []
    done: set[int] = set()
    while len(ordered) < len(files):
        ready = [i for i in range(len(files)) if i not in done and deps[i] <= done]
        if not ready:
            cycle = [f"{files[i][0]}/{files[i][1].name}" for i in range(len(files))
                     if i not in done]
            raise RuntimeError(f"views depend on each other in a cycle: {', '.join(cycle)}")
        ordered.append(ready[0])
        done.add(ready[0])
    return [(f"{files[i][0]}/{files[i][1].name}", files[i][1]) for i in ordered]


def apply_views(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> list[str]:
    """Create every view in dependency order; returns the files applied, in order."""
    applied: list[str] = []
    for label, path in view_files(sql_dir):
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as exc:
            raise RuntimeError(f"sql/{label}: {exc}") from exc
        applied.append(label)
    return applied


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


def drop_views(con: duckdb.DuckDBPyConnection) -> None:
    """Views of an earlier version may not bind against the new ones: start from none."""
    names = con.execute("select view_name from duckdb_views() where not internal"
                        " and schema_name = 'main'").fetchall()
    for (name,) in names:
        con.execute(f'drop view if exists "{name}"')


@contextmanager
def connect_write(db_path: Path | str | None = None,
                  timeout_s: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection; waits while readers in other processes hold the file."""
    cfg = settings()
    db_path = str(db_path or cfg.db_path)
    deadline = time.monotonic() + (cfg.lock_timeout_s if timeout_s is None else timeout_s)
    while True:
        try:
            con = duckdb.connect(db_path)
            break
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            # "lock": a reader in another process; "different configuration": a read-only
            # connection of the dashboard in this same process. Both end within seconds.
            message = str(exc).lower()
            if ("lock" not in message and "different configuration" not in message) \
                    or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    try:
        yield con
    finally:
        con.close()
