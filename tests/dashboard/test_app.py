"""The dashboard frame: every page renders, the viewer filter holds, no lock is kept.

Store: tests/dashboard/conftest.py (3 lots; L2 exceeds for arsenic, 1.2 > 0.9,
BRL 9341 §4.2 and bijlage IV).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import db, queries
from dashboard.bootstrap import ensure_store, missing_views
from dashboard.navigation import PAGES_DIR, may_open, spec
from dashboard.viewer import BODY, Viewer, producer, staff
from pipelines.store import refresh
from tests.dashboard.first_page import has_run, run_on_page

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
AS_OF = date(2026, 11, 23)
H1 = producer("Groen Substraat BV", ("BRL-001",))
H2 = producer("Dakgroen NV", ("BRL-002",))
# A producer whose only certificate is not BRL 9341 (added by the fixture below).
H3 = producer("Veilig Wonen BV", ("PKVW-003",))
FINANCE = staff("finance", "Finance")
COLLEGE = staff("college", "College of Experts")
ADMIN = staff("admin", "Admin")


def new_app(viewer: Viewer | None = BODY, as_of: date = AS_OF) -> AppTest:
    """The app as ``viewer`` (None: anonymous, the login page) on a FIXED as-of date
    (never date.today(): a test must not change around midnight), not run yet. The login
    form itself is tested in tests/dashboard/test_access*.py."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["as_of"] = as_of
    if viewer is not None:
        at.session_state["viewer"] = viewer
    return at


def run_app(viewer: Viewer | None = BODY, as_of: date = AS_OF) -> AppTest:
    """``new_app`` run once: the viewer's home page."""
    return new_app(viewer, as_of).run()


def open_page(at: AppTest, page: str, **query: str) -> AppTest:
    """``page`` with ``query`` in its URL: a new app (``new_app``) opens it on its first
    run, as a link does (tests/dashboard/first_page.py); an app that has run switches."""
    at.query_params.clear()
    at.query_params.update(query)
    if has_run(at):
        at.switch_page(f"app_pages/{page}.py").run()
    else:
        run_on_page(at, page)
    return at


def url_values(at: AppTest, name: str) -> list[str]:
    """A query parameter of the page's URL as a list (AppTest keeps one value as a str)."""
    value = at.query_params.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def has_table(at: AppTest, key: str) -> bool:
    """Whether the page shows the table with this key (show_table wraps each table in a
    container keyed table_<key>)."""
    return any(c.key == f"table_{key}" for c in at.container)


def table(at: AppTest, key: str) -> list[dict[str, object]]:
    """The rows of the table with this key, as dicts."""
    return at.container(key=f"table_{key}").dataframe[0].value.to_dict("records")


def column(at: AppTest, key: str, name: str) -> list[object]:
    return [row[name] for row in table(at, key)]


def shown_text(at: AppTest) -> str:
    """Every piece of text on the page (titles, markdown, captions, notes)."""
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info",
                                  "warning", "text") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def pkvw_holder(dash_store: Path) -> Path:
    con = duckdb.connect(str(dash_store))
    con.execute("insert into certificate_holders (holder_id, holder_name) "
                "values ('H3', 'Veilig Wonen BV')")
    con.execute("insert into certificates (certificate_number, scheme, holder_id, issued_on, "
                "applied_on) values ('PKVW-003', 'pkvw', 'H3', date '2022-01-01', "
                "date '2021-10-01')")
    con.close()
    return dash_store


# --- Lots ---------------------------------------------------------------------------


def test_lots_page_renders_all_lots_for_the_body(dash_store: Path) -> None:
    at = open_page(new_app(), "lots")
    assert not at.exception
    assert [t.value for t in at.title] == ["Lots"]
    # Body sees L1, L2, L3; one of them (L2) is non-compliant.
    assert sorted(column(at, "lots_table", "lot_id")) == ["L1", "L2", "L3"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Lots"] == "3"
    assert metrics["Non-compliant lots"] == "1"


def test_lots_page_as_a_producer(dash_store: Path) -> None:
    at = new_app(H1)
    open_page(at, "lots")
    assert not at.exception
    # H1 holds BRL-001 only: lots L1 and L2 (L2 exceeds).
    assert sorted(column(at, "lots_table", "lot_id")) == ["L1", "L2"]
    assert set(column(at, "lots_table", "certificate_number")) == {"BRL-001"}
    assert {m.label: m.value for m in at.metric}["Non-compliant lots"] == "1"


def test_lots_page_filters_and_chart(dash_store: Path) -> None:
    at = open_page(new_app(), "lots")
    at.multiselect(key="lots_product").select("daktuinsubstraat").run()
    assert not at.exception
    assert column(at, "lots_table", "lot_id") == ["L3"]
    assert url_values(at, "product") == ["daktuinsubstraat"]  # the view is in the URL
    at.toggle(key="lots_exceeding").set_value(True).run()  # only exceeding: L3 complies
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Lots"] == "0"
    # The chart of S2 × daktuinsubstraat × arsenic: one point, L3 at 0.3 under the limit
    # 0.9 (bijlage IV) - the chart's data, not only its presence.
    at.toggle(key="lots_exceeding").set_value(False).run()
    at.segmented_control(key="lots_view").set_value("Chart").run()
    assert not at.exception
    assert url_values(at, "view") == ["Chart"]
    assert at.selectbox(key="chart_site").value == "S2"
    assert at.selectbox(key="chart_component").value == "arsenic"
    chart = at.get("vega_lite_chart")
    assert len(chart) == 1
    spec = json.loads(chart[0].proto.spec)
    assert spec["title"]["subtitle"] == "limit value 0.9 mg/kg d.s."
    points = table(at, "chart_series_table")
    assert [(p["lot_id"], p["observation"], p["exceeds"]) for p in points] == \
        [("L3", pytest.approx(0.3), "no")]  # booleans in words (issue 26)


def test_lots_page_reads_its_filters_from_the_url(dash_store: Path) -> None:
    # A link such as /lots?site=S1&exceeding=1 shows the same view: L2 only (1.2 > 0.9).
    at = open_page(new_app(), "lots", site="S1", exceeding="1")
    assert not at.exception
    assert at.multiselect(key="lots_site").value == ["S1"]
    assert column(at, "lots_table", "lot_id") == ["L2"]


def test_the_shown_lots_follow_the_as_of_date(dash_store: Path) -> None:
    # A lot is known from its first sampling date on (lot_compliance): on 2024-04-01 only
    # L1 (sampled 2024-03-01) exists; L3 (05-01) and L2 (06-01) come later.
    at = open_page(new_app(as_of=date(2024, 4, 1)), "lots")
    assert column(at, "lots_table", "lot_id") == ["L1"]
    at.date_input(key="as_of").set_value(date(2024, 5, 15)).run()
    assert not at.exception
    assert sorted(column(at, "lots_table", "lot_id")) == ["L1", "L3"]
    at.date_input(key="as_of").set_value(AS_OF).run()
    assert sorted(column(at, "lots_table", "lot_id")) == ["L1", "L2", "L3"]


# --- Sampling plan ------------------------------------------------------------------


def test_sampling_plan_for_the_body(dash_store: Path) -> None:
    at = open_page(new_app(), "sampling_plan")
    assert not at.exception
    assert [t.value for t in at.title] == ["Sampling plan"]
    rows = table(at, "plan_table")
    # Three series: S1 arsenic, S1 zinc (2 lots each), S2 arsenic (1 lot). Fewer than 5
    # observations: every lot, at least 10 per year (bijlage II, class 90/<50); with
    # fewer than 10 tests ever the next one is due 1 year after the first test:
    # S1 2024-03-01 -> 2025-03-01, S2 2024-05-01 -> 2025-05-01, both before 2026-11-23.
    assert sorted((r["site_id"], r["component"]) for r in rows) == \
        [("S1", "arsenic"), ("S1", "zinc"), ("S2", "arsenic")]
    assert all(r["overdue"] == "overdue" for r in rows)
    s1_arsenic = next(r for r in rows if (r["site_id"], r["component"]) == ("S1", "arsenic"))
    # in the reader's language from the view's message keys (issue 27); English here:
    # these tests run with CERT_LANG=en (the Dutch: tests/sql/test_brl9341_plan_marts.py)
    assert (s1_arsenic["frequency_text"], s1_arsenic["reason"]) == (
        "every lot, at least 10 per year",
        "fewer than 5 observations (2 so far) (BRL 9341 bijlage II)")
    assert str(s1_arsenic["next_test_due_by"])[:10] == "2025-03-01"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Series overdue"] == "3"
    assert metrics["Lots not tested"] == "0 of 3"  # every registered lot has results
    # CSV and XLSX under the plan (show_table draws them under every table)
    assert len(at.container(key="table_plan_table").get("download_button")) == 2


def test_sampling_plan_overdue_follows_the_as_of_date(dash_store: Path) -> None:
    # On 2024-12-31 neither first test is a year old (due 2025-03-01 and 2025-05-01).
    at = open_page(new_app(as_of=date(2024, 12, 31)), "sampling_plan")
    assert {m.label: m.value for m in at.metric}["Series overdue"] == "0"
    at.toggle(key="plan_overdue").set_value(True).run()
    assert not at.exception
    assert not has_table(at, "plan_table")
    assert any("No series match" in i.value for i in at.info)


def test_sampling_plan_filter_by_site(dash_store: Path) -> None:
    at = open_page(new_app(), "sampling_plan")
    at.multiselect(key="plan_site").select("S2").run()
    assert not at.exception
    assert [(r["site_id"], r["component"]) for r in table(at, "plan_table")] == \
        [("S2", "arsenic")]
    assert url_values(at, "site") == ["S2"]


def test_sampling_plan_shows_lots_produced_but_not_tested(dash_store: Path) -> None:
    con = duckdb.connect(str(dash_store))  # L9: registered, produced 2024-07-01, no result
    con.execute("insert into lots (site_id, lot_id, certificate_number, product, produced_on)"
                " values ('S1', 'L9', 'BRL-001', 'boomgranulaat', date '2024-07-01')")
    refresh(con)  # brl9341_lot_order is a stored table, as after an ingest
    con.close()
    at = open_page(new_app(H1), "sampling_plan", view="Lots not tested")
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Lots not tested"] == "1 of 3"
    assert column(at, "untested_lots", "lot_id") == ["L9"]
    # A link to L9 says it is registered and untested (it has nothing else to show); to
    # another holder it says nothing of L9's production date.
    at = open_page(new_app(H1), "lot", site="S1", lot="L9")
    assert not at.exception
    assert any("produced on 1 July 2024 and has not been tested" in i.value for i in at.info)
    at = open_page(new_app(H2), "lot", site="S1", lot="L9")
    assert not at.exception
    assert "1 July 2024" not in shown_text(at)


def test_sampling_plan_of_a_producer_shows_only_its_own_series(dash_store: Path) -> None:
    at = open_page(new_app(H2), "sampling_plan")
    assert not at.exception
    assert set(column(at, "plan_table", "certificate_number")) == {"BRL-002"}
    at = open_page(new_app(H2), "sampling_plan", view="Regime per site × product")
    assert not at.exception
    assert set(column(at, "regime_table", "certificate_number")) == {"BRL-002"}
    # A URL naming another holder's site shows nothing of it.
    at = open_page(new_app(H2), "sampling_plan", site="S1")
    assert set(column(at, "plan_table", "site_id")) == {"S2"}


def test_pages_without_brl9341_say_what_applies(pkvw_holder: Path) -> None:
    for page in ("sampling_plan", "lots", "lot"):
        at = open_page(new_app(H3), page)
        assert not at.exception
        text = shown_text(at)
        assert "apply to BRL 9341" in text
        assert "No lots in the store yet" not in text


# --- Lot ------------------------------------------------------------------------------


def test_lot_page_from_a_link(dash_store: Path) -> None:
    at = open_page(new_app(), "lot", site="S1", lot="L2")
    assert not at.exception
    assert at.selectbox(key="lot_lot").value == "L2"
    # L2: arsenic 1.2 > 0.9 exceeds; zinc <1.0 counts at its LOQ 1.0 <= 4.5 (bijlage IV).
    observations = {r["component"]: r for r in table(at, "lot_observations")}
    assert observations["arsenic"]["exceeds"] == "exceeds"
    assert observations["zinc"]["exceeds"] == "no"
    assert observations["zinc"]["below_loq"] == "yes"
    analyses = table(at, "lot_analyses")
    assert [(a["component"], a["sample_id"], a["lab_report_id"]) for a in analyses] == \
        [("arsenic", "M3", "R1"), ("zinc", "M3", "R1")]
    tested = column(at, "lot_tested", "component")
    assert sorted(tested) == ["arsenic", "zinc"]
    # every other component with a limit on 2024-06-01 was not tested (27 in bijlage
    # III/IV, data/reference/ref_components.csv, all with limits since 2016)
    assert len(column(at, "lot_not_tested", "component")) == 27 - 2
    state = {r["component"]: r for r in table(at, "lot_state")}
    # Second observation of each series: still fewer than 5, insufficient before and after,
    # shown in words (glossary.RULES), not as the code.
    assert state["arsenic"]["rule_before"] == "fewer than 5 lots"
    assert state["arsenic"]["rule_after"] == "fewer than 5 lots"
    assert {m.label: m.value for m in at.metric}["Lot complies"] == "no"


def test_lot_page_says_an_unaccredited_result_does_not_count(dash_store: Path) -> None:
    # The fixture's lab files name no lab, so no ISO/IEC 17025 accreditation covers L2's
    # results on 2024-06-01: under BRL 9341 §1.4 they do not count, and the page says so.
    at = open_page(new_app(), "lot", site="S1", lot="L2")
    assert not at.exception
    assert [a["lab_accredited"] for a in table(at, "lot_analyses")] == ["no", "no"]
    assert any("BRL 9341 §1.4" in w.value for w in at.warning)


def test_lot_page_with_only_the_lot_id(dash_store: Path) -> None:
    at = open_page(new_app(), "lot", lot="L3")  # L3 exists at S2 only
    assert not at.exception
    assert at.selectbox(key="lot_site").value == "S2"
    assert at.selectbox(key="lot_lot").value == "L3"


def test_lot_page_refuses_another_producers_lot(dash_store: Path) -> None:
    # H2 (BRL-002) asks for L2 of BRL-001 by URL: nothing of it is shown.
    at = open_page(new_app(H2), "lot", site="S1", lot="L2")
    assert not at.exception
    assert at.warning  # says the site has no lots it may see
    assert at.selectbox(key="lot_site").value == "S2"
    assert column(at, "lot_observations", "component") == ["arsenic"]  # L3's, not L2's
    assert "L2" not in shown_text(at).replace("\\", "")


# --- My certificates ----------------------------------------------------------------


def test_my_certificates_of_a_producer(dash_store: Path) -> None:
    at = open_page(new_app(H1), "my_certificates")
    assert not at.exception
    assert [t.value for t in at.title] == ["My certificates"]
    text = shown_text(at)
    assert "BRL\\-001" in text and "BRL\\-002" not in text  # escaped, its own only
    assert set(column(at, "my_plan", "site_id")) == {"S1"}
    assert sorted(column(at, "my_lots", "lot_id")) == ["L1", "L2"]
    assert "Groen Substraat BV" in text  # the holder, not the login name
    # What would change it: fewer than 5 lots, so every lot and at least 10 per year
    # (bijlage II); the first test 2024-03-01 + 1 year = 2025-03-01 has passed.
    assert ("arsenic at S1 (boomgranulaat), the period's test was due by 1 March 2025"
            in text)


def test_my_certificates_shows_only_its_own_process_findings(dash_store: Path) -> None:
    # BRL-001 and BRL-002 each have a lab report R1 without a lab name (BRL 9341 §1.4):
    # H1 sees the finding of BRL-001 only.
    at = open_page(new_app(H1), "my_certificates")
    assert not at.exception
    assert column(at, "my_findings", "certificate_number") == ["BRL-001"]
    assert column(at, "my_findings", "subject") == ["lab report R1 (lab not named)"]


def test_my_certificates_without_brl9341(pkvw_holder: Path) -> None:
    at = open_page(new_app(H3), "my_certificates")
    assert not at.exception
    text = shown_text(at)
    assert "PKVW\\-003" in text
    assert "apply to BRL 9341 product certificates" in text
    assert "No lots in the store yet" not in text
    assert not has_table(at, "my_lots")


# --- Data -----------------------------------------------------------------------------


def test_data_page_renders(dash_store: Path) -> None:
    at = open_page(new_app(), "data")
    assert not at.exception
    assert [t.value for t in at.title] == ["Data"]
    assert column(at, "ingestion_log", "file_name") == ["lab_2024.csv"]
    assert column(at, "quarantine", "reason") == ["unknown certificate", "unknown component"]
    assert "does not follow the as-of date" in shown_text(at)
    # the body may upload, through the websocket component (not st.file_uploader, whose
    # URLs carry the session id: issue 24, tests/dashboard/test_upload_browser.py)
    assert [e.proto.component_name for e in at.get("bidi_component")] == ["cert_file_input"]
    assert not at.get("file_uploader")


def test_data_page_is_closed_to_producers(dash_store: Path) -> None:
    at = new_app(H2)
    open_page(at, "data")
    assert not at.exception
    assert not at.dataframe  # Dakgroen NV has no rejected rows and never sees the log
    assert not at.get("file_uploader") and not at.get("bidi_component")


def test_producer_sees_its_own_quarantined_rows(dash_store: Path) -> None:
    at = new_app(H1)
    open_page(at, "data")
    assert not at.exception
    assert column(at, "quarantine_own", "reason") == ["unknown component"]


def test_upload_runs_the_ingest_pipeline(dash_store: Path, tmp_path: Path) -> None:
    from dashboard.upload import UploadRefused, ingest_uploads

    class Upload:
        def __init__(self, name: str, data: bytes) -> None:
            self.name, self._data = name, data

        def getvalue(self) -> bytes:
            return self._data

    lab = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,"
           "unit,lab,lab_report_id\n"
           "BRL-002,S2,daktuinsubstraat,L5,M9,2024-09-01,arsenic,0.4,mg/kg ds,Lab,R9\n"
           "BRL-999,S2,daktuinsubstraat,L6,M9,2024-09-01,arsenic,0.4,mg/kg ds,Lab,R9\n")
    steps: list[float] = []
    with pytest.raises(UploadRefused):
        ingest_uploads(H1, [Upload("lab.csv", lab.encode())], dash_store)
    results = ingest_uploads(BODY, [Upload("lab_upload.csv", lab.encode())], dash_store,
                             step=lambda f, _: steps.append(f))
    assert [(r.file_name, r.rows_loaded, r.rows_quarantined) for r in results] == \
        [("lab_upload.csv", 1, 1)]
    assert steps[-1] == 1.0
    assert "L5" in queries.lots(BODY, AS_OF)["lot_id"].to_list()


# --- every page × role --------------------------------------------------------------


@pytest.mark.parametrize("viewer", [BODY, H1, FINANCE, COLLEGE, ADMIN],
                         ids=lambda v: v.role)
@pytest.mark.parametrize("url_path", ["sampling-plan", "lot", "my-certificates", "data",
                                      "lots"])
def test_page_by_role(dash_store: Path, viewer: Viewer, url_path: str) -> None:
    """A role opens the pages the registry gives it without an exception; another page
    opened anyway (by URL) says it is not available and shows no data."""
    if may_open(viewer, url_path):
        at = open_page(new_app(viewer), spec(url_path).file.removesuffix(".py"))
        assert not at.exception
        assert at.title
        assert not any("not available" in e.value for e in at.error)
    else:
        # Not in the navigation: run the page file directly, as a URL would.
        page = AppTest.from_file(str(PAGES_DIR / spec(url_path).file), default_timeout=60)
        page.session_state["viewer"] = viewer
        page.session_state["as_of"] = AS_OF
        page.run()
        assert [e.value for e in page.error] == ["This page is not available to you."]
        assert not page.dataframe


def test_empty_store_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.store import init_store

    monkeypatch.setenv("CERT_DB", str(init_store(tmp_path / "empty.duckdb")))
    for page in ("lots", "sampling_plan", "lot", "data"):
        at = open_page(new_app(), page)
        assert not at.exception
        assert at.info  # says what to do
    assert "No file has been ingested yet" in shown_text(at)


# --- downloads ----------------------------------------------------------------------


def test_downloads_neutralise_formula_cells() -> None:
    import io

    import polars as pl
    from openpyxl import load_workbook

    from dashboard.app_pages.common import to_csv, to_xlsx

    frame = pl.DataFrame({"holder_name": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)",
                                          "\tx", "Plain BV"],
                          "open_amount": [-5.0, 1.0, 2.0, 3.0, 4.0, 5.0]})
    csv = to_csv(frame).decode("utf-8-sig").splitlines()
    assert csv[1].startswith("\"'=HYPERLINK") and csv[1].endswith(",-5.0")
    assert [line.split(",")[0] for line in csv[2:5]] == ["'+1", "'-2", "'@SUM(A1)"]
    assert csv[6] == "Plain BV,5.0"
    sheet = load_workbook(io.BytesIO(to_xlsx(frame))).active
    assert sheet["A1"].value == "Holder"  # the glossary's header
    assert sheet["A2"].value == "'=HYPERLINK(\"x\")" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -5.0  # a negative number stays a number


# --- query layer: the viewer's row filter -------------------------------------------


def test_producer_gets_only_its_own_lots(dash_store: Path) -> None:
    assert sorted(queries.lots(H1, AS_OF)["lot_id"]) == ["L1", "L2"]
    assert sorted(queries.lots(BODY, AS_OF)["lot_id"]) == ["L1", "L2", "L3"]
    # A filter cannot widen the viewer's rows: asking for BRL-002 as H1 gives nothing.
    other = queries.LotFilters(certificate_numbers=("BRL-002",))
    assert queries.lots(H1, AS_OF, other).is_empty()
    assert set(queries.lot_components(H1, AS_OF)["certificate_number"]) == {"BRL-001"}
    assert queries.observation_series(H1, AS_OF, "S2", "daktuinsubstraat", "arsenic").is_empty()
    assert queries.viewer_options(H1, AS_OF)["holder_id"].to_list() == ["H1"]
    assert queries.ingestion_log(H1, AS_OF).is_empty()
    # a producer sees the rejected rows that name its own certificate, no others
    assert queries.quarantine(H1, AS_OF)["source_line"].to_list() == [9]
    assert sorted(queries.quarantine(BODY, AS_OF)["source_line"]) == [8, 9]


def test_lot_filters_and_series(dash_store: Path) -> None:
    # Period 2024-04-01..2024-12-31 keeps L2 (06-01) and L3 (05-01), not L1 (03-01).
    period = queries.LotFilters(sampled_from=date(2024, 4, 1), sampled_to=date(2024, 12, 31))
    assert sorted(queries.lots(BODY, AS_OF, period)["lot_id"]) == ["L2", "L3"]
    bad = queries.lots(BODY, AS_OF, queries.LotFilters(only_exceeding=True))
    assert bad["lot_id"].to_list() == ["L2"]
    # arsenic at S1: L1 mean of 0.5 and 0.7 = 0.6; L2 1.2; limit 0.9 (bijlage IV).
    series = queries.observation_series(BODY, AS_OF, "S1", "boomgranulaat", "arsenic")
    assert series["lot_id"].to_list() == ["L1", "L2"]
    assert series["observation"].to_list() == pytest.approx([0.6, 1.2])
    assert series["exceeds"].to_list() == [False, True]
    assert queries.components_observed(BODY, AS_OF, "S1", "boomgranulaat") == ["arsenic", "zinc"]


def test_producer_viewer_needs_certificates() -> None:
    with pytest.raises(ValueError):
        Viewer(role="producer", certificate_numbers=None, name="x")


def test_new_ingest_invalidates_the_cache(dash_store: Path) -> None:
    assert queries.lots(BODY, AS_OF).height == 3
    con = duckdb.connect(str(dash_store))
    con.execute("insert into lots (site_id, lot_id, certificate_number, product) "
                "values ('S2', 'L4', 'BRL-002', 'daktuinsubstraat')")
    con.execute("insert into analyses (certificate_number, site_id, lot_id, product, "
                "sample_id, sampled_on, component, value, below_loq, lab_report_id, purpose) "
                "values ('BRL-002', 'S2', 'L4', 'daktuinsubstraat', 'M5', date '2024-08-01', "
                "'arsenic', 0.2, false, 'R2', 'production')")
    refresh(con)  # the stored lot tables, as an ingest does
    con.close()
    assert queries.lots(BODY, AS_OF).height == 4


# --- connection layer: read-only, per-cursor as_of, no lock held --------------------
# On the store file itself (dash_store_direct: no snapshot), where the locks are.


def test_no_lock_is_held_after_a_read(dash_store_direct: Path) -> None:
    queries.lots(BODY, date(2025, 1, 2))  # a read through the whole stack (cache miss)
    assert db.open_connections() == 0
    con = duckdb.connect(str(dash_store_direct))  # read-write, as `python -m pipelines ingest`
    con.execute("select count(*) from lots").fetchone()
    con.close()


def test_a_writer_in_another_process_gets_in_after_the_read(dash_store_direct: Path) -> None:
    write = [sys.executable, "-c",
             f"import duckdb; duckdb.connect({str(dash_store_direct)!r}).execute('checkpoint')"]
    with db.reader(path=dash_store_direct):
        # While a read is in progress the file is locked against other processes...
        assert subprocess.run(write, capture_output=True).returncode != 0
    # ...and released as soon as it is done.
    assert subprocess.run(write, capture_output=True).returncode == 0


def test_as_of_is_set_per_cursor(dash_store_direct: Path) -> None:
    # View as_of_date: the connection's variable first (contract, "as_of date").
    with db.reader(as_of=date(2024, 12, 31), path=dash_store_direct) as a, \
            db.reader(as_of=date(2025, 6, 30), path=dash_store_direct) as b:
        assert a.execute("select as_of from as_of_date").fetchone()[0] == date(2024, 12, 31)
        assert b.execute("select as_of from as_of_date").fetchone()[0] == date(2025, 6, 30)
        assert db.open_connections() == 1  # both cursors share one connection
    assert db.open_connections() == 0


def test_sessions_in_threads_keep_their_own_as_of(dash_store_direct: Path) -> None:
    # Each Streamlit session runs in its own thread; 8 "sessions" read concurrently,
    # each with its own date, and must each see their own date in as_of_date.
    def session(day: int) -> list[date]:
        mine = date(2024, 1, day)
        seen = []
        for _ in range(10):
            with db.reader(as_of=mine, path=dash_store_direct) as cur:
                seen.append(cur.execute("select as_of from as_of_date").fetchone()[0])
        return seen

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(session, range(1, 9)))
    assert results == [[date(2024, 1, day)] * 10 for day in range(1, 9)]
    assert db.open_connections() == 0


def test_read_waits_for_a_writer_then_succeeds(dash_store_direct: Path) -> None:
    writer = duckdb.connect(str(dash_store_direct))
    threading.Timer(0.5, writer.close).start()
    frame = db.read_frame("select count(*) as n from lots", path=dash_store_direct, timeout_s=10)
    assert frame["n"].to_list() == [3]


def test_read_gives_up_when_the_writer_stays(dash_store_direct: Path) -> None:
    writer = duckdb.connect(str(dash_store_direct))
    try:
        with pytest.raises(db.StoreBusy):
            db.read_frame("select 1", path=dash_store_direct, timeout_s=0.3)
    finally:
        writer.close()
    assert db.open_connections() == 0


# --- bootstrap ----------------------------------------------------------------------


def test_bootstrap_builds_a_missing_store(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Stand-in for pipelines.demo (built elsewhere, and slow at scale 1): records the call.
    import types

    from pipelines.store import init_store

    calls: list[tuple[Path, int]] = []

    def build_demo(path: Path, scale: int = 1) -> None:
        calls.append((Path(path), scale))
        init_store(path)

    monkeypatch.setitem(sys.modules, "pipelines.demo",
                        types.SimpleNamespace(build_demo=build_demo))
    path = tmp_path / "new.duckdb"
    ensure_store(path)
    assert calls == [(path, 1)]
    assert missing_views(path) == set()
    assert db.open_connections() == 0


def test_bootstrap_adds_missing_views(dash_store: Path) -> None:
    con = duckdb.connect(str(dash_store))
    con.execute("drop view lot_status")
    con.close()
    assert missing_views(dash_store) == {"lot_status"}
    ensure_store(dash_store)
    assert missing_views(dash_store) == set()
    assert queries.lots(BODY, AS_OF).height == 3  # data kept


# --- chart --------------------------------------------------------------------------


def test_chart_draws_one_limit_segment_per_limit_period() -> None:
    import polars as pl

    from dashboard.app_pages.common import observation_chart

    # Sulfate: 2430 up to 2022-06-30, 1730 from 2022-07-01 (BRL 9341 bijlage IV tabel 2
    # and its footnote; data/reference/ref_limits.csv). 2000 exceeds only the later limit.
    series = pl.DataFrame({
        "lot_id": ["A", "B", "C"],
        "sampled_on": [date(2022, 3, 1), date(2022, 6, 1), date(2022, 9, 1)],
        "observation": [2000.0, 900.0, 2000.0],
        "below_loq": [False, False, False],
        "limit_value": [2430.0, 2430.0, 1730.0],
        "exceeds": [False, False, True],
    })
    spec = observation_chart(series, "sulfate").to_dict()
    rule = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rule")
    assert rule["encoding"]["x2"]["field"] == "to"  # segments, not one full-width line
    assert spec["title"]["subtitle"] == (
        "limit value 2,430 mg/kg d.s. (01/03/2022 – 01/06/2022); "
        "1,730 mg/kg d.s. (01/09/2022 – 01/09/2022)")


def test_sidebar_sections_name_the_reader() -> None:
    """The yearly statement is "My company" to a producer, and one of the certification
    body's pages to its management (it covers every holder)."""
    from dashboard.navigation import pages_for

    def sections(viewer: Viewer) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for page in pages_for(viewer):
            found.setdefault(page.section_for(viewer), []).append(page.title)
        return found

    assert sections(producer("Groen Substraat BV", ("BRL-001",)))["My company"] == [
        "My certificates", "Yearly statement"]
    body = sections(BODY)
    assert "My company" not in body
    assert "Yearly statement" in body["Certification body"]
