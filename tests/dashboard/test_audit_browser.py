"""In the real `streamlit run` (headless Chromium, tests/dashboard/test_browser.py's server
on 127.0.0.1): a URL naming a page the visitor may not open is audited (issue 24; in
AppTest st.context.url is empty), and the QR link of a certificate answers on opening."""

from __future__ import annotations

import time
from pathlib import Path

from pipelines import audit
from tests.dashboard.test_browser import (  # noqa: F401 (server: a fixture; the marks)
    launch,
    pytestmark,
    server,
    wait_until_rendered,
)


def test_a_forbidden_url_is_audited_and_the_qr_link_answers(server: str,  # noqa: F811
                                                            dash_store: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page()
            page.goto(f"{server}/audit-log")
            wait_until_rendered(page)
            # a rerun of that session (a failed login) adds no second line
            page.keyboard.press("Escape")  # Streamlit's "page not found" dialog
            page.get_by_role("textbox", name="User name").fill("nobody")
            page.get_by_role("textbox", name="Password").fill("wrong")
            page.get_by_role("button", name="Log in").click()
            page.get_by_text("Wrong user name or password").wait_for(timeout=30_000)
            page.goto(f"{server}/verify?certificate=BRL-001")
            wait_until_rendered(page)
            assert page.get_by_text("Too many lookups").count() == 0
            grid = page.get_by_test_id("stDataFrame")
            grid.first.wait_for(timeout=30_000)
        finally:
            browser.close()
    deadline = time.monotonic() + 10
    lines = audit.entries(dash_store, action="page_forbidden")
    while lines.is_empty() and time.monotonic() < deadline:
        time.sleep(0.5)
        lines = audit.entries(dash_store, action="page_forbidden")
    assert lines["detail"].to_list() == ["audit-log (not logged in, by URL)"]
    # (the client address of a localhost visitor is the `auth` part's: not checked here)
    assert lines["actor"][0] == "anonymous"
