"""The reader's language in the dashboard (issue 27 point 1), on pipelines.i18n.

Order: ``?lang=`` in the URL (a shared link) > the choice made in this session > the
user's saved choice (passed in by the caller; stored with the account) > ``CERT_LANG`` >
Dutch. ``init_language()`` runs at the top of every script run (dashboard/app.py), before
anything is translated; ``language_picker()`` draws the choice in the sidebar. A login puts
the account's saved choice in the session (dashboard/auth.py ``_start``).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pipelines.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    _,
    current_language,
    normalize,
    set_session_provider,
)
from pipelines.i18n.ui import LANGUAGE_HELP, LANGUAGE_LABEL

LANG_KEY = "lang"  # the URL parameter and the st.session_state key of the choice
PICKER_KEY = "lang_picker"  # the widget's key


def _session_choice() -> str | None:
    value = st.session_state.get(LANG_KEY)
    return normalize(value) if isinstance(value, str) else None


def init_language(saved: str | None = None) -> str:
    """Takes the language from the URL, the session or ``saved``; registers the session as
    the source of pipelines.i18n's language; returns the language of this run."""
    set_session_provider(_session_choice)
    from_url = st.query_params.get(LANG_KEY)
    if from_url and normalize(from_url):
        st.session_state[LANG_KEY] = normalize(from_url)
    elif LANG_KEY not in st.session_state and saved and normalize(saved):
        st.session_state[LANG_KEY] = normalize(saved)
    language = current_language()
    if LANG_KEY in st.session_state:
        # a chosen language stays in the URL across page switches (which clear it), so a
        # copied link opens in the same language
        st.query_params[LANG_KEY] = language
    return language


def language_picker(on_change: Callable[[str], None] | None = None) -> str:
    """The choice in the sidebar; ``on_change(lang)`` saves it for the user (the caller
    knows the account)."""

    def chosen() -> None:
        language = st.session_state[PICKER_KEY]
        st.session_state[LANG_KEY] = language
        st.query_params[LANG_KEY] = language
        if on_change is not None:
            on_change(language)

    current = current_language()
    st.sidebar.selectbox(_(LANGUAGE_LABEL), LANGUAGES, index=LANGUAGES.index(current),
                         format_func=LANGUAGE_NAMES.__getitem__, key=PICKER_KEY,
                         help=_(LANGUAGE_HELP), on_change=chosen)
    return current_language()
