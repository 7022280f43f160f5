"""A producer's own pages: My certificates (status, open deviations, audits
ahead, open invoices) and the yearly statement; the login's lookup of a producer's
certificates.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import db
from dashboard.queries.brl9341_lots import lots as lots
from dashboard.queries.certificates import process_findings as process_findings
from dashboard.queries.sampling import sampling_plan as sampling_plan
from dashboard.queries.shared import _run
from dashboard.queries.shared import viewer_options as viewer_options
from dashboard.viewer import Viewer
from pipelines.i18n.keys import render_detail_columns

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
