"""In the real `streamlit run` (headless Chromium, tests/dashboard/test_browser.py's server
on 127.0.0.1): an upload on the Data page is ingested and audited, a file of another type
or over CERT_UPLOAD_MAX_MB is refused with a message, and no URL the browser asks for
holds the Streamlit session id (issue 24, docs/security.md "Sessions").
st.file_uploader sent files to /_stcore/upload_file/<session id>/<file id>."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from dashboard.navigation import PAGES
from pipelines import audit
from tests.dashboard.test_browser import (  # noqa: F401 (server: a fixture; the marks)
    BODY,
    LOAD_TIMEOUT_MS,
    become,
    launch,
    open_page,
    pytestmark,
    server,
)

# BRL-002 and site S2 are in the test store (tests/dashboard/conftest.py); BRL-999 is not:
# one row loaded, one quarantined ("unknown certificate").
LAB = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,"
       "unit,lab,lab_report_id\n"
       "BRL-002,S2,daktuinsubstraat,L5,M9,2024-09-01,arsenic,0.4,mg/kg ds,Lab,R9\n"
       "BRL-999,S2,daktuinsubstraat,L6,M9,2024-09-01,arsenic,0.4,mg/kg ds,Lab,R9\n")
# a path segment that looks like an id: a UUID or 32+ hex digits
ID_LIKE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                     r"|[0-9a-f]{32,}", re.IGNORECASE)


@pytest.fixture
def upload_cap(monkeypatch: pytest.MonkeyPatch) -> int:
    """A per-file cap of 0.1 MB for the server (requested before ``server``, which passes
    its environment on)."""
    monkeypatch.setenv("CERT_UPLOAD_MAX_MB", "0.1")
    return 100_000


def _session_id(frame: bytes | str) -> str | None:
    """The Streamlit session id, from the server's new_session message on the websocket."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(frame, str):
        return None
    msg = ForwardMsg()
    try:
        msg.ParseFromString(frame)
    except Exception:  # not every frame is one ForwardMsg on its own
        return None
    if msg.WhichOneof("type") == "new_session":
        return msg.new_session.initialize.session_id or None
    return None


def test_upload_goes_over_the_websocket_with_no_session_id_in_a_url(
        upload_cap: int, server: str, dash_store: Path, tmp_path: Path) -> None:  # noqa: F811
    from playwright.sync_api import sync_playwright

    lab = tmp_path / "lab_upload.csv"
    lab.write_text(LAB, encoding="utf-8")
    urls: list[str] = []
    session_ids: set[str] = set()

    def on_websocket(ws: object) -> None:
        urls.append(ws.url)  # type: ignore[attr-defined]
        ws.on("framereceived",  # type: ignore[attr-defined]
              lambda frame: session_ids.add(_session_id(frame) or ""))

    def check_urls() -> None:
        found = session_ids - {""}
        assert found, "no new_session message seen on the websocket"
        assert any("/_stcore/stream" in url for url in urls)  # the websocket was recorded
        for url in urls:
            assert not any(sid in url for sid in found), url
            assert "/upload_file/" not in url, url
            path = url.split("?", 1)[0]
            if path.startswith("http"):  # blob: and data: URLs never leave the browser
                assert not ID_LIKE.search(path), url

    data = next(spec for spec in PAGES if spec.url_path == "data")
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page()
            page.on("request", lambda request: urls.append(request.url))
            page.on("websocket", on_websocket)
            become(page, server, BODY)
            open_page(page, data)
            page.get_by_text("Upload files").click()
            # the first file input of the page, whatever widget draws it
            page.locator("input[type=file]").first.set_input_files(str(lab))
            page.get_by_text("lab_upload.csv").first.wait_for(timeout=LOAD_TIMEOUT_MS)
            # the button and the message are inside what the expander shows (not cut off)
            # the expander grows to its content in an animation: wait until it has (10 s at
            # most), then check that the button and the message sit inside it
            page.wait_for_function(
                """() => {
                    const box = document.querySelector('[data-testid="stExpander"]')
                        .getBoundingClientRect();
                    const parts = [document.querySelector('[data-testid="cert-file-send"]'),
                                   document.querySelector('.cert-file-input .cert-msg')];
                    return parts.every(
                        (p) => p && p.getBoundingClientRect().bottom <= box.bottom);
                }""", timeout=10_000)
            shown = page.get_by_test_id("stExpander").first.bounding_box()
            for part in (page.get_by_role("button", name="Ingest"),
                         page.get_by_text("To send: lab_upload.csv")):
                box = part.bounding_box()
                assert box and box["y"] + box["height"] <= shown["y"] + shown["height"]
            page.wait_for_timeout(1000)  # (st.file_uploader sends the file in the background)
            page.get_by_role("button", name="Ingest").click()
            page.get_by_text("lab_upload.csv: 1 row loaded, 1 row quarantined").wait_for(
                timeout=LOAD_TIMEOUT_MS)
            check_urls()  # the upload went nowhere but the websocket
            # a file of another type: a message naming it, and nothing to send
            notes = tmp_path / "notes.txt"
            notes.write_text("x", encoding="utf-8")
            page.locator("input[type=file]").first.set_input_files(str(notes))
            page.get_by_text("notes.txt: not taken; only .csv, .xlsx, .xml files.").wait_for(
                timeout=LOAD_TIMEOUT_MS)
            assert page.get_by_role("button", name="Ingest").is_disabled()
            # a file over CERT_UPLOAD_MAX_MB (0.1 MB here): refused before it is read
            big = tmp_path / "big_lab.csv"
            big.write_text(LAB + "x" * 150_000, encoding="utf-8")
            page.locator("input[type=file]").first.set_input_files(str(big))
            page.get_by_text("big_lab.csv (0.2 MB): over the limit of 0.1 MB per file; "
                             "nothing sent.").wait_for(timeout=LOAD_TIMEOUT_MS)
            assert page.get_by_role("button", name="Ingest").is_disabled()
        finally:
            browser.close()

    check_urls()
    # ingested through the pipeline, and audited as an upload by the logged-in user
    deadline = time.monotonic() + 10
    lines = audit.entries(dash_store, action="upload")
    while lines.is_empty() and time.monotonic() < deadline:
        time.sleep(0.5)
        lines = audit.entries(dash_store, action="upload")
    assert lines["actor"].to_list() == ["browser-mgmt"]  # one line: big_lab.csv never came
    assert "lab_upload.csv" in lines["detail"][0]
