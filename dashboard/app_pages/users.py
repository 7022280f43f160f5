"""Users: who may log in, with which role (admin only). Users are added on the command
line (python -m pipelines users add ...), where the password is typed, not here."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import auth
from dashboard.app_pages.common import require, show_table
from dashboard.text import plain
from pipelines.i18n import _

ctx = require("users")
st.title(_("Users"))
st.caption(_("Add users and set passwords on the command line: "
             "`python -m pipelines users add NAME --role ROLE [--holder HOLDER_ID ...]`, "
             "`users passwd NAME`. A disabled user is logged out at its next page load."))

table = auth.user_table(ctx.viewer)
show_table(table)

active = table.filter(pl.col("status") == "active")["username"].to_list()
others = [name for name in active if name != ctx.viewer.username]
with st.form("disable_user"):
    name = st.selectbox(_("Disable user"), others, index=None, placeholder=_("choose a user"),
                        key="disable_username")
    confirmed = st.checkbox(_("Yes, disable this user"), key="disable_confirm")
    submitted = st.form_submit_button(_("Disable"), key="disable_submit")
if submitted:
    if name is None or not confirmed:
        st.warning(_("Choose a user and tick the confirmation."))
    else:
        auth.disable_user(ctx.viewer, name)
        st.success(_("User {name} is disabled.").format(name=plain(name)))
        st.rerun()

# --- the login throttle (issue 24) ---------------------------------------------------------

st.subheader(_("Login throttle"))
st.caption(_("Login attempts are counted before the password is checked, per user name and "
             "per client address; after a few, each further attempt waits longer (at most "
             "30 s for a user name). Clear a counter to let that user name or address try at "
             "once."))
throttles = auth.throttle_table(ctx.viewer)
show_table(throttles.drop("key"))
with st.form("clear_throttle"):
    key = st.selectbox(_("Clear the counter of"), throttles["key"].to_list(), index=None,
                       placeholder=_("choose a user name or address"), key="throttle_key")
    cleared = st.form_submit_button(_("Clear"), key="throttle_clear")
if cleared:
    if key is None:
        st.warning(_("Choose a counter."))
    else:
        auth.clear_throttle(ctx.viewer, key)
        st.success(_("Counter {key} cleared.").format(key=plain(key)))
        st.rerun()
