"""Sessions of the dashboard (issue 24, goal 3; docs/security.md "Sessions"), through the
login form in AppTest: a new server-side session token at every login, nothing of the
state before a login or a logout kept, logging out ends the session on the server, the
absolute lifetime; the admin's view of the login throttle on the Users page; a client
without an address gets a counter of its own.

Store: tests/dashboard/conftest.py; accounts: tests/dashboard/access_support.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import audit, users
from tests.dashboard.access_support import (
    APP,
    add_accounts,
    login,
    shift_session_times,
    titles,
)


@pytest.fixture
def access_store(dash_store: Path) -> Path:
    add_accounts(dash_store)
    return dash_store


def test_login_and_logout_rotate_the_session_and_logout_ends_it_on_the_server(
        access_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.session_state["left_by_someone_before"] = "x"
    login("mgmt", at=at)
    assert titles(at) != ["Log in"]
    first = at.session_state["auth"]["token"]
    assert "left_by_someone_before" not in at.session_state  # a fresh state at login
    assert users.touch_session(access_store, first)[0] == "mgmt"
    at.session_state["page_filter"] = "set while logged in"
    at.button(key="logout").click().run()
    assert titles(at) == ["Log in"]
    assert "auth" not in at.session_state and "page_filter" not in at.session_state
    # The token is dead on the server: someone holding it gets nothing.
    assert users.touch_session(access_store, first) == (None, "logout")
    login("mgmt", at=at)
    second = at.session_state["auth"]["token"]
    assert second != first and users.touch_session(access_store, second)[0] == "mgmt"


def test_session_ends_at_its_absolute_lifetime(access_store: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_SESSION_MAX_HOURS", "12")
    at = login("mgmt")
    shift_session_times(access_store, idle_s=60, age_s=11 * 3600 + 58 * 60)  # used a minute ago
    at.run()
    assert titles(at) != ["Log in"]
    shift_session_times(access_store, idle_s=60, age_s=3 * 60)  # now 12 h 01 min old
    at.run()
    assert titles(at) == ["Log in"]
    assert any("maximum length" in i.value for i in at.info)
    assert audit.entries(access_store, action="session_expired")["detail"].to_list() == [
        "older than 12 h"]


def test_a_client_without_address_gets_a_counter_of_its_own(
        access_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """AppTest has no connection (no address): each browser session counts on its own key,
    so one anonymous client's failures never throttle another."""
    monkeypatch.setenv("CERT_LOGIN_FREE_CLIENT", "2")
    monkeypatch.setenv("CERT_LOGIN_DELAY_BASE_S", "60")
    first = AppTest.from_file(APP, default_timeout=90)
    first.run()
    for name in ("a1", "a2", "a3"):
        login(name, "guess-guess-guess", at=first)
    assert "Too many failed attempts" in first.error[0].value
    login("mgmt", at=first)
    assert titles(first) == ["Log in"]  # this session's key waits
    second = login("mgmt")  # another session, also without an address
    assert titles(second) != ["Log in"]
    clients = set(audit.entries(access_store, action="login_failed")["client"])
    assert len(clients) == 1 and next(iter(clients)).startswith("session:")
    (logged_in,) = audit.entries(access_store, action="login")["client"].to_list()
    assert logged_in.startswith("session:") and logged_in not in clients


def test_admin_sees_and_clears_the_throttle_on_the_users_page(
        access_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_LOGIN_FREE_USER", "1")
    monkeypatch.setenv("CERT_LOGIN_DELAY_BASE_S", "30")
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    login("mgmt", "wrong password!", at=at)
    login("mgmt", at=at)
    assert "Too many failed attempts" in at.error[0].value
    admin = login("adm")
    admin.switch_page("app_pages/users.py").run()
    (table,) = [d.value for d in admin.dataframe if "attempts" in d.value.columns]
    row = table[table["throttle_subject"] == "mgmt"]
    assert row["attempts"].tolist() == [1] and row["refused"].tolist() == [1]
    assert 0 < row["wait_s"].tolist()[0] <= 30
    admin.selectbox(key="throttle_key").select("user:mgmt")
    admin.button(key="throttle_clear").click().run()
    assert users.login_wait(access_store, "mgmt", "elsewhere") == 0
    assert audit.entries(access_store, action="throttle_clear")["actor"].to_list() == ["adm"]
    login("mgmt", at=at)
    assert titles(at) != ["Log in"]
