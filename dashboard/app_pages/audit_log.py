"""Audit log: logins (also failed), uploads, exports, report downloads, user changes and
command-line ingests: who, when, what (admin only; append-only, pipelines/audit.py)."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, glossary
from dashboard.app_pages.common import require, show_table
from pipelines.audit import ACTIONS

ctx = require("audit-log")
st.title("Audit log")
st.caption("Newest first. The log is append-only: the database refuses to change or "
           "remove a line.")

c1, c2 = st.columns(2)
action = c1.selectbox("Action", ACTIONS, index=None, placeholder="all", key="audit_action",
                      format_func=lambda a: glossary.value_label("action", a))
actor = c2.text_input("User", key="audit_actor", max_chars=128, placeholder="all")
entries = auth.audit_entries(ctx.viewer, action=action, actor=actor.strip() or None)
show_table(entries, empty="No audit lines match.")
