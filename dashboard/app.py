"""The dashboard's frame: store bootstrap, login (dashboard/auth.py), sidebar (as-of date,
who is logged in) and navigation.

Run from the repository root: ``streamlit run dashboard/app.py``. The store is
``pipelines.config.settings().db_path`` (env CERT_DB overrides); a missing store is
built from the demo data on the first start. Without a login a visitor gets the login
page and the public "Verify a certificate" page only.

Pages live in dashboard/app_pages/ and only lay out what dashboard.queries returns.
A page is added by a file there and one PageSpec in dashboard/navigation.py.
"""

from __future__ import annotations

import contextlib
import sys
from datetime import date
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the repository root
# that holds the `dashboard` and `pipelines` packages.
REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import streamlit as st  # noqa: E402

from dashboard import (  # noqa: E402
    auth,
    db,
    navigation,  # noqa: E402
    queries,
)
from dashboard.app_pages.common import AS_OF_KEY, context, start_page  # noqa: E402
from dashboard.bootstrap import ensure_store  # noqa: E402
from dashboard.language import init_language, language_picker  # noqa: E402
from dashboard.navigation import PAGES_DIR, pages_for  # noqa: E402
from dashboard.text import plain  # noqa: E402
from dashboard.viewer import Viewer  # noqa: E402
from pipelines.i18n import N_, _, current_language, fmt  # noqa: E402


def navigation_pages(viewer: Viewer) -> dict[str, list[st.Page]]:
    """The sidebar sections and pages this viewer's role may open (dashboard/navigation.py),
    titled in this run's language."""
    sections: dict[str, list[st.Page]] = {}
    for number, spec in enumerate(pages_for(viewer)):
        sections.setdefault(_(spec.section_for(viewer)), []).append(
            st.Page(PAGES_DIR / spec.file, title=_(spec.title), icon=spec.icon,
                    url_path=spec.url_path, default=number == 0))
    return sections


# The date picker in the reader's notation (the URL keeps ISO dates): 07-12-2026 / 07/12/2026
DATE_INPUT_FORMAT = {"nl": "DD-MM-YYYY", "en": "DD/MM/YYYY"}
AS_OF_PARAM = "as_of"  # ?as_of=YYYY-MM-DD: a link reproduces the date with the view
AS_OF_SEEN = "_url_seen_as_of"


def as_of_picker(viewer: Viewer) -> None:
    """The as-of date of this session (issue 26 point 14, contract "as_of date"): the date
    picked here or given as ``?as_of=`` in the URL, else the store's ``settings.as_of``,
    else today. Only management and the College pick (Viewer.picks_as_of); for the other
    roles the URL's date is dropped unread and no picker is drawn, so pages answer as of
    the store's date (common.context())."""
    url = st.query_params.get(AS_OF_PARAM)
    if not viewer.picks_as_of:
        if url is not None:
            del st.query_params[AS_OF_PARAM]
        return
    default = queries.default_as_of()
    if url is not None and url != st.session_state.get(AS_OF_SEEN):
        # a link or an address typed: its date wins over the one this session had
        with contextlib.suppress(ValueError):
            st.session_state[AS_OF_KEY] = date.fromisoformat(url)
    st.session_state.setdefault(AS_OF_KEY, default)
    picked = st.sidebar.date_input(
        _("As of"), key=AS_OF_KEY, format=DATE_INPUT_FORMAT[current_language()],
        min_value=date(2000, 1, 1), max_value=date(2099, 12, 31),
        help=_("Every figure on every page is computed as it stood on this date. Empty: "
               "the store's date (today unless the store fixes one)."),
    )
    # the URL names the date only when it is not the default (a plain link stays plain)
    if picked is not None and picked != default:
        st.query_params[AS_OF_PARAM] = picked.isoformat()
    elif AS_OF_PARAM in st.query_params:
        del st.query_params[AS_OF_PARAM]
    st.session_state[AS_OF_SEEN] = st.query_params.get(AS_OF_PARAM)


def as_of_note() -> None:
    """At the top of every page: the date the figures answer for, when it is not today."""
    as_of = context().as_of
    if as_of != date.today():
        st.caption(_(":material/history: **Figures as of {day}**, not today: every status, "
                     "count and amount on this page is as it stood on that date.")
                   .format(day=fmt.date(as_of)))


def anonymous_pages() -> list[st.Page]:
    """Without a login: the login page and the public pages (Verify a certificate, Public
    register), nothing else."""
    public = [navigation.spec(url_path) for url_path in ("verify", "register")]
    return [
        st.Page(auth.login_page, title=_("Log in"), icon=":material/login:", url_path="login",
                default=True),
        *(st.Page(PAGES_DIR / page.file, title=_(page.title), icon=page.icon,
                  url_path=page.url_path) for page in public),
    ]


def audit_refused_url(viewer: Viewer | None) -> None:
    """A URL naming a page this viewer may not open is an audited attempt (issue 24)."""
    try:
        url = st.context.url
    except Exception:  # no browser context (bare mode, AppTest)
        return
    refused = navigation.refused_url_path(viewer, url)
    if not refused or (viewer is None and st.session_state.get(auth.NOTICE_KEY)):
        return  # (just logged out or expired: the URL is still the page they were on)
    # once per session and page: the browser keeps the URL over the reruns that follow
    seen = st.session_state.setdefault("refused_urls", set())
    if refused not in seen:
        seen.add(refused)
        role = viewer.role if viewer is not None else "not logged in"
        auth.audit("page_forbidden", f"{refused} ({role}, by URL)")


# Roles that may see where the store lives on disk (no path disclosure to the others).
STORE_PATH_ROLES = frozenset({"management", "admin"})
PAGE_TITLE = N_("Certification monitor")


def main() -> None:
    # the language first: everything below is translated (URL > session > CERT_LANG > nl;
    # a login puts the account's saved choice in the session, auth._start)
    init_language()
    st.set_page_config(page_title=_(PAGE_TITLE), page_icon=":material/verified:",
                       layout="wide")
    viewer = None
    try:
        ensure_store()
        viewer = auth.current_viewer()
        if viewer is None:
            language_picker()  # no account to keep it for: the URL keeps it
            page = st.navigation(anonymous_pages())
            audit_refused_url(viewer)
            page.run()
            return
        logged_in = viewer
        language_picker(on_change=lambda lang: auth.save_language(logged_in, lang))
        as_of_picker(viewer)
        auth.sidebar(viewer)
        page = st.navigation(navigation_pages(viewer))
        audit_refused_url(viewer)
        start_page(page.url_path)
        as_of_note()
        page.run()
    except db.StoreBusy:
        st.warning(_("The store is busy (an ingest is running?); try again in a moment."))
    except FileNotFoundError:
        st.error(_("The store is not available."))
    if viewer is not None and viewer.role in STORE_PATH_ROLES:
        st.sidebar.caption(_("Store: {path}").format(path=plain(str(db.store_path()))))


main()
