"""An as-of date beyond the stored horizon (COPRO TAR 9201 §2.2.3.2, §2.3.2).

The materialized billing tables are computed at refresh time up to 31 December of the next
year (docs/readings.md "Horizon"). Up to that day the views answer exactly; beyond it the
late interest stopped growing and the yearly contribution of the later year was missing,
without any sign. Now the interest parts are open-ended and the yearly fees of certificates
without end continue past the stored years (billing_yearly_tails, billing_charges_beyond).

Hand values: invoice 2026-01-10, 1 000.00 + 21 % VAT = 1 210.00, due "30 dagen einde maand"
= 2026-02-28, never paid; legal interest 5 % in every year + 1 point = 6 % a year, per day
1 210.00 × 0.06 / 365. Process certificate with 3 ADI: "bedrijven met 1-6 ADI: € 1155,00"
per calendar year, dated 1 January (salary_q3 = 100 in every year, S_n = S_r: the base rate;
issue 22: without an index a year has no rate).

Further cases: a person certificate without end and without attests owes every year the
minima of 50 attests: §2.2.4.1 50 × € 5 = 250.00 and §2.2.6 50 × € 20 = 1 000.00, dated
31 December. Process certificate PR2 has 7 linked person certificates, one ending 30 June of
the year after the horizon, so on 1 January of that year 7 ADI ("meer dan 6 ADI: € 2100,00")
and from the next year 6 ("1-6 ADI: € 1155,00"). Beyond the last legal interest index
(year + 4) the rate is unknown: the interest stops there and says so (interest_rate_missing).
A salary index moves a later year's contribution (§2.2.11): S_r (2022) = 100, S_n = 110 →
1 155.00 × 110 / 100 = 1 270.50.
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
from tests.sql.neutral_indices import insert_neutral_indices

DUE = date(2026, 2, 28)
TODAY = date.today()


@pytest.fixture(scope="module")
def con(_store_template: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = memory_copy(_store_template)
    insert_neutral_indices(connection)
    connection.executemany(
        "insert into indices (index_name, period, value) values ('legal_interest', ?, 5.0)",
        [[str(year)] for year in range(2025, TODAY.year + 5)])
    connection.execute(
        "insert into certificates (certificate_number, scheme, holder_id, issued_on, adi_count)"
        " values ('PR', 'asbestos_process', 'H', '2020-01-01', 3)")
    connection.execute(
        "insert into certificates (certificate_number, scheme, holder_id, issued_on)"
        " values ('PE', 'asbestos_person', 'H', '2020-01-01')")
    connection.execute(
        "insert into certificates (certificate_number, scheme, holder_id, issued_on)"
        " values ('PR2', 'asbestos_process', 'H2', '2020-01-01')")
    connection.executemany(
        "insert into certificates (certificate_number, scheme, holder_id, issued_on, ended_on,"
        " parent_certificate_number) values (?, 'asbestos_person', 'H2', '2020-01-01', ?, 'PR2')",
        [[f"P{n}", date(TODAY.year + 2, 6, 30) if n == 7 else None] for n in range(1, 8)])
    connection.execute("insert into invoices (invoice_id, certificate_number, invoice_date)"
                       " values ('I', 'PR', '2026-01-10')")
    connection.execute("insert into invoices (invoice_id, certificate_number, invoice_date)"
                       " values ('J', 'PR', '2026-01-10')")
    connection.executemany("insert into invoice_lines (invoice_id, line_no, fee_code,"
                           " amount_excl_vat, vat_rate) values (?, 1, 'HOURLY', 1000.00, 0.21)",
                           [["I"], ["J"]])
    connection.execute("insert into payments (invoice_id, paid_on, amount) values ('J', ?, 610.00)",
                       [date(TODAY.year + 2, 3, 31)])
    refresh(connection)
    yield connection
    connection.close()


def interest(as_of: date) -> Decimal:
    days = (as_of - DUE).days
    return (Decimal("1210.00") * Decimal("0.06") * days / 365).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)


def answers(con: duckdb.DuckDBPyConnection, as_of: date) -> tuple:
    con.execute(f"set variable as_of = date '{as_of.isoformat()}'")
    late = con.execute("select days_overdue, late_interest from receivables"
                       " where invoice_id = 'I'").fetchone()
    fee = con.execute("select amount_excl_vat from expected_charges where fee_code = 'CERT_1_6'"
                      " and certificate_number = 'PR' and fee_date = ?",
                      [date(as_of.year, 1, 1)]).fetchall()
    return late, fee


def test_as_of_up_to_the_horizon_is_exact(con: duckdb.DuckDBPyConnection) -> None:
    as_of = date(TODAY.year + 1, 12, 31)
    assert answers(con, as_of) == (((as_of - DUE).days, interest(as_of)),
                                   [(Decimal("1155.00"),)])


@pytest.mark.parametrize("as_of", [
    date(TODAY.year + 2, 1, 1),  # the first day after the stored years: the fee of that day
    date(TODAY.year + 2, 6, 30),
    date(TODAY.year + 4, 12, 31),  # the last day with a legal interest index
])
def test_as_of_beyond_the_horizon(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    assert answers(con, as_of) == (((as_of - DUE).days, interest(as_of)),
                                   [(Decimal("1155.00"),)])


def test_interest_beyond_the_last_rate_stops_and_says_so(
        con: duckdb.DuckDBPyConnection) -> None:
    # §2.3.2: the rate of a day without legal_interest index is unknown, not zero
    as_of = date(TODAY.year + 6, 6, 30)
    con.execute(f"set variable as_of = date '{as_of.isoformat()}'")
    row = con.execute("select days_overdue, late_interest, interest_rate_missing"
                      " from receivables where invoice_id = 'I'").fetchone()
    assert row == ((as_of - DUE).days, interest(date(TODAY.year + 4, 12, 31)), True)
    con.execute(f"set variable as_of = date '{date(TODAY.year + 4, 12, 31).isoformat()}'")
    assert con.execute("select interest_rate_missing from receivables"
                       " where invoice_id = 'I'").fetchone() == (False,)


def test_interest_after_a_payment_beyond_the_horizon(con: duckdb.DuckDBPyConnection) -> None:
    # §2.3.2 on the amount still unpaid each day: invoice J (as I) is paid 610.00 on 31 March
    # of year + 2; 1 210.00 × 6 % for the days up to that payment, then 600.00 × 6 % per day,
    # rounded once per invoice to € 0.01
    paid_on, as_of = date(TODAY.year + 2, 3, 31), date(TODAY.year + 2, 6, 30)
    numerator = (Decimal("1210.00") * (paid_on - DUE).days
                 + Decimal("600.00") * (as_of - paid_on).days) * Decimal("0.06")
    expected = (numerator / 365).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    con.execute(f"set variable as_of = date '{as_of.isoformat()}'")
    assert con.execute("select open_amount, late_interest from receivables"
                       " where invoice_id = 'J'").fetchone() == (Decimal("600.00"), expected)


def fees(con: duckdb.DuckDBPyConnection, as_of: date, certificate: str) -> list[tuple]:
    con.execute(f"set variable as_of = date '{as_of.isoformat()}'")
    return con.execute("select fee_date, fee_code, amount_excl_vat, vat from expected_charges"
                       " where certificate_number = ? and fee_date > ? order by all",
                       [certificate, date(TODAY.year + 1, 12, 31)]).fetchall()


def test_year_end_minima_beyond_the_horizon(con: duckdb.DuckDBPyConnection) -> None:
    year_end = date(TODAY.year + 2, 12, 31)
    # §2.2.4.1 / §2.2.6: dated 31 December, so not yet on the day before
    assert fees(con, date(TODAY.year + 2, 12, 30), "PE") == []
    # VAT 21 % per line (§2.2.10): 250.00 → 52.50, 1 000.00 → 210.00
    assert fees(con, year_end, "PE") == [
        (year_end, "ATTEST_MIN", Decimal("1000.00"), Decimal("210.00")),
        (year_end, "AUDIT_ATTEST_MIN", Decimal("250.00"), Decimal("52.50")),
    ]


def test_adi_count_changing_beyond_the_horizon(con: duckdb.DuckDBPyConnection) -> None:
    # §2.2.3.2: 7 ADI on 1 January of year + 2, then 6 (P7 ended 30 June of year + 2)
    years = range(TODAY.year + 2, TODAY.year + 6)
    assert [(d, c, a) for d, c, a, _ in fees(con, date(TODAY.year + 5, 1, 1), "PR2")] == [
        (date(y, 1, 1), "CERT_GT6" if y == TODAY.year + 2 else "CERT_1_6",
         Decimal("2100.00") if y == TODAY.year + 2 else Decimal("1155.00")) for y in years]


def test_revenue_and_invoice_check_beyond_the_horizon(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"set variable as_of = date '{date(TODAY.year + 2, 6, 30).isoformat()}'")
    period = f"{TODAY.year + 2}-01"
    # PR 1 155.00 (1-6 ADI) + PR2 2 100.00 (7 ADI on 1 January), nothing invoiced
    assert con.execute("select expected_excl_vat, invoiced_excl_vat, expected_lines from revenue"
                       " where scheme = 'asbestos_process' and fee_type = 'CERT'"
                       " and period = ?", [period]).fetchall() == [
        (Decimal("3255.00"), Decimal("0.00"), 2)]
    assert con.execute("select expected_excl_vat, invoiced_excl_vat, difference"
                       " from invoice_check where certificate_number = 'PR' and period = ?",
                       [period]).fetchall() == [
        (Decimal("1155.00"), Decimal("0.00"), Decimal("-1155.00"))]


def test_salary_index_of_a_year_beyond_the_horizon(_store_template: Path) -> None:
    connection = memory_copy(_store_template)
    try:
        connection.executemany(
            "insert into indices (index_name, period, value) values ('salary_q3', ?, ?)",
            [["2022", 100.0], [str(TODAY.year + 1), 110.0]])
        connection.execute(
            "insert into certificates (certificate_number, scheme, holder_id, issued_on,"
            " adi_count) values ('PR', 'asbestos_process', 'H', '2020-01-01', 3)")
        refresh(connection)
        # §2.2.11: the fee year + 2 takes S_n of year + 1: 1 155.00 × 110 / 100
        assert fees(connection, date(TODAY.year + 2, 1, 1), "PR") == [
            (date(TODAY.year + 2, 1, 1), "CERT_1_6", Decimal("1270.50"), Decimal("266.81"))]
    finally:
        connection.close()
