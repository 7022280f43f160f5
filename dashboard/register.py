"""The public register's rate limit (issue 24): lookups per client address, counted in the
store's auth file (pipelines/ratelimit.py) so that new sessions or tabs do not reset it.
The same question asked again in a session (every Streamlit rerun asks it again) is not a
new lookup."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, db
from pipelines import ratelimit
from pipelines.config import settings

ASKED_KEY = "register_asked"  # {"number" | "name": the last question answered}


def lookup_wait(kind: str, question: str) -> float:
    """0 when the session may have ``question`` answered now (counted against its client
    address unless it is the same question as last time), else the seconds to wait."""
    asked = st.session_state.setdefault(ASKED_KEY, {})
    if asked.get(kind) == question:
        return 0.0
    cfg = settings()
    wait = ratelimit.take(db.store_path(), f"register:{auth.client_address()}",
                          cfg.register_lookups, cfg.register_window_s)
    if wait == 0:
        asked[kind] = question
    return wait
