"""The dashboard frame: every page renders, the viewer filter holds, no lock is kept.

Store: tests/dashboard/conftest.py (3 lots; L2 exceeds for arsenic, 1.2 > 0.9,
BRL 9341 §4.2 and bijlage IV).
"""

from __future__ import annotations

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
from dashboard.viewer import BODY, Viewer, producer

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
AS_OF = date(2026, 11, 23)
H1 = producer("Groen Substraat BV", ("BRL-001",))


def run_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


# --- pages ----------------------------------------------------------------------------


def test_lots_page_renders_all_lots_for_the_body(dash_store: Path) -> None:
    at = run_app()
    at.switch_page("app_pages/lots.py").run()  # the body's home page is another page
    assert not at.exception
    assert [t.value for t in at.title] == ["Lots"]
    # Body sees L1, L2, L3; one of them (L2) is non-compliant.
    assert sorted(at.dataframe[0].value["lot_id"]) == ["L1", "L2", "L3"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Lots"] == "3"
    assert metrics["Non-compliant lots"] == "1"


def test_lots_page_as_a_producer(dash_store: Path) -> None:
    at = run_app()
    at.selectbox(key="viewer_label").select("Producer: Groen Substraat BV").run()
    assert not at.exception
    # H1 holds BRL-001 only: lots L1 and L2 (L2 exceeds).
    assert sorted(at.dataframe[0].value["lot_id"]) == ["L1", "L2"]
    assert {m.label: m.value for m in at.metric}["Non-compliant lots"] == "1"


def test_lots_page_filters_and_chart(dash_store: Path) -> None:
    at = run_app()
    at.switch_page("app_pages/lots.py").run()  # the body's home page is another page
    at.multiselect[2].select("daktuinsubstraat").run()  # the Product filter
    assert not at.exception
    assert list(at.dataframe[0].value["lot_id"]) == ["L3"]
    at.toggle[0].set_value(True).run()  # only exceeding lots: L3 complies
    assert not at.exception
    assert at.dataframe[0].value.empty


def test_data_page_renders(dash_store: Path) -> None:
    at = run_app()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Data"]
    assert list(at.dataframe[0].value["file_name"]) == ["lab_2024.csv"]
    assert list(at.dataframe[1].value["reason"]) == ["unknown certificate", "unknown component"]


def test_data_page_is_closed_to_producers(dash_store: Path) -> None:
    at = run_app()
    at.selectbox(key="viewer_label").select("Producer: Dakgroen NV").run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    assert not at.dataframe  # Dakgroen NV has no rejected rows and never sees the log


def test_producer_sees_its_own_quarantined_rows(dash_store: Path) -> None:
    at = run_app()
    at.selectbox(key="viewer_label").select("Producer: Groen Substraat BV").run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    assert len(at.dataframe) == 1
    assert list(at.dataframe[0].value["reason"]) == ["unknown component"]


def test_as_of_lives_in_the_session(dash_store: Path) -> None:
    at = run_app()
    assert at.session_state["as_of"] == date.today()
    at.date_input(key="as_of").set_value(date(2024, 12, 31)).run()
    assert not at.exception
    assert at.session_state["as_of"] == date(2024, 12, 31)


def test_empty_store_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.store import init_store

    monkeypatch.setenv("CERT_DB", str(init_store(tmp_path / "empty.duckdb")))
    at = run_app()
    assert not at.exception
    assert at.info  # "No lots in the store yet"
    at.switch_page("app_pages/data.py").run()
    assert not at.exception


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
    con.close()
    assert queries.lots(BODY, AS_OF).height == 4


# --- connection layer: read-only, per-cursor as_of, no lock held --------------------


def test_no_lock_is_held_after_a_read(dash_store: Path) -> None:
    queries.lots(BODY, date(2025, 1, 2))  # a read through the whole stack (cache miss)
    assert db.open_connections() == 0
    con = duckdb.connect(str(dash_store))  # read-write, as `python -m pipelines ingest`
    con.execute("select count(*) from lots").fetchone()
    con.close()


def test_a_writer_in_another_process_gets_in_after_the_read(dash_store: Path) -> None:
    write = [sys.executable, "-c",
             f"import duckdb; duckdb.connect({str(dash_store)!r}).execute('checkpoint')"]
    with db.reader(path=dash_store):
        # While a read is in progress the file is locked against other processes...
        assert subprocess.run(write, capture_output=True).returncode != 0
    # ...and released as soon as it is done.
    assert subprocess.run(write, capture_output=True).returncode == 0


def test_as_of_is_set_per_cursor(dash_store: Path) -> None:
    # View as_of_date: the connection's variable first (contract, "as_of date").
    with db.reader(as_of=date(2024, 12, 31), path=dash_store) as a, \
            db.reader(as_of=date(2025, 6, 30), path=dash_store) as b:
        assert a.execute("select as_of from as_of_date").fetchone()[0] == date(2024, 12, 31)
        assert b.execute("select as_of from as_of_date").fetchone()[0] == date(2025, 6, 30)
        assert db.open_connections() == 1  # both cursors share one connection
    assert db.open_connections() == 0


def test_sessions_in_threads_keep_their_own_as_of(dash_store: Path) -> None:
    # Each Streamlit session runs in its own thread; 8 "sessions" read concurrently,
    # each with its own date, and must each see their own date in as_of_date.
    def session(day: int) -> list[date]:
        mine = date(2024, 1, day)
        seen = []
        for _ in range(10):
            with db.reader(as_of=mine, path=dash_store) as cur:
                seen.append(cur.execute("select as_of from as_of_date").fetchone()[0])
        return seen

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(session, range(1, 9)))
    assert results == [[date(2024, 1, day)] * 10 for day in range(1, 9)]
    assert db.open_connections() == 0


def test_read_waits_for_a_writer_then_succeeds(dash_store: Path) -> None:
    writer = duckdb.connect(str(dash_store))
    threading.Timer(0.5, writer.close).start()
    frame = db.read_frame("select count(*) as n from lots", path=dash_store, timeout_s=10)
    assert frame["n"].to_list() == [3]


def test_read_gives_up_when_the_writer_stays(dash_store: Path) -> None:
    writer = duckdb.connect(str(dash_store))
    try:
        with pytest.raises(db.StoreBusy):
            db.read_frame("select 1", path=dash_store, timeout_s=0.3)
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
    assert spec["title"]["subtitle"] == ("limit 2430 mg/kg d.s. (2022-03-01 – 2022-06-01); "
                                         "1730 mg/kg d.s. (2022-09-01 – 2022-09-01)")
