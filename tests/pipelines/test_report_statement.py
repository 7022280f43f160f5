"""The producer's yearly statement on the hand-made store (tests/sql/yearly_report_data.py)."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader

from pipelines.report.statement import build_statement, statement_pdf
from tests.conftest import copy_store


@pytest.fixture(scope="module")
def report_store(tmp_path_factory: pytest.TempPathFactory, _report_template: Path) -> Path:
    """One copy for the module: its tests only read."""
    return copy_store(_report_template, tmp_path_factory.mktemp("statement") / "store.duckdb")


def test_statement_of_h1_2024(report_store: Path) -> None:
    with duckdb.connect(str(report_store), read_only=True) as con:
        statement = build_statement(con, "H1", 2024)
    assert statement.holder_name == "Granulaat *BV* #1 [x]"
    assert statement.as_of == date(2024, 12, 31)
    # B1 issued 2022-03-01, nothing since
    assert statement.certificates.select("certificate_number", "status",
                                         "status_since").rows() == [
        ("B1", "active", date(2022, 3, 1))]
    # lots first sampled in 2024: L4 1.8 > 0.9 (arsenic exceeds, §4.2), L5 0.45 complies
    assert statement.lots.select("lot_id", "compliant", "exceeding").rows() == [
        ("L4", False, "arsenic"), ("L5", True, "")]
    # bijlage II: 4 observations (< 5) -> insufficient, every lot, lot inspection; L6
    # (produced 2024-04-01) untested since L5 -> overdue
    assert statement.frequencies.select("component", "test_class", "lots_per_test",
                                        "regime", "overdue").rows() == [
        ("arsenic", "insufficient", 1, "lot_inspection", True)]
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(
        BytesIO(statement_pdf(statement, "en"))).pages).split())
    assert "Yearly statement 2024" in text
    assert "Granulaat *BV* #1 [x] (H1)" in text
    assert "2 lots, 1 compliant" in text
    assert "L4 12/01/2024 1 no arsenic" in text  # en_GB short date
    assert "every lot" in text
    # issue 27: Dutch by default; the holder's name and the codes as stored
    dutch = " ".join(" ".join(p.extract_text() for p in PdfReader(
        BytesIO(statement_pdf(statement))).pages).split())
    assert "Jaaroverzicht 2024" in dutch
    assert "Granulaat *BV* #1 [x] (H1)" in dutch
    assert "Peildatum 31 december 2024." in dutch
    assert "2 partijen, waarvan 1 conform (BRL 9341 §4.2)." in dutch
    assert "L4 12-01-2024 1 nee arseen" in dutch  # arsenic: the sources' name
    assert "B1 BRL 9341 Actief" in dutch
    assert "elke partij" in dutch and "Partijkeuring" in dutch  # the regime
    assert "every lot" not in dutch and "Yearly statement" not in dutch


def test_only_the_given_certificates_are_read(report_store: Path) -> None:
    with duckdb.connect(str(report_store), read_only=True) as con:
        with pytest.raises(LookupError):
            build_statement(con, "H1", 2024, ["P1"])  # P1 is H2's certificate
        own = build_statement(con, "H2", 2024, ["P1"])
    assert own.certificates["certificate_number"].to_list() == ["P1"]
    assert own.lots.is_empty() and own.frequencies.is_empty()
