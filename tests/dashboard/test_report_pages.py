"""The College page (issue 11) on the hand-made yearly-report store
(tests/sql/yearly_report_data.py; figures worked out by hand there)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries
from dashboard.viewer import producer, staff
from tests.dashboard.first_page import run_on_page
from tests.sql.yearly_report_data import build_store

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGE = str(Path(__file__).resolve().parents[2] / "dashboard" / "app_pages" / "college.py")


@pytest.fixture
def report_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = build_store(tmp_path / "report.duckdb")
    monkeypatch.setenv("CERT_DB", str(path))
    return path


def _college(viewer) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["viewer"] = viewer
    at.session_state["as_of"] = date(2024, 12, 31)
    return run_on_page(at, "college")  # as its URL opens it (tests/dashboard/first_page.py)


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
    assert at.selectbox[-2].value == 2024
    at.selectbox[-1].select("pkvw").run()
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
    assert len(at.get("download_button")) == 2
    if role == "management":
        assert len(at.text_area) == 2
    else:
        assert len(at.text_area) == 0


def test_management_saves_a_text(report_store: Path) -> None:
    at = _college(staff("management", "M"))
    at.selectbox[-1].select("brl9341").run()
    at.text_area[0].input("Meer *controle* nodig")
    at.button[0].click().run()
    assert not at.exception
    with duckdb.connect(str(report_store), read_only=True) as con:
        assert con.execute("select scheme, year, section, body from report_texts").fetchall() \
            == [("brl9341", 2024, "observations", "Meer *controle* nodig")]


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
    assert len(at.get("download_button")) == 1
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
    assert len(at.get("download_button")) == 1
    # On screen before the PDF (yearly_report_data.py, 2024): L4 (1.8 > 0.9, exceeds) and
    # L5 (0.45) tested, L5 compliant; S1 × arsenic has 4 observations, "fewer than 5":
    # every lot is tested (bijlage II), and L6 (produced 2024-04-01) was not: overdue.
    tiles = {m.label: m.value for m in at.metric}
    assert tiles == {"Partijen tested in 2024": "2", "Of which compliant": "1",
                     "Sampling series overdue at year end": "1"}
    (certificates,) = [f.value for f in at.dataframe]
    assert list(certificates["certificate_number"]) == ["B1"]


def test_statement_page_refuses_the_college(report_store: Path) -> None:
    at = _statement(staff("college", "C"))
    assert [e.value for e in at.error] == ["This page is not available to you."]


def test_the_college_page_prefetches_the_year_before(report_store: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
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
    at.selectbox[-2].select(2023).run()
    assert not at.exception
    assert reads.count(date(2023, 12, 31)) == 1  # picked from the cache, not read again
    assert _tables(at)  # and shown


def test_another_scheme_of_the_year_comes_from_the_cache(report_store: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
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


def test_only_report_roles_may_prefetch(report_store: Path) -> None:
    with pytest.raises(PermissionError):
        queries.prefetch_report_figures(producer("P", ["K1"], ["H1"]), [2023])


def test_no_prefetch_while_a_writer_is_at_work(report_store: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # issue 12: during an ingest the neighbouring years are not computed in the background
    # (the ingest's snapshot would make them stale within seconds, and readers need the CPU)
    import threading

    from pipelines.store import writer_lock

    reads = report_reads(monkeypatch)
    with writer_lock(report_store):
        queries.prefetch_report_figures(staff("college", "C"), [2023])
        started = [t for t in threading.enumerate() if t.name == "prefetch-report"]
    for thread in started:
        thread.join(timeout=60)
    assert started == []
    assert reads == []
