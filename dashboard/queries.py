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
    """Rejected rows; a producer sees those that name one of its certificates."""
    predicate, params = viewer.row_filter("certificate_number")
    sql = f"""
        select
            source_file, kind, source_line, certificate_number, column_name, bad_value,
            reason, raw_row, ingested_at, source_sha256
        from quarantine
        where {predicate}
        order by ingested_at desc, source_file, source_line
        limit ?
    """
    return _run(sql, [*params, limit], as_of)


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
# (insert above this line)
# === end access control ===


# === issue 11: College page and yearly report ===
# The College page and the downloads read aggregates only (no holder names); a producer
# gets nothing here (refused in the query, not only by the page registry).
REPORT_ROLES = frozenset({"management", "college"})


def _report_viewer(viewer: Viewer) -> None:
    if viewer.role not in REPORT_ROLES:
        raise PermissionError("the yearly report is for management and the College")


def report_years(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """(scheme, year) pairs with data up to the session's as-of year, newest first."""
    _report_viewer(viewer)
    return _run("select scheme, year from report_periods order by year desc, scheme", [],
                as_of)


def report_figures(viewer: Viewer, year: int, scheme: str) -> pl.DataFrame:
    """The yearly_report rows of one scheme × year, computed as of 31 December."""
    _report_viewer(viewer)
    return _run(
        "select section, indicator, measure, dimension, value, previous_value,"
        " value - previous_value as change, article, ord from yearly_report"
        " where year = ? and scheme = ? order by section, ord, dimension nulls first",
        [year, scheme], date(year, 12, 31))


def report_texts(viewer: Viewer, year: int, scheme: str) -> dict[str, str]:
    _report_viewer(viewer)
    frame = _run("select section, body from report_texts where year = ? and scheme = ?",
                 [year, scheme], date(year, 12, 31))
    return dict(frame.iter_rows())


@st.cache_data(show_spinner=False, max_entries=16)
def _report_files(path: str, version: tuple[int, ...], year: int,
                  scheme: str) -> tuple[bytes, bytes]:
    del version  # cache key only
    from pipelines.report.model import build_report
    from pipelines.report.pdf import pdf_bytes
    from pipelines.report.xlsx import xlsx_bytes
    with db.reader(path=path) as cur:
        report = build_report(cur, year, scheme, with_names=False)
    return xlsx_bytes(report), pdf_bytes(report)


def report_files(viewer: Viewer, year: int, scheme: str) -> tuple[bytes, bytes]:
    """The XLSX and PDF of the report (anonymous: counts only)."""
    _report_viewer(viewer)
    path = db.store_path()
    return _report_files(str(path), db.store_version(path), year, scheme)


def statement_holders(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """The holders whose yearly statement the viewer may download (a producer: its own,
    through the row filter in viewer_options)."""
    frame = viewer_options(viewer, as_of)
    if viewer.is_producer and viewer.holder_ids:
        frame = frame.filter(pl.col("holder_id").is_in(list(viewer.holder_ids)))
    return frame.select("holder_id", "holder_name")


@st.cache_data(show_spinner=False, max_entries=32)
def _statement_pdf(path: str, version: tuple[int, ...], holder_id: str, year: int,
                   allowed: tuple[str, ...] | None) -> bytes:
    del version  # cache key only
    from pipelines.report.statement import build_statement, statement_pdf
    with db.reader(path=path) as cur:
        statement = build_statement(cur, holder_id, year,
                                    None if allowed is None else list(allowed))
    return statement_pdf(statement)


def statement_pdf(viewer: Viewer, holder_id: str, year: int) -> bytes:
    """A holder's yearly statement; only the viewer's own certificates are read (the
    certificate list goes into the SQL), LookupError when none of them is the holder's."""
    if viewer.role not in ("management", "producer"):
        raise PermissionError("the yearly statement is for producers and management")
    if viewer.is_producer and viewer.holder_ids and holder_id not in viewer.holder_ids:
        raise PermissionError(f"holder {holder_id!r} is not yours")
    path = db.store_path()
    return _statement_pdf(str(path), db.store_version(path), holder_id, year,
                          viewer.certificate_numbers)


# (insert above this line)
# === end College ===
