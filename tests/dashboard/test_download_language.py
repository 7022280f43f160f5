"""Downloads in the reader's language (issue 26 point 12, issue 27 point 3): a table's CSV
and XLSX carry the headers the table shows, in the reader's language; the CSV's values
stay machine-readable in both languages; the XLSX keeps number and date cells, dates
shown in the reader's notation, and its "codes" sheet in the reader's language even
though Streamlit makes the file outside the session's script run.

Store: tests/dashboard/conftest.py (CERT_LANG=en there); lots L1, L2 of BRL-001.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from tests.dashboard.test_app import open_page, run_app
from tests.dashboard.test_urls import LOT_HEADERS, download, made  # noqa: F401 (fixture)

# tests/dashboard/test_urls.py LOT_HEADERS in Dutch, written by hand
LOT_HEADERS_NL = ["Bemonsterd op", "Partij", "Locatie", "Product", "Voldoet",
                  "Overschrijdingen", "Overschreden componenten", "Componenten",
                  "Partij van het toelatingsonderzoek", "Certificaat"]


@pytest.mark.parametrize("lang, headers, codes_header, date_format", [
    ("nl", LOT_HEADERS_NL, ("Kolom", "Code", "Getoond als"), "dd-mm-yyyy"),
    ("en", LOT_HEADERS, ("Column", "Code", "Shown as"), "dd/mm/yyyy"),
])
def test_downloads_in_the_readers_language(dash_store: Path, made: dict[str, object],  # noqa: F811
                                           lang: str, headers: list[str],
                                           codes_header: tuple[str, str, str],
                                           date_format: str) -> None:
    at = open_page(run_app(), "lots", cert="BRL-001", lang=lang)
    assert not at.exception
    # the makers run here, after the run, as Streamlit runs them: outside the session
    rows = list(csv.reader(io.StringIO(download(made, "download_lots_csv").decode("utf-8-sig"))))
    assert rows[0] == headers
    by_lot = {r[1]: r for r in rows[1:]}
    # machine-readable whatever the language: ISO dates, codes, plain numbers
    assert by_lot["L1"][0] == "2024-03-01" and by_lot["L2"][0] == "2024-06-01"
    assert by_lot["L2"][3] == "boomgranulaat"
    assert by_lot["L2"][5] == "1"  # one exceedance (arsenic), no thousands separator

    book = openpyxl.load_workbook(io.BytesIO(download(made, "download_lots_xlsx")))
    sheet = list(book["lots"].iter_rows())
    assert [c.value for c in sheet[0]] == headers
    first = {row[1].value: row for row in sheet[1:]}["L1"][0]
    assert first.value == datetime(2024, 3, 1)  # a date cell, not text
    assert first.number_format == date_format
    codes = list(book["codes"].iter_rows(values_only=True))
    assert codes[0] == codes_header
