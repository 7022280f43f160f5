"""Schema, reference data and views of the store: the SQL of ``sql/`` applied in order.

``schema/`` (tables, idempotent ``create ... if not exists``), the reference CSVs of
``data/reference/``, then the view layers ``staging/`` → ``rules/`` → ``marts/`` (a layer's
files may sit in subfolders, e.g. ``marts/report/``), each view after the views it reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

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



def drop_views(con: duckdb.DuckDBPyConnection) -> None:
    """Views of an earlier version may not bind against the new ones: start from none."""
    names = con.execute("select view_name from duckdb_views() where not internal"
                        " and schema_name = 'main'").fetchall()
    for (name,) in names:
        con.execute(f'drop view if exists "{name}"')

