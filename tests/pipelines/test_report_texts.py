"""The yearly report's text sections and its freeze (pipelines/report/texts.py, issue 26):
the rules hold in the write itself, whoever calls it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from pipelines.report import load_report, texts
from pipelines.store import connect_write


def _rows(report_store: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(report_store), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_text_is_saved_with_who_and_when(report_store: Path) -> None:
    before = datetime.now()
    at = texts.save_text(report_store, "pkvw", 2024, "proposals", "Voorstel 1", "col")
    assert before <= at <= datetime.now()
    assert _rows(report_store, "select scheme, year, section, body, updated_by, updated_at"
                        " from report_texts") == [("pkvw", 2024, "proposals", "Voorstel 1",
                                                   "col", at)]
    # saved again: one row, the newer text and time
    later = texts.save_text(report_store, "pkvw", 2024, "proposals", "Voorstel 2", "col2")
    assert _rows(report_store, "select body, updated_by, updated_at from report_texts") == [
        ("Voorstel 2", "col2", later)]
    with pytest.raises(ValueError, match="unknown text section"):
        texts.save_text(report_store, "pkvw", 2024, "summary", "x", "col")


def test_freezing_refuses_empty_sections_unless_allowed(report_store: Path) -> None:
    texts.save_text(report_store, "pkvw", 2024, "observations", "Waarneming", "col")
    texts.save_text(report_store, "pkvw", 2024, "proposals", "   \n ", "col")  # white space only
    with pytest.raises(texts.EmptySections) as refused:
        texts.freeze_report(report_store, "pkvw", 2024, "col")
    assert refused.value.sections == ["proposals"]
    assert _rows(report_store, "select count(*) from report_freezes") == [(0,)]
    freeze = texts.freeze_report(report_store, "pkvw", 2024, "col", allow_empty=True)
    assert freeze.empty_sections == ("proposals",)
    assert _rows(report_store, "select scheme, year, frozen_by, frozen_at from report_freezes") == [
        ("pkvw", 2024, "col", freeze.frozen_at)]


def test_a_frozen_report_keeps_its_texts(report_store: Path) -> None:
    texts.save_text(report_store, "brl9341", 2024, "observations", "Waarneming", "col")
    texts.save_text(report_store, "brl9341", 2024, "proposals", "Voorstel", "col")
    freeze = texts.freeze_report(report_store, "brl9341", 2024, "col")  # nothing empty: no flag
    assert freeze.empty_sections == ()
    with pytest.raises(texts.ReportFrozen, match="frozen at .* by col"):
        texts.save_text(report_store, "brl9341", 2024, "observations", "Later", "col")
    with pytest.raises(texts.ReportFrozen):
        texts.freeze_report(report_store, "brl9341", 2024, "other", allow_empty=True)
    assert _rows(report_store, "select count(*) from report_freezes") == [(1,)]
    # another year and scheme are still drafts
    texts.save_text(report_store, "brl9341", 2023, "observations", "Vorig jaar", "col")
    texts.save_text(report_store, "pkvw", 2024, "observations", "PKVW", "col")
    # the report frozen at the moment holds both texts (saved before it)
    report = load_report(report_store, 2024, "brl9341", frozen_at=freeze.frozen_at, frozen_by="col")
    assert sorted(report.texts.select("section", "body", "updated_by").iter_rows()) == [
        ("observations", "Waarneming", "col"), ("proposals", "Voorstel", "col")]


def test_a_store_from_before_freezing_gets_the_table(report_store: Path) -> None:
    with connect_write(report_store) as con:
        con.execute("drop table report_freezes")
    texts.save_text(report_store, "pkvw", 2024, "observations", "x", "col")
    assert _rows(report_store, "select count(*) from report_freezes") == [(0,)]
