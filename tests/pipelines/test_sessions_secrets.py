"""Server-side sessions and secrets (issue 24, goals 3 and 7; docs/security.md):
a session is a random token whose SHA-256 is stored with its times; it ends after 30 idle
minutes, 12 hours after the login, at log-out, when its user is disabled or gets a new
password. Demo accounts log in only on a store the demo built; demo passwords are refused
everywhere else; passwords are argon2id with the parameters written down."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from pipelines import users
from pipelines.authfile import auth_path

PASSWORD = "a long password"


def test_session_idle_timeout_and_absolute_lifetime(store_path: Path) -> None:
    t = 1_000_000.0
    token = users.open_session(store_path, "anna", "password", "192.0.2.1", now=t)
    # used every 29 minutes: alive until 12 h after the login, then ended
    while t + 29 * 60 <= 1_000_000.0 + 12 * 3600:
        t += 29 * 60
        assert users.touch_session(store_path, token, now=t) == ("anna", "")
    assert users.touch_session(store_path, token, now=1_000_000.0 + 12 * 3600 + 1) == (
        None, "lifetime")
    # and it stays ended
    assert users.touch_session(store_path, token, now=t) == (None, "lifetime")
    idle = users.open_session(store_path, "anna", "password", now=t)
    assert users.touch_session(store_path, idle, now=t + 30 * 60 - 1)[0] == "anna"
    assert users.touch_session(store_path, idle, now=t + 60 * 60) == (None, "idle")


def test_settings_change_the_session_limits(store_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_SESSION_IDLE_MIN", "5")
    monkeypatch.setenv("CERT_SESSION_MAX_HOURS", "1")
    t = 2_000_000.0
    token = users.open_session(store_path, "anna", "password", now=t)
    assert users.touch_session(store_path, token, now=t + 6 * 60) == (None, "idle")
    token = users.open_session(store_path, "anna", "password", now=t)
    for minute in range(4, 60, 4):
        assert users.touch_session(store_path, token, now=t + minute * 60)[0] == "anna"
    assert users.touch_session(store_path, token, now=t + 61 * 60) == (None, "lifetime")


def test_logout_disable_and_new_password_end_sessions_on_the_server(
        store_path: Path) -> None:
    users.add_user(store_path, "anna", "management", PASSWORD)
    first = users.open_session(store_path, "anna", "password")
    second = users.open_session(store_path, "anna", "password")
    assert first != second and len(first) >= 40  # 32 random bytes, URL-safe base64
    users.end_session(store_path, first, "logout")
    assert users.touch_session(store_path, first) == (None, "logout")
    assert users.touch_session(store_path, second)[0] == "anna"
    users.set_password(store_path, "anna", "another long password")
    assert users.touch_session(store_path, second) == (None, "password changed")
    third = users.open_session(store_path, "anna", "password")
    users.disable_user(store_path, "anna")
    assert users.touch_session(store_path, third) == (None, "user disabled")
    assert users.touch_session(store_path, "made-up token") == (None, "unknown")
    # The file holds hashes of the tokens, not the tokens.
    with sqlite3.connect(auth_path(store_path)) as con:
        stored = {r[0] for r in con.execute("select token_sha256 from sessions")}
    assert len(stored) == 3 and not stored & {first, second, third}


def test_passwords_are_argon2id_with_the_documented_parameters(store_path: Path) -> None:
    users.add_user(store_path, "anna", "management", PASSWORD)
    with sqlite3.connect(auth_path(store_path)) as con:
        (hashed,) = con.execute("select password_hash from users").fetchone()
    # docs/security.md, "Secrets": argon2id v1.3, 64 MiB, 3 passes, 4 lanes
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_demo_passwords_are_refused_for_real_accounts(store_path: Path) -> None:
    for password in users.DEMO_PASSWORDS.values():
        with pytest.raises(users.UserError, match="demo password"):
            users.add_user(store_path, "anna", "management", password)
    users.add_user(store_path, "anna", "management", PASSWORD)
    with pytest.raises(users.UserError, match="demo password"):
        users.set_password(store_path, "anna", "demo-admin")


def test_demo_accounts_log_in_only_on_the_store_the_demo_marked(tmp_path: Path) -> None:
    """A demo account (public password) on a store without the demo's mark is refused with
    the same answer as a wrong password; the mark names the store, so a users file copied
    beside another store does not carry it."""
    demo = tmp_path / "demo.duckdb"
    demo.touch()
    users.add_user(demo, "admin", "admin", "demo-admin", actor="demo", is_demo=True)
    refused = users.authenticate(demo, "admin", "demo-admin", "192.0.2.1")
    assert refused.user is None and refused.message == "Wrong user name or password."
    assert not users.is_demo_store(demo)
    users.mark_demo_store(demo)
    assert users.is_demo_store(demo)
    assert users.authenticate(demo, "admin", "demo-admin", "192.0.2.1").user is not None
    other = tmp_path / "production.duckdb"
    other.touch()
    shutil.copy(auth_path(demo), auth_path(other))
    assert not users.is_demo_store(other)
    assert users.authenticate(other, "admin", "demo-admin", "192.0.2.1").user is None
    # A demo account given a password of its own is an ordinary account from then on.
    users.set_password(other, "admin", "a password of our own")
    assert users.authenticate(other, "admin", "a password of our own", "192.0.2.1").user


def test_passwords_have_at_least_12_characters(store_path: Path) -> None:
    """ASVS 2.1.1 (docs/security.md): 11 characters are refused, 12 taken."""
    with pytest.raises(users.UserError, match="at least 12 characters"):
        users.add_user(store_path, "anna", "management", "x" * 11)
    users.add_user(store_path, "anna", "management", "x" * 12)
