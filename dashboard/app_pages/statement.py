"""Yearly statement: a holder's certificates, lots and sampling frequencies of one year as
a PDF to keep as evidence. A producer gets only its own holders (the query filters);
management picks any holder. Layout only."""

from __future__ import annotations

import streamlit as st

from dashboard import glossary
from dashboard.app_pages.common import require, show_table, url_selectbox
from dashboard.auth import audit  # issue 10: report downloads are audited
from dashboard.queries import producer as queries
from pipelines.i18n import _, fmt
from pipelines.i18n.keys import render_detail_columns

ctx = require("statement")
st.title(_(glossary.STATEMENT_TITLE))
L = glossary.report_page()
st.caption(L["statement_caption"])

holders = queries.statement_holders(ctx.viewer, ctx.as_of)
if holders.is_empty():
    st.info(L["no_holder"])
    st.stop()

names = dict(holders.iter_rows())
left, right = st.columns(2)
holder_id = url_selectbox(L["holder"], list(names), "holder", key="statement_holder",
                          container=left, format_func=lambda h: f"{names[h]} ({h})")
years = list(range(ctx.as_of.year, ctx.as_of.year - 10, -1))
year_over = ctx.as_of.month == 12 and ctx.as_of.day == 31
# the newest year that is over on the as-of date comes first
year = url_selectbox(L["year"], years, "year", key="statement_year", container=right,
                     default=years[0] if year_over else years[1])

try:
    shown = queries.statement(ctx.viewer, holder_id, year)
except LookupError:
    st.info(L["no_certificates"])
    st.stop()

# what the PDF holds, on screen first: management picks a holder it may not know
lots, frequencies = shown.lots, shown.frequencies
m1, m2, m3 = st.columns(3)
m1.metric(L["statement_lots"].format(year=year), fmt.number(lots.height))
m2.metric(L["statement_compliant"], fmt.number(int(lots["compliant"].sum() or 0)))
m3.metric(L["statement_overdue"], fmt.number(int(frequencies["overdue"].sum() or 0)))
# the status's reason in the reader's language (issue 27: certificate_status's message key)
show_table(render_detail_columns(shown.certificates, {"reason": "reason"}),
           key="statement_certificates")
if frequencies.is_empty():
    st.caption(L["statement_no_frequencies"])
st.download_button(L["statement_pdf"],
                   lambda: queries.statement_pdf(ctx.viewer, holder_id, year),
                   file_name=f"statement_{holder_id}_{year}.pdf", mime="application/pdf",
                   on_click=audit, args=("download", f"statement_{holder_id}_{year}.pdf"))
