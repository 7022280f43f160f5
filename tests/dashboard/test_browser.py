"""Browser test: the real `streamlit run` in headless Chromium (Debian package).

Opens EVERY page of the registry (dashboard/navigation.py) that a viewer may see, for the
certification body's management and for one producer, fails on any exception box, and
saves a screenshot per page under a folder it prints (env DASH_SHOTS, else pytest's
tmp_path).

Run with ``python -m pytest -m browser tests/dashboard/test_browser.py -s``.

``test_screenshots_for_the_docs`` builds the demo store (scale 1) and writes the pictures
of docs/screenshots/ (Overview, Sampling plan, Billing, College as management), so they
show the pages as they are: commit them when they change.

How a test becomes a viewer is one function, ``become``: it logs in through the form
(keys login_username / login_password / login_submit) with an account the server fixture
adds.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from dashboard.navigation import PageSpec, pages_for
from dashboard.viewer import BODY, Viewer, producer
from pipelines.i18n import gettext
from pipelines.i18n.checks import untranslated_in
from pipelines.i18n.notation import english_notation
from tests.conftest import DemoBuild, copy_store
from tests.dashboard.i18n_support import dutch_words

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

# The producer of tests/dashboard/conftest.py (holder H1, certificate BRL-001).
PRODUCER = producer("Groen Substraat BV", ("BRL-001",))
LOAD_TIMEOUT_MS = 60_000
# Streamlit scrolls inside its main area, so a full-page picture is the viewport: tall.
VIEWPORT = {"width": 1400, "height": 2200}


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


# role -> (user name, password): the accounts the server fixture adds for become().
BROWSER_ACCOUNTS = {"management": ("browser-mgmt", "browser password"),
                    "producer": ("browser-h1", "browser password")}


@contextmanager
def serve(store: Path, log_path: Path, *, add_accounts: bool = True,
          lang: str = "en") -> Iterator[str]:
    """`streamlit run` on 127.0.0.1 over ``store`` with the accounts of BROWSER_ACCOUNTS
    (``add_accounts=False``: only the store's own, e.g. the demo's); yields its URL, stops
    it at the end. ``lang``: the server's default language (CERT_LANG); a page asks for
    the other with ``?lang=``."""
    from pipelines.users import add_user

    for role, (username, password) in BROWSER_ACCOUNTS.items() if add_accounts else ():
        add_user(store, username, role, password,
                 holder_ids=("H1",) if role == "producer" else ())
    port = _free_port()
    env = {**os.environ, "CERT_DB": str(store), "CERT_LANG": lang}
    log = log_path.open("wb")
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


@pytest.fixture
def server(dash_store: Path, tmp_path: Path) -> Iterator[str]:
    """A server of its own over this test's dash_store (for tests that read the store back,
    e.g. tests/dashboard/test_audit_browser.py)."""
    with serve(dash_store, tmp_path / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def shared_server(_dash_template: Path, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[str]:
    """One server for this module's tests, which only read: starting `streamlit run` costs
    seconds of CPU. Its store is a copy of tests/dashboard/conftest.py's, as dash_store."""
    folder = tmp_path_factory.mktemp("browser")
    store = folder / "dash.duckdb"
    shutil.copyfile(_dash_template, store)
    with serve(store, folder / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium for this module's tests; each test opens its own context."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            yield browser
        finally:
            browser.close()


# --- the browser steps (also usable by hand, against any running app) ----------------


RUNNING = "() => !document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]')"


def wait_until_rendered(page: Any) -> None:
    """The script run is over: the app's running indicator is gone (twice, as a rerun can
    follow the first run) and the main area holds something."""
    page.get_by_test_id("stMain").wait_for(timeout=LOAD_TIMEOUT_MS)
    for _ in range(2):
        page.wait_for_timeout(400)
        page.wait_for_function(RUNNING, timeout=LOAD_TIMEOUT_MS)
    page.wait_for_timeout(600)  # let Vega and the data grid draw before the picture


def log_in(page: Any, username: str, password: str) -> None:
    """The login form, found by its widget keys (login_username, login_password,
    login_submit; its labels are in the page's language)."""
    page.locator(".st-key-login_username input").fill(username)
    page.locator(".st-key-login_password input").fill(password)
    page.locator(".st-key-login_submit button").click()
    page.locator(".st-key-logout button").wait_for(timeout=LOAD_TIMEOUT_MS)
    wait_until_rendered(page)


def become(page: Any, server: str, viewer: Viewer, lang: str | None = None) -> None:
    """Open the app as ``viewer`` (in ``lang``: ``?lang=``, kept in the URL from then on):
    log in through the form with the account of BROWSER_ACCOUNTS for its role."""
    username, password = BROWSER_ACCOUNTS[viewer.role]
    page.goto(server + (f"/?lang={lang}" if lang else ""))
    wait_until_rendered(page)
    log_in(page, username, password)


def open_page(page: Any, spec: PageSpec, lang: str = "en") -> None:
    """Open a page through the sidebar (keeps the session, so the viewer stays); its
    title is the one the sidebar shows in ``lang``."""
    title = gettext(spec.title, lang=lang)
    link = page.get_by_test_id("stSidebarNav").get_by_role(
        "link", name=re.compile(rf"^\W*{re.escape(title)}$"))
    link.click()
    # (the home page is at "/"; a chosen language keeps "?lang=" in every URL)
    page.wait_for_url(re.compile(rf"/{re.escape(spec.url_path)}(\?.*)?$|/(\?.*)?$"),
                      timeout=LOAD_TIMEOUT_MS)
    wait_until_rendered(page)


# The text of a part of the page as read, without Material icons (drawn from ligatures: an
# icon ":material/logout:" is the text "logout" in the DOM).
SHOWN_TEXT = """(id) => {
  const part = document.querySelector(`[data-testid="${id}"]`).cloneNode(true);
  part.querySelectorAll('[data-testid="stIconMaterial"]').forEach((icon) => icon.remove());
  document.body.appendChild(part);
  const text = part.innerText;
  part.remove();
  return text;
}"""


def shown_text(page: Any, test_id: str) -> str:
    return page.evaluate(SHOWN_TEXT, test_id)


def dutch_problems(text: str) -> list[str]:
    """English notation, or a string of the English catalogue untranslated, in the text
    of a page shown in Dutch (issue 27 point 5)."""
    return ([f"English notation: {f.kind} {f.text!r}" for f in english_notation(text)]
            + [f"not translated: {english!r}" for english in untranslated_in(text, "nl")
               if english not in dutch_words()])


def visit_all(page: Any, server: str, viewer: Viewer, folder: Path,
              label: str, lang: str = "en") -> list[str]:
    """Every page the viewer may open, in ``lang``: a screenshot each; the problems found
    (in Dutch also English notation and untranslated strings in the page's text)."""
    problems: list[str] = []
    become(page, server, viewer, lang)
    for spec in pages_for(viewer):
        open_page(page, spec, lang)
        shot = folder / f"{label}-{lang}-{spec.url_path}.png"
        page.screenshot(path=str(shot), full_page=True)
        exceptions = page.get_by_test_id("stException")
        if exceptions.count():
            problems.append(f"{label} {spec.url_path}: {exceptions.first.inner_text()[:300]}")
        refused = gettext("This page is not available to you.", lang=lang)
        if page.get_by_text(refused).count():
            problems.append(f"{label} {spec.url_path}: refused a page the registry lists")
        if lang == "nl":
            text = shown_text(page, "stMain") + "\n" + shown_text(page, "stSidebar")
            problems += [f"{label} {spec.url_path}: {p}" for p in dutch_problems(text)]
    return problems


def launch(pw: Any) -> Any:
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


# issue 27: once per language, the browser's own locale matching (the grid formats numbers
# with navigator.languages, docs/i18n.md "Tables")
LANGUAGES = {"nl": "nl-NL", "en": "en-GB"}


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_page_renders_in_chromium(shared_server: str, chromium: Any,
                                        tmp_path: Path, lang: str) -> None:
    folder = Path(os.environ.get("DASH_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for viewer, label in ((BODY, "management"), (PRODUCER, "producer")):
        context = chromium.new_context(viewport=VIEWPORT, locale=LANGUAGES[lang])
        try:
            page = context.new_page()
            problems += visit_all(page, shared_server, viewer, folder, label, lang)
        finally:
            context.close()
    shots = sorted(p.name for p in folder.glob("*.png"))
    print(f"screenshots ({len(shots)}) in {folder}")
    expected = {f"{label}-{lang}-{spec.url_path}.png" for viewer, label in
                ((BODY, "management"), (PRODUCER, "producer")) for spec in pages_for(viewer)}
    assert expected <= set(shots)
    assert not problems, "\n".join(problems)



DOCS_SHOTS = REPO_ROOT / "docs" / "screenshots"
# The pages docs/screenshots shows (issue 26), by url path; management may open them all.
DOCS_PAGES = ("overview", "sampling-plan", "billing", "college")
DEMO_ACCOUNT = ("management", "demo-management")  # README: demo accounts, demo store only


@pytest.fixture
def demo_server(demo_build: DemoBuild, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The dashboard on a fresh demo store (scale 1, with its demo accounts): a copy of the
    run's demo store (tests/conftest.py), marked as the demo's at its own path as `demo`
    marks the store it builds (the demo accounts log in on that store only)."""
    from pipelines.users import mark_demo_store

    assert demo_build.returncode == 0, demo_build.stderr
    store = copy_store(demo_build.db, tmp_path / "demo.duckdb")
    mark_demo_store(store)
    monkeypatch.setenv("CERT_DB", str(store))
    with serve(store, tmp_path / "streamlit.log", add_accounts=False) as url:
        yield url


def test_screenshots_for_the_docs(demo_server: str, chromium: Any) -> None:
    """docs/screenshots/<page>.png of the four pages a manager opens, on the demo store."""
    from dashboard.navigation import spec

    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    # the module's one Chromium (a second sync_playwright() in this process is refused)
    context = chromium.new_context(viewport={"width": 1400, "height": 1800})
    try:
        page = context.new_page()
        page.goto(demo_server)
        wait_until_rendered(page)
        log_in(page, *DEMO_ACCOUNT)
        for url_path in DOCS_PAGES:
            open_page(page, spec(url_path))
            page.screenshot(path=str(DOCS_SHOTS / f"{url_path}.png"), full_page=True)
            if page.get_by_test_id("stException").count():
                problems.append(url_path)
        # issue 27: the Overview in each language; the sidebar's picker switches it
        open_page(page, spec("overview"))
        page.screenshot(path=str(DOCS_SHOTS / "overview-en.png"), full_page=True)
        page.locator(".st-key-lang_picker").get_by_role("combobox").click()
        page.get_by_role("option", name="Nederlands").click()
        page.get_by_test_id("stMain").get_by_role("heading", name="Overzicht").wait_for(
            timeout=LOAD_TIMEOUT_MS)
        wait_until_rendered(page)
        assert "lang=nl" in page.url
        page.screenshot(path=str(DOCS_SHOTS / "overview-nl.png"), full_page=True)
        main = page.get_by_test_id("stMain")
        assert main.get_by_role("heading", name="Overzicht").count() == 1
        problems += dutch_problems(shown_text(page, "stMain"))
    finally:
        context.close()
    assert not problems, f"problems: {problems}"
    for url_path in (*DOCS_PAGES, "overview-en", "overview-nl"):
        shot = DOCS_SHOTS / f"{url_path}.png"
        assert shot.stat().st_size > 10_000, shot  # a picture of a page, not a blank


def test_a_lot_row_links_to_its_lot_page(shared_server: str, chromium: Any) -> None:
    """Select a row in the producer's Lots table, follow the link: the Lot page of that lot
    opens in the same session (still the producer). Newest first: L2 (2024-06-01), which
    exceeds for arsenic (1.2 > 0.9, BRL 9341 bijlage IV)."""
    from playwright.sync_api import expect

    context = chromium.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        become(page, shared_server, PRODUCER)
        open_page(page, next(s for s in pages_for(PRODUCER) if s.url_path == "lots"))
        grid = page.locator(".st-key-table_lots_table [data-testid='stDataFrame']")
        box = grid.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # first row's selector
        wait_until_rendered(page)
        page.get_by_role("link", name="Open lot L2 at S1").click()
        wait_until_rendered(page)
        assert page.url.endswith("/lot?site=S1&lot=L2")
        expect(page.get_by_role("heading", name="Lot L2 · S1 · boomgranulaat")) \
            .to_be_visible()
        expect(page.get_by_test_id("stSidebar")).to_contain_text("Certificates: BRL-001")
        assert page.get_by_test_id("stException").count() == 0
    finally:
        context.close()
