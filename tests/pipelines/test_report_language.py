"""The yearly report in the chosen language (issue 27 point 3): Dutch by default, English
with --lang en; number cells stay numbers, article citations as the sources write them;
a frozen report keeps the language it was frozen in. Store: tests/sql/yearly_report_data
(figures worked out there by hand); the Dutch words are those of nl/messages.po."""

from __future__ import annotations

import io
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from pipelines.__main__ import main
from pipelines.i18n import use_language
from pipelines.report import load_report
from pipelines.report.formatting import number
from pipelines.report.texts import freeze_of, freeze_report
from pipelines.report.xlsx import xlsx_bytes
from pipelines.store import connect_write
from tests.sql.yearly_report_data import build_store


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("report_nl") / "store.duckdb")


@pytest.fixture
def store(base_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CERT_LANG", raising=False)
    copy = tmp_path / "store.duckdb"
    shutil.copy(base_store, copy)
    return copy


def test_dutch_xlsx_by_default(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    assert main(["report", "--db", str(store), "--year", "2024", "--scheme", "pkvw",
                 "--out", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    # two titles longer than Excel's 31 characters have a short sheet name of their own
    assert book.sheetnames == [
        "Rapportage", "Certificaathouders", "Mutaties (nieuw, vervallen)",
        "Controles volgens de regels", "Resultaten partijkeuringen", "Afwijkingen",
        "Maatregelen bij tekortkomingen", "Klachten", "Procescontroles", "Teksten",
        "Gegevensbronnen"]
    about = book["Rapportage"]
    assert about["A1"].value == "Jaarrapportage aan het College van Deskundigen 2024"
    assert (about["A3"].value, about["B3"].value) == ("Schema's", "CCV PKVW")
    assert about["B5"].value == datetime(2024, 12, 31)  # a date cell, Dutch day-first
    assert about["B5"].number_format == "dd-mm-yyyy"
    assert about["B6"].value == "niet bevroren (alles wat is ingelezen)"
    # the citations stay as the sources write them, in the Dutch text too
    assert "BRL 9341 §8.7" in about["B11"].value and "Bbl art. 1.39 lid 4" in about["B11"].value
    assert (about["A12"].value, about["B12"].value) == ("Taal", "nl")
    dev = book["Afwijkingen"]
    assert dev["A1"].value == "Afwijkingen — 2024, peildatum 31 december 2024"
    assert [c.value for c in dev[3]] == ["Schema", "Indicator", "Toelichting", "2024", "2023",
                                         "Verandering", "Artikel"]
    # deviations found 2024 = 2, 2023 = 1: numbers, not text, whatever the language
    assert [c.value for c in dev[4]] == ["CCV PKVW", "Afwijkingen vastgesteld", "", 2, 1, 1,
                                         "CCV PKVW §4.3.1-§4.3.2"]
    assert dev["D4"].number_format == "#,##0"
    assert [c.value for c in book["Gegevensbronnen"][3]] == [
        "Bestand", "Soort", "SHA-256", "Ingelezen op", "Rijen geladen"]


def test_dutch_pdf_words_and_notation(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    assert main(["report", "--db", str(store), "--year", "2024", "--scheme", "brl9341",
                 "--out", str(out)]) == 0
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "Jaarrapportage 2024" in text
    assert "Peildatum 31 december 2024" in text
    assert "Inhoud" in text and "Contents" not in text
    assert "pagina 2 / " in text
    # component names from the reference data (arsenic: arseen), changes signed
    assert "Partijen met een overschrijding, per component arseen 1 0 +1" in text
    assert "Yearly report" not in text and "As of" not in text


def test_english_on_request_and_the_same_figures(store: Path, tmp_path: Path) -> None:
    dutch = load_report(store, 2024, "pkvw")
    english = load_report(store, 2024, "pkvw", lang="en")
    assert (dutch.lang, english.lang) == ("nl", "en")
    # the labels differ, the figures and their hash do not
    assert dutch.figures_hash == english.figures_hash
    assert dutch.figures["value"].to_list() == english.figures["value"].to_list()
    assert "Deviations found" in english.figures["label"].to_list()
    assert "Afwijkingen vastgesteld" in dutch.figures["label"].to_list()


def test_numbers_in_the_reports_notation() -> None:
    # 1234.5: Dutch dot for thousands, comma for decimals; English the other way round
    assert number(1234.5, lang="nl") == "1.234,5"
    assert number(1234.5, signed=True, lang="nl") == "+1.234,5"
    assert number(1234.5, lang="en") == "1,234.5"
    # at most 2 decimals, a tie away from zero (1.375 -> 1.38), no trailing zero
    assert number(1.375, lang="nl") == "1,38"
    assert number(-2.5, signed=True, lang="nl") == "-2,5"
    assert number(0.0, signed=True, lang="nl") == "0"
    with use_language("en"):
        assert number(49.8) == "49.8"


def test_a_frozen_report_keeps_the_language_it_was_frozen_in(store: Path) -> None:
    with use_language("en"):  # frozen by someone reading English
        freeze = freeze_report(store, "pkvw", 2024, "col", allow_empty=True)
    assert freeze.lang == "en"
    with connect_write(store) as con:
        assert freeze_of(con, "pkvw", 2024).lang == "en"
        # a freeze stored before languages existed (lang NULL) was of the English report
        con.execute("insert into report_freezes (scheme, year, frozen_at, frozen_by)"
                    " values ('brl9341', 2024, ?, 'old')", [datetime(2025, 2, 1)])
        assert freeze_of(con, "brl9341", 2024).lang == "en"
    # the frozen file is the same bytes, whoever makes it in whatever language
    files = []
    for reader in ("nl", "en"):
        with use_language(reader):
            report = load_report(store, 2024, "pkvw", frozen_at=freeze.frozen_at,
                                 frozen_by="col", lang=freeze.lang)
            files.append(xlsx_bytes(report))
    assert files[0] == files[1]
    book = openpyxl.load_workbook(io.BytesIO(files[0]))
    assert book.sheetnames[0] == "Report"
