"""Issue 22 point 12: the Lot page shows a lab's correction (old value, new value, when,
which file) and judges the lot on the new value only.

Store: tests/dashboard/conftest.py. L2 (BRL-001, S1) has arsenic 1.2 in report R1, above
the limit 0.9 (BRL 9341 bijlage IV tabel 2): the lot exceeds. The lab reissues report R1
as R2 with arsenic 0.8 for sample M3: 0.8 <= 0.9, so L2 complies (BRL 9341 §4.2).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dashboard import queries
from pipelines.ingest import ingest_files

from .test_app import AS_OF, BODY, H1, H2, open_page, run_app, table

CORRECTION = (
    "certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,unit,"
    "lab_report_id,replaces_report_id\n"
    "BRL-001,S1,boomgranulaat,L2,M3,2024-06-01,arsenic,0.8,mg/kg ds,R2,R1\n")


@pytest.fixture
def corrected(dash_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "R2_correctie.csv"
    path.write_text(CORRECTION, encoding="utf-8")
    con = duckdb.connect(str(dash_store))
    try:
        result, = ingest_files(con, [path])  # refreshes the stored tables
        assert (result.rows_loaded, result.rows_quarantined) == (1, 0), result.problems
    finally:
        con.close()
    return dash_store


def test_the_lot_page_shows_the_correction(corrected: Path) -> None:
    at = open_page(run_app(), "lot", site="S1", lot="L2")
    assert not at.exception
    rows = table(at, "lot_corrections")
    assert [(r["component"], r["sample_id"], r["replaced_report_id"], r["replaced_value"],
             r["new_report_id"], r["new_value"], r["replaced_by_file"],
             r["replaced_by_line"]) for r in rows] == [
        ("arsenic", "M3", "R1", 1.2, "R2", 0.8, "R2_correctie.csv", 2)]
    assert rows[0]["replaced_at"] is not None
    observations = {r["component"]: r for r in table(at, "lot_observations")}
    assert observations["arsenic"]["observation"] == 0.8
    assert observations["arsenic"]["exceeds"] == "no"
    assert {m.label: m.value for m in at.metric}["Lot complies"] == "yes"


def test_corrections_follow_the_viewer(corrected: Path) -> None:
    assert queries.lot_corrections(BODY, AS_OF, "S1", "L2").height == 1
    assert queries.lot_corrections(H1, AS_OF, "S1", "L2").height == 1
    assert queries.lot_corrections(H2, AS_OF, "S1", "L2").is_empty()  # not its certificate
    assert queries.lot_corrections(BODY, AS_OF, "S1", "L1").is_empty()


def test_no_correction_no_section(dash_store: Path) -> None:
    at = open_page(run_app(), "lot", site="S1", lot="L2")
    assert not at.exception
    assert not any(c.key == "table_lot_corrections" for c in at.container)


def test_a_store_without_the_history_table_gets_it(dash_store: Path) -> None:
    # a store built before issue 22: the Lot page's query would fail on the missing table
    from dashboard.bootstrap import ensure_store, missing_views

    con = duckdb.connect(str(dash_store))
    con.execute("drop table analyses_replaced")
    con.close()
    assert missing_views(dash_store) == {"analyses_replaced"}
    ensure_store(dash_store)
    assert missing_views(dash_store) == set()
    at = open_page(run_app(), "lot", site="S1", lot="L2")
    assert not at.exception
