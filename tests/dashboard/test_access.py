"""Roles × pages, logged in through the form: what each role sees and does not see on
every page of the registry (dashboard/navigation.py; pages landing later are covered),
pages opened by URL that a role may not see, query parameters naming another holder's
certificate, site or lot.

Store: tests/dashboard/conftest.py. H1 (user prod1) owns BRL-001 (site S1, lots L1, L2);
H2 owns BRL-002 (site S2, lot L3, product daktuinsubstraat), never shown to prod1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.navigation import PAGES_DIR, PUBLIC_PAGES, PageSpec
from dashboard.viewer import Viewer
from tests.dashboard.access_support import (
    ACCOUNTS,
    APP,
    H2_MARKERS,
    HOLDER_NAMES,
    add_accounts,
    existing_pages,
    login,
    shown_text,
    titles,
)
from tests.dashboard.first_page import run_on_page

NOT_AVAILABLE = "This page is not available to you."
# Parameter names a page might read, each naming holder H2's certificate, site or lot.
FOREIGN_QUERY = {"certificate": "BRL-002", "certificate_number": "BRL-002", "cert": "BRL-002",
                 "site": "S2", "site_id": "S2", "lot": "L3", "lot_id": "L3",
                 "holder": "H2", "holder_id": "H2", "product": "daktuinsubstraat"}


@pytest.fixture
def access_store(dash_store: Path) -> Path:
    add_accounts(dash_store)
    return dash_store


def run_page(spec: PageSpec, viewer: Viewer | None, query: dict[str, str] | None = None
             ) -> AppTest:
    """A page script on its own, as a request for its URL would run it."""
    at = AppTest.from_file(str(PAGES_DIR / spec.file), default_timeout=90)
    if viewer is not None:
        at.session_state["viewer"] = viewer
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    return at


def run_in_app(spec: PageSpec, viewer: Viewer, query: dict[str, str]) -> AppTest:
    """The app as ``viewer`` on ``spec``'s page with query parameters in its URL (opened
    on the first run, as the URL would: tests/dashboard/first_page.py)."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["viewer"] = viewer
    for key, value in query.items():
        at.query_params[key] = value
    return run_on_page(at, spec.file)


def _assert_no_leak(role: str, text: str, store: Path) -> None:
    if role == "producer":
        for marker in H2_MARKERS:
            assert marker not in text, marker
    if role == "college":  # no holder names unless the body allows it (default: no)
        for name in HOLDER_NAMES:
            assert name not in text, name
    if role not in ("management", "admin"):
        assert str(store) not in text  # no path disclosure


@pytest.mark.parametrize("username", list(ACCOUNTS))
def test_each_role_opens_its_pages_and_sees_only_its_rows(access_store: Path,
                                                          username: str) -> None:
    role = ACCOUNTS[username][0]
    at = login(username)
    assert not at.exception
    assert "Log in" not in titles(at)
    opened = []
    for spec in existing_pages():
        if role not in spec.roles:
            # Not in this role's navigation: the app does not even know the page.
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(f"app_pages/{spec.file}")
            continue
        at.switch_page(f"app_pages/{spec.file}").run()
        assert not at.exception, (spec.file, at.exception)
        assert NOT_AVAILABLE not in [e.value for e in at.error], spec.file
        text = shown_text(at) + "\n".join(c.value for c in at.sidebar.caption)
        if spec.url_path != "register":  # the register's list is public (Bbl art. 1.40)
            _assert_no_leak(role, text, access_store)
        opened.append(spec.url_path)
    assert "verify" in opened


def test_producer_rows_on_lots_and_data(access_store: Path) -> None:
    at = login("prod1")
    assert titles(at) != ["Log in"]
    at.switch_page("app_pages/lots.py").run()
    lot_ids = {lot for d in at.dataframe if "lot_id" in d.value.columns
               for lot in d.value["lot_id"]}
    assert lot_ids == {"L1", "L2"}
    at.switch_page("app_pages/data.py").run()
    shown = shown_text(at)
    assert "unknown component" in shown  # its own rejected row (line 9, BRL-001)
    assert "BRL-999" not in shown and "lab_2024.csv" in shown
    assert "Ingestion log" not in shown


@pytest.mark.parametrize("username", list(ACCOUNTS))
def test_pages_opened_by_url_that_the_role_may_not_see(access_store: Path,
                                                       username: str) -> None:
    role = ACCOUNTS[username][0]
    viewer = login(username).session_state["viewer"]
    for spec in existing_pages():
        if role in spec.roles or spec.url_path in PUBLIC_PAGES:
            continue
        at = run_page(spec, viewer)
        assert not at.exception, spec.file
        assert [e.value for e in at.error] == [NOT_AVAILABLE], spec.file
        assert not at.dataframe and not at.metric and not at.title, spec.file


def test_pages_opened_by_url_without_login_show_nothing(access_store: Path) -> None:
    at = AppTest.from_file(str(Path(PAGES_DIR).parent / "app.py"), default_timeout=90)
    at.run()
    assert titles(at) == ["Log in"]
    for spec in existing_pages():
        if spec.url_path in PUBLIC_PAGES:
            at.switch_page(f"app_pages/{spec.file}").run()
            assert not at.exception
            continue
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"app_pages/{spec.file}")
        # The script itself, run without a viewer, refuses too.
        alone = run_page(spec, None)
        assert [e.value for e in alone.error] == ["Log in to see this page."], spec.file
        assert not alone.dataframe and not alone.metric, spec.file


def test_query_parameters_naming_another_holder_show_nothing_of_it(access_store: Path
                                                                   ) -> None:
    viewer = login("prod1").session_state["viewer"]
    for spec in existing_pages():
        # The Verify page publishes the public register to everyone (tested on its own).
        if "producer" not in spec.roles or spec.url_path in PUBLIC_PAGES:
            continue
        for key, value in FOREIGN_QUERY.items():
            at = run_in_app(spec, viewer, {key: value})
            assert not at.exception, (spec.file, key)
            text = shown_text(at)
            for marker in ("Dakgroen", "daktuinsubstraat"):
                assert marker not in text, (spec.file, key)
            for frame in (d.value for d in at.dataframe):
                for column, foreign in (("certificate_number", "BRL-002"),
                                        ("site_id", "S2"), ("lot_id", "L3")):
                    if column in frame.columns:
                        assert foreign not in set(frame[column].astype(str)), (spec.file, key)


def test_guessed_lot_ids_of_another_holder(access_store: Path) -> None:
    """Lot L3 is H2's: asked for by site and lot in every way a page might read it."""
    viewer = login("prod1").session_state["viewer"]
    guesses = [{"site": "S2", "lot": "L3"}, {"site_id": "S2", "lot_id": "L3"},
               {"site": "S1", "lot": "L3"}, {"lot": "S2/L3"}, {"lot": "L3", "certificate":
                                                               "BRL-001"}]
    for spec in existing_pages():
        if "producer" not in spec.roles or spec.url_path in PUBLIC_PAGES:
            continue
        for query in guesses:
            at = run_in_app(spec, viewer, query)
            assert not at.exception, (spec.file, query)
            for frame in (d.value for d in at.dataframe):
                if "lot_id" in frame.columns:
                    assert "L3" not in set(frame["lot_id"].astype(str)), (spec.file, query)
            assert "daktuinsubstraat" not in shown_text(at), (spec.file, query)
    lot_page = [spec for spec in existing_pages() if spec.url_path == "lot"]
    if lot_page:  # the parameters do reach the page: its own lot L1 is opened by them
        at = run_in_app(lot_page[0], viewer, {"site": "S1", "lot": "L1"})
        assert "L1" in [w.value for w in at.selectbox]


def test_store_path_only_for_management_and_admin(access_store: Path) -> None:
    for username, role in (("mgmt", "management"), ("adm", "admin"), ("fin", "finance"),
                           ("col", "college"), ("prod1", "producer")):
        at = login(username)
        captions = "\n".join(c.value for c in at.sidebar.caption)
        assert ("Store:" in captions) == (role in ("management", "admin")), role
