"""The College page (issue 11) on the hand-made yearly-report store
(tests/sql/yearly_report_data.py; figures worked out by hand there)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries
from dashboard.viewer import producer, staff
from pipelines.store import connect_write, refresh
from tests.dashboard.first_page import run_on_page

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGE = str(Path(__file__).resolve().parents[2] / "dashboard" / "app_pages" / "college.py")


@pytest.fixture
def report_store(report_store: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tests/conftest.py's copy of the report store, and CERT_DB pointing at it."""
    monkeypatch.setenv("CERT_DB", str(report_store))
    # these tests read the English page and files (issue 27: Dutch is the default; the
    # Dutch report is tested in tests/pipelines/test_report_language.py)
    monkeypatch.setenv("CERT_LANG", "en")
    return report_store


def _college(viewer) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["viewer"] = viewer
    at.session_state["as_of"] = date(2024, 12, 31)
    return run_on_page(at, "college")  # as its URL opens it (tests/dashboard/first_page.py)


def file_buttons(at: AppTest) -> list:
    """The report's or statement's download buttons, not the CSV/XLSX ones that show_table
    draws under every table (keyed download_<table>_csv / _xlsx)."""
    return [b for b in at.get("download_button")
            if not b.proto.id.endswith(("_csv", "_xlsx"))]


def _tables(at: AppTest) -> list:
    return [frame.value for frame in at.dataframe]


def report_reads(monkeypatch: pytest.MonkeyPatch) -> list[date | None]:
    """With an empty cache: the as-of date of every yearly_report query from now on (a
    report is computed as of 31 December of its own year)."""
    import streamlit as st

    st.cache_data.clear()
    reads: list[date | None] = []
    real_read = queries.db.read_frame

    def counting_read(sql, params=None, *, as_of=None, **kwargs):
        if "from yearly_report" in sql:
            reads.append(as_of)
        return real_read(sql, params, as_of=as_of, **kwargs)

    monkeypatch.setattr(queries.db, "read_frame", counting_read)
    return reads


@pytest.mark.parametrize("role", ["college", "management"])
def test_college_page_shows_the_figures(report_store: Path, role: str) -> None:
    at = _college(staff(role, "C"))
    assert not at.exception
    assert at.selectbox(key="report_year").value == 2024
    at.selectbox(key="report_scheme").select("pkvw").run()
    assert not at.exception
    # holders, mutations (issue 22), controls, (results: none for PKVW, no table), deviations
    deviations = _tables(at)[3]
    rows = {(r["Indicator"], r["Detail"]): (r["2024"], r["2023"])
            for r in deviations.to_dict("records")}
    assert rows[("Deviations found", "")] == ("2", "1")  # D2, D3 / D1
    assert rows[("Found, by category", "A")] == ("2", "0")
    assert rows[("Handling time, mean (days)", "")] == ("75", "61")
    text = " ".join(str(v) for frame in _tables(at) for v in frame.values.ravel())
    assert "Sloten" not in text  # no holder name
    assert len(file_buttons(at)) == 2
    # issue 26: the College writes the text sections, management reads them
    assert len(at.text_area) == (2 if role == "college" else 0)


def test_producer_is_refused(report_store: Path) -> None:
    viewer = producer("Sloten & Zo", ("P1",), ("H2",))
    # the navigation does not list the page for a producer; opened by URL it refuses
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["viewer"] = viewer
    at.run()
    assert [e.value for e in at.error] == ["This page is not available to you."]
    assert not at.dataframe
    with pytest.raises(PermissionError):
        queries.report_figures(viewer, 2024, "pkvw")


STATEMENT = str(Path(__file__).resolve().parents[2] / "dashboard" / "app_pages"
                / "statement.py")


def _statement(viewer) -> AppTest:
    at = AppTest.from_file(STATEMENT, default_timeout=120)
    at.session_state["viewer"] = viewer
    at.session_state["as_of"] = date(2024, 12, 31)
    at.run()
    return at


def test_statement_page_producer_sees_only_its_own(report_store: Path) -> None:
    at = _statement(producer("Sloten & Zo", ("P1",), ("H2",)))
    assert not at.exception
    assert at.selectbox[0].options == ["Sloten & Zo (H2)"]
    assert len(file_buttons(at)) == 1
    # a PKVW holder: its certificate, and no sampling series to list
    assert [f.value["certificate_number"].tolist() for f in at.dataframe] == [["P1"]]
    assert any("No BRL 9341 sampling series" in c.value for c in at.caption)
    pdf = queries.statement_pdf(producer("Sloten & Zo", ("P1",), ("H2",)), "H2", 2024)
    assert pdf.startswith(b"%PDF")
    with pytest.raises(PermissionError):
        queries.statement_pdf(producer("Sloten & Zo", ("P1",), ("H2",)), "H1", 2024)


def test_statement_page_management_picks_a_holder(report_store: Path) -> None:
    at = _statement(staff("management", "M"))
    assert not at.exception
    assert sorted(at.selectbox[0].options) == [
        "Deur BV (H3)", "Granulaat *BV* #1 [x] (H1)", "Sloten & Zo (H2)", "Tweede BV (H4)"]
    at.selectbox[0].select("H1").run()
    assert not at.exception
    assert len(file_buttons(at)) == 1
    # On screen before the PDF (yearly_report_data.py, 2024): L4 (1.8 > 0.9, exceeds) and
    # L5 (0.45) tested, L5 compliant; S1 × arsenic has 4 observations, "fewer than 5":
    # every lot is tested (bijlage II), and L6 (produced 2024-04-01) was not: overdue.
    tiles = {m.label: m.value for m in at.metric}
    assert tiles == {"Lots tested in 2024": "2", "Of which compliant": "1",
                     "Sampling series overdue at year end": "1"}
    (certificates,) = [f.value for f in at.dataframe]
    assert list(certificates["certificate_number"]) == ["B1"]


def test_statement_page_refuses_the_college(report_store: Path) -> None:
    at = _statement(staff("college", "C"))
    assert [e.value for e in at.error] == ["This page is not available to you."]


def test_the_college_page_prefetches_the_year_before(report_store: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      report_prefetch: None) -> None:
    # issue 9: a year change reads from the cache once the neighbouring years are computed
    # in the background (a report is a query as of 31 December of its own year).
    import threading

    reads = report_reads(monkeypatch)
    at = _college(staff("college", "C"))
    assert not at.exception
    for thread in threading.enumerate():
        if thread.name == "prefetch-report":
            thread.join(timeout=60)
    assert date(2023, 12, 31) in reads  # the year before 2024, computed unasked
    at.selectbox(key="report_year").select(2023).run()
    assert not at.exception
    assert reads.count(date(2023, 12, 31)) == 1  # picked from the cache, not read again
    assert _tables(at)  # and shown


def test_another_scheme_of_the_year_comes_from_the_cache(report_store: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         report_prefetch: None) -> None:
    # one query per year holds every scheme: picking PKVW after BRL 9341 reads nothing
    reads = report_reads(monkeypatch)
    at = _college(staff("college", "C"))
    assert at.selectbox(key="report_scheme").value == "brl9341"
    shown_2024 = reads.count(date(2024, 12, 31))
    at.selectbox(key="report_scheme").select("pkvw").run()
    assert not at.exception
    assert reads.count(date(2024, 12, 31)) == shown_2024 == 1
    deviations = _tables(at)[3]  # holders, mutations, controls, deviations
    assert ("Deviations found", "2") in {(r["Indicator"], r["2024"])
                                         for r in deviations.to_dict("records")}


def test_only_report_roles_may_prefetch(report_store: Path, report_prefetch: None) -> None:
    with pytest.raises(PermissionError):
        queries.prefetch_report_figures(producer("P", ["K1"], ["H1"]), [2023])


def test_no_prefetch_while_a_writer_is_at_work(report_store: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                report_prefetch: None) -> None:
    # issue 12: during an ingest the neighbouring years are not computed in the background
    # (the ingest's snapshot would make them stale within seconds, and readers need the CPU)
    import threading

    from pipelines.store import writer_lock

    reads = report_reads(monkeypatch)
    # a prefetch an earlier test's page started may still be finishing: count new ones only
    before = set(threading.enumerate())
    with writer_lock(report_store):
        queries.prefetch_report_figures(staff("college", "C"), [2023])
        started = [t for t in threading.enumerate()
                   if t.name == "prefetch-report" and t not in before]
    for thread in started:
        thread.join(timeout=60)
    assert started == []
    assert reads == []


# === issue 26: status and downloads on top, the College's editor, the freeze ===

def _texts_tab(at: AppTest):
    """The Texts tab (the first one), whatever its label says about empty sections."""
    return at.tabs[0]


def _save(at: AppTest, section: str, scheme: str = "brl9341", year: int = 2024) -> None:
    """Press the Save button of one text section's form."""
    at.button(key=f"FormSubmitter:text_{scheme}_{year}_{section}-Save").click().run()


def _walk(node):
    """The page's elements in the order they are drawn (depth first)."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _status(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def _audit_lines(store: Path, action: str) -> list[tuple[str, str]]:
    from pipelines import audit

    lines = audit.entries(store, action=action)
    return list(zip(lines["actor"].to_list(), lines["detail"].to_list(), strict=True))


def test_status_and_downloads_come_before_the_sections(report_store: Path) -> None:
    at = _college(staff("college", "C", username="col"))
    assert not at.exception
    # the texts (2 of 2 empty: the College opens on them), one tab per figure section,
    # the charts
    labels = [t.label for t in at.tabs]
    assert labels[0] == "Texts (2 empty)"
    assert labels[1:9] == ["Certificate holders", "Mutations (new, ended)",
                          "Controls against the rules", "Results of the lot tests",
                          "Deviations", "Sanctions for shortcomings",
                          "Complaints", "Process checks"]
    assert labels[9:] == ["Charts"]
    assert "**Draft** — the BRL 9341 report 2024 is not frozen" in _status(at)
    assert "Observations of the certification body: **none written**" in _status(at)
    # top to bottom: the downloads come before the first tab
    order = [node.type for node in _walk(at.main)]
    assert order.index("download_button") < order.index("tab")
    # the report's own two (every table also has its CSV/XLSX pair, issue 26.12)
    downloads = file_buttons(at)
    assert [d.proto.label for d in downloads] == ["Report as XLSX", "Report as PDF"]


def test_the_college_writes_a_text_shown_with_who_and_when_and_in_the_report(
        report_store: Path) -> None:
    from datetime import datetime

    import openpyxl
    from pypdf import PdfReader

    from pipelines.report import load_report
    from pipelines.report.pdf import pdf_bytes
    from pipelines.report.xlsx import xlsx_bytes

    before = datetime.now()
    at = _college(staff("college", "C", username="col"))
    assert at.selectbox(key="report_scheme").value == "brl9341"
    # markup and HTML in the text: stored and shown as written
    body = "Meer *controle* nodig.\n<b>Twee</b> partijen [niet] getest."
    at.text_area(key="report_text_brl9341_2024_observations").input(body)
    _save(at, "observations")
    assert not at.exception
    assert [s.value for s in at.success][0].startswith(
        "Saved: Observations of the certification body, ")
    with duckdb.connect(str(report_store), read_only=True) as con:
        rows = con.execute("select scheme, year, section, body, updated_by, updated_at"
                           " from report_texts").fetchall()
    assert [r[:5] for r in rows] == [("brl9341", 2024, "observations", body, "col")]
    assert before <= rows[0][5] <= datetime.now()
    assert _audit_lines(report_store, "report_text") == [
        ("col", f"brl9341 2024 observations ({len(body)} characters)")]

    # a new session (a reload) shows the text and who wrote it when
    again = _college(staff("college", "C", username="col"))
    assert again.text_area(key="report_text_brl9341_2024_observations").value == body
    # on the page in the reader's notation (English here): 7 December 2026 21:21
    shown_when = f"{rows[0][5].day} {rows[0][5]:%B %Y %H:%M}"
    assert f"Observations of the certification body: written by col, {shown_when}" in \
        _status(again)
    assert _texts_tab(again).label == "Texts (1 empty)"
    # management reads it as plain text (st.text: never Markdown or HTML)
    manager = _college(staff("management", "M"))
    assert body in [t.value for t in manager.text]
    assert not manager.text_area

    # in the report: the Texts sheet and the PDF, with who and when
    report = load_report(report_store, 2024, "brl9341")
    sheet = openpyxl.load_workbook(__import__("io").BytesIO(xlsx_bytes(report)))["Texts"]
    assert [c.value for c in sheet[1]] == ["Scheme", "Section", "Text", "Written by",
                                          "Written at"]
    assert [c.value for c in sheet[2]][:4] == [
        "BRL 9341", "Observations of the certification body", body, "col"]
    assert sheet["E2"].value.replace(microsecond=0) == rows[0][5].replace(microsecond=0)
    assert [c.value for c in sheet[3]][:3] == [
        "BRL 9341", "Proposals to the College of Experts", "(none written)"]
    reader = PdfReader(__import__("io").BytesIO(pdf_bytes(report)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Meer *controle* nodig." in text
    assert "<b>Twee</b> partijen [niet] getest." in text
    # English notation (en_GB): "7 December 2026 21:25" (strftime's C-locale month name)
    assert f"Written by col on {rows[0][5]:%-d %B %Y %H:%M}" in text


def test_freezing_with_empty_sections_needs_the_confirmation(report_store: Path) -> None:
    at = _college(staff("college", "C", username="col"))
    at.text_area(key="report_text_brl9341_2024_observations").input("Geen bijzonderheden.")
    _save(at, "observations")
    freeze = at.button(key="freeze_brl9341_2024")
    # the warning names the empty section before anything is pressed
    assert "Empty text sections: Proposals to the College of Experts." in \
        [w.value for w in at.warning]
    freeze.click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        'Not frozen: Proposals to the College of Experts empty. Write them in the Texts '
        'tab, or tick "Freeze with empty sections".']
    with duckdb.connect(str(report_store), read_only=True) as con:
        assert con.execute("select count(*) from report_freezes").fetchone() == (0,)
    assert _audit_lines(report_store, "report_freeze") == []
    assert "**Draft**" in _status(at)

    at.checkbox(key="freeze_empty_brl9341_2024").check().run()
    at.button(key="freeze_brl9341_2024").click().run()
    assert not at.exception
    with duckdb.connect(str(report_store), read_only=True) as con:
        assert con.execute("select scheme, year, frozen_by from report_freezes").fetchall() \
            == [("brl9341", 2024, "col")]
    assert _audit_lines(report_store, "report_freeze") == [
        ("col", "brl9341 2024 with empty text sections: proposals")]
    assert "**Frozen** on " in _status(at) and " by col — the BRL 9341 report 2024" in \
        _status(at)
    # another scheme of the year is still a draft
    at.selectbox(key="report_scheme").select("pkvw").run()
    assert "**Draft** — the CCV PKVW report 2024" in _status(at)


def test_a_frozen_reports_editor_is_disabled(report_store: Path) -> None:
    from dashboard import services
    from pipelines.report import texts

    college = staff("college", "C", username="col")
    at = _college(college)
    at.text_area(key="report_text_brl9341_2024_observations").input("Waarneming.")
    _save(at, "observations")
    at.text_area(key="report_text_brl9341_2024_proposals").input("Voorstel.")
    _save(at, "proposals")
    # both written: no confirmation asked
    assert not at.checkbox
    at.button(key="freeze_brl9341_2024").click().run()
    assert not at.exception

    again = _college(college)
    editors = [again.text_area(key=f"report_text_brl9341_2024_{s}")
               for s in ("observations", "proposals")]
    assert [(e.value, e.disabled) for e in editors] == [("Waarneming.", True),
                                                       ("Voorstel.", True)]
    assert all(b.disabled for b in again.button if b.proto.label == "Save")
    assert not [b for b in again.button if b.key == "freeze_brl9341_2024"]  # frozen once
    # the write refuses too, whatever a browser sends
    with pytest.raises(texts.ReportFrozen):
        services.save_report_text(college, "brl9341", 2024, "observations", "Later.")
    with pytest.raises(texts.ReportFrozen):
        services.freeze_report(college, "brl9341", 2024, allow_empty=True)
    with duckdb.connect(str(report_store), read_only=True) as con:
        assert con.execute("select body from report_texts where section = 'observations'"
                           ).fetchall() == [("Waarneming.",)]
    # the frozen report's downloads say so (XLSX cover)
    import io

    import openpyxl

    xlsx, _ = queries.report_files(college, 2024, "brl9341")
    cover = openpyxl.load_workbook(io.BytesIO(xlsx))["Report"]
    cells = {cover.cell(r, 1).value: cover.cell(r, 2).value for r in range(3, 12)}
    assert cells["Frozen by"] == "col"
    assert isinstance(cells["Frozen at"], datetime)


def test_management_reads_but_may_not_write(report_store: Path) -> None:
    from dashboard import services

    manager = staff("management", "M", username="mgmt")
    at = _college(manager)
    assert not at.exception
    assert not at.text_area and not at.checkbox
    assert [b for b in at.button if b.proto.label in ("Save", "Freeze the 2024 report")] == []
    assert len(file_buttons(at)) == 2  # management downloads the report
    # refused where the write happens, not only by the missing widgets
    with pytest.raises(services.WriteRefused):
        services.save_report_text(manager, "brl9341", 2024, "observations", "Nee.")
    with pytest.raises(services.WriteRefused):
        services.freeze_report(manager, "brl9341", 2024, allow_empty=True)
    with pytest.raises(services.WriteRefused):
        services.save_report_text(producer("P", ("P1",), ("H2",)), "pkvw", 2024,
                                  "observations", "Nee.")
    with duckdb.connect(str(report_store), read_only=True) as con:
        assert con.execute("select count(*) from report_texts").fetchone() == (0,)
        assert con.execute("select count(*) from duckdb_tables()"
                           " where table_name = 'report_freezes' and estimated_size > 0"
                           ).fetchone() == (0,)


def test_a_frozen_reports_downloads_leave_out_later_files(report_store: Path) -> None:
    # frozen on 2025-02-01 (FREEZE); a 2024 deviation of P1 (D9) ingested on 2025-03-01
    import io

    import openpyxl

    from tests.sql.yearly_report_data import FREEZE, add_late_rows

    with connect_write(report_store) as con:
        con.execute((Path(__file__).resolve().parents[2] / "sql" / "schema"
                     / "065_report_freezes.sql").read_text())
        con.execute("insert into report_freezes (scheme, year, frozen_at, frozen_by)"
                    " values ('pkvw', 2024, ?, 'col')", [FREEZE])
        add_late_rows(con)
        refresh(con)
    college = staff("college", "C", username="col")
    at = _college(college)
    at.selectbox(key="report_scheme").select("pkvw").run()
    assert not at.exception
    assert "**Frozen** on 1 February 2025 00:00 by col — the CCV PKVW report 2024" in _status(at)
    assert "1 file(s) ingested after the freeze: the figures on this page include them, " \
           "the frozen downloads do not." in [c.value for c in at.caption]
    # on the page, today's store: D2, D3 and the late D9 found in 2024
    deviations = _tables(at)[3]
    assert ("Deviations found", "3") in {(r["Indicator"], r["2024"])
                                         for r in deviations.to_dict("records")}
    # the download: as ingested up to the freeze, D2 and D3 only
    xlsx, _ = queries.report_files(college, 2024, "pkvw")
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    found = [row[3].value for row in book["Deviations"].iter_rows(min_row=4)
             if row[1].value == "Deviations found"]
    assert found == [2]
    assert book["Report"]["B6"].value == FREEZE  # Frozen at
    assert book["Report"]["B7"].value == "col"  # Frozen by


def test_a_store_from_before_freezing_shows_a_draft(report_store: Path) -> None:
    with connect_write(report_store) as con:
        con.execute("drop table report_freezes")
    at = _college(staff("management", "M"))
    assert not at.exception
    assert "**Draft** — the BRL 9341 report 2024 is not frozen" in _status(at)
    assert len(file_buttons(at)) == 2
