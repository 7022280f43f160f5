"""Creating and opening the DuckDB store: schema, reference data, views.

The SQL lives in ``sql/``; this module only applies it in order:
``schema/`` (tables, idempotent ``create ... if not exists``), the reference
CSVs of ``data/reference/``, then the view layers ``staging/`` → ``rules/`` →
``marts/``. Inside a layer files run by name; a view that refers to a view
later in the same layer is retried once its dependency exists.
"""

from __future__ import annotations

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


def apply_views(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> list[str]:
    """Create every view; returns the file names applied, in order."""
    applied: list[str] = []
    for layer in VIEW_LAYERS:
        pending = sql_files(sql_dir, layer)
        while pending:
            failed: list[tuple[Path, duckdb.Error]] = []
            for path in pending:
                try:
                    con.execute(path.read_text(encoding="utf-8"))
                    applied.append(f"{layer}/{path.name}")
                except duckdb.CatalogException as exc:  # depends on a view not made yet
                    failed.append((path, exc))
                except duckdb.Error as exc:
                    raise RuntimeError(f"sql/{layer}/{path.name}: {exc}") from exc
            if len(failed) == len(pending):
                path, exc = failed[0]
                raise RuntimeError(f"sql/{layer}/{path.name}: {exc}") from exc
            pending = [path for path, _ in failed]
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
    con.execute("begin transaction")
    try:
        apply_schema(con, sql_dir)
        load_reference(con, reference_dir or cfg.reference_dir)
        if con.execute("select count(*) from settings").fetchall()[0][0] == 0:
            con.execute("insert into settings values (null)")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    apply_views(con, sql_dir)


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
