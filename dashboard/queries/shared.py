"""The query layer's shared helpers: the cached runner every query goes through, the
store's as-of date, and the small lookups several pages use (the viewer's certificates,
schemes, holders).

Results are cached by ``_cached_frame``: the key is the store path, the store version
(file mtime+size, so an ingest invalidates it), the SQL text, its parameters (which
carry the function's arguments and the viewer's filter) and ``as_of``.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import db
from dashboard.viewer import Viewer

MAX_ROWS = 20_000  # a table beyond this is unreadable; pages say when it was cut


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_frame(path: str, version: tuple[int, ...], sql: str, params: tuple[object, ...],
                  as_of: date | None) -> pl.DataFrame:
    del version  # part of the cache key only: a new ingest changes it
    # Lists travel as tuples in the key (hashable by value); DuckDB wants lists back.
    values = [list(p) if isinstance(p, tuple) else p for p in params]
    return db.read_frame(sql, values, as_of=as_of, path=path)


def _run(sql: str, params: list[object], as_of: date | None) -> pl.DataFrame:
    """Run a query through the cache; ``params`` may hold lists (for list_contains)."""
    path = db.store_path()
    key = tuple(tuple(p) if isinstance(p, list) else p for p in params)
    return _cached_frame(str(path), db.store_version(path), sql, key, as_of)


def store_as_of() -> date | None:
    """The store's own as-of date (``settings.as_of``), None when it has none."""
    return _run("select max(as_of) as as_of from settings", [], None)["as_of"][0]


def default_as_of() -> date:
    """The as-of date when nobody picked one (contract, "as_of date"): the store's
    ``settings.as_of``, else today."""
    return store_as_of() or date.today()


# ---------------------------------------------------------------------------------------
# Viewers (the sidebar picker until the access-control issue brings a login)


def viewer_options(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """One row per certificate holder the viewer may act as, with its certificates."""
    where, params = viewer.row_filter("c.certificate_number")
    sql = f"""
        select
            c.holder_id,
            coalesce(any_value(c.holder_name), c.holder_id) as holder_name,
            list(c.certificate_number order by c.certificate_number) as certificate_numbers
        from stg_certificates as c
        where {where}
        group by c.holder_id
        order by holder_name
    """
    return _run(sql, params, as_of)


def certificate_options(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """Certificate numbers with scheme and status, for the filters and the picker."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select certificate_number, scheme, status
        from certificate_status
        where {where}
        order by certificate_number
    """
    return _run(sql, params, as_of)


def has_view(name: str, as_of: date) -> bool:
    """Whether the store has a view of this name (one that another change may add)."""
    sql = "select count(*) as n from duckdb_views() where view_name = ?"
    return bool(_run(sql, [name], as_of)["n"][0])


# (insert above this line)


def viewer_schemes(viewer: Viewer, as_of: date) -> list[str]:
    """The schemes of the certificates the viewer may see (for empty states that say what
    applies to a holder)."""
    where, params = viewer.row_filter("c.certificate_number")
    sql = f"""
        select distinct c.scheme
        from certificates as c
        where {where}
        order by c.scheme
    """
    return _run(sql, params, as_of)["scheme"].to_list()


def scheme_names(viewer: Viewer, as_of: date) -> list[str]:
    """The readable names of the viewer's schemes."""
    where, params = viewer.row_filter("c.certificate_number")
    sql = f"""
        select distinct coalesce(s.name, c.scheme) as scheme_name
        from certificates as c
        left join schemes as s using (scheme)
        where {where}
        order by scheme_name
    """
    return _run(sql, params, as_of)["scheme_name"].to_list()
