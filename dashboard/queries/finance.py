"""Finance's Billing page: the invoice check, receivables and their ageing, revenue,
and the audits billed without times.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.queries.certificates import _cert_where
from dashboard.queries.shared import MAX_ROWS as MAX_ROWS
from dashboard.queries.shared import _run
from dashboard.queries.shared import certificate_options as certificate_options
from dashboard.queries.shared import has_view as has_view
from dashboard.viewer import Viewer
from pipelines.i18n.keys import render_detail_columns


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
