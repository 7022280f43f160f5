"""The store's bookkeeping (Data and Imports pages): the ingestion log, the
quarantine and the import log; files mix certificates, so only the body sees them whole
(a producer: its own rejected rows).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from dashboard import db
from dashboard.queries.shared import MAX_ROWS as MAX_ROWS
from dashboard.queries.shared import _run
from dashboard.viewer import Viewer

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
            reason, reason_key, reason_args, raw_row, ingested_at, source_sha256"""
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
# === end process findings ===


# === issue 25: the import log (Imports page). Files mix certificates: body only. ===


def imports(viewer: Viewer, as_of: date, limit: int = MAX_ROWS) -> pl.DataFrame:
    """Every ingest of a file, newest first (the imports table)."""
    sql = """
        select started_at, file, kind, source as import_source, by_user, outcome, rows_loaded,
               rows_quarantined, duration_s, sha256, reason, reason_key, reason_args
        from imports
        where ?::boolean
        order by started_at desc, file
        limit ?
    """
    return _run(sql, [viewer.sees_all, limit], as_of)


def import_quarantine(viewer: Viewer, as_of: date, sha256: str,
                      limit: int = MAX_ROWS) -> pl.DataFrame:
    """The quarantined rows of one file (by SHA-256), with the XML element of a SIKB0101
    file's row where there is one (source_paths)."""
    sql = """
        select q.source_file, q.source_line, p.xml_path, q.kind, q.certificate_number,
               q.column_name, q.bad_value, q.reason, q.reason_key, q.reason_args,
               q.raw_row, q.ingested_at,
               q.source_sha256
        from quarantine q
        left join source_paths p using (source_sha256, source_line)
        where ?::boolean and q.source_sha256 = ?
        order by q.source_line, q.column_name
        limit ?
    """
    return _run(sql, [viewer.sees_all, sha256, limit], as_of)
