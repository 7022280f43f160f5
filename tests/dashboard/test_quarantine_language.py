"""Quarantine reasons on the Data and Imports pages in the reader's language (issue 27
point 4): a row stored with a message key shows in Dutch (the default) or English; a row
stored without one (conftest's lines 8 and 9) shows its English reason as stored."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.dashboard.test_app import column, new_app, open_page


@pytest.fixture
def keyed_store(dash_store: Path) -> Path:
    con = duckdb.connect(str(dash_store))
    try:
        con.execute(
            "insert into quarantine (source_file, source_sha256, kind, source_line,"
            " column_name, bad_value, reason, reason_key, reason_args, raw_row, ingested_at,"
            " certificate_number) values ('lab_2024.csv', 'abc', 'lab', 10, 'sampled_on',"
            " '1989-12-31', 'implausible date 1989-12-31 (before 1990-01-01)',"
            " 'date_too_early', ?, '{}', timestamp '2024-07-01 10:00', 'BRL-001')",
            [json.dumps({"day_on": "1989-12-31", "earliest_on": "1990-01-01"})])
    finally:
        con.close()
    return dash_store


def test_data_page_shows_a_keyed_reason_in_dutch_by_default(keyed_store: Path,
                                                             monkeypatch) -> None:
    monkeypatch.delenv("CERT_LANG", raising=False)
    at = open_page(new_app(), "data")
    assert not at.exception
    assert column(at, "quarantine", "reason") == [
        "unknown certificate", "unknown component",  # no key: the English as stored
        "onwaarschijnlijke datum 31 december 1989 (vóór 1 januari 1990)"]


def test_data_page_in_english_when_cert_lang_says_so(keyed_store: Path, monkeypatch) -> None:
    monkeypatch.setenv("CERT_LANG", "en")
    at = open_page(new_app(), "data")
    assert not at.exception
    assert column(at, "quarantine", "reason")[2] == (
        "implausible date 31 December 1989 (before 1 January 1990)")
