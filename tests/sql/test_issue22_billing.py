"""Issue 22, points 4 and 10 on the billing SQL (COPRO TAR 9201).

Point 4, §2.2.11 "Indexering van de tarieven": every base rate except travel and transport is
multiplied each 1 January by S_n / S_r (S_r = salary index Q3 2022, S_n = Q3 of the year before
the adjustment); travel and transport follow the yearly FOD BOSA table. A year whose index is
missing is `index missing` on every charge it touches, never priced at the unindexed 2023 base
rates; the invoice check cannot check those lines and the KPIs count them apart.

Point 10, §2.3 facturatie: a credit note names the invoice it corrects and reduces what was
invoiced for it (its month, its amount due).

Hand data (process certificate PR, 3 ADI: "bedrijven met 1-6 ADI: € 1155,00", §2.2.3.2):
  salary_q3 2022 = 100, 2023 = 110 → fee year 2024 × 1.1; no salary_q3 2024 → 2025 missing.
  travel_fee 2025 = 240.00 (the Belgian trip, §2.2.5); none for 2024.
  CERT_1_6 2024-01-01: 1 155.00 × 110 / 100 = 1 270.50.
  CERT_1_6 2025-01-01: index missing (salary_q3 2024).
  Extra audit X1 on Wednesday 2025-03-12, 09:00-11:00 in Belgium (§2.2.4.3): AUDIT_EXTRA
  (€ 525, salary-indexed) index missing; TRAVEL_BE 240.00 (its own index is there).
  Invoice I1 2025-01-31: CERT_1_6 1 × 1 270.50 (last year's rate) — cannot be checked.
  Invoice I2 2025-03-31: AUDIT_EXTRA 525.00 (cannot be checked), TRAVEL_BE 250.00 (expected
  240.00: a difference of +10.00).
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from pipelines.store import refresh
from tests.sql.neutral_indices import insert_neutral_indices

MISSING = "index missing: salary_q3 2024"


def _index(con: duckdb.DuckDBPyConnection, name: str, period: str, value: str) -> None:
    con.execute("insert into indices (index_name, period, value) values (?, ?, ?)",
                [name, period, value])


def _invoice(con: duckdb.DuckDBPyConnection, invoice_id: str, day: str,
             lines: list[tuple[str, str, str, str]], corrects: str | None = None) -> None:
    con.execute("insert into invoices (invoice_id, certificate_number, invoice_date,"
                " corrects_invoice_id) values (?, 'PR', ?, ?)", [invoice_id, day, corrects])
    con.executemany("insert into invoice_lines (invoice_id, line_no, fee_code, quantity,"
                    " unit_price, amount_excl_vat, vat_rate) values (?, ?, ?, ?, ?, ?, 0.21)",
                    [[invoice_id, n, *line] for n, line in enumerate(lines, start=1)])


@pytest.fixture
def missing(store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    _index(store, "salary_q3", "2022", "100")
    _index(store, "salary_q3", "2023", "110")
    _index(store, "travel_fee", "2025", "240.00")
    store.execute("insert into certificates (certificate_number, scheme, holder_id, issued_on,"
                  " adi_count) values ('PR', 'asbestos_process', 'H', '2023-06-01', 3)")
    store.execute("insert into audits (audit_id, certificate_number, audit_type, audit_date,"
                  " start_time, end_time) values ('X1', 'PR', 'extra', '2025-03-12', '09:00',"
                  " '11:00')")
    _invoice(store, "I1", "2025-01-31", [("CERT_1_6", "1", "1270.50", "1270.50")])
    _invoice(store, "I2", "2025-03-31", [("AUDIT_EXTRA", "1", "525.00", "525.00"),
                                         ("TRAVEL_BE", "1", "250.00", "250.00")])
    refresh(store)
    store.execute("set variable as_of = date '2025-06-30'")
    return store


def test_a_year_without_its_index_has_no_amount(missing: duckdb.DuckDBPyConnection) -> None:
    rows = missing.execute(
        "select fee_date::varchar, fee_code, unit_price, amount_excl_vat, vat, index_missing,"
        " rate_basis from expected_charges where fee_code in ('CERT_1_6', 'AUDIT_EXTRA',"
        " 'TRAVEL_BE') and fee_date >= '2024-01-01' order by 1, 2").fetchall()
    assert rows == [
        ("2024-01-01", "CERT_1_6", Decimal("1270.50"), Decimal("1270.50"), Decimal("266.81"),
         False, "salary_q3 2023 / 2022"),
        ("2025-01-01", "CERT_1_6", None, None, None, True, MISSING),
        ("2025-03-12", "AUDIT_EXTRA", None, None, None, True, MISSING),
        ("2025-03-12", "TRAVEL_BE", Decimal("240.0000"), Decimal("240.00"), Decimal("50.40"),
         False, "travel_fee 2025"),
    ]


def test_a_year_beyond_the_stored_ones_without_index(missing: duckdb.DuckDBPyConnection
                                                     ) -> None:
    # The yearly contribution runs on without end (billing_charges_beyond): 2030 needs
    # salary_q3 2029, which is not there.
    missing.execute("set variable as_of = date '2030-06-30'")
    assert missing.execute(
        "select amount_excl_vat, index_missing, rate_basis from expected_charges"
        " where fee_code = 'CERT_1_6' and fee_date = '2030-01-01'").fetchall() == [
        (None, True, "index missing: salary_q3 2029")]


def test_the_invoice_check_cannot_check_those_lines(missing: duckdb.DuckDBPyConnection) -> None:
    lines = missing.execute(
        "select period, fee_code, expected_excl_vat, invoiced_excl_vat, difference, status,"
        " missing_index from billing_invoice_check_lines where period >= '2025-01'"
        " order by 1, 2").fetchall()
    assert lines == [
        ("2025-01", "CERT_1_6", None, Decimal("1270.50"), None, "index_missing", MISSING),
        ("2025-03", "AUDIT_EXTRA", None, Decimal("525.00"), None, "index_missing", MISSING),
        ("2025-03", "TRAVEL_BE", Decimal("240.00"), Decimal("250.00"), Decimal("10.00"),
         "amount_differs", None),
    ]
    months = missing.execute(
        "select period, expected_excl_vat, invoiced_excl_vat, difference, n_line_differences,"
        " line_differences, n_index_missing, unchecked_invoiced_excl_vat, index_missing_lines"
        " from invoice_check where period >= '2025-01' order by 1").fetchall()
    assert months == [
        # nothing that can be checked: no difference, not 0.00
        ("2025-01", None, Decimal("1270.50"), None, 0, None, 1, Decimal("1270.50"),
         f"CERT_1_6 ({MISSING})"),
        # the travel line is checked (+10.00); the audit fee is not
        ("2025-03", None, Decimal("775.00"), Decimal("10.00"), 1, "TRAVEL_BE amount_differs",
         1, Decimal("525.00"), f"AUDIT_EXTRA ({MISSING})"),
    ]


def test_the_kpis_count_them_apart(missing: duckdb.DuckDBPyConnection) -> None:
    # The 12 months before the as-of month (2024-06 .. 2025-05): 2025-01 cannot be checked,
    # 2025-03 can in part (+10.00). Priced at the 2023 base rates 2025-01 would have been a
    # difference of +115.50 (1 270.50 - 1 155.00).
    kpi = dict(missing.execute(
        "select indicator, value from kpi_overview where indicator like 'invoice_check%'"
    ).fetchall())
    assert kpi == {"invoice_check_differences": 1.0, "invoice_check_difference_amount": 10.0,
                   "invoice_check_index_missing": 2.0}


def test_the_worklist_says_which_index_is_missing(missing: duckdb.DuckDBPyConnection) -> None:
    rows = missing.execute(
        "select kind, subject, detail from worklist"
        " where kind in ('invoice_index_missing', 'invoice_mismatch')"
        " and period >= '2025-01' order by subject").fetchall()
    assert rows == [
        ("invoice_index_missing", "2025-01 · CERT_1_6",
         f"{MISSING}: cannot check, invoiced € 1270.50"),
        ("invoice_index_missing", "2025-03 · AUDIT_EXTRA",
         f"{MISSING}: cannot check, invoiced € 525.00"),
        ("invoice_mismatch", "2025-03 · TRAVEL_BE",
         "amount_differs: expected € 240.00, invoiced € 250.00"),
    ]


def test_revenue_and_receivables_take_the_missing_amounts(
        missing: duckdb.DuckDBPyConnection) -> None:
    # Revenue of 2025-01: nothing priced (0.00 expected, one line without amount), 1 270.50
    # invoiced. I1 unpaid: 1 270.50 + VAT 266.81 (1 270.50 × 0.21 = 266.805, half up); I2:
    # 775.00 + VAT 110.25 + 52.50 = 937.75.
    assert missing.execute(
        "select expected_excl_vat, expected_index_missing, invoiced_excl_vat from revenue"
        " where period = '2025-01' and fee_type = 'CERT'").fetchall() == [
        (Decimal("0.00"), 1, Decimal("1270.50"))]
    assert missing.execute(
        "select invoice_id, open_amount from receivables order by 1").fetchall() == [
        ("I1", Decimal("1537.31")), ("I2", Decimal("937.75"))]


# --- credit notes (point 10) -----------------------------------------------------------------

@pytest.fixture
def credited(store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """PR did 2 hours of work on 2025-03-10 (§2.2.5: 2 × € 125.82 = 251.64, indices kept at
    the base rates). F1 (2025-03-31) billed 3 hours: 377.46; credit note C1 (2025-04-15)
    takes one hour off: -1 × 125.82 = -125.82. 200.00 paid on 2025-04-20."""
    insert_neutral_indices(store)
    store.execute("insert into certificates (certificate_number, scheme, holder_id, issued_on,"
                  " adi_count) values ('PR', 'asbestos_process', 'H', '2023-06-01', 3)")
    store.execute("insert into activity (certificate_number, activity_date, activity, quantity)"
                  " values ('PR', '2025-03-10', 'hourly_work', 2)")
    _invoice(store, "F1", "2025-03-31", [("HOURLY", "3", "125.82", "377.46")])
    _invoice(store, "C1", "2025-04-15", [("HOURLY", "-1", "125.82", "-125.82")], corrects="F1")
    store.execute("insert into payments (invoice_id, paid_on, amount)"
                  " values ('F1', '2025-04-20', 200.00)")
    refresh(store)
    store.execute("set variable as_of = date '2025-06-30'")
    return store


def test_a_credit_note_reduces_what_was_invoiced_in_its_invoices_month(
        credited: duckdb.DuckDBPyConnection) -> None:
    # 377.46 - 125.82 = 251.64 in March, as expected; April has no HOURLY line of its own.
    # VAT is rounded per line (§2.2.10): invoiced 79.27 (377.46 × 0.21 = 79.2666) - 26.42
    # (125.82 × 0.21 = 26.4222) = 52.85, expected 52.84 (251.64 × 0.21 = 52.8444): the check
    # shows the cent (vat_differs), the amount excl. VAT matches.
    assert credited.execute(
        "select period, expected_excl_vat, invoiced_excl_vat, difference, vat_difference,"
        " status from billing_invoice_check_lines where fee_code = 'HOURLY'").fetchall() == [
        ("2025-03", Decimal("251.64"), Decimal("251.64"), Decimal("0.00"), Decimal("0.01"),
         "vat_differs")]
    assert credited.execute(
        "select period, invoiced_excl_vat from revenue where fee_type = 'HOURLY'"
        " and invoiced_lines > 0").fetchall() == [("2025-03", Decimal("251.64"))]
    # The Overview's figures for March, as of its last day and of 30 June (docs/readings.md
    # "Credit notes": the correction counts from the invoice's own date).
    for as_of in ("2025-03-31", "2025-06-30"):
        credited.execute(f"set variable as_of = date '{as_of}'")
        assert credited.execute("select value from kpi_overview where indicator ="
                                " 'invoiced_ytd'").fetchall() == [(251.64,)]
        assert credited.execute("select value from kpi_monthly where indicator = 'invoiced'"
                                " and month = '2025-03-01'").fetchall() == [(251.64,)]


def test_a_credit_note_reduces_the_amount_due_of_its_invoice(
        credited: duckdb.DuckDBPyConnection) -> None:
    # Due: 251.64 + VAT per line 79.27 (377.46 × 0.21 = 79.2666) - 26.42 (125.82 × 0.21 =
    # 26.4222) = 304.49; paid 200.00 → open 104.49. Due date F1: 2025-03-31 + 30 days =
    # 2025-04-30, the last day of that month; as of 2025-06-30: 61 days overdue. The credit
    # note is no receivable of its own.
    assert credited.execute(
        "select invoice_id, amount_due, paid_amount, open_amount, due_date::varchar,"
        " days_overdue, ageing_bucket from receivables").fetchall() == [
        ("F1", Decimal("304.49"), Decimal("200.00"), Decimal("104.49"), "2025-04-30", 61,
         "61-90")]
