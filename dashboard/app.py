"""The dashboard's frame: store bootstrap, sidebar (as-of date, viewer) and navigation.

Run from the repository root: ``streamlit run dashboard/app.py``. The store is
``pipelines.config.settings().db_path`` (env CERT_DB overrides); a missing store is
built from the demo data on the first start.

Pages live in dashboard/app_pages/ and only lay out what dashboard.queries returns.
A page is added by a file there and one PageSpec in dashboard/navigation.py.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the repository root
# that holds the `dashboard` and `pipelines` packages.
REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import streamlit as st  # noqa: E402

from dashboard import db, queries  # noqa: E402
from dashboard.app_pages.common import AS_OF_KEY, VIEWER_KEY  # noqa: E402
from dashboard.bootstrap import ensure_store  # noqa: E402
from dashboard.navigation import PAGES_DIR, pages_for  # noqa: E402
from dashboard.viewer import BODY, Viewer, producer  # noqa: E402


def navigation_pages(viewer: Viewer) -> dict[str, list[st.Page]]:
    """The sidebar sections and pages this viewer's role may open (dashboard/navigation.py)."""
    sections: dict[str, list[st.Page]] = {}
    for number, spec in enumerate(pages_for(viewer)):
        sections.setdefault(spec.section, []).append(
            st.Page(PAGES_DIR / spec.file, title=spec.title, icon=spec.icon,
                    url_path=spec.url_path, default=number == 0))
    return sections


def choose_viewer(as_of: date) -> Viewer:
    """Stand-in for the login (access-control issue): a viewer already in the session
    (set by the login, or by a test) wins; else the "Viewing as" picker."""
    if isinstance(st.session_state.get(VIEWER_KEY), Viewer) and "viewer_label" not in \
            st.session_state:
        return st.session_state[VIEWER_KEY]
    holders = queries.viewer_options(BODY, as_of)
    choices: dict[str, Viewer] = {BODY.name: BODY}
    for row in holders.iter_rows(named=True):
        choices[f"Producer: {row['holder_name']}"] = producer(
            row["holder_name"], row["certificate_numbers"]
        )
    label = st.sidebar.selectbox("Viewing as", list(choices), key="viewer_label")
    viewer = choices[label]
    st.session_state[VIEWER_KEY] = viewer
    if not viewer.sees_all:
        st.sidebar.caption("Certificates: " + ", ".join(viewer.certificate_numbers or ()))
    return viewer


def as_of_picker() -> date:
    """The one as-of date of this session, kept in st.session_state."""
    st.session_state.setdefault(AS_OF_KEY, date.today())
    st.sidebar.date_input(
        "As of", key=AS_OF_KEY, format="YYYY-MM-DD",
        help="Every status is computed as it stood on this date.",
    )
    return st.session_state[AS_OF_KEY]


def main() -> None:
    st.set_page_config(page_title="Certification monitor", page_icon=":material/verified:",
                       layout="wide")
    try:
        ensure_store()
        as_of = as_of_picker()
        viewer = choose_viewer(as_of)
        st.navigation(navigation_pages(viewer)).run()
    except db.StoreBusy as exc:
        st.warning(f"The store is busy: {exc}")
    except FileNotFoundError as exc:
        st.error(f"No store: {exc}")
    store = queries.store_file(st.session_state.get(VIEWER_KEY, BODY))
    if store is not None:
        st.sidebar.caption(f"Store: `{store}`")


main()
