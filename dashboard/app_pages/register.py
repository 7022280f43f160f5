"""Public register: the one deliberate place where the register's full list is shown
(issue 24). Bouwbesluit 2012 art. 1.39 lid 2 and art. 1.40 lid 1: a public register of the
schemes and of the data the certification body supplies on its certificate holders. Shown:
scheme, holder and certificate number of every certificate in force today (view
public_register_list), nothing more: status details, reasons and sanctions are answered
one certificate at a time on Verify a certificate. Public, no login, no require().
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.app_pages.common import show_table
from dashboard.queries import register as queries
from pipelines.i18n import _

st.title(_("Public register"))
st.caption(_("Every certificate in force today: the scheme, the holder and the certificate "
             "number (Bouwbesluit 2012 art. 1.40). To see a certificate's status and since "
             "when, use Verify a certificate."))
show_table(queries.register_list(date.today()), key="register_list",
           empty=_("No certificate is in force today."))
