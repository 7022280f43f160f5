"""The Imports page (issue 25): every ingest logged, a file's quarantined rows on selection,
for management and admin only. Store: tests/dashboard/conftest.py plus two imports rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dashboard.navigation import spec
from pipelines.ingest import ingest_file
from tests.dashboard.access_support import add_accounts, login


@pytest.fixture
def imports_store(dash_store: Path) -> Path:
    """conftest's store: quarantine rows of lab_2024.csv (sha 'abc', lines 8 and 9), plus
    its imports line and one of a refused file."""
    add_accounts(dash_store)
    con = duckdb.connect(str(dash_store))
    try:
        con.execute("""
            insert into imports values
              ('lab_2024.csv', 'abc', 'lab', 6, 1, 'mgmt', timestamp '2024-07-01 10:00',
               'upload', 'partly', 0.8),
              ('broken.xml', null, 'sikb0101', 0, 0, 'inbox', timestamp '2024-07-02 09:00',
               'inbox', 'refused', 0.1)
        """)
    finally:
        con.close()
    return dash_store


def test_management_sees_the_log_and_a_files_quarantined_rows(imports_store: Path) -> None:
    at = login("mgmt")
    at.switch_page("app_pages/imports.py").run()
    assert not at.exception
    log = at.dataframe[0].value
    # newest first; outcome in words (glossary.IMPORT_OUTCOMES)
    assert log["file"].to_list() == ["broken.xml", "lab_2024.csv"]
    assert log["outcome"].to_list() == ["refused (file not readable)",
                                        "partly loaded, rows quarantined"]
    # select lab_2024.csv: its two quarantined rows (conftest: lines 8 and 9)
    at.selectbox(key="imports_file").select(1).run()
    assert not at.exception
    rows = at.dataframe[1].value
    assert rows["source_line"].to_list() == [8, 9]
    assert set(rows["reason"]) == {"unknown certificate", "unknown component"}


def test_only_management_and_admin_have_the_page() -> None:
    """Opening it by URL as another role shows nothing: tests/dashboard/test_access.py
    test_pages_opened_by_url_that_the_role_may_not_see covers every registered page."""
    assert spec("imports").roles == {"management", "admin"}


def test_every_ingest_writes_one_imports_row(store, tmp_path) -> None:
    """A file ingested (source 'api' from a program) and the same file again: two rows,
    the second 'unchanged'; a file that cannot be read: 'refused', no checksum."""
    path = tmp_path / "sites.csv"
    path.write_text("site_id,certificate_number\nS7,NOPE\n", encoding="utf-8")
    ingest_file(store, path, by_user="tester")
    ingest_file(store, path, by_user="tester")
    missing = ingest_file(store, tmp_path / "missing.csv", by_user="tester", source="cli")
    assert missing.error
    rows = store.sql("select file, kind, rows_loaded, rows_quarantined, by_user, source,"
                     " outcome, sha256 is null from imports order by started_at").fetchall()
    assert rows == [
        # S7 names an unknown certificate: its one row is quarantined
        ("sites.csv", "site", 0, 1, "tester", "api", "quarantined", False),
        ("sites.csv", "site", 0, 1, "tester", "api", "quarantined", False),
        ("missing.csv", None, 0, 0, "tester", "cli", "refused", True),
    ]
