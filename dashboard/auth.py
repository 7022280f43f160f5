"""The login: who the session's viewer is, the login page, log out, session expiry.

- A password login checks the user entry in ``<store>.auth.sqlite`` (pipelines/users.py):
  argon2 hash, failed attempts slowed down per user name and per client address.
- OpenID Connect through ``st.login`` when ``[auth]`` is set in .streamlit/secrets.toml:
  the identity's e-mail maps to a user entry (``users add NAME --email ...``), which
  gives the role. An identity without a user entry gets no access.
- Every rerun reloads the user entry: a disabled user is out at the next rerun. A session
  idle longer than ``settings().session_idle_minutes`` ends.
- ``audit(action, detail)`` appends to the audit log as the session's user; pages call it
  for uploads, exports and report downloads.

Only server code can put a Viewer in ``st.session_state`` (a browser sets widget values,
never Python objects), so a Viewer placed there without a login (tests) is honoured.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard import db, queries
from dashboard.text import plain
from dashboard.viewer import Viewer, producer, staff
from pipelines import audit as audit_log
from pipelines import users
from pipelines.config import settings

VIEWER_KEY = "viewer"  # as dashboard/app_pages/common.py
AUTH_KEY = "auth"  # {"username", "method", "last_seen"} of a logged-in session
NOTICE_KEY = "auth_notice"  # why the session ended (shown on the login page)


def store() -> Path:
    return db.store_path()


def client_address() -> str:
    """The client's address as Streamlit sees it (behind a proxy: the proxy's)."""
    try:
        address = st.context.ip_address
    except Exception:  # no browser context (bare mode)
        return "-"
    return address if isinstance(address, str) and address else "-"  # AppTest: a mock


def audit(action: str, detail: str = "") -> None:
    """Append an audit line as the session's user (uploads, exports, downloads, ...)."""
    viewer = st.session_state.get(VIEWER_KEY)
    actor = (viewer.username or viewer.name) if isinstance(viewer, Viewer) else "anonymous"
    audit_log.record(store(), actor, action, detail, client_address())


def viewer_for(user: users.User) -> Viewer:
    """The viewer of a user entry: a producer's certificates are those of its holders,
    looked up in the store by holder_id."""
    if user.role != "producer":
        return staff(user.role, user.username, username=user.username)  # type: ignore[arg-type]
    certs = queries.producer_certificates(user.holder_ids,
                                          st.session_state.get("as_of") or date.today())
    # The name is the user name (set by the admin), not an ingested holder name: pages
    # put viewer.name in captions.
    return producer(user.username, certs["certificate_number"].to_list(),
                    holder_ids=user.holder_ids, username=user.username)


# --- the session ------------------------------------------------------------------------


def _start(user: users.User, method: str) -> Viewer:
    viewer = viewer_for(user)
    st.session_state[AUTH_KEY] = {"username": user.username, "method": method,
                                  "last_seen": time.time()}
    st.session_state[VIEWER_KEY] = viewer
    st.session_state.pop(NOTICE_KEY, None)
    return viewer


def end_session(notice: str | None = None) -> None:
    """Forget the session's user (and its viewer); ``notice`` shows on the login page."""
    st.session_state.pop(AUTH_KEY, None)
    st.session_state.pop(VIEWER_KEY, None)
    if notice:
        st.session_state[NOTICE_KEY] = notice


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml
        return False


def _oidc_logged_in() -> bool:
    try:
        return oidc_configured() and bool(st.user.is_logged_in)
    except Exception:
        return False


def current_viewer() -> Viewer | None:
    """The session's viewer, or None (anonymous: the login and Verify pages only)."""
    auth = st.session_state.get(AUTH_KEY)
    if auth is not None:
        idle_s = settings().session_idle_minutes * 60
        if time.time() - auth["last_seen"] > idle_s:
            audit_log.record(store(), auth["username"], "session_expired",
                             f"idle over {settings().session_idle_minutes:g} min",
                             client_address())
            _oidc_logout()
            end_session("Your session expired after a period of inactivity. Log in again.")
            return None
        user = users.get_user(store(), auth["username"])
        if user is None or user.disabled:
            _oidc_logout()
            end_session("Your account is disabled.")
            return None
        viewer = viewer_for(user)  # role or holders changed: the next rerun shows it
        auth["last_seen"] = time.time()
        st.session_state[VIEWER_KEY] = viewer
        return viewer
    if _oidc_logged_in():
        email = st.user.get("email")
        user = users.user_by_email(store(), str(email)) if email else None
        if user is None or user.disabled:
            audit_log.record(store(), str(email or "-"), "login_failed",
                             "OpenID Connect identity without an active user", client_address())
            end_session("This identity has no active user here. Ask the administrator.")
            _oidc_logout()
            return None
        audit_log.record(store(), user.username, "login", "OpenID Connect", client_address())
        return _start(user, "oidc")
    injected = st.session_state.get(VIEWER_KEY)
    return injected if isinstance(injected, Viewer) else None


def _oidc_logout() -> None:
    try:
        if oidc_configured() and st.user.is_logged_in:
            st.logout()
    except Exception:
        pass


def log_out() -> None:
    auth = st.session_state.get(AUTH_KEY)
    if auth is not None:
        audit_log.record(store(), auth["username"], "logout", "", client_address())
    method = (auth or {}).get("method")
    end_session("You are logged out.")
    if method == "oidc":
        _oidc_logout()


def sidebar(viewer: Viewer) -> None:
    """Who is logged in, and the log-out button."""
    st.sidebar.caption(f"Logged in as **{plain(viewer.username or viewer.name)}** "
                       f"({plain(viewer.role)})")
    if viewer.is_producer:
        st.sidebar.caption("Certificates: " + plain(", ".join(viewer.certificate_numbers
                                                               or ())))
    if st.sidebar.button("Log out", key="logout", icon=":material/logout:"):
        log_out()
        st.rerun()


# --- the login page -------------------------------------------------------------------


def login_page() -> None:
    st.title("Log in")
    notice = st.session_state.get(NOTICE_KEY)
    if notice:
        st.info(notice)
    if users.is_demo_store(store()):
        st.warning(
            "This is a **demo store** with made-up data. Its demo accounts, one per role, "
            "are listed in the README (section *Access control*).",
            icon=":material/science:")
    with st.form("login", clear_on_submit=False, enter_to_submit=True):
        username = st.text_input("User name", key="login_username", max_chars=128,
                                 autocomplete="username")
        password = st.text_input("Password", key="login_password", type="password",
                                 max_chars=256, autocomplete="current-password")
        submitted = st.form_submit_button("Log in", key="login_submit", type="primary")
    if submitted:
        result = users.authenticate(store(), username, password, client_address())
        if result.user is None:
            st.error(result.message)
        else:
            _start(result.user, "password")
            st.rerun()
    if oidc_configured():
        _oidc_buttons()
    st.caption("Anyone can check a certificate on the page **Verify a certificate**.")


def _oidc_buttons() -> None:
    section = st.secrets["auth"]
    providers = [name for name, value in section.items() if isinstance(value, Mapping)]
    if "client_id" in section or not providers:
        if st.button("Log in with your organisation's account", key="oidc_login"):
            st.login()
        return
    for name in providers:
        if st.button(f"Log in with {plain(name)}", key=f"oidc_login_{name}"):
            st.login(name)


# --- administration (the admin role's pages) -----------------------------------------


class NotAllowed(PermissionError):
    """A read or change the viewer's role may not make (checked here, not by the page)."""


def _admin_only(viewer: Viewer) -> None:
    if viewer.role != "admin":
        raise NotAllowed("only the admin role manages users and reads the audit log")


def user_table(viewer: Viewer) -> pl.DataFrame:
    """Every user entry, without password hashes: admin only."""
    _admin_only(viewer)
    rows = [{"username": u.username, "role": u.role, "holder_ids": ", ".join(u.holder_ids),
             "email": u.email or "", "status": "disabled" if u.disabled else "active",
             "demo": u.is_demo} for u in users.list_users(store())]
    schema = {"username": pl.String, "role": pl.String, "holder_ids": pl.String,
              "email": pl.String, "status": pl.String, "demo": pl.Boolean}
    return pl.DataFrame(rows, schema=schema)


def disable_user(viewer: Viewer, username: str) -> None:
    """Disable a user (out at its next rerun): admin only, audited as the admin."""
    _admin_only(viewer)
    if username == viewer.username:
        raise users.UserError("you cannot disable your own account here")
    users.disable_user(store(), username, actor=viewer.username or viewer.name)


def audit_entries(viewer: Viewer, action: str | None = None, actor: str | None = None,
                  limit: int = 5000) -> pl.DataFrame:
    """The audit log, newest first: admin only. ``at`` as a UTC datetime (SQLite keeps
    ISO text), so the table shows it as every other time."""
    _admin_only(viewer)
    lines = audit_log.entries(store(), limit=limit, action=action, actor=actor)
    return lines.with_columns(pl.col("at").str.to_datetime("%Y-%m-%dT%H:%M:%S%.fZ",
                                                           time_zone="UTC", strict=False))


def audit_verification(viewer: Viewer) -> audit_log.Verification:
    """The audit log's hash chain checked from its first line (issue 24): admin only."""
    _admin_only(viewer)
    return audit_log.verify(store())
