"""Running the dashboard (or one page) with AppTest for the management-page tests."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.viewer import Viewer
from tests.dashboard.first_page import run_on_page
from tests.dashboard.mgmt_store import AS_OF

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")


def open_app(viewer: Viewer, page: str | None = None,
             params: dict[str, str] | None = None) -> AppTest:
    """The app as ``viewer`` on AS_OF, with ``params`` in the URL; on ``page`` (None: the
    viewer's home page), opened on the first run as its URL would
    (tests/dashboard/first_page.py)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["viewer"] = viewer
    at.session_state["as_of"] = AS_OF
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if page is None:
        return at.run()
    return run_on_page(at, page)


def open_page_alone(viewer: Viewer, page: str) -> AppTest:
    """One page file run on its own (as when opened by URL), to test its access check."""
    at = AppTest.from_file(str(ROOT / "dashboard" / "app_pages" / f"{page}.py"),
                           default_timeout=60)
    at.session_state["viewer"] = viewer
    at.session_state["as_of"] = AS_OF
    at.run()
    return at


def frame_with(at: AppTest, column: str):  # noqa: ANN201 (a pandas frame)
    """The first table on the page that has ``column``."""
    for table in at.dataframe:
        if column in table.value.columns:
            return table.value
    raise AssertionError(f"no table with a column {column!r}")


def charts(at: AppTest) -> int:
    return len(at.get("vega_lite_chart"))


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}
