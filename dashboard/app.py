"""The dashboard's frame: store bootstrap, sidebar (as-of date, viewer) and navigation.

Run from the repository root: ``streamlit run dashboard/app.py``. The store is
``pipelines.config.settings().db_path`` (env CERT_DB overrides); a missing store is
built from the demo data on the first start.

Pages live in dashboard/app_pages/ and only lay out what dashboard.queries returns.
A later issue adds its page by adding a file there and one ``st.Page`` to PAGES.
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
from dashboard.viewer import BODY, Viewer, producer  # noqa: E402

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"

# Sections in the order of the sidebar; later issues append their pages here.
PAGES: dict[str, list[st.Page]] = {
    "Producers": [
        st.Page(PAGES_DIR / "lots.py", title="Lots", icon=":material/science:",
                url_path="lots", default=True),
    ],
    "Store": [
        st.Page(PAGES_DIR / "data.py", title="Data", icon=":material/database:",
                url_path="data"),
    ],
}


def sidebar() -> None:
    """The as-of date and the viewer, kept in st.session_state for this session."""
    st.session_state.setdefault(AS_OF_KEY, date.today())
    st.sidebar.date_input(
        "As of", key=AS_OF_KEY, format="YYYY-MM-DD",
        help="Every status is computed as it stood on this date.",
    )
    as_of: date = st.session_state[AS_OF_KEY]

    # Stand-in for a login (access-control issue): the certification body, or one
    # certificate holder. Row filtering happens in dashboard.queries either way.
    holders = queries.viewer_options(BODY, as_of)
    choices: dict[str, Viewer] = {BODY.name: BODY}
    for row in holders.iter_rows(named=True):
        choices[f"Producer: {row['holder_name']}"] = producer(
            row["holder_name"], row["certificate_numbers"]
        )
    label = st.sidebar.selectbox("Viewing as", list(choices), key="viewer_label")
    st.session_state[VIEWER_KEY] = choices[label]
    viewer = choices[label]
    if not viewer.sees_all:
        st.sidebar.caption("Certificates: " + ", ".join(viewer.certificate_numbers or ()))


def main() -> None:
    st.set_page_config(page_title="Certification monitor", page_icon=":material/verified:",
                       layout="wide")
    page = st.navigation(PAGES)
    try:
        ensure_store()
        sidebar()
        page.run()
    except db.StoreBusy as exc:
        st.warning(f"The store is busy: {exc}")
    except FileNotFoundError as exc:
        st.error(f"No store: {exc}")
    store = queries.store_file(st.session_state.get(VIEWER_KEY, BODY))
    if store is not None:
        st.sidebar.caption(f"Store: `{store}`")


main()
