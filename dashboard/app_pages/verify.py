"""Verify a certificate: public, no login. The public register's line of a certificate
(scheme, holder, status and since when; sql/marts/public_register.sql), found by its
exact number or by a part of the holder's name (at least 3 characters, a few rows at
most: a check, not a way to list the register).

COPRO's execution-certification text names the certification body's website as the
place to verify a certificate's validity; Bouwbesluit 2012 art. 1.40 asks a public
register. This page reads nothing else and does not call require(): anyone may open it.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import queries
from dashboard.app_pages.common import show_table

st.title("Verify a certificate")
st.caption("Check whether a certificate is valid today, as the public register shows it.")


def _show(rows: pl.DataFrame) -> None:
    # st.dataframe shows text as text: an ingested name is never rendered as Markdown;
    # show_table puts the status in words
    show_table(rows.head(queries.VERIFY_MAX_ROWS))


today = date.today()  # the public register answers as of today, for everyone
by_number, by_name = st.tabs(["By certificate number", "By holder name"])
with by_number:
    wanted = st.query_params.get("certificate", "")
    number = st.text_input("Certificate number", value=wanted[:40], key="verify_number",
                           max_chars=40, placeholder="e.g. BRL9341-0001")
    if number.strip():
        rows = queries.verify_certificate(number, today)
        if rows.is_empty():
            st.info("No certificate with this number is in the public register.")
        else:
            _show(rows)
with by_name:
    name = st.text_input(f"Holder name (at least {queries.VERIFY_MIN_CHARS} characters)",
                         key="verify_holder", max_chars=80)
    if name.strip():
        if len(name.strip()) < queries.VERIFY_MIN_CHARS:
            st.info(f"Type at least {queries.VERIFY_MIN_CHARS} characters of the name.")
        else:
            rows = queries.verify_holder(name, today)
            if rows.is_empty():
                st.info("No holder with this name is in the public register.")
            else:
                _show(rows)
                if rows.height > queries.VERIFY_MAX_ROWS:
                    st.caption(f"Only the first {queries.VERIFY_MAX_ROWS} matches are shown; "
                               "type more of the name or use the certificate number.")
