"""The dashboard's queries: small functions, parameterised SQL, the viewer's row filter.

Rules for every function here (later pages add functions of the same shape):
- the first two arguments are the ``Viewer`` and the ``as_of`` date;
- the viewer's row filter is part of the SQL (``Viewer.row_filter``), so a producer
  never receives another certificate's rows, whatever the page asks;
- values only ever travel as parameters; the SQL text is fixed fragments;
- the business rules stay in the views (sql/); these queries select and filter.

Results are cached by ``_cached_frame``: the key is the store path, the store version
(file mtime+size, so an ingest invalidates it), the SQL text, its parameters (which
carry the function's arguments and the viewer's filter) and ``as_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard import db
from dashboard.viewer import Viewer

MAX_ROWS = 20_000  # a table beyond this is unreadable; pages say when it was cut


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_frame(path: str, version: tuple[int, ...], sql: str, params: tuple[object, ...],
                  as_of: date) -> pl.DataFrame:
    del version  # part of the cache key only: a new ingest changes it
    # Lists travel as tuples in the key (hashable by value); DuckDB wants lists back.
    values = [list(p) if isinstance(p, tuple) else p for p in params]
    return db.read_frame(sql, values, as_of=as_of, path=path)


def _run(sql: str, params: list[object], as_of: date) -> pl.DataFrame:
    """Run a query through the cache; ``params`` may hold lists (for list_contains)."""
    path = db.store_path()
    key = tuple(tuple(p) if isinstance(p, list) else p for p in params)
    return _cached_frame(str(path), db.store_version(path), sql, key, as_of)


# ---------------------------------------------------------------------------------------
# Filters


@dataclass(frozen=True)
class LotFilters:
    """What the Lots page narrows down to; an empty tuple or None means "all"."""

    certificate_numbers: tuple[str, ...] = ()
    site_ids: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    sampled_from: date | None = None
    sampled_to: date | None = None
    only_exceeding: bool = False


def _lot_where(viewer: Viewer, filters: LotFilters) -> tuple[str, list[object]]:
    clause, params = viewer.row_filter("certificate_number")
    parts = [clause]
    for column, values in (("certificate_number", filters.certificate_numbers),
                           ("site_id", filters.site_ids),
                           ("product", filters.products)):
        if values:
            parts.append(f"list_contains(?::varchar[], {column})")
            params.append(list(values))
    if filters.sampled_from is not None:
        parts.append("sampled_on >= ?::date")
        params.append(filters.sampled_from)
    if filters.sampled_to is not None:
        parts.append("sampled_on <= ?::date")
        params.append(filters.sampled_to)
    return " and ".join(parts), params


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


# ---------------------------------------------------------------------------------------
# Lots (BRL 9341 §4.2: lot_status / lot_compliance)


def lot_filter_options(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """The certificate × site × product combinations that have lots, with their period."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select
            certificate_number,
            site_id,
            product,
            count(*) as n_lots,
            min(sampled_on) as first_sampled_on,
            max(sampled_on) as last_sampled_on
        from lot_status
        where {where}
        group by all
        order by all
    """
    return _run(sql, params, as_of)


def lots(viewer: Viewer, as_of: date, filters: LotFilters = LotFilters(),
         limit: int = MAX_ROWS) -> pl.DataFrame:
    """One row per lot (view lot_status), newest first."""
    where, params = _lot_where(viewer, filters)
    if filters.only_exceeding:
        where += " and not compliant"
    params.append(limit)
    sql = f"""
        select
            certificate_number,
            site_id,
            product,
            lot_id,
            sampled_on,
            n_components,
            n_exceedances,
            compliant,
            is_admission,
            exceeding_components
        from lot_status
        where {where}
        order by sampled_on desc, site_id, lot_id
        limit ?
    """
    return _run(sql, params, as_of)


def lot_components(viewer: Viewer, as_of: date, filters: LotFilters = LotFilters(),
                   limit: int = MAX_ROWS) -> pl.DataFrame:
    """One row per lot × component (view lot_compliance), exceedances first."""
    where, params = _lot_where(viewer, filters)
    if filters.only_exceeding:
        where += " and exceeds"
    params.append(limit)
    sql = f"""
        select
            certificate_number,
            site_id,
            product,
            lot_id,
            sampled_on,
            component,
            observation,
            below_loq,
            limit_value,
            exceeds,
            n_analyses,
            source_file,
            source_lines
        from lot_compliance
        where {where}
        order by exceeds desc, sampled_on desc, site_id, lot_id, component
        limit ?
    """
    return _run(sql, params, as_of)


def components_observed(viewer: Viewer, as_of: date, site_id: str,
                        product: str) -> list[str]:
    """Components with at least one observation at a site × product."""
    where, params = viewer.row_filter("certificate_number")
    params += [site_id, product]
    sql = f"""
        select distinct component
        from lot_compliance
        where {where} and site_id = ? and product = ?
        order by component
    """
    return _run(sql, params, as_of)["component"].to_list()


def observation_series(viewer: Viewer, as_of: date, site_id: str, product: str,
                       component: str, sampled_from: date | None = None,
                       sampled_to: date | None = None) -> pl.DataFrame:
    """One row per lot: the observation of one component at one site × product."""
    where, params = viewer.row_filter("certificate_number")
    where += " and site_id = ? and product = ? and component = ?"
    params += [site_id, product, component]
    if sampled_from is not None:
        where += " and sampled_on >= ?::date"
        params.append(sampled_from)
    if sampled_to is not None:
        where += " and sampled_on <= ?::date"
        params.append(sampled_to)
    sql = f"""
        select
            lot_id,
            sampled_on,
            observation,
            below_loq,
            limit_value,
            exceeds
        from lot_compliance
        where {where}
        order by sampled_on, lot_id
    """
    return _run(sql, params, as_of)


# ---------------------------------------------------------------------------------------
# Data (ingestion bookkeeping). Files mix certificates, so only the body sees them.


def ingestion_log(viewer: Viewer, as_of: date, limit: int = MAX_ROWS) -> pl.DataFrame:
    sql = """
        select
            file_id, file_name, kind, ingested_at, rows_read, rows_loaded,
            rows_unchanged, rows_quarantined, source_sha256
        from ingestion_log
        where ?::boolean
        order by ingested_at desc, file_id desc
        limit ?
    """
    return _run(sql, [viewer.sees_all, limit], as_of)


def quarantine(viewer: Viewer, as_of: date, limit: int = MAX_ROWS) -> pl.DataFrame:
    """Rejected rows; a producer sees those that name one of its certificates and are its
    own: the file names no other holder's certificate, or (a file mixing holders, such as
    a lab's) the row's site is one of the producer's sites and its lot no one else's.
    Certificates named nowhere in the store (typos) make a file no one else's.

    A row of holder B's file naming A's certificate therefore never shows B's lot, report
    or value to A (issue 10). Files are matched by SHA-256 across the fact tables.
    """
    predicate, params = viewer.row_filter("certificate_number")
    columns = """source_file, kind, source_line, certificate_number, column_name, bad_value,
            reason, raw_row, ingested_at, source_sha256"""
    if viewer.sees_all:
        sql = f"""
            select {columns}
            from quarantine
            where {predicate}
            order by ingested_at desc, source_file, source_line
            limit ?
        """
        return _run(sql, [*params, limit], as_of)
    own = list(viewer.certificate_numbers or ())
    named = "\n            union ".join(
        f'select source_sha256, certificate_number from "{table}"'
        " where source_sha256 in (select source_sha256 from files)"
        for table in _file_tables(as_of))
    sql = f"""
        with mine as (
            select *,
                lower(raw_row) as raw_lower
            from quarantine
            where list_contains(?::varchar[], certificate_number)
        ),
        files as (
            select distinct source_sha256 from mine
        ),
        named as (
            {named}
        ),
        mixed_files as (
            -- files naming another holder's certificate (an unknown number is no one's)
            select distinct source_sha256
            from named
            where certificate_number in (select certificate_number from certificates)
              and not list_contains(?::varchar[], certificate_number)
        ),
        own_sites as (
            select lower(site_id) as site_id
            from sites
            where list_contains(?::varchar[], certificate_number)
        ),
        other_lots as (
            select lower(site_id) as site_id, lower(lot_id) as lot_id
            from lots
            where not list_contains(?::varchar[], certificate_number)
        ),
        judged as (
            select
                mine.*,
                coalesce(json_extract_string(raw_lower, '$.site_id'),
                         json_extract_string(raw_lower, '$.productielocatie'),
                         json_extract_string(raw_lower, '$.locatie'),
                         json_extract_string(raw_lower, '$.depot')) as row_site,
                coalesce(json_extract_string(raw_lower, '$.lot_id'),
                         json_extract_string(raw_lower, '$.partij')) as row_lot
            from mine
        )
        select {columns}
        from judged
        where source_sha256 not in (select source_sha256 from mixed_files)
           or (row_site in (select site_id from own_sites)
               and not exists (select 1 from other_lots as o
                               where o.site_id = row_site and o.lot_id = row_lot))
        order by ingested_at desc, source_file, source_line
        limit ?
    """
    return _run(sql, [own, own, own, own, limit], as_of)


def _file_tables(as_of: date) -> list[str]:
    """The stored tables whose rows carry their file (source_sha256) and the certificate
    they name: read from the catalog, so input kinds added later count too."""
    sql = """
        select table_name
        from duckdb_columns()
        where schema_name = 'main'
          and column_name in ('source_sha256', 'certificate_number')
          and table_name in (select table_name from duckdb_tables() where schema_name = 'main')
        group by table_name
        having count(*) = 2
        order by table_name
    """
    return _run(sql, [], as_of)["table_name"].to_list()


def store_file(viewer: Viewer) -> Path | None:
    """The store's path, for the body only (a producer has no business with it)."""
    return db.store_path() if viewer.sees_all else None


# === issue 9: management pages (overview, worklist, certificates, billing) ===
# (insert above this line)
# === end management pages ===


# === issue 9: BRL 9341 and producer pages (sampling plan, lot, my certificates, data) ===
# (insert above this line)
# === end BRL 9341 pages ===


# === issue 10: access control (verify page, audit log) ===

# The Verify page answers a few rows at most: it checks a certificate, it does not list
# the register (name search from VERIFY_MIN_CHARS characters).
VERIFY_MAX_ROWS = 5
VERIFY_MIN_CHARS = 3


def producer_certificates(holder_ids: tuple[str, ...], as_of: date) -> pl.DataFrame:
    """The login's lookup: the certificates of a producer's holders, by holder_id (never by
    name), with the holder names. One row per certificate."""
    sql = """
        select c.certificate_number, c.holder_id, h.holder_name
        from certificates as c
        left join certificate_holders as h using (holder_id)
        where list_contains(?::varchar[], c.holder_id)
        order by c.certificate_number
    """
    return _run(sql, [list(holder_ids)], as_of)


_VERIFY_COLUMNS = """certificate_number, holder_name, scheme_name as scheme, status,
            status_since"""


def verify_certificate(number: str, as_of: date) -> pl.DataFrame:
    """Public: the register's line of one certificate, by its exact number (case and
    surrounding spaces ignored). Nothing that the public register does not publish."""
    sql = f"""
        select {_VERIFY_COLUMNS}
        from public_register
        where upper(certificate_number) = upper(trim(?))
        limit ?
    """
    return _run(sql, [number, VERIFY_MAX_ROWS], as_of)


def verify_holder(name: str, as_of: date) -> pl.DataFrame:
    """Public: register lines whose holder name contains ``name`` (at least
    VERIFY_MIN_CHARS characters; no wildcards: contains(), not like). One row more than
    VERIFY_MAX_ROWS at most, so the page can say that there were more; it shows
    VERIFY_MAX_ROWS."""
    name = name.strip()
    if len(name) < VERIFY_MIN_CHARS:
        return pl.DataFrame()
    sql = f"""
        select {_VERIFY_COLUMNS}
        from public_register
        where contains(lower(holder_name), lower(?))
        order by holder_name, certificate_number
        limit ?
    """
    return _run(sql, [name, VERIFY_MAX_ROWS + 1], as_of)


# === end access control ===


# === issue 11: College page and yearly report ===
# (insert above this line)
# === end College ===
