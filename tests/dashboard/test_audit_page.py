"""The audit log in the dashboard (issue 24, goal 5): a forbidden page opened by URL and a
report text edit leave a line, an export with holder names is told apart, and the admin's
Audit log page shows the hash chain's verification (intact, then tampered with).

Store: tests/dashboard/conftest.py; accounts: tests/dashboard/access_support.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pipelines import audit
from pipelines.authfile import auth_path
from tests.dashboard.access_support import add_accounts, login, titles


@pytest.fixture
def access_store(dash_store: Path) -> Path:
    add_accounts(dash_store)
    return dash_store


def test_forbidden_page_attempt_is_audited(access_store: Path) -> None:
    from streamlit.testing.v1 import AppTest

    from dashboard.navigation import PAGES_DIR
    from dashboard.viewer import producer

    # The page file run directly (as test_app.py does): require() refuses and audits.
    page = AppTest.from_file(str(PAGES_DIR / "audit_log.py"), default_timeout=60)
    page.session_state["viewer"] = producer("prod1", ("BRL-001",), username="prod1")
    page.run()
    assert [e.value for e in page.error] == ["This page is not available to you."]
    lines = audit.entries(access_store, action="page_forbidden")
    assert lines["actor"].to_list() == ["prod1"]
    assert lines["detail"].to_list() == ["audit-log (role producer)"]
    assert lines["client"][0] != ""  # from where: the session's client address


def test_a_url_naming_a_forbidden_page_is_recognised() -> None:
    from dashboard.navigation import refused_url_path
    from dashboard.viewer import producer, staff

    prod = producer("prod1", ("BRL-001",), username="prod1")
    assert refused_url_path(prod, "https://m.example.org/audit-log") == "audit-log"
    assert refused_url_path(prod, "https://m.example.org/base/users/?x=1") == "users"
    assert refused_url_path(None, "http://127.0.0.1:8501/overview") == "overview"
    assert refused_url_path(None, "http://127.0.0.1:8501/verify") is None  # public
    assert refused_url_path(prod, "http://127.0.0.1:8501/lots") is None  # allowed
    assert refused_url_path(prod, "http://127.0.0.1:8501/nonsense") is None  # not ours
    assert refused_url_path(staff("admin", "adm", username="adm"),
                            "http://127.0.0.1:8501/audit-log") is None


def test_audit_page_shows_the_chain_intact_then_tampered(access_store: Path) -> None:
    at = login("adm")
    at.switch_page("app_pages/audit_log.py").run()
    assert titles(at) == ["Audit log"]
    assert not at.error
    # 5 users added, 1 login
    assert at.success[0].value.startswith("OK: 6 lines, hash chain intact")
    # someone edits the file behind the database's back
    con = sqlite3.connect(auth_path(access_store), isolation_level=None)
    con.execute("drop trigger audit_log_no_update")
    con.execute("update audit_log set client = '8.8.8.8' where id = 6")
    con.close()
    at.run()
    assert [e.value for e in at.error] == [
        "The audit log was tampered with: line 6 was changed: its content does not match its "
        "hash"]


def test_exports_with_holder_names_are_told_apart() -> None:
    import polars as pl

    from dashboard.app_pages.common import export_action

    # (AppTest cannot press a download button: the action its on_click records)
    assert export_action(pl.DataFrame({"holder_name": ["Groen Substraat BV"]})) == \
        "export_names"
    assert export_action(pl.DataFrame({"certificate_number": ["BRL-001"]})) == "export"


def test_a_report_text_edit_is_audited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                       ) -> None:
    from datetime import date

    from streamlit.testing.v1 import AppTest

    from dashboard.viewer import staff
    from tests.dashboard.access_support import APP
    from tests.sql.yearly_report_data import build_store

    store = build_store(tmp_path / "report.duckdb")
    monkeypatch.setenv("CERT_DB", str(store))
    at = AppTest.from_file(APP, default_timeout=120)
    # issue 26: the College writes the report's texts (management reads them)
    at.session_state["viewer"] = staff("college", "C", username="col")
    at.session_state["as_of"] = date(2024, 12, 31)
    at.run()
    at.switch_page("app_pages/college.py").run()
    at.selectbox(key="report_scheme").select("brl9341").run()
    at.text_area[0].input("Meer controle nodig")
    at.button(key="FormSubmitter:text_brl9341_2024_observations-Save").click().run()
    assert not at.exception
    lines = audit.entries(store, action="report_text")
    assert lines["actor"].to_list() == ["col"]
    # scheme, year, section and the text's length (19 characters), not the text itself
    assert lines["detail"].to_list() == ["brl9341 2024 observations (19 characters)"]
