"""Issue 22 on the Lot page: a result below an LOQ above the limit is shown as "LOQ above
limit", neither compliant nor an exceedance (BRL 9341 bijlage II, "Meetwaarden kleiner
dan bepalingsgrens": the LOQ stands in for the value only in the k-value)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.store import refresh
from tests.dashboard.test_app import open_page, run_app, table


def test_lot_page_shows_loq_above_limit(dash_store: Path) -> None:
    # L9 at S1 (BRL-001), 2024-07-01: cadmium "<0,05" (LOQ 0.05 > limit 0.04, bijlage IV
    # tabel 2) and arsenic 0.5 <= 0.9. No exceedance, not compliant: "LOQ above limit".
    con = duckdb.connect(str(dash_store))
    con.execute("insert into lots (site_id, lot_id, certificate_number, product)"
                " values ('S1', 'L9', 'BRL-001', 'boomgranulaat')")
    con.executemany(
        "insert into analyses (certificate_number, site_id, lot_id, product, sample_id,"
        " sampled_on, component, value, below_loq, loq, lab_report_id, purpose)"
        " values ('BRL-001', 'S1', 'L9', 'boomgranulaat', 'M9', date '2024-07-01', ?, ?, ?,"
        " ?, 'R9', 'production')",
        [("cadmium", 0.05, True, 0.05), ("arsenic", 0.5, False, None)])
    refresh(con)
    con.close()
    at = open_page(run_app(), "lot", site="S1", lot="L9")
    assert not at.exception
    observations = {r["component"]: r for r in table(at, "lot_observations")}
    assert observations["cadmium"]["status"] == "LOQ above limit value"
    assert observations["cadmium"]["exceeds"] == "no"
    assert observations["arsenic"]["status"] == "compliant"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Exceedances"] == "0"
    assert metrics["Lot complies"] == "LOQ above limit value"
    assert any("LOQ above limit" in w.value for w in at.warning)
