"""In the real `streamlit run` (headless Chromium, tests/dashboard/test_browser.py's server
on 127.0.0.1), in Dutch (issue 27): the file input's browser-side messages come from the
catalogue with sizes in Dutch notation, and the download buttons under a table show their
whole label (they were cut to "CSV downloa…" in fixed columns). Expected Dutch by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dashboard.navigation import PAGES
from tests.dashboard.test_browser import (  # noqa: F401 (fixtures; the marks)
    BODY,
    LOAD_TIMEOUT_MS,
    become,
    chromium,
    open_page,
    pytestmark,
    shared_server,
)

DATA = next(spec for spec in PAGES if spec.url_path == "data")


def test_file_input_and_downloads_in_dutch(shared_server: str, chromium: Any,  # noqa: F811
                                           tmp_path: Path) -> None:
    context = chromium.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        become(page, shared_server, BODY, "nl")
        open_page(page, DATA, "nl")

        # every download button shows its whole label: nothing cut off
        buttons = page.locator("[data-testid=stDownloadButton] button")
        assert buttons.count() >= 4  # the ingestion log's and the quarantine's
        for i in range(buttons.count()):
            text, cut = buttons.nth(i).evaluate(
                "(b) => [b.innerText, b.scrollWidth > b.clientWidth + 1]")
            assert not cut, text
            assert text.endswith(("CSV downloaden", "XLSX downloaden")), text

        page.get_by_text("Bestanden uploaden").click()
        file_input = page.locator("input[type=file]").first
        wrong = tmp_path / "notities.txt"
        wrong.write_text("x", encoding="utf-8")
        file_input.set_input_files(str(wrong))
        page.get_by_text("notities.txt: niet aangenomen; alleen .csv, .xlsx, .xml-bestanden."
                         ).wait_for(timeout=LOAD_TIMEOUT_MS)

        lab = tmp_path / "lab.csv"
        lab.write_bytes(b"a,b\n" + b"1,2\n" * 30_000)  # 120 004 bytes: 0,1 MB
        file_input.set_input_files(str(lab))
        page.get_by_text("Te verzenden: lab.csv (0,1 MB).").wait_for(timeout=LOAD_TIMEOUT_MS)
        assert page.get_by_role("button", name="Inlezen").is_enabled()
    finally:
        context.close()
