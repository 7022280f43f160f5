"""Login throttle, proxy header and session binding against a real `streamlit run` on
127.0.0.1 (issue 24, goals 1-3), driven over Streamlit's websocket by many clients at once
(tests/dashboard/streamlit_ws.py: the form's keys login_username / login_password /
login_submit, as a browser sends them). What the server did is read back from the audit
log: "wrong name or password" is an attempt whose password was checked, "throttled ..." one
refused before the check, and its ``client`` column is the address the server believed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest

from pipelines import audit, users
from tests.dashboard.test_browser import REPO_ROOT, _free_port, _wait_healthy

pytest.importorskip("websockets.sync.client", reason="needs the websockets package")
from tests.dashboard.streamlit_ws import StreamlitClient  # noqa: E402

PASSWORD = "correct horse battery"
FORM = ("login_username", "login_password")


@pytest.fixture
def start_server(dash_store: Path, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Start the dashboard on the test store with extra environment; stopped at the end."""
    users.add_user(dash_store, "mgmt", "management", PASSWORD)
    procs: list[subprocess.Popen[bytes]] = []

    def start(**env: str) -> str:
        port = _free_port()
        log = (tmp_path / f"streamlit-{port}.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=REPO_ROOT, env={**os.environ, "CERT_DB": str(dash_store), **env},
            stdout=log, stderr=subprocess.STDOUT)
        procs.append(proc)
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, proc)
        return url

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _try(client: StreamlitClient, username: str, password: str) -> list[str]:
    page = client.run()
    done = client.run(dict(zip(FORM, (username, password), strict=True)), "login_submit",
                      page.widgets)
    return done.titles


def test_50_parallel_wrong_attempts_check_at_most_10_passwords(
        start_server: Callable[..., str], dash_store: Path) -> None:
    """50 browser sessions submit a wrong password for one account at the same moment,
    each with its own made-up X-Forwarded-For (no trusted proxy: ignored). At most 10
    passwords are checked (5 free, then 1, 2, 4, 8, 8 s apart); every other attempt is
    refused before the check; all count for 127.0.0.1. Then the owner gets in within a
    minute: a delay, never a lockout.

    The waits are capped at 8 s here (CERT_LOGIN_DELAY_MAX_S, CERT_LOGIN_CLIENT_DELAY_MAX_S;
    the product's 30 s and 300 s stay the default): the schedule starts the same, so a
    burst shorter than 31 s still gets at most 10 passwords checked, and the owner's wait
    after it, spent sleeping, is at most 8 s instead of 30 s."""
    url = start_server(CERT_LOGIN_DELAY_MAX_S="8", CERT_LOGIN_CLIENT_DELAY_MAX_S="8")
    clients = [StreamlitClient(url, headers={"X-Forwarded-For": f"198.51.100.{n}"})
               for n in range(50)]
    pages = []
    try:
        lock = threading.Lock()
        ready = threading.Barrier(50)
        errors: list[BaseException] = []

        def attempt(client: StreamlitClient) -> None:
            try:
                form = client.run()
                ready.wait()
                page = client.run(dict(zip(FORM, ("mgmt", "a wrong password"), strict=True)),
                                  "login_submit", form.widgets)
                with lock:
                    pages.append(page)
            except BaseException as exc:  # reported below, not lost in the thread
                errors.append(exc)
                ready.abort()

        threads = [threading.Thread(target=attempt, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
    finally:
        for client in clients:
            client.close()
    assert not errors, errors[0]
    assert len(pages) == 50
    assert all(page.titles == ["Log in"] and page.alerts for page in pages)
    failed = audit.entries(dash_store, action="login_failed")
    throttled = audit.entries(dash_store, action="login_throttled")
    checked = failed.filter(failed["detail"] == "wrong name or password").height
    refused = throttled.filter(throttled["detail"].str.starts_with("throttled")).height
    assert (checked + refused, failed.height + throttled.height) == (50, 50)
    lines = pl.concat([failed, throttled])
    assert 5 <= checked <= 10
    assert set(lines["client"]) == {"127.0.0.1"}  # the forged headers were not believed
    # The owner, from the same address even: in within a minute.
    began = time.monotonic()
    with StreamlitClient(url) as owner:
        while time.monotonic() - began < 60:
            if _try(owner, "mgmt", PASSWORD) != ["Log in"]:
                break
            time.sleep(2)
        else:
            pytest.fail("the owner could not log in within a minute")


def test_forwarded_for_is_believed_from_a_trusted_proxy_only(
        start_server: Callable[..., str], dash_store: Path) -> None:
    """Behind a proxy on 127.0.0.1 (CERT_TRUSTED_PROXIES): the right-most address of
    X-Forwarded-For that is not the proxy is the client; what a client put in the header
    itself (left of it) is not; without the header each session counts on its own key."""
    url = start_server(CERT_TRUSTED_PROXIES="127.0.0.1/32, ::1")
    sent = [{"X-Forwarded-For": "203.0.113.7"},
            {"X-Forwarded-For": "1.2.3.4, 203.0.113.9"},  # 1.2.3.4 written by the client
            {"X-Forwarded-For": "203.0.113.11, 127.0.0.1"},  # a second proxy hop
            {}, {}]
    for headers in sent:
        with StreamlitClient(url, headers=headers) as client:
            assert _try(client, "mgmt", "a wrong password") == ["Log in"]
    clients = audit.entries(dash_store, action="login_failed")["client"].to_list()[::-1]
    assert clients[:3] == ["203.0.113.7", "203.0.113.9", "203.0.113.11"]
    assert all(c.startswith("session:") for c in clients[3:]) and clients[3] != clients[4]


def test_login_stays_with_the_connection_not_the_streamlit_session_id(
        start_server: Callable[..., str], dash_store: Path) -> None:
    """Streamlit lets a new websocket resume a session by its id (the id shows in the
    upload URLs, /_stcore/upload_file/<session id>/...). Someone who learnt it gets that
    Streamlit session, but not the login: it ends, on the server too."""
    url = start_server()
    with StreamlitClient(url) as victim:
        assert _try(victim, "mgmt", PASSWORD) != ["Log in"]
        session_id = victim.session_id
        assert session_id
        with StreamlitClient(url, resume_session=session_id) as thief:
            page = thief.run()
            assert thief.session_id == session_id  # Streamlit did resume that session
            assert page.titles == ["Log in"]
    (line,) = audit.entries(dash_store, action="session_end").iter_rows(named=True)
    assert (line["actor"], line["detail"]) == ("mgmt", "the browser connection changed")
    import sqlite3

    from pipelines.authfile import auth_path
    with sqlite3.connect(auth_path(dash_store)) as con:
        assert con.execute("select end_reason from sessions").fetchall() == [
            ("connection changed",)]
