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

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from dashboard import db
from dashboard.viewer import Viewer
from pipelines.i18n import N_, _, fmt
from pipelines.i18n.keys import render_detail_columns

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
    # The lot views read stored tables (brl9341_lot_observations, brl9341_lot_results;
    # issue 26): every filter here reaches their scan, so no second query for the sites
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
    """The certificate × site × product combinations that have lots, with their period.

    Read from the stored analyses (the lots of lot_status: a lot is known once one of its
    production analyses is sampled on or before the date), not from the lot views, which
    aggregate every analysis. last_sampled_on may be a lot's later sample: it only bounds
    the period filter."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select
            certificate_number,
            site_id,
            product,
            count(distinct lot_id) as n_lots,
            min(sampled_on) as first_sampled_on,
            max(sampled_on) as last_sampled_on
        from analyses
        where {where} and purpose <> 'complaint'
          and sampled_on <= (select as_of from as_of_date)
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
            exceeding_components,
            status,
            n_loq_above_limit
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


# === issue 9: management pages (overview, worklist, certificates, billing) ===
# Aggregates over every certificate (KPIs, trends, revenue) are for viewers who see all
# rows: for anyone else they return no rows (``where ?::boolean``), never a total that
# includes other holders.


def kpi_overview(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """One row per indicator × breakdown (view kpi_overview) as of ``as_of``."""
    sql = """
        select indicator, breakdown, value
        from kpi_overview
        where ?::boolean
        order by indicator, breakdown
    """
    return _run(sql, [viewer.sees_all], as_of)


def kpi_monthly(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """One row per month × indicator, 24 months up to ``as_of`` (view kpi_monthly)."""
    sql = """
        select month, indicator, value
        from kpi_monthly
        where ?::boolean
        order by indicator, month
    """
    return _run(sql, [viewer.sees_all], as_of)


def worklist(viewer: Viewer, as_of: date, kinds: tuple[str, ...] = (),
             per_kind: int = 500) -> pl.DataFrame:
    """The worklist (view worklist), most urgent first: up to ``per_kind`` items of each
    kind, with ``n_kind`` = how many items of that kind there are in all.

    ``kinds`` narrows the cached read of every kind: the row limit and ``n_kind`` are per
    kind, so the narrowed rows are the same as a query for those kinds alone, and picking
    kinds on the Overview reads no view again (issue 26: 0.6 s of CPU at scale 100)."""
    where, params = viewer.row_filter("certificate_number")
    params.append(per_kind)
    sql = f"""
        select
            priority, kind, certificate_number, scheme, subject, due_on, days,
            days_overdue, detail, rule, article, site_id, product, period,
            detail_key, detail_args, rule_key, rule_args, subject_key, subject_args,
            count(*) over (partition by kind) as n_kind
        from worklist
        where {where}
        qualify row_number() over (
            partition by kind order by due_on nulls last, certificate_number, subject
        ) <= ?
        order by priority, due_on nulls last, certificate_number, subject
    """
    items = _run(sql, params, as_of)
    return items.filter(pl.col("kind").is_in(list(kinds))) if kinds else items


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


def _cert_where(viewer: Viewer, schemes: tuple[str, ...], statuses: tuple[str, ...],
                certificate: str | None, column: str = "certificate_number",
                ) -> tuple[str, list[object]]:
    where, params = viewer.row_filter(column)
    if schemes:
        where += " and list_contains(?::varchar[], scheme)"
        params.append(list(schemes))
    if statuses:
        where += " and list_contains(?::varchar[], status)"
        params.append(list(statuses))
    if certificate:
        where += f" and {column} = ?"
        params.append(certificate)
    return where, params


def _cert_rows(viewer: Viewer, as_of: date, view: str, columns: str, order_by: str,
               schemes: tuple[str, ...], certificate: str | None, limit: int) -> pl.DataFrame:
    """``columns`` of one view (names written here, never taken from input) for the viewer's
    certificates, narrowed by scheme and certificate, in ``order_by``, at most ``limit``."""
    where, params = _cert_where(viewer, schemes, (), certificate)
    sql = f"select {columns} from {view} where {where} order by {order_by} limit ?"
    return _run(sql, [*params, limit], as_of)


def certificate_register(viewer: Viewer, as_of: date, schemes: tuple[str, ...] = (),
                         statuses: tuple[str, ...] = (), limit: int = MAX_ROWS,
                         ) -> pl.DataFrame:
    """One row per certificate: status on ``as_of``, since when, why (certificate_status)."""
    where, params = _cert_where(viewer, schemes, statuses, None)
    params.append(limit)
    sql = f"""
        with register as (
            select
                s.certificate_number, c.holder_name, s.scheme, s.status, s.status_since,
                s.reason, s.article, s.issued_on, s.reason_key, s.reason_args
            from certificate_status as s
            left join stg_certificates as c using (certificate_number)
        )
        select *
        from register
        where {where}
        order by certificate_number
        limit ?
    """
    # the reason in the reader's language (issue 27: the view's message key), after the
    # cache: one cached read serves both languages
    return render_detail_columns(_run(sql, params, as_of), {"reason": "reason"})


def status_history(viewer: Viewer, as_of: date, certificate: str) -> pl.DataFrame:
    """One row per status period of a certificate (certificate_status_history)."""
    where, params = viewer.row_filter("certificate_number")
    params.append(certificate)
    sql = f"""
        select status, status_since, status_until, previous_status, reason, article,
               reason_key, reason_args
        from certificate_status_history
        where {where} and certificate_number = ?
        order by status_since
    """
    # the reason in the reader's language (issue 27: the view's message key), after the
    # cache: one cached read serves both languages
    return render_detail_columns(_run(sql, params, as_of), {"reason": "reason"})


def suspension_withdrawal(viewer: Viewer, as_of: date, certificate: str) -> pl.DataFrame:
    """A suspended certificate's withdrawal / lapse day (view suspension_withdrawal)."""
    where, params = viewer.row_filter("certificate_number")
    params.append(certificate)
    sql = f"""
        select certificate_number, suspended_since, withdrawal_on, days_to_withdrawal,
            article
        from suspension_withdrawal
        where {where} and certificate_number = ?
    """
    return _run(sql, params, as_of)


def lifecycle_events(viewer: Viewer, as_of: date, certificate: str) -> pl.DataFrame:
    """Events of a certificate's lifecycle with their reason and article."""
    where, params = viewer.row_filter("certificate_number")
    params.append(certificate)
    sql = f"""
        select starts_on, ends_on, event_kind, status, reason, article, source_ref,
               reason_key, reason_args
        from lifecycle_events
        where {where} and certificate_number = ?
        order by starts_on, event_kind
    """
    # the reason in the reader's language (issue 27: the view's message key), after the
    # cache: one cached read serves both languages
    return render_detail_columns(_run(sql, params, as_of), {"reason": "reason"})


def audit_coverage(viewer: Viewer, as_of: date, schemes: tuple[str, ...] = (),
                   certificate: str | None = None, limit: int = MAX_ROWS) -> pl.DataFrame:
    """One row per certificate × year: audits required vs performed (audit_coverage)."""
    return _cert_rows(viewer, as_of, "audit_coverage", """certificate_number, scheme, year,
        required, performed, shortfall, next_audit_due, year_complete, article""",
                      "year desc, shortfall desc, certificate_number", schemes, certificate,
                      limit)


def audit_coverage_years(viewer: Viewer, as_of: date, schemes: tuple[str, ...] = (),
                         certificate: str | None = None) -> pl.DataFrame:
    """One row per scheme × year: required and performed summed (audit_coverage)."""
    where, params = _cert_where(viewer, schemes, (), certificate)
    sql = f"""
        select scheme, year, sum(required)::bigint as required,
            sum(performed)::bigint as performed, sum(shortfall)::bigint as shortfall
        from audit_coverage
        where {where}
        group by scheme, year
        order by year, scheme
    """
    return _run(sql, params, as_of)


def deviations(viewer: Viewer, as_of: date, schemes: tuple[str, ...] = (),
               certificate: str | None = None, only_open: bool = False,
               limit: int = MAX_ROWS) -> pl.DataFrame:
    """The afwijkingen register (deviation_status) with urgency: past_due (deadline passed,
    open), due_14d (open, deadline within 14 days), else later."""
    where, params = _cert_where(viewer, schemes, (), certificate)
    if only_open:
        where += " and state in ('open', 'overdue')"
    params = [as_of, *params, limit]  # in the order of the placeholders
    sql = f"""
        select
            case
                when state = 'overdue' then 'past_due'
                when state = 'open' and deadline <= ?::date + 14 then 'due_14d'
                else 'later'
            end as urgency,
            deviation_id, certificate_number, deadline, state, days_late, category,
            effective_category, requirement, found_on, base_deadline, extended_until,
            extended, escalated, closed_on, suspension_from, withdrawal_on, scheme, article
        from deviation_status
        where {where}
        order by state in ('open', 'overdue') desc,
            case when state in ('open', 'overdue') then deadline end,
            deadline desc, deviation_id
        limit ?
    """
    return _run(sql, params, as_of)


def pkvw_sample_steps(viewer: Viewer, as_of: date, certificate: str | None = None,
                      limit: int = MAX_ROWS) -> pl.DataFrame:
    """PKVW sample inspections with the trede before and after (pkvw_sample_steps)."""
    return _cert_rows(viewer, as_of, "pkvw_sample_steps", """certificate_number, audit_id,
        audit_date, step_before, dwellings_in_sample, dwellings_with_deviation_a, step_after,
        sample_size_required, sample_size_sufficient, full_verification, suspends,
        withdrawal_on, article""", "audit_date desc, certificate_number", (), certificate,
                      limit)


def pkvw_minimum_work(viewer: Viewer, as_of: date, certificate: str | None = None,
                      limit: int = MAX_ROWS) -> pl.DataFrame:
    """PKVW minimum work per certificate × 12-month period (pkvw_minimum_work)."""
    return _cert_rows(viewer, as_of, "pkvw_minimum_work", """certificate_number, period_start,
        period_end, dwellings, required, outcome, warning_on, withdrawal_on, article""",
                      "period_start desc, certificate_number", (), certificate, limit)


def complaints(viewer: Viewer, as_of: date, schemes: tuple[str, ...] = (),
               certificate: str | None = None, limit: int = MAX_ROWS) -> pl.DataFrame:
    """Complaints received up to ``as_of`` with their two-month deadline (complaint_status)."""
    return _cert_rows(viewer, as_of, "complaint_status", """certificate_number, scheme,
        reference, received_on, deadline, closed_on, state, overdue, article""",
                      "state in ('open', 'overdue') desc, received_on desc", schemes,
                      certificate, limit)


def production_stops(viewer: Viewer, as_of: date, certificate: str | None = None,
                     limit: int = MAX_ROWS) -> pl.DataFrame:
    """BRL 9341 production stops (lifecycle_production_stops)."""
    return _cert_rows(viewer, as_of, "lifecycle_production_stops", """certificate_number,
        stopped_on, restarted_on, deliveries_from_stock, suspended_on, lapsed_on, article""",
                      "stopped_on desc, certificate_number", (), certificate, limit)


def public_register(viewer: Viewer, as_of: date, schemes: tuple[str, ...] = (),
                    limit: int = MAX_ROWS) -> pl.DataFrame:
    """The public register as it would be published (view public_register)."""
    where, params = _cert_where(viewer, schemes, (), None)
    params.append(limit)
    sql = f"""
        select
            holder_name, scheme_name, certificate_number, status, status_since,
            status_reason, status_reason_key, status_reason_args, issued_on, n_warnings,
            n_suspensions, n_withdrawals, sanctions
        from public_register
        where {where}
        order by holder_name, certificate_number
        limit ?
    """
    # the status's reason and the sanctions in the reader's language (issue 27), after
    # the cache
    frame = render_detail_columns(_run(sql, params, as_of),
                                  {"status_reason": "status_reason"})
    return frame.with_columns(pl.Series("sanctions", [
        _sanctions_text(s) for s in frame["sanctions"].to_list()], dtype=pl.String))


_SANCTION_KINDS = {"warning": N_("warning"), "suspension": N_("suspension"),
                   "withdrawal": N_("withdrawal"), "lapse": N_("lapse")}


def _sanctions_text(sanctions: list[dict[str, object]] | None) -> str | None:
    """The register's sanctions in one line, in the reader's language: "schorsing
    11 mei 2025 (CCV PKVW §4.3.2-§4.3.3); …" (the view's list of kind, date, until,
    article)."""
    if not sanctions:
        return None
    parts = []
    for s in sanctions:
        kind = _(_SANCTION_KINDS[str(s["kind"])]) if s["kind"] in _SANCTION_KINDS \
            else str(s["kind"])
        line = (_("{kind} {day} until {until} ({article})") if s.get("until") else
                _("{kind} {day} ({article})"))
        parts.append(line.format(kind=kind, day=fmt.date(s["date"]),
                                 until=fmt.date(s.get("until")), article=s["article"]))
    return "; ".join(parts)


def billing_periods(viewer: Viewer, as_of: date) -> list[str]:
    """Months (YYYY-MM) with invoices or expected charges up to as_of, newest first. The
    as-of month only when something of it falls on or before as_of (a fee later in the
    month would otherwise offer an empty month first)."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select distinct period
        from billing_invoice_comparison
        where {where} and period < strftime(?::date, '%Y-%m')
        union
        select distinct period
        from billing_invoice_check_lines
        where {where} and period = strftime(?::date, '%Y-%m')
        order by period desc
    """
    params = [*params, as_of, *params, as_of]
    return _run(sql, params, as_of)["period"].to_list()


def check_differences_by_month(viewer: Viewer, as_of: date) -> dict[str, int]:
    """Certificates whose invoiced amount differs from the tariff, per month of the 12
    months before the as-of month: what the Overview's "invoice-check differences" tile
    counts (kpi_overview), so the Billing page can say where they are."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select period, count(*) as n
        from invoice_check
        where {where} and difference <> 0
          and period >= strftime(?::date - interval 12 month, '%Y-%m')
          and period < strftime(?::date, '%Y-%m')
        group by period
    """
    return dict(_run(sql, [*params, as_of, as_of], as_of).iter_rows())


def invoice_check(viewer: Viewer, as_of: date, period: str,
                  certificate: str | None = None, only_differences: bool = False,
                  limit: int = MAX_ROWS) -> pl.DataFrame:
    """Expected vs invoiced per certificate for one month (view invoice_check): filtered
    by month in SQL, so only that month is compared."""
    where, params = _cert_where(viewer, (), (), certificate)
    where += " and period = ?"
    params.append(period)
    if only_differences:
        where += " and (difference <> 0 or n_line_differences > 0 or n_index_missing > 0)"
    params.append(limit)
    # issue 22: lines whose year has no index cannot be checked; they are listed apart
    sql = f"""
        select certificate_number, period, expected_excl_vat, invoiced_excl_vat, difference,
            n_line_differences, line_differences, n_index_missing, index_missing_lines,
            line_differences_key, line_differences_args
        from invoice_check
        where {where}
        order by abs(difference) desc, certificate_number
        limit ?
    """
    # the differing lines' statuses in the reader's language (issue 27), after the cache
    return render_detail_columns(_run(sql, params, as_of),
                                 {"line_differences": "line_differences"})


def invoice_check_lines(viewer: Viewer, as_of: date, period: str,
                        certificate: str | None = None, only_differences: bool = False,
                        limit: int = MAX_ROWS) -> pl.DataFrame:
    """Per certificate × fee code of one month: expected, invoiced, difference, status and
    the tariff rule behind the expected amount (billing_invoice_check_lines)."""
    where, params = _cert_where(viewer, (), (), certificate)
    where += " and period = ?"
    params.append(period)
    if only_differences:
        where += " and status <> 'ok'"
    params.append(limit)
    sql = f"""
        select certificate_number, period, fee_code, expected_excl_vat, invoiced_excl_vat,
            difference, status, missing_index, rule, expected_source, invoice_lines
        from billing_invoice_check_lines
        where {where}
        order by status = 'ok', abs(difference) desc, certificate_number, fee_code
        limit ?
    """
    return _run(sql, params, as_of)


# Ageing buckets by days overdue (0–30 includes invoices not yet due); 'paid late' are
# invoices paid in full whose late interest or forfait is still claimable.
_AGEING = """
    case
        when open_amount <= 0 then 'paid late'
        when days_overdue <= 30 then '0–30'
        when days_overdue <= 60 then '31–60'
        when days_overdue <= 90 then '61–90'
        else '> 90'
    end
"""


def receivable_buckets(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """Per ageing bucket: invoices, open amount, late interest, forfait (receivables)."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select
            {_AGEING} as ageing_bucket,
            count(*) as n_invoices,
            sum(open_amount)::double as open_amount,
            sum(late_interest)::double as late_interest,
            sum(forfait)::double as forfait
        from receivables
        where {where}
        group by 1
    """
    return _run(sql, params, as_of)


def receivable_totals(viewer: Viewer, as_of: date) -> dict[str, float]:
    """Outstanding, overdue, not yet due and claimable interest + forfait over the viewer's
    certificates (view receivables_totals: the Overview's figures, defined once)."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select
            coalesce(sum(outstanding), 0)::double as outstanding,
            coalesce(sum(overdue), 0)::double as overdue,
            coalesce(sum(not_yet_due), 0)::double as not_yet_due,
            coalesce(sum(claimable), 0)::double as claimable,
            coalesce(sum(n_open), 0)::bigint as n_open,
            coalesce(sum(n_overdue), 0)::bigint as n_overdue
        from receivables_totals
        where {where}
    """
    return _run(sql, params, as_of).row(0, named=True)


def receivables(viewer: Viewer, as_of: date, buckets: tuple[str, ...] = (),
                certificate: str | None = None, limit: int = MAX_ROWS) -> pl.DataFrame:
    """Open invoices (view receivables), most overdue first, with their ageing bucket."""
    where, params = _cert_where(viewer, (), (), certificate)
    if buckets:
        where += f" and list_contains(?::varchar[], {_AGEING})"
        params.append(list(buckets))
    params.append(limit)
    sql = f"""
        select invoice_id, certificate_number, invoice_date, due_date, {_AGEING} as
            ageing_bucket, days_overdue, amount_due, paid_amount, open_amount,
            late_interest, forfait, total_claim, reminder_sent_on
        from receivables
        where {where}
        order by days_overdue desc, invoice_id
        limit ?
    """
    return _run(sql, params, as_of)


def revenue(viewer: Viewer, as_of: date, schemes: tuple[str, ...] = (),
            from_year: int | None = None) -> pl.DataFrame:
    """Expected and invoiced revenue per scheme × fee type × month (view revenue)."""
    where, params = "?::boolean", [viewer.sees_all]
    if schemes:
        where += " and list_contains(?::varchar[], scheme)"
        params.append(list(schemes))
    if from_year is not None:
        where += " and year >= ?"
        params.append(from_year)
    sql = f"""
        select scheme, fee_type, period, (period || '-01')::date as month, year,
            expected_excl_vat::double as expected_excl_vat,
            invoiced_excl_vat::double as invoiced_excl_vat
        from revenue
        where {where}
        order by period, scheme, fee_type
    """
    return _run(sql, params, as_of)


def revenue_by_fee_code(viewer: Viewer, as_of: date, schemes: tuple[str, ...] = (),
                        from_year: int | None = None) -> pl.DataFrame:
    """Expected and invoiced per year × scheme × fee code (billing_invoice_check_lines:
    fees dated up to ``as_of``, invoices by invoice month)."""
    where, params = viewer.row_filter("l.certificate_number")
    if schemes:
        where += " and list_contains(?::varchar[], c.scheme)"
        params.append(list(schemes))
    if from_year is not None:
        where += " and l.period >= ?"
        params.append(f"{from_year:04d}")
    sql = f"""
        select
            left(l.period, 4)::integer as year,
            c.scheme,
            l.fee_code,
            sum(l.expected_excl_vat)::double as expected_excl_vat,
            sum(l.invoiced_excl_vat)::double as invoiced_excl_vat,
            sum(l.difference)::double as difference
        from billing_invoice_check_lines as l
        join certificates as c using (certificate_number)
        where {where}
        group by all
        order by year desc, c.scheme, l.fee_code
    """
    return _run(sql, params, as_of)


def has_view(name: str, as_of: date) -> bool:
    """Whether the store has a view of this name (one that another change may add)."""
    sql = "select count(*) as n from duckdb_views() where view_name = ?"
    return bool(_run(sql, [name], as_of)["n"][0])


def audits_without_times(viewer: Viewer, as_of: date, limit: int = MAX_ROWS) -> pl.DataFrame:
    """Audits lacking a start or end time (view billing_audits_without_times, if present)."""
    where, params = viewer.row_filter("certificate_number")
    params.append(limit)
    sql = f"""
        select audit_id, certificate_number, scheme, audit_date, audit_type, missing,
            consequence, article, source_file, source_line
        from billing_audits_without_times
        where {where}
        order by audit_date desc, audit_id
        limit ?
    """
    return _run(sql, params, as_of)


# (insert above this line)
# === end management pages ===


# === issue 9: BRL 9341 and producer pages (sampling plan, lot, my certificates, data) ===
@dataclass(frozen=True)
class PlanFilters:
    """What the Sampling plan page narrows down to; empty means "all"."""

    certificate_numbers: tuple[str, ...] = ()
    site_ids: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    only_overdue: bool = False


def _plan_where(viewer: Viewer, filters: PlanFilters, cert: str = "certificate_number",
                site: str = "site_id", product: str = "product") -> tuple[str, list[object]]:
    """The viewer's row filter and the page's filters on the given (qualified) columns."""
    clause, params = viewer.row_filter(cert)
    parts = [clause]
    for column, values in ((cert, filters.certificate_numbers), (site, filters.site_ids),
                           (product, filters.products)):
        if values:
            parts.append(f"list_contains(?::varchar[], {column})")
            params.append(list(values))
    return " and ".join(parts), params


_PLAN_COLUMNS = """certificate_number, site_id, product, component, overdue, days_overdue,
            explanation, reason, reason_key, reason_args, frequency_key, frequency_args,
            frequency_text, regime, rule, k_value, gamma_ratio, class_rank, test_class,
            n_obs, lots_since_last_test, lots_until_next_test, tests_in_period,
            last_sampled_on, next_test_due_by, required_lots_per_test, required_min_tests,
            required_min_tests_years, own_frequency_text, n_obs_total, required_since,
            production_stopped_since, production_stop_days, certificate_ended_on,
            explanation_key, explanation_args, own_frequency_key, own_frequency_args"""
_PLAN_ORDER = """overdue desc, days_overdue desc nulls last, next_test_due_by nulls last,
            site_id, product, component"""


def sampling_plan(viewer: Viewer, as_of: date, filters: PlanFilters = PlanFilters(),
                  limit: int = MAX_ROWS) -> pl.DataFrame:
    """One row per site × product × component (view sampling_plan), overdue first (the
    longest overdue first), then by the date the next test is due."""
    return sampling_plan_with_counts(viewer, as_of, filters, limit)[0]


def sampling_plan_with_counts(viewer: Viewer, as_of: date,
                              filters: PlanFilters = PlanFilters(), limit: int = MAX_ROWS,
                              ) -> tuple[pl.DataFrame, dict[str, int]]:
    """The plan (as ``sampling_plan``) and its counts (series, overdue series, site ×
    product combinations) over all its rows (also beyond ``limit``).

    The view is read once per viewer and date, every series in the page's order (the
    viewer's row filter in the SQL); the page's filters only narrow those rows, so they
    are applied to the cached frame: a filter change reads no view again (issue 26: the
    plan costs 0.3-0.7 s of CPU at scale 100 per read)."""
    plan = _plan_rows(viewer, as_of).filter(_plan_mask(filters))
    counts = {
        "n_series": plan.height,
        "n_overdue": int(plan["overdue"].sum() or 0),
        "n_site_products": plan.select(pl.struct("site_id", "product").n_unique()).item()
        if plan.height else 0,
    }
    return plan.head(limit), counts


def _plan_rows(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """Every series of the plan the viewer may see (view sampling_plan), in the page's
    order (overdue first, the longest overdue first, then by the date the next test is
    due; site, product and component make it total)."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select {_PLAN_COLUMNS}
        from sampling_plan
        where {where}
        order by {_PLAN_ORDER}
    """
    return _run(sql, params, as_of)


def _plan_mask(filters: PlanFilters) -> pl.Expr:
    """The page's filters (certificate, site, product, only overdue) over frames of the
    plan's columns; no filter: every row."""
    mask = pl.lit(True)
    for column, values in (("certificate_number", filters.certificate_numbers),
                           ("site_id", filters.site_ids), ("product", filters.products)):
        if values:
            mask &= pl.col(column).is_in(list(values))
    if filters.only_overdue:
        mask &= pl.col("overdue").fill_null(False)
    return mask


def plan_filter_options(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """The certificate × site × product combinations with a BRL 9341 series."""
    where, params = viewer.row_filter("s.certificate_number")
    sql = f"""
        select distinct s.certificate_number, o.site_id, o.product
        from brl9341_lot_order as o
        join sites as s using (site_id)
        where {where} and o.lot_date <= (select as_of from as_of_date)
        order by all
    """
    return _run(sql, params, as_of)


def site_regimes(viewer: Viewer, as_of: date,
                 filters: PlanFilters = PlanFilters()) -> pl.DataFrame:
    """One row per site × product: the regime as of the date (view site_regime)."""
    where, params = _plan_where(viewer, filters, "s.certificate_number", "r.site_id",
                                "r.product")
    if filters.only_overdue:
        where += " and r.overdue"
    sql = f"""
        select
            s.certificate_number, r.site_id, r.product, r.regime, r.phase, r.regime_since,
            r.min_k, r.min_k_component, r.strictest_component, r.test_class,
            r.lots_per_test, r.min_tests, r.min_tests_years, r.n_components_overdue,
            r.n_switches_to_lot_inspection, r.n_returns_to_sampling, r.last_lot_id,
            r.last_lot_sampled_on
        from site_regime as r
        join sites as s using (site_id)
        where {where}
        order by r.regime, r.n_components_overdue desc, r.site_id, r.product
    """
    return _run(sql, params, as_of)


def regime_history(viewer: Viewer, as_of: date,
                   filters: PlanFilters = PlanFilters()) -> pl.DataFrame:
    """The regime switches of each site × product up to the date (the lot after whose
    results the regime changed), newest first."""
    where, params = _plan_where(viewer, filters, "s.certificate_number", "h.site_id",
                                "h.product")
    sql = f"""
        select
            s.certificate_number, h.site_id, h.product, h.lot_id, h.lot_sampled_on,
            h.event_seq, h.switched_to, h.phase, h.min_k_observed
        from brl9341_regime_history as h
        join sites as s using (site_id)
        where {where}
          and h.switched_to is not null
        order by h.lot_sampled_on desc, h.site_id, h.product
    """
    return _run(sql, params, as_of)


def untested_lots(viewer: Viewer, as_of: date, filters: PlanFilters = PlanFilters(),
                  limit: int = MAX_ROWS) -> pl.DataFrame:
    """Lots registered as produced on or before the date without any analysis
    (brl9341_lot_order, BRL 9341 bijlage II "1 op N partijen"), newest first."""
    where, params = _plan_where(viewer, filters, "l.certificate_number", "o.site_id",
                                "o.product")
    sql = f"""
        select l.certificate_number, o.site_id, o.product, o.lot_id, o.lot_date,
               l.lot_size_tonnes
        from brl9341_lot_order as o
        join lots as l using (site_id, lot_id)
        where {where}
          and not o.tested and o.lot_date <= (select as_of from as_of_date)
        order by o.lot_date desc, o.site_id, o.lot_id
        limit ?
    """
    return _run(sql, [*params, limit], as_of)


def untested_lot_date(viewer: Viewer, as_of: date, site_id: str,
                      lot_id: str) -> date | None:
    """The production date of a lot registered on or before the date and never tested, or
    None (not registered, tested, produced later, or not the viewer's)."""
    where, params = viewer.row_filter("l.certificate_number")
    sql = f"""
        select o.lot_date
        from brl9341_lot_order as o
        join lots as l using (site_id, lot_id)
        where {where} and o.site_id = ? and o.lot_id = ?
          and not o.tested and o.lot_date <= (select as_of from as_of_date)
    """
    found = _run(sql, [*params, site_id, lot_id], as_of)
    return found["lot_date"][0] if found.height else None


def untested_lot_counts(viewer: Viewer, as_of: date,
                        filters: PlanFilters = PlanFilters()) -> pl.DataFrame:
    """Per site × product: lots produced, tested and not tested on or before the date, the
    required frequency and what the untested lots mean for it (view untested_lots_summary).
    Read once per viewer and date; the page's filters narrow the cached rows (issue 26)."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select certificate_number, site_id, product, n_lots, n_tested, n_untested,
               required_frequency, required_lots_per_test, lots_until_next_test,
               n_series_overdue, meaning, required_frequency_key, required_frequency_args,
               meaning_key, meaning_args
        from untested_lots_summary
        where {where}
        order by n_series_overdue desc, lots_until_next_test nulls last, site_id, product
    """
    # only overdue is not a filter of this table (it counts every lot of a site × product)
    everything = replace(filters, only_overdue=False)
    return _run(sql, params, as_of).filter(_plan_mask(everything))


# --- one lot (the Lot page)


def find_lots(viewer: Viewer, as_of: date, lot_id: str,
              site_id: str | None = None) -> pl.DataFrame:
    """The lots with this id (a lot id is unique per site only), as of the date."""
    where, params = viewer.row_filter("certificate_number")
    where += " and lot_id = ?"
    params.append(lot_id)
    if site_id:
        where += " and site_id = ?"
        params.append(site_id)
    sql = f"""
        select certificate_number, site_id, product, lot_id, sampled_on, n_components,
               n_exceedances, compliant, is_admission, exceeding_components
        from lot_status
        where {where}
        order by site_id
    """
    return _run(sql, params, as_of)


def lot_observations(viewer: Viewer, as_of: date, site_id: str, lot_id: str) -> pl.DataFrame:
    """The lot's observations against the limits valid on its sampling date."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select component, sampled_on, observation, below_loq, limit_value, exceeds, status,
               n_analyses, source_file, source_lines
        from lot_compliance
        where {where} and site_id = ? and lot_id = ?
        order by exceeds desc, status = 'loq_above_limit' desc, component
    """
    return _run(sql, [*params, site_id, lot_id], as_of)


def lot_analyses(viewer: Viewer, as_of: date, site_id: str, lot_id: str) -> pl.DataFrame:
    """The analyses behind the lot's observations, as reported, with their provenance.
    Only for a lot first sampled on or before the date (as lot_compliance)."""
    where, params = viewer.row_filter("a.certificate_number")
    sql = f"""
        select a.component, a.sample_id, a.sampled_on, a.value_as_reported,
               a.unit_as_reported, a.value, a.below_loq, a.loq, a.lab, a.lab_report_id,
               coalesce(acc.accredited, false) as lab_accredited,
               a.purpose, a.source_file, a.source_line, a.ingested_at
        from analyses as a
        -- BRL 9341 §1.4: a result counts only from a lab accredited for it on the date
        left join process_lab_accreditation as acc
            on acc.site_id = a.site_id and acc.lot_id = a.lot_id
           and acc.lab_report_id = a.lab_report_id and acc.component = a.component
        where {where} and a.site_id = ? and a.lot_id = ?
          and (select min(sampled_on) from analyses as f
               where f.site_id = a.site_id and f.lot_id = a.lot_id)
              <= (select as_of from as_of_date)
        order by a.component, a.sample_id, a.source_line
    """
    return _run(sql, [*params, site_id, lot_id], as_of)


def lot_corrections(viewer: Viewer, as_of: date, site_id: str, lot_id: str) -> pl.DataFrame:
    """The lab's corrections of this lot's analyses (issue 22): per replaced analysis the
    old value, the new one, when and by which file. A correction shows on the lot of the
    replaced analysis and on the lot of the correcting one (a lab may correct the lot).
    Both certificates must be the viewer's."""
    old_where, old_params = viewer.row_filter("r.certificate_number")
    new_where, new_params = viewer.row_filter("n.certificate_number")
    sql = f"""
        with correcting as (
            select certificate_number, site_id, lot_id, lab_report_id, value,
                   value_as_reported, source_sha256, source_line
            from analyses
            union all
            select certificate_number, site_id, lot_id, lab_report_id, value,
                   value_as_reported, source_sha256, source_line
            from analyses_replaced
        )
        select r.component, r.sample_id, r.lab_report_id as replaced_report_id,
               r.value_as_reported as replaced_value_as_reported, r.value as replaced_value,
               n.lab_report_id as new_report_id,
               n.value_as_reported as new_value_as_reported, n.value as new_value,
               r.replaced_at, r.replaced_by_file, r.replaced_by_line,
               r.source_file, r.source_line
        from analyses_replaced as r
        join correcting as n
          on n.source_sha256 = r.replaced_by_sha256 and n.source_line = r.replaced_by_line
        where {old_where} and {new_where}
          and ((r.site_id = ? and r.lot_id = ?) or (n.site_id = ? and n.lot_id = ?))
        order by r.replaced_at, r.component, r.sample_id
    """
    params = [*old_params, *new_params, site_id, lot_id, site_id, lot_id]
    return _run(sql, params, as_of)


def lot_component_coverage(viewer: Viewer, as_of: date, site_id: str,
                           lot_id: str) -> pl.DataFrame:
    """Every component of bijlage III/IV with a limit on the lot's date: tested in this lot
    or not."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        with lot as (
            select component, min(sampled_on) as sampled_on
            from lot_compliance
            where {where} and site_id = ? and lot_id = ?
            group by component
        ),
        lot_date as (
            select min(sampled_on) as sampled_on from lot
        )
        select c.component, c.name_nl, c.table_kind, l.component is not null as tested
        from ref_components as c
        cross join lot_date as d
        left join lot as l using (component)
        where d.sampled_on is not null
          and exists (select 1 from ref_limits as r
                      where r.component = c.component and d.sampled_on >= r.valid_from
                        and (r.valid_to is null or d.sampled_on <= r.valid_to))
        order by tested, c.table_kind, c.component
    """
    return _run(sql, [*params, site_id, lot_id], as_of)


def lot_state(viewer: Viewer, as_of: date, site_id: str, lot_id: str) -> pl.DataFrame:
    """Per component: the series' k and class before and after this lot (view
    lot_series_state), changed classes first."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select component, k_before, test_class_before, rule_before, k_after,
               test_class_after, rule_after, class_changed, class_before, class_after,
               regime_before, regime_after, phase_before, phase_after
        from lot_series_state
        where {where} and site_id = ? and lot_id = ?
        order by class_changed desc, component
    """
    return _run(sql, [*params, site_id, lot_id], as_of)


# --- a holder's own certificates (My certificates)


def certificate_overview(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """One row per certificate the viewer holds: status on the date, why, the article."""
    where, params = viewer.row_filter("s.certificate_number")
    sql = f"""
        select s.certificate_number, s.scheme, sc.name as scheme_name, s.status, s.status_since,
               s.reason, s.article, s.previous_status, s.issued_on, s.reason_key,
               s.reason_args
        from certificate_status as s
        left join schemes as sc using (scheme)
        where {where}
        order by s.scheme, s.certificate_number
    """
    # the reason in the reader's language (issue 27: the view's message key), after the
    # cache: one cached read serves both languages
    return render_detail_columns(_run(sql, params, as_of), {"reason": "reason"})


def open_deviations(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """Deviations not closed on the date, deadline first, with what follows if missed."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select certificate_number, deviation_id, category, effective_category,
               requirement, found_on, deadline, extended_until, state, suspension_from,
               withdrawal_on, article
        from deviation_status
        where {where} and state in ('open', 'overdue')
        order by deadline, deviation_id
    """
    return _run(sql, params, as_of)


def audit_outlook(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """Per certificate, the audit year of the date: required, performed, next audit due."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select certificate_number, year, required, performed, shortfall, next_audit_due,
               article
        from audit_coverage
        where {where}
        qualify row_number() over (partition by certificate_number order by year desc) = 1
        order by next_audit_due nulls last, certificate_number
    """
    return _run(sql, params, as_of)


def open_invoices(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """Invoices not (fully) paid on the date, or with late interest or forfait claimable."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select invoice_id, certificate_number, invoice_date, due_date, amount_due,
               paid_amount, open_amount, days_overdue, late_interest, forfait, total_claim,
               ageing_bucket
        from receivables
        where {where}
        order by due_date, invoice_id
    """
    return _run(sql, params, as_of)


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


def lot_sites(viewer: Viewer, as_of: date) -> list[str]:
    """The sites with a lot sampled on or before the date (read from the stored analyses,
    not the lot views, so the Lot page opens fast on a large store)."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select distinct site_id
        from analyses
        where {where} and purpose <> 'complaint'
          and sampled_on <= (select as_of from as_of_date)
        order by site_id
    """
    return _run(sql, params, as_of)["site_id"].to_list()


# === end BRL 9341 pages ===


# === issue 10: access control (verify page, audit log) ===

# The Verify page answers exact questions only (issue 24): one certificate by its number, or
# the certificates of a holder whose whole name matches. VERIFY_MAX_ROWS bounds a holder's
# answer (a holder with more certificates is told to ask by number).
VERIFY_MAX_ROWS = 50


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


# A name as the register compares it: lower case, runs of white space as one space, trimmed.
_NAME_KEY = r"lower(trim(regexp_replace({}, '\s+', ' ', 'g')))"


def verify_certificate(number: str, as_of: date) -> pl.DataFrame:
    """Public: the register's line of one certificate, by its exact number (case and
    surrounding spaces ignored; no wildcards, no part of a number). Nothing that the public
    register does not publish."""
    sql = f"""
        select {_VERIFY_COLUMNS}
        from public_register
        where upper(certificate_number) = upper(trim(?))
        limit 2
    """
    return _run(sql, [number], as_of)


def verify_holder(name: str, as_of: date) -> pl.DataFrame:
    """Public: the certificates of the holder(s) whose WHOLE name is ``name``, case and
    surrounding or repeated spaces aside, on both sides in SQL (no part of a name, no
    wildcards). At most VERIFY_MAX_ROWS + 1 rows, so the page can say there were more."""
    if not name.strip():
        return pl.DataFrame()
    sql = f"""
        select {_VERIFY_COLUMNS}
        from public_register
        where {_NAME_KEY.format("holder_name")} = {_NAME_KEY.format("?")}
        order by certificate_number
        limit ?
    """
    return _run(sql, [name, VERIFY_MAX_ROWS + 1], as_of)


def register_list(as_of: date) -> pl.DataFrame:
    """Public: the register's full list (view public_register_list): scheme, holder and
    certificate of every certificate in force, nothing more (Bbl art. 1.40)."""
    return _run("select scheme_name as scheme, holder_name, certificate_number"
                " from public_register_list", [], as_of)


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
    figures = _year_report(viewer, year)
    return figures.filter(pl.col("scheme") == scheme).drop("scheme")


def _year_report(viewer: Viewer, year: int) -> pl.DataFrame:
    """Every scheme's rows of one year: one cached query (all schemes cost about a tenth more
    than one), so picking another scheme reads from the cache."""
    _report_viewer(viewer)
    return _run(
        "select scheme, section, indicator, measure, dimension, value, previous_value,"
        " value - previous_value as change, article, ord from yearly_report"
        " where year = ? order by scheme, section, ord, dimension nulls first",
        [year], date(year, 12, 31))


_prefetching: set[tuple[object, ...]] = set()
_prefetching_lock = threading.Lock()


def prefetch_report_figures(viewer: Viewer, years: list[int]) -> None:
    """Computes the reports of ``years`` (every scheme), one after the other in one
    background thread, into the shared cache, so that picking one of them next reads from
    the cache: a report is computed as of 31 December of its own year, so another year is
    a new query (about 1.2 s of CPU at scale 100). The page calls it after its own figures
    are read (issue 26): the prefetch then runs while the reader reads, instead of taking
    the two cores from the page's first render; years in the order given (the likeliest
    next pick first). At most one thread per store version × years; failures are left to
    the read that needs the figures. Nothing is prefetched while a writer is at work."""
    _report_viewer(viewer)
    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    from pipelines.store import writer_active

    path = db.store_path()
    if writer_active(path):
        # an ingest is under way: its snapshot will replace this version's cache within
        # seconds, and the CPU is better spent on the readers' own pages (20 sessions and
        # 5 ingests: reader p95 1.2 s with the prefetch during ingests, bench/concurrency.py)
        return
    key = (str(path), db.store_version(path), tuple(years))
    with _prefetching_lock:
        if key in _prefetching or not years:
            return
        _prefetching.add(key)

    def work() -> None:
        try:
            for year in years:
                try:
                    _year_report(viewer, year)
                except Exception:  # noqa: BLE001,S112 - only a prefetch; the page's read reports
                    continue
        finally:
            with _prefetching_lock:
                _prefetching.discard(key)

    ctx = get_script_run_ctx()  # cache_data runs inside a session
    thread = threading.Thread(target=work, name="prefetch-report", daemon=True)
    add_script_run_ctx(thread, ctx)
    thread.start()


def report_texts(viewer: Viewer, year: int, scheme: str) -> dict[str, dict[str, object]]:
    """Per written text section: body, updated_at, updated_by (who and when)."""
    _report_viewer(viewer)
    frame = _run("select section, body, updated_at, updated_by from report_texts"
                 " where year = ? and scheme = ?", [year, scheme], date(year, 12, 31))
    return {row["section"]: row for row in frame.iter_rows(named=True)}


def report_freeze(viewer: Viewer, year: int, scheme: str) -> dict[str, object] | None:
    """The report's freeze (frozen_at, frozen_by, files_after: files ingested after the
    moment, which the frozen downloads leave out), or None while it is a draft."""
    _report_viewer(viewer)
    try:
        # lang: the language it was frozen in (NULL: before languages, English)
        frame = _run("select frozen_at, frozen_by, (select count(*) from ingestion_log as l"
                     " where l.ingested_at > f.frozen_at) as files_after,"
                     " coalesce(f.lang, 'en') as lang"
                     " from report_freezes as f where year = ? and scheme = ?"
                     " order by frozen_at limit 1", [year, scheme], date(year, 12, 31))
    except duckdb.CatalogException:
        return None  # a store from before freezing (the table comes with the first freeze)
    return frame.row(0, named=True) if frame.height else None


@st.cache_data(show_spinner=False, max_entries=16)
def _report_model(path: str, version: tuple[int, ...], year: int, scheme: str,
                  frozen_at: datetime | None = None, frozen_by: str | None = None,
                  lang: str | None = None) -> object:
    del version  # cache key only
    from pipelines.report import load_report
    from pipelines.report.model import build_report
    if frozen_at is not None:
        # over a copy of the store as ingested up to the moment (pipelines/report/source.py)
        return load_report(db.read_path(path), year, scheme, frozen_at=frozen_at,
                           frozen_by=frozen_by, lang=lang)
    with db.reader(path=path) as cur:
        return build_report(cur, year, scheme, with_names=False, lang=lang)


@st.cache_data(show_spinner=False, max_entries=16)
def _report_file(path: str, version: tuple[int, ...], year: int, scheme: str,
                 kind: str, frozen_at: datetime | None = None,
                 frozen_by: str | None = None, lang: str | None = None) -> bytes:
    from pipelines.report.pdf import pdf_bytes
    from pipelines.report.xlsx import xlsx_bytes
    report = _report_model(path, version, year, scheme, frozen_at, frozen_by, lang)
    return xlsx_bytes(report) if kind == "xlsx" else pdf_bytes(report)  # type: ignore[arg-type]


def report_files(viewer: Viewer, year: int, scheme: str) -> tuple[bytes, bytes]:
    """The XLSX and PDF of the report (anonymous: counts only)."""
    xlsx, pdf = report_file_makers(viewer, year, scheme)
    return xlsx(), pdf()


def report_file_makers(viewer: Viewer, year: int, scheme: str
                       ) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """Makers of the XLSX and the PDF of the report, for st.download_button's deferred
    data: the file is built when it is asked for, not on every render of the page (the
    PDF takes seconds). The viewer is checked now, when the page offers the buttons.
    A frozen report (report_freezes) is made as ingested up to its freeze, in the language
    it was frozen in; a draft in the reader's language (issue 27)."""
    from pipelines.i18n import current_language
    freeze = report_freeze(viewer, year, scheme)
    path = db.store_path()
    version = db.store_version(path)
    frozen = ((freeze["frozen_at"], freeze["frozen_by"], freeze["lang"]) if freeze
              else (None, None, current_language()))
    return (lambda: _report_file(str(path), version, year, scheme, "xlsx", *frozen),
            lambda: _report_file(str(path), version, year, scheme, "pdf", *frozen))


def statement_holders(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """The holders whose yearly statement the viewer may download (a producer: its own,
    through the row filter in viewer_options)."""
    frame = viewer_options(viewer, as_of)
    if viewer.is_producer and viewer.holder_ids:
        frame = frame.filter(pl.col("holder_id").is_in(list(viewer.holder_ids)))
    return frame.select("holder_id", "holder_name")


@st.cache_data(show_spinner=False, max_entries=32)
def _statement(path: str, version: tuple[int, ...], holder_id: str, year: int,
               allowed: tuple[str, ...] | None) -> object:
    del version  # cache key only
    from pipelines.report.statement import build_statement
    with db.reader(path=path) as cur:
        return build_statement(cur, holder_id, year, None if allowed is None else list(allowed))


@st.cache_data(show_spinner=False, max_entries=32)
def _statement_pdf(path: str, version: tuple[int, ...], holder_id: str, year: int,
                   allowed: tuple[str, ...] | None, lang: str | None = None) -> bytes:
    from pipelines.report.statement import statement_pdf
    return statement_pdf(_statement(path, version, holder_id, year, allowed),  # type: ignore[arg-type]
                         lang)


def _statement_key(viewer: Viewer, holder_id: str,
                   year: int) -> tuple[str, tuple[int, ...], str, int, tuple[str, ...] | None]:
    """Who may read which statement: producers their own holders, management any; the
    viewer's certificate list goes into the SQL."""
    if viewer.role not in ("management", "producer"):
        raise PermissionError("the yearly statement is for producers and management")
    if viewer.is_producer and viewer.holder_ids and holder_id not in viewer.holder_ids:
        raise PermissionError(f"holder {holder_id!r} is not yours")
    path = db.store_path()
    return str(path), db.store_version(path), holder_id, year, viewer.certificate_numbers


def statement(viewer: Viewer, holder_id: str, year: int) -> object:
    """A holder's yearly statement (pipelines.report.statement.Statement: certificates,
    lots of the year, frequencies at year end) as the PDF prints it; LookupError when none
    of the viewer's certificates is the holder's."""
    return _statement(*_statement_key(viewer, holder_id, year))


def statement_pdf(viewer: Viewer, holder_id: str, year: int) -> bytes:
    """A holder's yearly statement as a PDF; only the viewer's own certificates are read
    (the certificate list goes into the SQL), LookupError when none of them is the
    holder's. In the reader's language (issue 27)."""
    from pipelines.i18n import current_language
    return _statement_pdf(*_statement_key(viewer, holder_id, year), current_language())


# (insert above this line)
# === end College ===


# === issue 13: process findings ===
def process_findings(viewer: Viewer, as_of: date, schemes: tuple[str, ...] = (),
                     certificate: str | None = None, checks: tuple[str, ...] = (),
                     limit: int = MAX_ROWS) -> pl.DataFrame:
    """Findings of the procedural checks (process_findings) on the date, most severe first;
    a producer gets only its own certificates' findings."""
    where, params = _cert_where(viewer, schemes, (), certificate, "f.certificate_number")
    if checks:
        where += ' and list_contains(?::varchar[], f."check")'
        params.append(list(checks))
    params.append(limit)
    sql = f"""
        select f.severity, f.status, f."check", f.certificate_number, f.subject, f.found_on,
               f.detail, f.article, c.scheme, f.subject_key, f.subject_args, f.detail_key,
               f.detail_args
        from process_findings f
        left join certificates c using (certificate_number)
        where {where}
        order by f.status = 'open' desc,
                 case f.severity when 'major' then 0 when 'minor' then 1 else 2 end,
                 f.found_on desc, f.certificate_number, f.subject
        limit ?
    """
    # subject and detail in the reader's language (issue 27: the view's message keys),
    # after the cache: one cached read serves both languages
    return render_detail_columns(_run(sql, params, as_of),
                                 {"subject": "subject", "detail": "detail"})
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
# === end issue 25 ===
