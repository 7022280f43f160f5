"""Issue 22 point 12: the views read only the analyses in force after a lab's correction.

A lab's corrected report moves the replaced analysis from `analyses` to
`analyses_replaced`; every view reads `analyses` (stg_analyses, the lot observations, the
process checks), so the k-value, the exceedances and the process findings are those of the
corrected values.

Site S1, boomgranulaat, lead (limit 2.3 mg/kg d.s., BRL 9341 bijlage IV tabel 2), window
n = 5 (bijlage II "Toetsing op variabelen"). Five lots: 0.5, 0.5, 0.5, 0.5 and 2.0.
  y = log10: four of -0.301030, one of 0.301030; ȳ = (-1.204120 + 0.301030) / 5 = -0.180618
  deviations: four of -0.120412 (squares 0.0144990 each, 0.0579961), one of 0.481648
  (square 0.231985); sum 0.289981; s_y = sqrt(0.289981 / 4) = 0.269250
  k = (log10(2.3) - ȳ) / s_y = (0.361728 + 0.180618) / 0.269250 = 2.01428
The lab corrects lot P5's 2.0 to 0.5 (report R5-c replaces R5): all five equal, s_y = 0
with ȳ = -0.301030 < log10(2.3), so k = +∞ (docs/rules.md §2).
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import ingest_file
from pipelines.store import refresh

HEADER = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,"
          "unit,lab_report_id,replaces_report_id\n")


def lab_row(lot: int, value: str, report: str, replaces: str = "") -> str:
    return (f"BSB-001,S1,boomgranulaat,P{lot},M{lot},2024-0{lot}-10,lead,{value},mg/kg ds,"
            f"{report},{replaces}\n")


def ingest(con: duckdb.DuckDBPyConnection, folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    result = ingest_file(con, path)
    assert (result.error, result.rows_quarantined) == (None, 0), result.problems
    refresh(con)


@pytest.fixture
def series(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    ingest(store, tmp_path, "c.csv", "certificate_number,scheme,holder_id,holder_name,"
           "issued_on\nBSB-001,brl9341,H1,Groen BV,2020-01-01\n")
    ingest(store, tmp_path, "s.csv", "site_id,certificate_number,n_window\nS1,BSB-001,5\n")
    ingest(store, tmp_path, "lab.csv", HEADER + "".join(
        lab_row(i, "0.5", f"R{i}") for i in range(1, 5)) + lab_row(5, "2.0", "R5"))
    store.execute("set variable as_of = date '2024-12-31'")
    return store


def lead(con: duckdb.DuckDBPyConnection) -> dict:
    row = con.sql("select k_value, n_obs from sampling_frequency where site_id = 'S1'"
                  " and component = 'lead'").fetchall()
    assert len(row) == 1
    return {"k": row[0][0], "n": row[0][1]}


def test_the_k_value_is_that_of_the_corrected_values(series, tmp_path):
    before = lead(series)
    assert before["n"] == 5
    assert before["k"] == pytest.approx(2.01428, abs=1e-4)
    ingest(series, tmp_path, "R5-c.csv", HEADER + lab_row(5, "0.5", "R5-c", replaces="R5"))
    after = lead(series)
    assert after["n"] == 5
    assert after["k"] == math.inf
    # the staging view and the lot observation hold only the value in force
    assert series.sql("select lab_report_id, value from stg_analyses where lot_id = 'P5'"
                      ).fetchall() == [("R5-c", 0.5)]
    assert series.sql("select observation, n_analyses from lot_compliance"
                      " where lot_id = 'P5'").fetchall() == [(0.5, 1)]


def test_no_view_reads_a_replaced_analysis(series, tmp_path):
    ingest(series, tmp_path, "R5-c.csv", HEADER + lab_row(5, "0.5", "R5-c", replaces="R5"))
    # every view of sql/ that names analyses_replaced would read the history: none may
    # (the Lot page's query reads it on purpose, to show the correction)
    readers = series.sql("select view_name from duckdb_views() where not internal"
                         " and sql ilike '%analyses_replaced%'").fetchall()
    assert readers == []
    # the process check of lab accreditation counts the lot's one analysis in force
    assert series.sql("select count(*) from process_lab_accreditation where lot_id = 'P5'"
                      ).fetchall() == [(1,)]
