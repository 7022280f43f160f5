"""lot_compliance and lot_status: one observation per lot × component, tested against the
limit of BRL 9341 bijlage III/IV valid on the sampling date (§4.2)."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.store import refresh


def _analysis(con, lot, component, value, sample="M1", below=False, day="2024-05-02"):
    con.execute(
        "insert into analyses (certificate_number, site_id, lot_id, product, sample_id,"
        " sampled_on, component, value, below_loq, lab_report_id, purpose)"
        " values ('C1', 'S1', ?, 'boomgranulaat', ?, ?, ?, ?, ?, 'R1', 'production')",
        [lot, sample, day, component, value, below])


def test_lot_complies_when_no_component_exceeds(store: duckdb.DuckDBPyConnection) -> None:
    # L1: arsenic 0.5 and 0.7 (duplicates) -> observation 0.6 <= 0.9 (bijlage IV): complies.
    # L2: arsenic 1.2 > 0.9 exceeds; zinc below LOQ 0.05 counts at 0.05 <= 4.5.
    _analysis(store, "L1", "arsenic", 0.5)
    _analysis(store, "L1", "arsenic", 0.7, sample="M2")
    _analysis(store, "L2", "arsenic", 1.2)
    _analysis(store, "L2", "zinc", 0.05, below=True)
    refresh(store)  # the stored lot tables, as ingestion does
    store.execute("set variable as_of = date '2024-12-31'")
    rows = store.sql("select lot_id, component, observation, limit_value, exceeds, below_loq"
                     " from lot_compliance order by 1, 2").fetchall()
    assert rows == [("L1", "arsenic", pytest.approx(0.6), 0.9, False, False),
                    ("L2", "arsenic", 1.2, 0.9, True, False),
                    ("L2", "zinc", 0.05, 4.5, False, True)]
    status = store.sql("select lot_id, n_components, n_exceedances, compliant,"
                       " exceeding_components from lot_status order by 1").fetchall()
    assert status == [("L1", 1, 0, True, []), ("L2", 2, 1, False, ["arsenic"])]
