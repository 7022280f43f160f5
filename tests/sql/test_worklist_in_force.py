"""Worklist and Overview tile: a certificate no longer in force has no sampling or
procedural obligation left.

Store: tests/dashboard/mgmt_store.py (as of 2025-06-30), plus a third lot L3 of BRL-001 at
S1, produced 2025-06-15 and not tested. BRL-001's series (arsenic, 2 observations) has
fewer than 5 observations: "insufficient", every lot is tested (BRL 9341 bijlage II), so
L3 untested makes the series overdue (1 lot since the last test, 1 in 1 required). Its lab
reports R1 and R2 name no lab: two open process findings (BRL 9341 §1.4).

Once BRL-001's end is recorded (certificates.ended_on 2025-06-20: lapsed), the series and
the findings are history: no sampling_overdue or process_finding item of BRL-001 on the
worklist and the tile counts 0 overdue series, while its unpaid invoice INV1 stays
(TAR 9201 §2.3.2: the debt does not end with the certificate).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.store import refresh
from tests.dashboard.mgmt_store import AS_OF, build


@pytest.fixture()
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    path = build(tmp_path / "mgmt.duckdb")
    con = duckdb.connect(str(path))
    con.execute("insert into lots (site_id, lot_id, certificate_number, product, produced_on)"
                " values ('S1', 'L3', 'BRL-001', 'boomgranulaat', date '2025-06-15')")
    refresh(con)
    con.execute(f"set variable as_of = date '{AS_OF}'")
    yield con
    con.close()


def kinds_of(con: duckdb.DuckDBPyConnection, certificate: str) -> list[str]:
    return [k for (k,) in con.execute(
        "select kind from worklist where certificate_number = ? order by priority, subject",
        [certificate]).fetchall()]


def overdue_tile(con: duckdb.DuckDBPyConnection) -> float:
    return con.execute("select value from kpi_overview"
                       " where indicator = 'sampling_overdue'").fetchone()[0]


def test_active_certificate_has_its_sampling_and_findings_on_the_worklist(
        con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute("select lots_since_last_test, required_lots_per_test, overdue"
                      " from sampling_frequency where site_id = 'S1'").fetchone()
    assert row == (1, 1, True)
    assert kinds_of(con, "BRL-001") == ["sampling_overdue", "audit_overdue",
                                        "invoice_unpaid", "invoice_mismatch",
                                        "process_finding", "process_finding"]
    detail = con.execute("select detail from worklist where kind = 'sampling_overdue'"
                         ).fetchone()[0]
    assert detail == "1 lots since the last test, 1 in 1 required"
    assert overdue_tile(con) == 1


def test_lapsed_certificate_keeps_only_its_invoices(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("update certificates set ended_on = ? where certificate_number = 'BRL-001'",
                [date(2025, 6, 20)])
    refresh(con)
    assert con.execute("select status from certificate_status"
                       " where certificate_number = 'BRL-001'").fetchone()[0] == "lapsed"
    # issue 22: an ended certificate has no overdue series, in the rule view too (the old
    # reading kept it overdue there and hid it only from the work lists)
    assert con.execute("select overdue, certificate_ended_on from sampling_frequency"
                       " where site_id = 'S1'").fetchone() == (False, date(2025, 6, 20))
    assert kinds_of(con, "BRL-001") == ["invoice_unpaid", "invoice_mismatch"]
    assert overdue_tile(con) == 0
