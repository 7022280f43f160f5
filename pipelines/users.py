"""Dashboard users: roles, argon2 password hashes, failed-login slow-down, demo accounts.

Users live in the store's auth file ``<store>.auth.sqlite`` (pipelines/authfile.py says
why not in the DuckDB store). Producers belong to holders by ``holder_id``, never by
name; the certificates they see are looked up from the store at login.
Command line: ``python -m pipelines users add|passwd|disable|list`` (docs/contract.md).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pipelines import audit
from pipelines.authfile import connect
from pipelines.config import settings

ROLES = ("management", "finance", "college", "producer", "admin")
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MIN_PASSWORD = 10

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (argon2-cffi defaults)
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


def _user(row: tuple) -> User:
    username, role, holders, email, disabled_at, is_demo = row
    return User(username=username, role=role, holder_ids=tuple(json.loads(holders)),
                email=email, disabled=disabled_at is not None, is_demo=bool(is_demo))


_COLUMNS = "username, role, holder_ids, email, disabled_at, is_demo"


# --- checks -----------------------------------------------------------------------------


def check_username(name: str) -> str:
    if not USERNAME.fullmatch(name or ""):
        raise UserError(f"user name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-', "
                        "starting with a letter or digit")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password too short: at least {MIN_PASSWORD} characters")
    return password


def check_role(role: str, holder_ids: list[str] | tuple[str, ...]) -> None:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    if role == "producer" and not holder_ids:
        raise UserError("a producer needs at least one --holder HOLDER_ID")
    if role != "producer" and holder_ids:
        raise UserError(f"--holder is for producers only; role {role!r} sees every holder")


def known_holders(store: Path | str, holder_ids: list[str] | tuple[str, ...]) -> None:
    """Every holder id must be in the store's certificate_holders (by id, never by name)."""
    if not Path(store).exists():
        raise UserError(f"no store at {store}: create it first (python -m pipelines init)")
    try:
        con = duckdb.connect(str(store), read_only=True)
    except duckdb.Error as exc:
        raise UserError(f"cannot read the store {store}: {exc}") from exc
    try:
        found = {r[0] for r in con.execute(
            "select holder_id from certificate_holders where list_contains(?::varchar[], "
            "holder_id)", [list(holder_ids)]).fetchall()}
    finally:
        con.close()
    missing = [h for h in holder_ids if h not in found]
    if missing:
        raise UserError(f"unknown holder_id {', '.join(map(repr, missing))} "
                        "(not in the store's certificate holders)")


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
        raise UserError("give a password or an --email (OpenID Connect login)")
    if password is not None:
        check_password(password)
    if email is not None and not EMAIL.fullmatch(email):
        raise UserError(f"not an e-mail address: {email!r}")
    store = store or settings().db_path
    if holder_ids and check_holders:
        known_holders(store, holder_ids)
    hashed = _hasher.hash(password) if password is not None else None
    with connect(store) as con:
        if con.execute("select 1 from users where username = ?", [username]).fetchone():
            raise UserError(f"user {username!r} exists already")
        if email and con.execute("select 1 from users where lower(email) = lower(?)",
                                 [email]).fetchone():
            raise UserError(f"e-mail {email!r} belongs to another user already")
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
        changed = con.execute("update users set password_hash = ? where username = ?",
                              [hashed, username]).rowcount
    if not changed:
        raise UserError(f"no user {username!r}")
    audit.record(store, actor, "user_passwd", username)


def disable_user(store: Path | str | None, username: str, actor: str = "system") -> None:
    with connect(store) as con:
        changed = con.execute(
            "update users set disabled_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
            " where username = ? and disabled_at is null", [username]).rowcount
        exists = con.execute("select 1 from users where username = ?", [username]).fetchone()
    if not exists:
        raise UserError(f"no user {username!r}")
    if changed:
        audit.record(store, actor, "user_disable", username)


# --- login ----------------------------------------------------------------------------


def _wait_s(failures: int, last_at: float, free: int, now: float) -> float:
    """Seconds to wait before the next attempt: doubling after the free attempts."""
    cfg = settings()
    if failures < free or now - last_at > cfg.login_window_s:
        return 0.0
    delay = min(cfg.login_delay_base_s * 2 ** (failures - free), cfg.login_delay_max_s)
    return max(0.0, last_at + delay - now)


def login_wait(store: Path | str | None, username: str, client: str,
               now: float | None = None) -> float:
    """How long this user name or this client must still wait (0: may try now)."""
    cfg = settings()
    now = time.time() if now is None else now
    with connect(store, write=False) as con:
        rows = dict((k, (f, t)) for k, f, t in con.execute(
            "select key, failures, last_failure_at from login_failures where key in (?, ?)",
            [f"user:{username}", f"client:{client}"]).fetchall())
    waits = [0.0]
    if (u := rows.get(f"user:{username}")) is not None:
        waits.append(_wait_s(*u, cfg.login_free_attempts_user, now))
    if (c := rows.get(f"client:{client}")) is not None:
        waits.append(_wait_s(*c, cfg.login_free_attempts_client, now))
    return max(waits)


def _count_failure(store: Path | str | None, username: str, client: str, now: float) -> None:
    window = settings().login_window_s
    with connect(store) as con:
        for key in (f"user:{username}", f"client:{client}"):
            con.execute(
                "insert into login_failures (key, failures, last_failure_at) values (?, 1, ?)"
                " on conflict (key) do update set"
                "  failures = case when ? - last_failure_at > ? then 1 else failures + 1 end,"
                "  last_failure_at = excluded.last_failure_at",
                [key, now, now, window])


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    message: str  # for the login form; says nothing about which part was wrong


def authenticate(store: Path | str | None, username: str, password: str, client: str = "",
                 now: float | None = None) -> LoginResult:
    """Check a name and password, slowing down repeated failures per user and per client.

    Every attempt is audited (login / login_failed). A disabled user, an unknown name and
    a wrong password get the same answer.
    """
    now = time.time() if now is None else now
    username = (username or "").strip()[:128]
    wait = login_wait(store, username, client, now)
    if wait > 0:
        audit.record(store, username or "-", "login_failed",
                     f"refused: too many failed attempts (wait {wait:.0f} s)", client)
        return LoginResult(None, f"Too many failed attempts. Try again in {wait:.0f} seconds.")
    with connect(store, write=False) as con:
        row = con.execute(f"select {_COLUMNS}, password_hash from users where username = ?",
                          [username]).fetchone()
    user = _user(row[:-1]) if row else None
    stored_hash = row[-1] if row and row[-1] else _DUMMY_HASH
    try:
        ok = _hasher.verify(stored_hash, password or "") and stored_hash != _DUMMY_HASH
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or user.disabled:
        _count_failure(store, username, client, now)
        audit.record(store, username or "-", "login_failed",
                     "disabled user" if ok and user and user.disabled else "wrong name or "
                     "password", client)
        return LoginResult(None, "Wrong user name or password.")
    with connect(store) as con:
        con.execute("delete from login_failures where key in (?, ?)",
                    [f"user:{username}", f"client:{client}"])
        if _hasher.check_needs_rehash(stored_hash):
            con.execute("update users set password_hash = ? where username = ?",
                        [_hasher.hash(password), username])
    audit.record(store, username, "login", "password", client)
    return LoginResult(user, "")


# --- demo accounts --------------------------------------------------------------------


def demo_holder(con: duckdb.DuckDBPyConnection) -> str | None:
    """The first holder (by holder_id) with BRL 9341 lots: the demo producer's company."""
    row = con.execute(
        "select c.holder_id from certificates as c join lots as l using (certificate_number)"
        " where c.scheme = 'brl9341' order by c.holder_id limit 1").fetchone()
    return row[0] if row else None


def add_demo_accounts(store: Path | str, con: duckdb.DuckDBPyConnection) -> list[str]:
    """One account per role (passwords in DEMO_PASSWORDS and the README); marked as demo,
    so the login page says it is a demo store. Existing accounts are left alone."""
    holder = demo_holder(con)
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
    for name in names:
        audit.record(store, audit.cli_actor(), "user_disable", f"{name} (demo account removed)")
    return len(names)


def is_demo_store(store: Path | str | None) -> bool:
    with connect(store, write=False) as con:
        return con.execute("select count(*) from users where is_demo = 1").fetchone()[0] > 0
