"""Browser smoke test: the real `streamlit run` in headless Chromium (Debian package).

Run with ``python -m pytest -m browser tests/dashboard/test_browser.py``; the screenshots
land under pytest's tmp_path (printed at the end of the test).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    # CI sets CERT_REQUIRE_BROWSER=1: there a missing Chromium fails the test, never skips it
    pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CERT_REQUIRE_BROWSER") != "1",
                       reason="needs Debian chromium at /usr/bin/chromium "
                              "(apt-get install -y chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url}")


@pytest.fixture
def server(dash_store: Path, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "CERT_DB": str(dash_store)}
    log = (tmp_path / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_pages_render_in_chromium(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server)  # the default page (Lots) is served at the root
            expect(page.get_by_role("heading", name="Lots")).to_be_visible(timeout=60_000)
            # The lots table has loaded once the metrics show the count.
            expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=30_000)
            expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=30_000)
            page.screenshot(path=str(tmp_path / "lots_table.png"), full_page=True)
            page.get_by_role("tab", name="Chart").click()
            expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_visible(
                timeout=30_000)
            page.wait_for_timeout(1000)  # let Vega draw before the picture
            assert page.title() == "Certification monitor"
            assert page.get_by_test_id("stException").count() == 0
            page.screenshot(path=str(tmp_path / "lots.png"), full_page=True)

            page.goto(f"{server}/data")
            expect(page.get_by_role("heading", name="Data")).to_be_visible(timeout=60_000)
            expect(page.get_by_text("Ingestion log")).to_be_visible(timeout=30_000)
            assert page.get_by_test_id("stException").count() == 0
            page.screenshot(path=str(tmp_path / "data.png"), full_page=True)
        finally:
            browser.close()
    print(f"screenshots: {tmp_path / 'lots.png'} {tmp_path / 'data.png'}")
