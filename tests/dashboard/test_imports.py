"""The Imports page (issue 25): every ingest logged, a file's quarantined rows on selection,
for management and admin only. Store: tests/dashboard/conftest.py plus two imports rows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from dashboard.navigation import spec
from pipelines.ingest import ingest_file
from tests.dashboard.access_support import add_accounts, login


@pytest.fixture
def imports_store(dash_store: Path) -> Path:
    """conftest's store: quarantine rows of lab_2024.csv (sha 'abc', lines 8 and 9), plus
    its imports line, one of a file refused before the reason was kept (no reason) and one
    refused with its reason's key (issue 27)."""
    add_accounts(dash_store)
    con = duckdb.connect(str(dash_store))
    try:
        con.execute("""
            insert into imports (file, sha256, kind, rows_loaded, rows_quarantined, by_user,
                                 started_at, source, outcome, duration_s) values
              ('lab_2024.csv', 'abc', 'lab', 6, 1, 'mgmt', timestamp '2024-07-01 10:00',
               'upload', 'partly', 0.8),
              ('broken.xml', null, 'sikb0101', 0, 0, 'inbox', timestamp '2024-07-02 09:00',
               'inbox', 'refused', 0.1);
            insert into imports values
              ('lab_fout.csv', 'def', null, 0, 0, 'mgmt', timestamp '2024-07-03 09:00',
               'cli', 'refused', 0.1,
               'line 1: missing column component (stof) for a lab file', 'missing_columns',
               '{"line": 1, "columns": "component (stof)", "kind": "lab"}')
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
    assert log["file"].to_list() == ["lab_fout.csv", "broken.xml", "lab_2024.csv"]
    assert log["outcome"].to_list() == ["refused (file not readable)",
                                        "refused (file not readable)",
                                        "partly loaded, rows quarantined"]
    # select lab_2024.csv: its two quarantined rows (conftest: lines 8 and 9)
    at.selectbox(key="imports_file").select(2).run()
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


def _unescaped(text: str) -> str:
    """A text shown through dashboard/text.py plain(), its Markdown signs unescaped."""
    return re.sub(r"\\(.)", r"\1", text)


INFO = {"nl": "Dit bestand is in zijn geheel geweigerd: het heeft geen rijen. De reden is "
              "getoond door",
        "en": "This file was refused whole: it has no rows. Its reason was printed by"}


@pytest.mark.parametrize("lang, expected", [
    ("nl", "Geheel geweigerd: regel 1: kolom component (stof) ontbreekt voor een bestand van "
           "de soort lab"),
    ("en", "Refused whole: line 1: missing column component (stof) for a lab file"),
])
def test_a_refused_files_reason_in_the_readers_language(imports_store: Path, lang: str,
                                                        expected: str) -> None:
    at = login("mgmt")
    at.query_params["lang"] = lang
    at.switch_page("app_pages/imports.py").run()
    at.selectbox(key="imports_file").select_index(0).run()  # lab_fout.csv, the newest
    assert not at.exception
    assert [_unescaped(e.value) for e in at.error] == [expected]
    # a row from before the reason was kept: the page says where it was printed
    at.selectbox(key="imports_file").select_index(1).run()  # broken.xml
    assert not at.error
    assert at.info[0].value.startswith(INFO[lang])


def test_a_refused_ingest_stores_its_reason_and_key(store, tmp_path) -> None:
    path = tmp_path / "lab.csv"
    path.write_text("certificate_number,site_id,product,lot_id,sample_id,sampled_on,value,"
                    "unit,lab,lab_report_id\n", encoding="utf-8")
    ingest_file(store, path, "lab", by_user="tester")
    ingest_file(store, tmp_path / "sites.csv", by_user="tester")  # no such file
    rows = store.sql("select file, outcome, reason, reason_key, reason_args from imports"
                     " order by started_at").fetchall()
    assert [r[:4] for r in rows] == [
        ("lab.csv", "refused", "line 1: missing column component (stof) for a lab file",
         "missing_columns"),
        ("sites.csv", "refused", "no such file", "no_such_file"),
    ]
    assert json.loads(rows[0][4]) == {"line": 1, "columns": "component (stof)", "kind": "lab"}
    assert json.loads(rows[1][4]) == {}
