"""Audit log: logins (also failed and throttled), logouts, forbidden pages, uploads, ingests,
refreshes, reports, report texts, exports, user changes: who, when, what, from where (admin
only; append-only and hash-chained, pipelines/audit.py). The chain is checked on every load
and the result shown first."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, glossary
from dashboard.app_pages.common import require, show_table, url_selectbox, url_text_input
from pipelines.audit import ACTIONS
from pipelines.i18n import _

ctx = require("audit-log")
st.title(_("Audit log"))
check = auth.audit_verification(ctx.viewer)
if check.ok:
    st.success(check.message, icon=":material/verified_user:")
else:
    st.error(_("The audit log was tampered with: {problem}").format(problem=check.message),
             icon=":material/gpp_bad:")
st.caption(_("Newest first. The log is append-only (the database refuses to change or "
             "remove a line) and each line carries the SHA-256 hash of the line before it, so "
             "a line changed, removed or inserted by other means shows above; `python -m "
             "pipelines audit verify` checks the same. Note the head hash elsewhere now and "
             "then: it anchors the log up to that line."))

c1, c2 = st.columns(2)
action = url_selectbox(_("Action"), ACTIONS, "action", key="audit_action", container=c1,
                       optional=True, placeholder=_("all"),
                       format_func=lambda a: glossary.value_label("action", a))
actor = url_text_input(_("User"), "user", key="audit_actor", container=c2,
                       placeholder=_("all"))
entries = auth.audit_entries(ctx.viewer, action=action, actor=actor.strip() or None)
show_table(entries, empty=_("No audit lines match."))
