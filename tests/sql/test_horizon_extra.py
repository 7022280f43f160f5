"""An as-of date beyond the stored horizon (COPRO TAR 9201 §2.2.3.2, §2.3.2).

The materialized billing tables are computed at refresh time up to 31 December of the next
year (docs/readings.md "Horizon"). Up to that day the views answer exactly; beyond it the
late interest stops growing and the yearly contribution of the later year is missing,
without any sign — the second test records that (xfail, strict).

Hand values: invoice 2026-01-10, 1 000.00 + 21 % VAT = 1 210.00, due "30 dagen einde maand"
= 2026-02-28, never paid; legal interest 5 % in every year + 1 point = 6 % a year, per day
1 210.00 × 0.06 / 365. Process certificate with 3 ADI: "bedrijven met 1-6 ADI: € 1155,00"
per calendar year, dated 1 January (no salary index ingested: the base rate).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines.store import refresh
from tests.conftest import memory_copy

DUE = date(2026, 2, 28)
TODAY = date.today()


@pytest.fixture(scope="module")
def con(_store_template: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = memory_copy(_store_template)
    connection.executemany(
        "insert into indices (index_name, period, value) values ('legal_interest', ?, 5.0)",
        [[str(year)] for year in range(2025, TODAY.year + 5)])
    connection.execute(
        "insert into certificates (certificate_number, scheme, holder_id, issued_on, adi_count)"
        " values ('PR', 'asbestos_process', 'H', '2020-01-01', 3)")
    connection.execute("insert into invoices (invoice_id, certificate_number, invoice_date)"
                       " values ('I', 'PR', '2026-01-10')")
    connection.execute("insert into invoice_lines (invoice_id, line_no, fee_code,"
                       " amount_excl_vat, vat_rate) values ('I', 1, 'HOURLY', 1000.00, 0.21)")
    refresh(connection)
    yield connection
    connection.close()


def interest(as_of: date) -> Decimal:
    days = (as_of - DUE).days
    return (Decimal("1210.00") * Decimal("0.06") * days / 365).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)


def answers(con: duckdb.DuckDBPyConnection, as_of: date) -> tuple:
    con.execute(f"set variable as_of = date '{as_of.isoformat()}'")
    late = con.execute("select days_overdue, late_interest from receivables").fetchone()
    fee = con.execute("select amount_excl_vat from expected_charges where fee_code = 'CERT_1_6'"
                      " and fee_date = ?", [date(as_of.year, 1, 1)]).fetchall()
    return late, fee


def test_as_of_up_to_the_horizon_is_exact(con: duckdb.DuckDBPyConnection) -> None:
    as_of = date(TODAY.year + 1, 12, 31)
    assert answers(con, as_of) == (((as_of - DUE).days, interest(as_of)),
                                   [(Decimal("1155.00"),)])


def test_as_of_beyond_the_horizon(con: duckdb.DuckDBPyConnection) -> None:
    as_of = date(TODAY.year + 2, 6, 30)
    assert answers(con, as_of) == (((as_of - DUE).days, interest(as_of)),
                                   [(Decimal("1155.00"),)])
