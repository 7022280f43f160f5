"""Issue 26 points 12 and 14: a link reproduces the filtered view, every table downloads
its filtered rows under the labels the screen shows, and the as-of date follows the
contract's order (picked by management and the College, else settings.as_of, else today).

Store: tests/dashboard/conftest.py. BRL-001 (H1) has lots L1 (2024-03-01) and L2
(2024-06-01) at site S1; BRL-002 (H2) has L3 (2024-05-01) at S2. Sampling plan: three
series (S1 arsenic, S1 zinc, S2 arsenic), first tested 2024-03-01 and 2024-05-01; with
fewer than 10 tests ever the next is due a year after the first, so on 2026-11-23 all three
are overdue and on 2024-12-31 none is.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.test_app import APP, BODY, H1, open_page, run_app, table, url_values

LOT_HEADERS = ["Sampled on", "Lot", "Site", "Product", "Compliant", "Exceedances",
               "Exceeding components", "Components", "Admission lot", "Certificate"]


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The data makers of the download buttons drawn, by key. Under AppTest Streamlit has
    no runtime to keep a deferred maker in (the button gets no file), so the buttons'
    ``data`` is recorded on its way into Streamlit: the very maker a click would run."""
    from streamlit.delta_generator import DeltaGenerator

    makers: dict[str, object] = {}
    real = DeltaGenerator.download_button

    def recording(self: DeltaGenerator, label: str, data: object, *args: object,
                  **kwargs: object) -> bool:
        makers[str(kwargs.get("key"))] = data
        return real(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    return makers


def download(made: dict[str, object], key: str) -> bytes:
    data = made[key]()  # type: ignore[operator]
    return data if isinstance(data, bytes) else str(data).encode()


def overdue_series(at: AppTest) -> str:
    return {m.label: m.value for m in at.metric}["Series overdue"]


# --- point 12: filters in the URL, downloads ------------------------------------------


def test_a_link_with_filters_reproduces_the_filtered_table(dash_store: Path) -> None:
    at = open_page(run_app(), "lots")
    assert sorted(r["lot_id"] for r in table(at, "lots_table")) == ["L1", "L2", "L3"]
    at.multiselect(key="lots_site").set_value(["S1"]).run()
    at.toggle(key="lots_exceeding").set_value(True).run()
    link = {"site": url_values(at, "site"), "exceeding": url_values(at, "exceeding")}
    assert link == {"site": ["S1"], "exceeding": ["1"]}
    # only L2 exceeds (arsenic 1.2 > 0.9)
    assert [r["lot_id"] for r in table(at, "lots_table")] == ["L2"]

    # the link opened in a new session shows the same rows and the same filters
    fresh = open_page(run_app(), "lots", site="S1", exceeding="1")
    assert [r["lot_id"] for r in table(fresh, "lots_table")] == ["L2"]
    assert fresh.multiselect(key="lots_site").value == ["S1"]
    assert fresh.toggle(key="lots_exceeding").value is True


def test_a_download_holds_the_filtered_rows_under_the_shown_labels(
        dash_store: Path, made: dict[str, object]) -> None:
    open_page(run_app(), "lots", cert="BRL-001")
    rows = list(csv.reader(io.StringIO(download(made, "download_lots_csv").decode("utf-8-sig"))))
    assert rows[0] == LOT_HEADERS
    # BRL-002's L3 is filtered out; codes stay codes (product boomgranulaat)
    assert sorted((r[1], r[2], r[3], r[9]) for r in rows[1:]) == [
        ("L1", "S1", "boomgranulaat", "BRL-001"), ("L2", "S1", "boomgranulaat", "BRL-001")]

    book = openpyxl.load_workbook(io.BytesIO(download(made, "download_lots_xlsx")))
    sheet = list(book["lots"].iter_rows(values_only=True))
    assert list(sheet[0]) == LOT_HEADERS  # the same header row as the CSV
    assert sorted(r[1] for r in sheet[1:]) == ["L1", "L2"]


def test_every_table_has_its_downloads(dash_store: Path, made: dict[str, object]) -> None:
    # the Data page has no download call of its own: show_table draws them
    open_page(run_app(), "data")
    keys = set(made)
    assert {"download_ingestion_log_csv", "download_ingestion_log_xlsx",
            "download_quarantine_csv", "download_quarantine_xlsx"} <= keys


# --- point 14: as of a date -------------------------------------------------------------


def test_as_of_in_the_url_changes_the_figures_for_management(dash_store: Path) -> None:
    at = open_page(run_app(), "sampling_plan")
    assert overdue_series(at) == "3"
    assert not any("Figures as of" in c.value for c in at.caption if "2024" in c.value)

    at = open_page(run_app(), "sampling_plan", as_of="2024-12-31")
    assert overdue_series(at) == "0"
    assert at.sidebar.date_input(key="as_of").value == date(2024, 12, 31)
    assert any("Figures as of 31 December 2024" in c.value for c in at.caption)
    assert url_values(at, "as_of") == ["2024-12-31"]  # the link keeps the date

    # picked in the sidebar: into the URL
    at.sidebar.date_input(key="as_of").set_value(date(2025, 4, 1)).run()
    assert url_values(at, "as_of") == ["2025-04-01"]
    # S1 due 2025-03-01 (two series), S2 2025-05-01: two overdue on 2025-04-01
    assert overdue_series(at) == "2"


def test_a_producer_cannot_move_the_date_by_url(dash_store: Path) -> None:
    # H1 sees its own two series (S1 arsenic and zinc), overdue on the session's date
    at = open_page(run_app(H1), "sampling_plan", as_of="2024-12-31")
    assert overdue_series(at) == "2"  # not 0: the URL's date was not taken
    assert "as_of" not in at.query_params  # dropped unread
    assert not at.sidebar.date_input  # no picker
    # whatever the date, only its own rows: S2 (BRL-002) never shows
    at = open_page(run_app(H1, as_of=date(2030, 1, 1)), "sampling_plan", as_of="2020-01-01")
    assert {r["site_id"] for r in table(at, "plan_table")} == {"S1"}


@pytest.fixture
def store_dated(dash_store: Path) -> Path:
    con = duckdb.connect(str(dash_store))
    con.execute("update settings set as_of = date '2024-12-31'")
    con.close()
    return dash_store


@pytest.mark.parametrize("viewer", [BODY, H1], ids=["management", "producer"])
def test_the_stores_as_of_applies_when_no_date_is_picked(store_dated: Path, viewer) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["viewer"] = viewer  # no as_of in the session: nobody picked one
    at.run()
    at.switch_page("app_pages/sampling_plan.py").run()
    assert not at.exception
    assert overdue_series(at) == "0"  # on 2024-12-31 none is due yet
    assert any("Figures as of 31 December 2024" in c.value for c in at.caption)
    if viewer is BODY:
        assert at.sidebar.date_input(key="as_of").value == date(2024, 12, 31)
        assert "as_of" not in at.query_params  # the default needs no parameter


def test_today_without_a_store_date(dash_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["viewer"] = BODY
    at.run()
    assert at.sidebar.date_input(key="as_of").value == date.today()
    assert not any("Figures as of" in c.value for c in at.caption)


def _year_and_user() -> None:
    import streamlit as st

    from dashboard.app_pages.common import url_selectbox, url_text_input

    st.write(url_selectbox("Year", [2025, 2024, 2023], "year", key="y", default=2024))
    st.write(url_text_input("User", "user", key="u"))


def test_numbers_and_text_in_the_url() -> None:
    # the College's and the Statement's years are numbers; the URL holds their text
    at = AppTest.from_function(_year_and_user, default_timeout=60)
    at.query_params["year"] = "2023"
    at.query_params["user"] = "mgmt"
    at.run()
    assert at.selectbox(key="y").value == 2023
    assert at.text_input(key="u").value == "mgmt"
    at.selectbox(key="y").set_value(2025).run()
    at.text_input(key="u").input("").run()
    assert url_values(at, "year") == ["2025"]
    assert "user" not in at.query_params
    fresh = AppTest.from_function(_year_and_user, default_timeout=60)
    fresh.run()
    assert fresh.selectbox(key="y").value == 2024  # the default without a parameter


def test_the_xlsx_says_what_its_codes_mean() -> None:
    import polars as pl

    from dashboard import glossary
    from dashboard.app_pages.common import to_csv, to_xlsx

    frame = pl.DataFrame({"rule": ["insufficient", "k"], "lot_id": ["L1", "L2"]})
    labels = {"lot_id": "Lot"}  # a page's own label for a column wins over the glossary's
    assert to_csv(frame, labels).decode("utf-8-sig").splitlines() == [
        f"{glossary.header('rule')},Lot", "insufficient,L1", "k,L2"]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame, "plan", labels)))
    assert list(next(book["plan"].iter_rows(values_only=True))) == [glossary.header("rule"),
                                                                   "Lot"]
    legend = list(book["codes"].iter_rows(values_only=True))
    assert legend[0] == ("Column", "Code", "Shown as")
    # only the codes present, each with the words the table shows for it
    assert sorted(r[1] for r in legend[1:]) == ["insufficient", "k"]
    assert all(r[2] == glossary.RULES[r[1]] for r in legend[1:])
