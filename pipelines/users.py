"""Dashboard users: roles, argon2 password hashes, failed-login slow-down, demo accounts.

Users live in the store's auth file ``<store>.auth.sqlite`` (pipelines/authfile.py says
why not in the DuckDB store). Producers belong to holders by ``holder_id``, never by
name; the certificates they see are looked up from the store at login.
Command line: ``python -m pipelines users add|passwd|disable|list`` (docs/contract.md).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pipelines import audit
from pipelines.authfile import connect
from pipelines.config import settings
from pipelines.i18n.cli import _
from pipelines.i18n.language import LANGUAGES, normalize

ROLES = ("management", "finance", "college", "producer", "admin")
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MIN_PASSWORD = 12  # OWASP ASVS 2.1.1 (docs/security.md); the demo's own are shorter

# argon2id with the RFC 9106 "second recommended" (low-memory) parameters, written out so
# a library upgrade cannot change them unseen (docs/security.md, "Secrets"). A stored hash
# made with other parameters is re-made at the next successful login.
ARGON2 = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4, "hash_len": 32,
          "salt_len": 16}
_hasher = PasswordHasher(**ARGON2, type=Type.ID)
# Verified when the user does not exist, so an unknown name takes as long as a wrong
# password (no user enumeration by timing).
_DUMMY_HASH = _hasher.hash("no such user, no such password")

# One account per role on the demo store; the README lists them. The producer belongs
# to the first demo holder with BRL 9341 lots (see demo_holder).
DEMO_PASSWORDS = {
    "management": "demo-management",
    "finance": "demo-finance",
    "college": "demo-college",
    "producer": "demo-producer",
    "admin": "demo-admin",
}


class UserError(ValueError):
    """Wrong usage: a one-line reason for the person at the keyboard."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    holder_ids: tuple[str, ...]
    email: str | None
    disabled: bool
    is_demo: bool
    lang: str | None = None  # the dashboard language chosen (issue 27); None: not chosen


def _user(row: tuple) -> User:
    username, role, holders, email, disabled_at, is_demo, lang = row
    return User(username=username, role=role, holder_ids=tuple(json.loads(holders)),
                email=email, disabled=disabled_at is not None, is_demo=bool(is_demo),
                lang=lang)


_COLUMNS = "username, role, holder_ids, email, disabled_at, is_demo, lang"


# --- checks -----------------------------------------------------------------------------


def check_username(name: str) -> str:
    if not USERNAME.fullmatch(name or ""):
        raise UserError(_("user name {name}: use 1-64 letters, digits, '.', '_', '@' or '-', "
                          "starting with a letter or digit").format(name=repr(name)))
    return name


def check_password(password: str, is_demo: bool = False) -> str:
    if not is_demo and password in DEMO_PASSWORDS.values():
        raise UserError(_("that is a demo password, published in the README: choose another"))
    if len(password) < MIN_PASSWORD and not is_demo:
        raise UserError(_("password too short: at least {n} characters").format(n=MIN_PASSWORD))
    return password


def check_role(role: str, holder_ids: list[str] | tuple[str, ...]) -> None:
    if role not in ROLES:
        raise UserError(_("unknown role {role} (one of {roles})").format(
            role=repr(role), roles=", ".join(ROLES)))
    if role == "producer" and not holder_ids:
        raise UserError(_("a producer needs at least one --holder HOLDER_ID"))
    if role != "producer" and holder_ids:
        raise UserError(_("--holder is for producers only; role {role} sees every holder"
                          ).format(role=repr(role)))


def known_holders(store: Path | str, holder_ids: list[str] | tuple[str, ...]) -> None:
    """Every holder id must be in the store's certificate_holders (by id, never by name)."""
    if not Path(store).exists():
        raise UserError(_("no store at {path}: create it first (python -m pipelines init)"
                          ).format(path=store))
    try:
        con = duckdb.connect(str(store), read_only=True)
    except duckdb.Error as exc:
        raise UserError(_("cannot read the store {path}: {problem}").format(
            path=store, problem=exc)) from exc
    try:
        found = {r[0] for r in con.execute(
            "select holder_id from certificate_holders where list_contains(?::varchar[], "
            "holder_id)", [list(holder_ids)]).fetchall()}
    finally:
        con.close()
    missing = [h for h in holder_ids if h not in found]
    if missing:
        raise UserError(_("unknown holder_id {ids} (not in the store's certificate holders)"
                          ).format(ids=", ".join(map(repr, missing))))


# --- reads and changes --------------------------------------------------------------


def get_user(store: Path | str | None, username: str) -> User | None:
    with connect(store, write=False) as con:
        row = con.execute(f"select {_COLUMNS} from users where username = ?",
                          [username]).fetchone()
    return _user(row) if row else None


def user_by_email(store: Path | str | None, email: str) -> User | None:
    """The user an OpenID Connect identity maps to (e-mail compared case-insensitively)."""
    with connect(store, write=False) as con:
        row = con.execute(f"select {_COLUMNS} from users where lower(email) = lower(?)",
                          [email]).fetchone()
    return _user(row) if row else None


def list_users(store: Path | str | None) -> list[User]:
    with connect(store, write=False) as con:
        rows = con.execute(f"select {_COLUMNS} from users order by username").fetchall()
    return [_user(r) for r in rows]


def add_user(store: Path | str | None, username: str, role: str, password: str | None,
             holder_ids: list[str] | tuple[str, ...] = (), email: str | None = None,
             actor: str = "system", is_demo: bool = False, check_holders: bool = True) -> User:
    check_username(username)
    holder_ids = tuple(dict.fromkeys(holder_ids))
    check_role(role, holder_ids)
    if password is None and email is None:
        raise UserError(_("give a password or an --email (OpenID Connect login)"))
    if password is not None:
        check_password(password, is_demo)
    if email is not None and not EMAIL.fullmatch(email):
        raise UserError(_("not an e-mail address: {address}").format(address=repr(email)))
    store = store or settings().db_path
    if holder_ids and check_holders:
        known_holders(store, holder_ids)
    hashed = _hasher.hash(password) if password is not None else None
    with connect(store) as con:
        if con.execute("select 1 from users where username = ?", [username]).fetchone():
            raise UserError(_("user {name} exists already").format(name=repr(username)))
        if email and con.execute("select 1 from users where lower(email) = lower(?)",
                                 [email]).fetchone():
            raise UserError(_("e-mail {address} belongs to another user already").format(
                address=repr(email)))
        con.execute(
            "insert into users (username, role, password_hash, email, holder_ids, is_demo)"
            " values (?, ?, ?, ?, ?, ?)",
            [username, role, hashed, email, json.dumps(list(holder_ids)), int(is_demo)])
    detail = f"{username} role={role}" + (f" holders={','.join(holder_ids)}" if holder_ids
                                          else "") + (f" email={email}" if email else "")
    audit.record(store, actor, "user_add", detail)
    return User(username, role, holder_ids, email, False, is_demo)


def set_password(store: Path | str | None, username: str, password: str,
                 actor: str = "system") -> None:
    check_password(password)
    hashed = _hasher.hash(password)
    with connect(store) as con:
        changed = con.execute("update users set password_hash = ?, is_demo = 0"
                              " where username = ?", [hashed, username]).rowcount
    if not changed:
        raise UserError(_("no user {name}").format(name=repr(username)))
    end_sessions_of(store, username, "password changed")
    audit.record(store, actor, "user_passwd", username)


def set_language(store: Path | str | None, username: str, lang: str) -> bool:
    """Keep the dashboard language a user chose (issue 27: read at the next login). Not
    audited: a preference, not access. Returns False when there is no such user (a viewer
    without an entry, e.g. a test's)."""
    code = normalize(lang)
    if code is None:
        raise UserError(_("unknown language {lang} (one of {languages})").format(
            lang=repr(lang), languages=", ".join(LANGUAGES)))
    with connect(store) as con:
        return con.execute("update users set lang = ? where username = ?",
                           [code, username]).rowcount > 0


def set_email(store: Path | str | None, username: str, email: str,
              actor: str = "system") -> None:
    """Set or change a user's e-mail address: where the daily digest goes (pipelines/
    digest.py) and the OpenID Connect identity that logs in as this user (the same person).
    """
    if not EMAIL.fullmatch(email or ""):
        raise UserError(_("not an e-mail address: {address}").format(address=repr(email)))
    with connect(store) as con:
        if not con.execute("select 1 from users where username = ?", [username]).fetchone():
            raise UserError(_("no user {name}").format(name=repr(username)))
        if con.execute("select 1 from users where lower(email) = lower(?) and username <> ?",
                       [email, username]).fetchone():
            raise UserError(_("e-mail {address} belongs to another user already").format(
                address=repr(email)))
        con.execute("update users set email = ? where username = ?", [email, username])
    audit.record(store, actor, "user_email", f"{username} email={email}")


def disable_user(store: Path | str | None, username: str, actor: str = "system") -> None:
    with connect(store) as con:
        changed = con.execute(
            "update users set disabled_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
            " where username = ? and disabled_at is null", [username]).rowcount
        exists = con.execute("select 1 from users where username = ?", [username]).fetchone()
    if not exists:
        raise UserError(_("no user {name}").format(name=repr(username)))
    end_sessions_of(store, username, "user disabled")  # out on the server, not only later
    if changed:
        audit.record(store, actor, "user_disable", username)


# --- login ---------------------------------------------------------------------------


def _wait_s(attempts: int, last_at: float, free: int, cap_s: float, now: float) -> float:
    """Seconds before the next attempt may be checked: none for the first ``free``, then
    base * 2**(attempts - free) from the previous attempt, capped at ``cap_s``."""
    cfg = settings()
    if attempts < free or now - last_at > cfg.login_window_s:
        return 0.0
    exponent = min(attempts - free, 60)  # 2**60 s is past any cap; no float overflow
    return max(0.0, last_at + min(cfg.login_delay_base_s * 2 ** exponent, cap_s) - now)


def _limits() -> dict[str, tuple[int, float]]:
    cfg = settings()
    return {"user": (cfg.login_free_attempts_user, cfg.login_delay_max_s),
            "client": (cfg.login_free_attempts_client, cfg.login_client_delay_max_s)}


def _key_wait(key: str, attempts: int, last_at: float, now: float) -> float:
    free, cap = _limits()[key.split(":", 1)[0]]
    return _wait_s(attempts, last_at, free, cap, now)


KNOWN_CLIENT_S = 30 * 86400  # an address a user logged in from counts as theirs this long


def _user_key(con: sqlite3.Connection, username: str, client: str, now: float) -> str:
    """The user name's counter for an attempt from ``client``: its own counter
    ``user:NAME from ADDRESS`` where the user logged in from within KNOWN_CLIENT_S, else
    the shared ``user:NAME``. Strangers elsewhere, however many addresses they use, then do
    not take the owner's turns at home or at the office. (A session key is never known.)
    A name no user can have shares one counter, ``user:(not a user name)``: typed text can
    then neither name another counter nor fill the table."""
    if not USERNAME.fullmatch(username):
        return "user:(not a user name)"
    if not client.startswith("session:") and con.execute(
            "select 1 from login_known where username = ? and client = ?"
            " and last_login_at >= ?", [username, client, now - KNOWN_CLIENT_S]).fetchone():
        return f"user:{username} from {client}"
    return f"user:{username}"


def login_wait(store: Path | str | None, username: str, client: str,
               now: float | None = None) -> float:
    """How long this user name or this client must still wait (0: may try now)."""
    now = time.time() if now is None else now
    with connect(store, write=False) as con:
        rows = con.execute(
            "select key, attempts, last_attempt_at from login_throttle where key in (?, ?)",
            [_user_key(con, username, client, now), f"client:{client}"]).fetchall()
    return max([0.0, *(_key_wait(k, a, t, now) for k, a, t in rows)])


def _reserve(store: Path | str | None, username: str, client: str, now: float
             ) -> tuple[str, float, str]:
    """Count this attempt BEFORE its password is checked, in one write transaction (a
    file lock every process honours), so parallel attempts cannot all pass the check at
    once. Returns ('', 0, key) when the password may be checked, else which limit
    ('client' or 'user') refused it and the seconds left; ``key``: the user name's counter
    used (see ``_user_key``). The client is checked first: an address
    that is waiting does not take the user name's next turn from its owner elsewhere.
    A refused attempt does not push the wait further (no lockout by refused attempts)."""
    window = settings().login_window_s
    with connect(store) as con:  # BEGIN IMMEDIATE
        # Counters past the window are worth nothing: gone, so made-up names do not pile up.
        con.execute("delete from login_throttle where last_attempt_at < ?", [now - window])
        keys = (f"client:{client}", _user_key(con, username, client, now))
        rows = {k: (a, t) for k, a, t in con.execute(
            "select key, attempts, last_attempt_at from login_throttle where key in (?, ?)",
            list(keys)).fetchall()}
        for key in keys:
            attempts, last_at = rows.get(key, (0, 0.0))
            if now - last_at > window:
                attempts = 0
            wait = _key_wait(key, attempts, last_at, now)
            if wait > 0:
                con.execute("update login_throttle set refused = refused + 1 where key = ?",
                            [key])
                return key.split(":", 1)[0], wait, keys[1]
            con.execute(
                "insert into login_throttle (key, attempts, refused, last_attempt_at)"
                " values (?, ?, 0, ?) on conflict (key) do update set"
                " attempts = excluded.attempts, last_attempt_at = excluded.last_attempt_at,"
                " refused = case when excluded.attempts = 1 then 0 else refused end",
                [key, attempts + 1, now])
    return "", 0.0, keys[1]


@dataclass(frozen=True)
class Throttle:
    """One counter of the login throttle, as the admin page shows it."""

    key: str
    kind: str  # 'user' or 'client'
    subject: str  # the user name or the client address
    attempts: int
    refused: int
    last_attempt_at: float
    wait_s: float


def throttles(store: Path | str | None, now: float | None = None) -> list[Throttle]:
    """Every counter still inside the window, the longest wait first."""
    now = time.time() if now is None else now
    with connect(store, write=False) as con:
        rows = con.execute("select key, attempts, refused, last_attempt_at from login_throttle"
                           " where last_attempt_at >= ?",
                           [now - settings().login_window_s]).fetchall()
    out = [Throttle(key, key.split(":", 1)[0], key.split(":", 1)[1], attempts, refused,
                    last_at, _key_wait(key, attempts, last_at, now))
           for key, attempts, refused, last_at in rows]
    return sorted(out, key=lambda t: (-t.wait_s, -t.last_attempt_at))


def clear_throttle(store: Path | str | None, key: str, actor: str) -> bool:
    """Forget one counter (the admin lets a user or an address in at once); audited."""
    with connect(store) as con:
        gone = con.execute("delete from login_throttle where key = ?", [key]).rowcount
    if gone:
        audit.record(store, actor, "throttle_clear", key)
    return bool(gone)


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    message: str  # for the login form; says nothing about which part was wrong
    checked: bool = True  # False: refused by the throttle, the password was not checked
    wait_s: int = 0  # refused by the throttle: seconds to wait (the form says it in words)


def authenticate(store: Path | str | None, username: str, password: str, client: str = "",
                 now: float | None = None) -> LoginResult:
    """Check a name and password; every attempt is counted first (``_reserve``).

    Every attempt is audited (login / login_failed / login_throttled). A disabled user, an
    unknown name, a demo account on a store the demo did not build and a wrong password get
    the same answer.
    """
    now = time.time() if now is None else now
    username = (username or "").strip()[:128]
    client = client or "-"
    limit, wait, user_key = _reserve(store, username, client, now)
    if wait > 0:
        audit.record(store, username or "-", "login_throttled",
                     f"throttled per {limit}: wait {wait:.0f} s, password not checked",
                     client)
        seconds = math.ceil(wait)
        return LoginResult(None, f"Too many failed attempts. Try again in {seconds} second"
                                 f"{'' if seconds == 1 else 's'}.", checked=False,
                           wait_s=seconds)
    with connect(store, write=False) as con:
        row = con.execute(f"select {_COLUMNS}, password_hash from users where username = ?",
                          [username]).fetchone()
    user = _user(row[:-1]) if row else None
    stored_hash = row[-1] if row and row[-1] else _DUMMY_HASH
    try:
        ok = _hasher.verify(stored_hash, password or "") and stored_hash != _DUMMY_HASH
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    reason = ("disabled user" if ok and user and user.disabled
              else "demo account on a store not built by demo"
              if ok and user and user.is_demo and not is_demo_store(store)
              else "wrong name or password" if not ok or user is None else "")
    if reason:
        audit.record(store, username or "-", "login_failed", reason, client)
        return LoginResult(None, "Wrong user name or password.")
    with connect(store) as con:
        # The counter this attempt went through goes; the client's stays (a valid account
        # must not reset an address's count between guesses at other accounts), and so
        # does the shared one after a login from a known address (else each of the owner's
        # logins would hand strangers their free attempts again).
        con.execute("delete from login_throttle where key = ?", [user_key])
        con.execute("delete from login_known where last_login_at < ?", [now - KNOWN_CLIENT_S])
        if not client.startswith("session:"):
            con.execute("insert into login_known (username, client, last_login_at)"
                        " values (?, ?, ?) on conflict (username, client) do update set"
                        " last_login_at = excluded.last_login_at", [username, client, now])
        if _hasher.check_needs_rehash(stored_hash):
            con.execute("update users set password_hash = ? where username = ?",
                        [_hasher.hash(password), username])
    audit.record(store, username, "login", "password", client)
    return LoginResult(user, "")


# --- sessions -------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(store: Path | str | None, username: str, method: str, client: str = "",
                 now: float | None = None) -> str:
    """A new session: a random token (kept in the server's memory by the dashboard, never
    sent to the browser) whose SHA-256 is stored here. Returns the token."""
    now = time.time() if now is None else now
    token = secrets.token_urlsafe(32)
    with connect(store) as con:
        # Sessions over a week past their end or last use are history, kept in the audit
        # log (login, logout, expiry), not here.
        con.execute("delete from sessions where coalesce(ended_at, last_seen_at) < ?",
                    [now - 7 * 86400])
        con.execute("insert into sessions (token_sha256, username, method, client,"
                    " created_at, last_seen_at) values (?, ?, ?, ?, ?, ?)",
                    [_token_hash(token), username, method, client, now, now])
    return token


def touch_session(store: Path | str | None, token: str, now: float | None = None
                  ) -> tuple[str | None, str]:
    """The user name of a live session, its last use set to now; or (None, why): the
    session was ended (log out, user disabled), idle too long, past its lifetime, or is
    unknown. An expired session is ended here, so it cannot come back."""
    cfg = settings()
    now = time.time() if now is None else now
    with connect(store) as con:
        row = con.execute("select username, created_at, last_seen_at, ended_at, end_reason"
                          " from sessions where token_sha256 = ?",
                          [_token_hash(token)]).fetchone()
        if row is None:
            return None, "unknown"
        username, created_at, last_seen_at, ended_at, end_reason = row
        if ended_at is not None:
            return None, end_reason or "ended"
        why = ("idle" if now - last_seen_at > cfg.session_idle_minutes * 60
               else "lifetime" if now - created_at > cfg.session_max_hours * 3600 else "")
        if why:
            con.execute("update sessions set ended_at = ?, end_reason = ?"
                        " where token_sha256 = ?", [now, why, _token_hash(token)])
            return None, why
        con.execute("update sessions set last_seen_at = ? where token_sha256 = ?",
                    [now, _token_hash(token)])
    return username, ""


def end_session(store: Path | str | None, token: str, reason: str = "logout",
                now: float | None = None) -> None:
    now = time.time() if now is None else now
    with connect(store) as con:
        con.execute("update sessions set ended_at = ?, end_reason = ? where token_sha256 = ?"
                    " and ended_at is null", [now, reason, _token_hash(token)])


def end_sessions_of(store: Path | str | None, username: str, reason: str,
                    now: float | None = None) -> int:
    """End every live session of a user (disabled, password changed)."""
    now = time.time() if now is None else now
    with connect(store) as con:
        return con.execute("update sessions set ended_at = ?, end_reason = ?"
                           " where username = ? and ended_at is null",
                           [now, reason, username]).rowcount


# --- demo accounts --------------------------------------------------------------------


def demo_holder(con: duckdb.DuckDBPyConnection) -> str | None:
    """The first holder (by holder_id) with BRL 9341 lots: the demo producer's company."""
    row = con.execute(
        "select c.holder_id from certificates as c join lots as l using (certificate_number)"
        " where c.scheme = 'brl9341' order by c.holder_id limit 1").fetchone()
    return row[0] if row else None


def add_demo_accounts(store: Path | str, con: duckdb.DuckDBPyConnection) -> list[str]:
    """One account per role (passwords in DEMO_PASSWORDS and the README); marked as demo,
    so the login page says it is a demo store. Existing accounts are left alone. The store
    is marked as built by the demo: demo accounts log in on such a store only."""
    holder = demo_holder(con)
    mark_demo_store(store)
    made = []
    existing = {u.username for u in list_users(store)}
    for role, password in DEMO_PASSWORDS.items():
        if role in existing or (role == "producer" and holder is None):
            continue
        add_user(store, role, role, password, holder_ids=(holder,) if role == "producer"
                 else (), actor="demo", is_demo=True, check_holders=False)
        made.append(role)
    return made


def drop_demo_accounts(store: Path | str) -> int:
    """Remove demo accounts (a store built by ``init`` has none)."""
    with connect(store) as con:
        names = [r[0] for r in con.execute("select username from users where is_demo = 1")]
        con.execute("delete from users where is_demo = 1")
        con.execute("delete from meta where key = 'demo_store'")
    for name in names:
        audit.record(store, audit.cli_actor(), "user_disable", f"{name} (demo account removed)")
    return len(names)


def _store_id(store: Path | str | None) -> str:
    return str(Path(store or settings().db_path).resolve())


def mark_demo_store(store: Path | str) -> None:
    """Record that ``demo`` built this store (its resolved path, so a users file copied or
    left beside another store does not carry the mark along)."""
    with connect(store) as con:
        con.execute("insert into meta (key, value) values ('demo_store', ?) on conflict (key)"
                    " do update set value = excluded.value", [_store_id(store)])


def is_demo_store(store: Path | str | None) -> bool:
    """Built by ``demo`` (the mark names this very store): only then do demo accounts,
    whose passwords are public, log in."""
    with connect(store, write=False) as con:
        row = con.execute("select value from meta where key = 'demo_store'").fetchone()
    return row is not None and row[0] == _store_id(store)
