"""A file refused whole, uploaded on the Data and Imports pages (issue 27): the reason in
the reader's language, Dutch by default. The browser component is replaced by the files it
would hand over (its own decoding: tests/dashboard/test_file_input.py, the browser:
test_upload_browser.py); the ingest pipeline is the real one. Expected texts by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard import file_input
from dashboard.file_input import ReceivedFile
from pipelines.audit import entries
from tests.dashboard.test_app import new_app, open_page

# a lab file without its component column (stof, parameter): closest kind lab, incomplete
NO_COMPONENT = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,value,unit,"
                "lab,lab_report_id\n"
                "BRL-002,S2,daktuinsubstraat,L5,M9,2024-09-01,0.4,mg/kg ds,Lab,R9\n")

DUTCH = ("lab_fout.csv: niet ingelezen: regel 1: de kopregel past bij geen enkele soort "
         "volledig; het dichtst bij is lab, waarin component (stof) ontbreekt; voeg de "
         "kolom(men) toe of geef --kind op")
ENGLISH = ("lab_fout.csv: not ingested: line 1: the header fits no kind fully; closest is "
           "lab, which lacks component (stof); add the column(s) or pass --kind")


@pytest.fixture
def uploaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The file input hands over the refused file, as after the reader pressed Ingest."""
    def hand_over(label: str, *, key: str, button: str | None = None) -> list[ReceivedFile]:
        return [ReceivedFile("lab_fout.csv", NO_COMPONENT.encode())]

    monkeypatch.setattr(file_input, "file_input", hand_over)


@pytest.mark.parametrize("page", ["data", "imports"])
@pytest.mark.parametrize("lang, expected", [("nl", DUTCH), ("en", ENGLISH)])
def test_a_refused_upload_is_said_in_the_readers_language(
        dash_store: Path, uploaded: None, page: str, lang: str, expected: str) -> None:
    at = open_page(new_app(), page, lang=lang)  # BODY: management, may upload
    assert not at.exception
    # shown as text (dashboard/text.py plain(): Markdown's signs escaped)
    assert [re.sub(r"\\(.)", r"\1", e.value) for e in at.error] == [expected]


def test_the_audit_log_keeps_the_english(dash_store: Path, uploaded: None) -> None:
    open_page(new_app(), "data", lang="nl")
    assert entries(dash_store, action="upload")["detail"].to_list() == [ENGLISH]
