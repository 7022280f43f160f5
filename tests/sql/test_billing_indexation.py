"""Yearly indexation of the TAR 9201 rates (§2.2.11) with made-up indices."""

from __future__ import annotations

from decimal import Decimal

import duckdb

from pipelines.store import refresh


def _index(store: duckdb.DuckDBPyConnection, name: str, period: str, value: str) -> None:
    store.execute("insert into indices (index_name, period, value) values (?, ?, ?)",
                  [name, period, value])


def test_indexed_year_with_a_made_up_salary_index(store: duckdb.DuckDBPyConnection) -> None:
    # S_r = salary_q3 2022 = 100.00 (made up), S_n for 2024 = salary_q3 2023 = 104.20 → × 1.042:
    #   hourly 125.82 × 1.042 = 131.10444 → 131.10;  extra audit 525 × 1.042 = 547.05;
    #   attest €20 × 1.042 = 20.84; €5 × 1.042 = 5.21.
    # Travel is not salary-indexed: travel_fee 2024 = 240.00 (made-up FOD table) → 240.00.
    # 2025 has no salary_q3 2024 → `index missing`: no unit price (issue 22; it used to fall
    # back on the base rate 125.82, which §2.2.11 never allows after 2023).
    store.execute("update settings set as_of = date '2025-12-31'")
    _index(store, "salary_q3", "2022", "100.00")
    _index(store, "salary_q3", "2023", "104.20")
    _index(store, "travel_fee", "2024", "240.00")
    store.execute(
        "insert into certificates (certificate_number, scheme, holder_id, issued_on)"
        " values ('PR1', 'asbestos_process', 'H', '2020-01-01'),"
        " ('PE1', 'asbestos_person', 'H', '2020-01-01')")
    store.execute(
        "insert into audits (audit_id, certificate_number, audit_type, audit_date, start_time,"
        " end_time) values ('X1', 'PR1', 'extra', '2024-03-12', '09:00', '11:00')")
    store.execute(
        "insert into activity (certificate_number, activity_date, activity, quantity) values"
        " ('PR1', '2024-05-06', 'hourly_work', 1), ('PR1', '2025-05-06', 'hourly_work', 1),"
        " ('PE1', '2024-05-06', 'attest', 1)")
    refresh(store)  # the stored billing tables follow the rows inserted
    got = dict(store.execute(
        "select fee_code || ' ' || fee_date, unit_price from expected_charges"
        " where fee_code in ('HOURLY', 'AUDIT_EXTRA', 'TRAVEL_BE', 'ATTEST_T1', 'AUDIT_ATTEST')"
    ).fetchall())
    assert got == {
        "HOURLY 2024-05-06": Decimal("131.10"), "HOURLY 2025-05-06": None,
        "AUDIT_EXTRA 2024-03-12": Decimal("547.05"), "TRAVEL_BE 2024-03-12": Decimal("240.00"),
        "ATTEST_T1 2024-05-31": Decimal("20.84"), "AUDIT_ATTEST 2024-05-31": Decimal("5.21"),
    }


def test_travel_abroad_and_car_follow_their_own_tables(store: duckdb.DuckDBPyConnection) -> None:
    # travel_fee 2024 = 246.07 (made up, +5 % on 234.35): the per-hour travel abroad moves in the
    # same proportion: 125.82 × 246.07 / 234.35 = 132.1123… → 132.11 per hour;
    # car_km 2024 = 0.4500 €/km, not rounded: 101 km × 0.45 = 45.45. 2 h × 132.11 = 264.22.
    # The extra audit's €525 is salary-indexed: S_n (2023) = S_r (2022) = 100 → 525.00.
    store.execute("update settings set as_of = date '2025-12-31'")
    _index(store, "salary_q3", "2022", "100")
    _index(store, "salary_q3", "2023", "100")
    _index(store, "travel_fee", "2024", "246.07")
    _index(store, "car_km", "2024", "0.4500")
    refresh(store)  # the stored billing tables follow the rows inserted
    rates = dict(store.execute(
        "select fee_code, rate from billing_rates where fee_year = 2024"
        " and fee_code in ('TRAVEL_BE', 'TRAVEL_ABROAD_HOURS', 'TRANSPORT_CAR')").fetchall())
    assert rates == {"TRAVEL_BE": Decimal("246.07"), "TRAVEL_ABROAD_HOURS": Decimal("132.11"),
                     "TRANSPORT_CAR": Decimal("0.4500")}
    store.execute(
        "insert into certificates (certificate_number, scheme, holder_id, issued_on, country)"
        " values ('PR1', 'asbestos_process', 'H', '2020-01-01', 'FR')")
    store.execute(
        "insert into audits (audit_id, certificate_number, audit_type, audit_date, start_time,"
        " end_time, country, travel_hours, distance_km) values"
        " ('X1', 'PR1', 'extra', '2024-03-12', '09:00', '11:00', 'FR', 2, 101)")
    refresh(store)  # the stored billing tables follow the rows inserted
    got = dict(store.execute(
        "select fee_code, amount_excl_vat from expected_charges where source = 'audit:X1'"
    ).fetchall())
    assert got == {"AUDIT_EXTRA": Decimal("525.00"), "TRAVEL_ABROAD_HOURS": Decimal("264.22"),
                   "TRANSPORT_CAR": Decimal("45.45")}


def test_every_amount_is_decimal(store: duckdb.DuckDBPyConnection) -> None:
    # Every billing amount column is DECIMAL, never DOUBLE (rules.md §5).
    types = store.execute(
        "select table_name, column_name, data_type from information_schema.columns"
        " where table_name in ('expected_charges', 'invoice_check', 'receivables',"
        " 'billing_invoice_check_lines', 'revenue', 'billing_rates')"
        " and (column_name like '%amount%' or column_name like '%vat%' or column_name in"
        " ('unit_price', 'difference', 'late_interest', 'forfait', 'rate'))").fetchall()
    assert types  # the exact list of money columns: tests/sql/test_billing_extra.py
    assert [t for t in types if not t[2].startswith("DECIMAL")] == []
