"""Verify a certificate: public, no login. Exact questions only (issue 24): a certificate
number (typed, or the ``?certificate=`` of the QR link on a certificate) gives that
certificate's line of the public register (scheme, holder, status and since when;
sql/marts/public_register.sql); a holder's WHOLE name (case and spaces aside) gives that
holder's certificates. No part of a number or name, no listing; lookups are limited per
client address (dashboard/register.py). The full list of certificates in force is the
separate page Public register (Bbl art. 1.40).

COPRO's execution-certification text names the certification body's website as the
place to verify a certificate's validity. This page reads nothing else and does not call
require(): anyone may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl
import streamlit as st

from dashboard.app_pages.common import show_table
from dashboard.queries import register as queries
from dashboard.register import lookup_wait
from pipelines.i18n import _, ngettext

st.title(_("Verify a certificate"))
st.caption(_("Check whether a certificate is valid today, as the public register shows it: "
             "by its exact number (as printed on the certificate, or through its QR code), "
             "or by the holder's full name. The list of all certificates in force is on the "
             "page Public register."))

today = date.today()  # the public register answers as of today, for everyone


def answer(kind: str, question: str, rows: Callable[[], pl.DataFrame], none: str) -> None:
    wait = lookup_wait(kind, question)
    if wait > 0:
        seconds = round(wait)
        st.warning(ngettext("Too many lookups from your address. Try again in {n} second.",
                            "Too many lookups from your address. Try again in {n} seconds.",
                            seconds).format(n=seconds))
        return
    found = rows()
    if found.is_empty():
        st.info(none)
        return
    # st.dataframe shows text as text (an ingested name is never Markdown); show_table puts
    # the status in words
    show_table(found.head(queries.VERIFY_MAX_ROWS))
    if found.height > queries.VERIFY_MAX_ROWS:
        st.caption(_("Only the first {n} certificates are shown; ask by certificate number "
                     "for the others.").format(n=queries.VERIFY_MAX_ROWS))


by_number, by_name = st.tabs([_("By certificate number"), _("By holder name")])
with by_number:
    wanted = st.query_params.get("certificate", "")
    number = st.text_input(_("Certificate number"), value=wanted[:40], key="verify_number",
                           max_chars=40, placeholder=_("e.g. {example}").format(
                               example="BRL9341-0001"))
    if number.strip():
        answer("number", number.strip().upper(),
               lambda: queries.verify_certificate(number, today),
               _("No certificate with this number is in the public register. Type the whole "
                 "number as printed on the certificate."))
with by_name:
    name = st.text_input(_("Holder's full name"), key="verify_holder", max_chars=120,
                         help=_("The whole name as on the certificate; upper or lower case "
                                "and extra spaces do not matter. Part of a name finds "
                                "nothing."))
    if name.strip():
        answer("name", " ".join(name.split()).lower(),
               lambda: queries.verify_holder(name, today),
               _("No holder with exactly this name is in the public register. Type the whole "
                 "name as on the certificate, or use the certificate number."))
