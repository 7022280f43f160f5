"""The Certificates and audits page (management, finance): the register of
certificates, their lifecycle, audits, deviations, PKVW samples, complaints, production
stops and process findings.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.queries.shared import MAX_ROWS as MAX_ROWS
from dashboard.queries.shared import _run
from dashboard.queries.shared import certificate_options as certificate_options
from dashboard.viewer import Viewer
from pipelines.i18n import N_, _, fmt
from pipelines.i18n.keys import render_detail_columns


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
