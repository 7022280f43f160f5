"""Payment terms (COPRO TAR 9201 §2.3.2: receivables, billing_invoice_status) and the check of
invoices against the expected charges (invoice_check, billing_invoice_check_lines)."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from pipelines.store import refresh
from tests.sql.neutral_indices import insert_neutral_indices


@pytest.fixture(autouse=True)
def _neutral_indices(store: duckdb.DuckDBPyConnection) -> None:
    # Issue 22: a year without its index has no rate; these hand values are base rates
    insert_neutral_indices(store)


def _invoice(store: duckdb.DuckDBPyConnection, invoice_id: str, day: str,
             lines: list[tuple[str, str]], cert: str = "PR1") -> None:
    store.execute("insert into invoices (invoice_id, certificate_number, invoice_date)"
                  " values (?, ?, ?)", [invoice_id, cert, day])
    for no, (fee_code, amount) in enumerate(lines, start=1):
        store.execute(
            "insert into invoice_lines (invoice_id, line_no, fee_code, amount_excl_vat, vat_rate)"
            " values (?, ?, ?, ?, 0.21)", [invoice_id, no, fee_code, amount])


def _legal_interest(store: duckdb.DuckDBPyConnection) -> None:
    # made-up legal interest rates, percent per year
    store.execute("insert into indices (index_name, period, value) values"
                  " ('legal_interest', '2024-H1', 5.25), ('legal_interest', '2024-H2', 4.50)")


def test_invoice_paid_40_days_late_with_a_reminder(store: duckdb.DuckDBPyConnection) -> None:
    # Invoice 2024-03-10, 2 000.00 + 21 % VAT = 2 420.00.
    # Due: 2024-03-10 + 30 days = 2024-04-09 → last day of April = 2024-04-30.
    # Paid in full 2024-06-09 = 40 days after the due date (May 31 + June 9).
    # Interest: 2024-H1 legal rate 5.25 % + 1 point = 6.25 %:
    #   2 420.00 × 0.0625 × 40 / 365 = 6 050 / 365 = 16.5753… → 16.58
    # Registered reminder 2024-05-15, still unpaid 8 days later (2024-05-23):
    #   15 % × 2 420.00 = 363.00 ≥ 200 → forfait 363.00
    store.execute("update settings set as_of = date '2024-07-31'")
    _legal_interest(store)
    _invoice(store, "I1", "2024-03-10", [("AUDIT_EXTRA", "2000.00")])
    store.execute("insert into payments (invoice_id, paid_on, amount, reminder_sent_on) values"
                  " ('I1', null, null, '2024-05-15'), ('I1', '2024-06-09', 2420.00, null)")
    refresh(store)  # the stored billing tables follow the rows inserted
    row = store.execute(
        "select due_date::varchar, open_amount, days_overdue, late_interest, forfait,"
        " ageing_bucket from receivables where invoice_id = 'I1'").fetchone()
    assert row == ("2024-04-30", Decimal("0.00"), 40, Decimal("16.58"), Decimal("363.00"),
                   "paid_late")


def test_unpaid_invoice_across_half_years_with_minimum_forfait(
        store: duckdb.DuckDBPyConnection) -> None:
    # Invoice 2024-04-15, 100.00 + 21.00 VAT = 121.00; due 2024-05-15 → 2024-05-31. As of
    # 2024-07-31 unpaid: 61 days overdue → bucket 61-90.
    #   June (30 days) at 5.25 + 1 = 6.25 %: 121 × 0.0625 × 30 / 365 = 0.62158…
    #   July (31 days) at 4.50 + 1 = 5.50 %: 121 × 0.055 × 31 / 365 = 0.56522…
    #   total 1.18680… → 1.19
    # Reminder 2024-06-10, unpaid on 2024-06-18: 15 % × 121 = 18.15 < 200 → forfait 200.00.
    store.execute("update settings set as_of = date '2024-07-31'")
    _legal_interest(store)
    _invoice(store, "I2", "2024-04-15", [("HOURLY", "100.00")])
    store.execute("insert into payments (invoice_id, reminder_sent_on) values ('I2', '2024-06-10')")
    refresh(store)  # the stored billing tables follow the rows inserted
    row = store.execute(
        "select due_date::varchar, open_amount, days_overdue, late_interest, forfait,"
        " ageing_bucket from receivables where invoice_id = 'I2'").fetchone()
    assert row == ("2024-05-31", Decimal("121.00"), 61, Decimal("1.19"), Decimal("200.00"),
                   "61-90")


def test_due_date_is_end_of_the_month_of_invoice_date_plus_30(
        store: duckdb.DuckDBPyConnection) -> None:
    # 2024-01-30 + 30 = 2024-02-29 → 2024-02-29; 2024-01-31 + 30 = 2024-03-01 → 2024-03-31.
    # Paid on time (on the due date) → not in receivables, no interest.
    store.execute("update settings set as_of = date '2024-12-31'")
    _invoice(store, "A", "2024-01-30", [("HOURLY", "10.00")])
    _invoice(store, "B", "2024-01-31", [("HOURLY", "10.00")])
    store.execute("insert into payments (invoice_id, paid_on, amount) values"
                  " ('A', '2024-02-29', 12.10), ('B', '2024-03-31', 12.10)")
    refresh(store)  # the stored billing tables follow the rows inserted
    due = dict(store.execute(
        "select invoice_id, due_date::varchar from billing_invoice_status").fetchall())
    assert due == {"A": "2024-02-29", "B": "2024-03-31"}
    assert store.execute("select count(*) from receivables").fetchone()[0] == 0


def test_invoice_check_finds_a_wrong_line(store: duckdb.DuckDBPyConnection) -> None:
    # Extra audit Tuesday 2024-03-12, 09:00-11:00: expected 525.00 + travel 234.35 = 759.35
    # (§2.2.4.3, §2.2.5). The invoice of March bills travel 243.35 (typing error): +9.00.
    # April: an hourly fee invoiced that no rule produced (+125.82, not_expected).
    store.execute("update settings set as_of = date '2024-12-31'")
    store.execute("insert into certificates (certificate_number, scheme, holder_id, issued_on)"
                  " values ('PR1', 'asbestos_process', 'H', '2020-01-01')")
    store.execute(
        "insert into audits (audit_id, certificate_number, audit_type, audit_date, start_time,"
        " end_time) values ('X1', 'PR1', 'extra', '2024-03-12', '09:00', '11:00')")
    _invoice(store, "I3", "2024-03-31", [("AUDIT_EXTRA", "525.00"), ("TRAVEL_BE", "243.35")])
    _invoice(store, "I4", "2024-04-30", [("HOURLY", "125.82")])
    refresh(store)  # the stored billing tables follow the rows inserted
    check = store.execute(
        "select period, expected_excl_vat, invoiced_excl_vat, difference from invoice_check"
        " where certificate_number = 'PR1' and period in ('2024-03', '2024-04') order by period"
    ).fetchall()
    assert check == [("2024-03", Decimal("759.35"), Decimal("768.35"), Decimal("9.00")),
                     ("2024-04", Decimal("0.00"), Decimal("125.82"), Decimal("125.82"))]
    lines = store.execute(
        "select period, fee_code, difference, status, rule, expected_source, invoice_lines"
        " from billing_invoice_check_lines where certificate_number = 'PR1'"
        " and status <> 'ok' and period in ('2024-03', '2024-04') order by period").fetchall()
    assert lines == [
        ("2024-03", "TRAVEL_BE", Decimal("9.00"), "amount_differs",
         "TAR 9201 §2.2.5 (verplaatsingsvergoeding) + §2.2.11 (tabel FOD BOSA: index travel_fee)",
         "audit:X1", "I3:2"),
        ("2024-04", "HOURLY", Decimal("125.82"), "not_expected",
         "TAR 9201 §2.2.5 (prestatievergoeding) / §2.1.2.2", None, "I4:1"),
    ]


def test_partial_payments_reduce_the_interest_base(store: duckdb.DuckDBPyConnection) -> None:
    # Invoice 2024-03-10, 1 000.00 + 210.00 VAT = 1 210.00, due 2024-04-30 (see above).
    # 605.00 paid 2024-05-10, 605.00 paid 2024-05-20; 2024-H1 rate 5.25 + 1 = 6.25 %:
    #   1 210.00 × 0.0625 × 10 / 365 = 2.07192…  (May 1-10)
    #     605.00 × 0.0625 × 10 / 365 = 1.03596…  (May 11-20)
    #   total 1 134.375 / 365 = 3.10787… → 3.11; fully paid 20 days after the due date.
    store.execute("update settings set as_of = date '2024-07-31'")
    _legal_interest(store)
    _invoice(store, "I5", "2024-03-10", [("CERT_1_6", "1000.00")])
    store.execute("insert into payments (invoice_id, paid_on, amount) values"
                  " ('I5', '2024-05-10', 605.00), ('I5', '2024-05-20', 605.00)")
    refresh(store)  # the stored billing tables follow the rows inserted
    row = store.execute(
        "select open_amount, days_overdue, late_interest, forfait, ageing_bucket"
        " from receivables where invoice_id = 'I5'").fetchone()
    assert row == (Decimal("0.00"), 20, Decimal("3.11"), Decimal("0.00"), "paid_late")


def test_invoice_sent_after_the_as_of_date_is_not_yet_a_receivable(
        store: duckdb.DuckDBPyConnection) -> None:
    # I5 is dated 2024-08-05, after the as-of date 2024-07-31: as of 31 July nobody owed it.
    # From its own date on it is open: 100.00 + 21 % = 121.00, due 2024-09-30, not yet due.
    _invoice(store, "I5", "2024-08-05", [("HOURLY", "100.00")])
    refresh(store)
    store.execute("set variable as_of = date '2024-07-31'")
    assert store.sql("select count(*) from receivables").fetchall() == [(0,)]
    store.execute("set variable as_of = date '2024-08-05'")
    assert store.sql("select invoice_id, open_amount, due_date::varchar, ageing_bucket"
                     " from receivables").fetchall() == [
        ("I5", Decimal("121.00"), "2024-09-30", "not_due")]
