"""The login: who the session's viewer is, the login page, log out, session expiry.

- A password login checks the user entry in ``<store>.auth.sqlite`` (pipelines/users.py):
  argon2 hash; attempts counted before the check, per user name and per client address.
- The client address is the TCP peer, or, when the peer is a trusted proxy
  (CERT_TRUSTED_PROXIES), the right-most address of X-Forwarded-For that is not a trusted
  proxy. No address known: a key of this browser session, never one shared counter.
- OpenID Connect through ``st.login`` when ``[auth]`` is set in .streamlit/secrets.toml:
  the identity's e-mail maps to a user entry (``users add NAME --email ...``), which
  gives the role. An identity without a user entry gets no access.
- A login opens a server-side session (pipelines/users.py ``open_session``): a new random
  token, kept in this Streamlit session's memory, never sent to the browser; its hash is in
  the auth file with the times that bound it (idle, absolute lifetime). Logging out ends it
  there. The login is bound to the browser connection it was made on: Streamlit's own
  session id (which shows in its upload URLs and lets a client resume a session) does not
  carry a login to another connection (docs/security.md, "Sessions").
- Every rerun reloads the user entry: a disabled user is out at the next rerun.
- ``audit(action, detail)`` appends to the audit log as the session's user; pages call it
  for uploads, exports and report downloads.

Only server code can put a Viewer in ``st.session_state`` (a browser sets widget values,
never Python objects), so a Viewer placed there without a login (tests) is honoured.
"""

from __future__ import annotations

import gc
import ipaddress
import secrets
import threading
import weakref
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from unittest.mock import Mock

import polars as pl
import streamlit as st

from dashboard import db, queries
from dashboard.text import plain
from dashboard.viewer import Viewer, producer, staff
from pipelines import audit as audit_log
from pipelines import users
from pipelines.config import settings
from pipelines.i18n import N_, _, ngettext

VIEWER_KEY = "viewer"  # as dashboard/app_pages/common.py
AUTH_KEY = "auth"  # {"username", "method", "token", "connection"} of a logged-in session
NOTICE_KEY = "auth_notice"  # why the session ended (shown on the login page)
CLIENT_KEY = "auth_client_key"  # this browser session's own key when no address is known
LANG_KEY = "lang"  # dashboard/language.py LANG_KEY (imported there from streamlit's side)


# The roles in words (the sidebar's "Logged in as"); the codes stay in the data.
ROLE_NAMES: dict[str, str] = {
    "management": N_("management"),
    "finance": N_("finance"),
    "college": N_("College of Experts"),
    "producer": N_("producer"),
    "admin": N_("administrator"),
}


def store() -> Path:
    return db.store_path()


# --- the client address ---------------------------------------------------------------


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address as a proxy writes it: bare, ``[v6]:port`` or ``v4:port``; else None."""
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:
        text = text[1:text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:1.2.3.4 is 1.2.3.4
    return mapped or address


def resolve_client(peer: str | None, forwarded_for: Iterable[str],
                   trusted_proxies: Iterable[str]) -> str | None:
    """The client's address, or None when it is not known.

    The TCP peer, unless it is a trusted proxy: then X-Forwarded-For (every such header, in
    order) read from the right, skipping trusted proxies; the first other address is the
    client. What a client writes in the header itself is left of that and never believed.
    An unreadable entry, or a chain of trusted proxies only, gives None.
    """
    networks = []
    for entry in trusted_proxies:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue  # a typo in the setting trusts nothing rather than everything

    def trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address.version == n.version and address in n for n in networks)

    address = _ip(peer or "")
    if address is None:
        return None
    if not trusted(address):
        return str(address)
    hops = [hop for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _ip(hop)
        if address is None:
            return None
        if not trusted(address):
            return str(address)
    return None


def _connection() -> object | None:
    """This session's browser connection (Streamlit's session client), or None (AppTest)."""
    try:
        from streamlit.runtime import get_instance
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        client = get_instance().get_client(ctx.session_id) if ctx is not None else None
    except Exception:  # no runtime (bare mode)
        return None
    # AppTest runs the script against a mocked runtime: no connection there.
    return None if isinstance(client, Mock) else client


_header_owned = threading.Lock()
_HEADER_OWNED: list[bool] = []  # set once per process by _own_the_forwarded_header
# Connections made before that: uvicorn may have rewritten their peer from the header.
_CONNECTED_BEFORE: weakref.WeakSet[object] = weakref.WeakSet()


def _own_the_forwarded_header() -> None:
    """Make CERT_TRUSTED_PROXIES the only rule for X-Forwarded-For.

    Streamlit serves through uvicorn, whose proxy-headers middleware by default replaces
    the peer by the header's address for connections from 127.0.0.1 and ::1
    (FORWARDED_ALLOW_IPS); Streamlit has no setting for it. Every such middleware of this
    process is told to trust no host, once, so the peer we read is the TCP peer.
    """
    if _HEADER_OWNED:
        return
    with _header_owned:
        if _HEADER_OWNED:
            return
        try:
            from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
        except ImportError:  # another server: no rewriting to undo
            _HEADER_OWNED.append(True)
            return
        for obj in gc.get_objects():
            if isinstance(obj, ProxyHeadersMiddleware):
                obj.trusted_hosts = ()  # type: ignore[assignment]  # `in ()`: never
        try:
            from streamlit.runtime import get_instance

            for info in get_instance()._session_mgr.list_active_sessions():
                _CONNECTED_BEFORE.add(info.client)
        except Exception:  # no runtime (AppTest)
            pass
        _HEADER_OWNED.append(True)


def _socket_peer(client: object) -> str | None:
    """The address at the other end of the connection's socket, as uvicorn's protocol
    object got it from the transport before any middleware (None where not reachable)."""
    websocket = getattr(client, "_websocket", None)
    protocol = getattr(getattr(websocket, "_receive", None), "__self__", None)
    transport = getattr(protocol, "transport", None)
    try:
        peername = transport.get_extra_info("peername") if transport is not None else None
    except Exception:
        return None
    if isinstance(peername, tuple) and peername and isinstance(peername[0], str):
        return peername[0]
    return None


def _peer_and_forwarded() -> tuple[str | None, list[str]]:
    # The raw TCP peer: st.context.ip_address hides 127.0.0.1, where a proxy usually is.
    _own_the_forwarded_header()
    client = _connection()
    try:
        forwarded = list(st.context.headers.get_all("X-Forwarded-For"))
    except Exception:  # no browser context
        forwarded = []
    peer = _socket_peer(client)
    if peer is None:
        context = getattr(client, "client_context", None)
        peer = getattr(context, "remote_ip", None)
        if forwarded and client is not None and client in _CONNECTED_BEFORE:
            return None, []  # uvicorn may have put the header's address there: not known
    return (peer if isinstance(peer, str) else None), forwarded


def client_address() -> str:
    """The client's address (see ``resolve_client``), else ``session:<random>``: a key of
    this browser session, so unknown clients never share one throttle counter."""
    peer, forwarded = _peer_and_forwarded()
    address = resolve_client(peer, forwarded, settings().trusted_proxies)
    if address:
        return address
    if CLIENT_KEY not in st.session_state:
        st.session_state[CLIENT_KEY] = f"session:{secrets.token_hex(8)}"
    return st.session_state[CLIENT_KEY]


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


def _fresh_state() -> None:
    """Empty this Streamlit session's state, keeping only its client key: nothing set
    before a login (or by the user before a logout) carries over."""
    client_key = st.session_state.get(CLIENT_KEY)
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if client_key:
        st.session_state[CLIENT_KEY] = client_key


def _start(user: users.User, method: str) -> Viewer:
    """A new session: a new token at every login (the old one, if any, ends first)."""
    end_session()
    _fresh_state()
    token = users.open_session(store(), user.username, method, client_address())
    connection = _connection()
    st.session_state[AUTH_KEY] = {
        "username": user.username, "method": method, "token": token,
        # A weak reference: the login holds on this connection only (see module doc).
        "connection": weakref.ref(connection) if connection is not None else None}
    if user.lang:
        # the language saved with the account (dashboard/language.py: a ?lang= in the URL
        # still wins)
        st.session_state[LANG_KEY] = user.lang
    viewer = viewer_for(user)
    st.session_state[VIEWER_KEY] = viewer
    return viewer


def save_language(viewer: Viewer, lang: str) -> None:
    """The language picker's choice, kept with the user's account for the next login."""
    if viewer.username:
        users.set_language(store(), viewer.username, lang)


def end_session(notice: str | None = None, reason: str = "ended") -> None:
    """End the session on the server and forget everything of it in this browser session;
    ``notice`` (an N_-marked English message) shows on the login page, translated there.
    The language chosen stays: the login page after a log-out reads as the pages did."""
    lang = st.session_state.get(LANG_KEY)
    auth = st.session_state.get(AUTH_KEY)
    if auth is not None and auth.get("token"):
        users.end_session(store(), auth["token"], reason)
    _fresh_state()
    if lang:
        st.session_state[LANG_KEY] = lang
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
        bound = auth.get("connection")
        if bound is not None and bound() is not _connection():
            # Resumed on another connection (a reconnect, or someone who learnt Streamlit's
            # session id): the login stays with the connection that made it.
            audit_log.record(store(), auth["username"], "session_end",
                             "the browser connection changed", client_address())
            end_session(N_("The connection was interrupted. Log in again."),
                        "connection changed")
            return None
        username, why = users.touch_session(store(), auth.get("token") or "")
        if username is None:
            if why in ("idle", "lifetime"):
                cfg = settings()
                audit_log.record(store(), auth["username"], "session_expired",
                                 f"idle over {cfg.session_idle_minutes:g} min" if why == "idle"
                                 else f"older than {cfg.session_max_hours:g} h",
                                 client_address())
            _oidc_logout()
            end_session(N_("Your account is disabled.") if why == "user disabled" else
                        N_("Your session expired after a period of inactivity. Log in again.")
                        if why == "idle" else
                        N_("Your session reached its maximum length. Log in again.")
                        if why == "lifetime" else N_("Your session has ended. Log in again."))
            return None
        user = users.get_user(store(), username)
        if user is None or user.disabled:
            _oidc_logout()
            end_session(N_("Your account is disabled."), "user disabled")
            return None
        viewer = viewer_for(user)  # role or holders changed: the next rerun shows it
        st.session_state[VIEWER_KEY] = viewer
        return viewer
    if _oidc_logged_in():
        email = st.user.get("email")
        user = users.user_by_email(store(), str(email)) if email else None
        if user is None or user.disabled:
            audit_log.record(store(), str(email or "-"), "login_failed",
                             "OpenID Connect identity without an active user", client_address())
            end_session(N_("This identity has no active user here. Ask the administrator."))
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
    """End the session on the server (its token no longer works) and in this browser."""
    auth = st.session_state.get(AUTH_KEY)
    if auth is not None:
        audit_log.record(store(), auth["username"], "logout", "", client_address())
    method = (auth or {}).get("method")
    end_session(N_("You are logged out."), "logout")
    if method == "oidc":
        _oidc_logout()


def sidebar(viewer: Viewer) -> None:
    """Who is logged in, and the log-out button."""
    st.sidebar.caption(_("Logged in as **{name}** ({role})").format(
        name=plain(viewer.username or viewer.name), role=_(ROLE_NAMES.get(viewer.role,
                                                                            viewer.role))))
    if viewer.is_producer:
        st.sidebar.caption(_("Certificates: {numbers}").format(
            numbers=plain(", ".join(viewer.certificate_numbers or ()))))
    if st.sidebar.button(_("Log out"), key="logout", icon=":material/logout:"):
        log_out()
        st.rerun()


# --- the login page -------------------------------------------------------------------


def login_page() -> None:
    st.title(_("Log in"))
    notice = st.session_state.get(NOTICE_KEY)
    if notice:
        st.info(_(notice))
    if users.is_demo_store(store()):
        st.warning(
            _("This is a **demo store** with made-up data. Its demo accounts, one per role, "
              "are listed in the README (section *Access control*)."),
            icon=":material/science:")
    with st.form("login", clear_on_submit=False, enter_to_submit=True):
        username = st.text_input(_("User name"), key="login_username", max_chars=128,
                                 autocomplete="username")
        password = st.text_input(_("Password"), key="login_password", type="password",
                                 max_chars=256, autocomplete="current-password")
        submitted = st.form_submit_button(_("Log in"), key="login_submit", type="primary")
    if submitted:
        result = users.authenticate(store(), username, password, client_address())
        if result.user is None and not result.checked:
            st.error(ngettext("Too many failed attempts. Try again in {n} second.",
                              "Too many failed attempts. Try again in {n} seconds.",
                              result.wait_s).format(n=result.wait_s))
        elif result.user is None:
            st.error(_("Wrong user name or password."))
        else:
            _start(result.user, "password")
            st.rerun()
    if oidc_configured():
        _oidc_buttons()
    st.caption(_("Anyone can check a certificate on the page **Verify a certificate**."))


def _oidc_buttons() -> None:
    section = st.secrets["auth"]
    providers = [name for name, value in section.items() if isinstance(value, Mapping)]
    if "client_id" in section or not providers:
        if st.button(_("Log in with your organisation's account"), key="oidc_login"):
            st.login()
        return
    for name in providers:
        if st.button(_("Log in with {provider}").format(provider=plain(name)),
                     key=f"oidc_login_{name}"):
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


def throttle_table(viewer: Viewer) -> pl.DataFrame:
    """The login throttle's counters still in their window: admin only. ``wait_s``: how
    long that user name or address must still wait before its next password check."""
    _admin_only(viewer)
    rows = [{"key": t.key, "throttle_kind": t.kind, "throttle_subject": t.subject,
             "attempts": t.attempts,
             "refused": t.refused, "last_attempt_at": t.last_attempt_at,
             "wait_s": round(t.wait_s, 1)} for t in users.throttles(store())]
    schema = {"key": pl.String, "throttle_kind": pl.String, "throttle_subject": pl.String,
              "attempts": pl.Int64, "refused": pl.Int64, "last_attempt_at": pl.Float64,
              "wait_s": pl.Float64}
    table = pl.DataFrame(rows, schema=schema)
    return table.with_columns(pl.from_epoch(pl.col("last_attempt_at"), time_unit="s")
                              .dt.replace_time_zone("UTC"))


def clear_throttle(viewer: Viewer, key: str) -> bool:
    """Forget one throttle counter (a user name or address may try at once): admin only,
    audited as the admin."""
    _admin_only(viewer)
    return users.clear_throttle(store(), key, actor=viewer.username or viewer.name)


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
