"""Open a page on an AppTest's FIRST run, as a browser opening the page's URL does (no tests
here).

``AppTest.switch_page`` needs a run first, so a test that wants the Lots page ran the
role's home page (for management the Overview, the most expensive page) and then the page
it checks. A browser asking for /lots runs st.navigation once, on the page its URL names:
st.Page identifies a page by the hash of its url_path, which is what ``switch_page``
would set. ``run_on_page`` sets that hash before the first run and checks that the page
did open (st.navigation falls back to the home page for an unknown page, silently).
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from dashboard.navigation import PAGES


def page_hash(file: str) -> str:
    """The script hash st.navigation gives the page of dashboard/app_pages/<file>."""
    file = file.removeprefix("app_pages/")
    file = file if file.endswith(".py") else f"{file}.py"
    return calc_hash(next(p.url_path for p in PAGES if p.file == file))


def has_run(at: AppTest) -> bool:
    return at._finished_page_script_hash != ""  # noqa: SLF001 (set by every run)


def run_on_page(at: AppTest, file: str) -> AppTest:
    """Run ``at`` (not run before) on the page of app_pages/<file>, as its URL would."""
    assert not has_run(at), "run_on_page is for the first run; use switch_page after it"
    wanted = page_hash(file)
    at._page_hash = wanted  # noqa: SLF001 (what switch_page sets after a first run)
    at.run()
    # A viewer whose navigation lacks the page gets the home page: that is not this page.
    assert at._finished_page_script_hash == wanted, (  # noqa: SLF001
        f"{file} did not open on the first run", [e.value for e in at.exception])
    return at
