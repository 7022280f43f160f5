"""Audit, travel and hourly fees under COPRO TAR 9201 (views billing_audit_fees,
billing_certificate_fees, expected_charges). Expected values computed by hand from the base rates
of 2023 (§2.2.1); the indices ingested keep every year at them (S_n = S_r, travel and car at
their 2023 table values, §2.2.11; issue 22: without an index a year has no rate)."""

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


def _cert(store: duckdb.DuckDBPyConnection, number: str, scheme: str, *, issued: str = "2020-01-01",
          one_person: bool = False, template: bool = True, parent: str | None = None,
          country: str = "BE") -> None:
    store.execute(
        "insert into certificates (certificate_number, scheme, holder_id, issued_on, country,"
        " one_person_firm, uses_copro_template, parent_certificate_number)"
        " values (?, ?, 'H1', ?, ?, ?, ?, ?)",
        [number, scheme, issued, country, one_person, template, parent],
    )


def _audit(store: duckdb.DuckDBPyConnection, audit_id: str, cert: str, kind: str, day: str,
           start: str | None, end: str | None, *, country: str = "BE",
           combined: bool | None = None, hours: float | None = None, km: float | None = None,
           nights: int | None = None) -> None:
    store.execute(
        "insert into audits (audit_id, certificate_number, audit_type, audit_date, start_time,"
        " end_time, country, combined_with_field_audit, travel_hours, distance_km,"
        " overnight_stays) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [audit_id, cert, kind, day, start, end, country, combined, hours, km, nights],
    )


def _fees(store: duckdb.DuckDBPyConnection, source: str) -> dict[str, Decimal]:
    refresh(store)  # the stored billing tables follow the rows inserted
    rows = store.execute(
        "select fee_code, amount_excl_vat from expected_charges where source = ?", [source]
    ).fetchall()
    return dict(rows)


def _as_of(store: duckdb.DuckDBPyConnection, day: str = "2025-12-31") -> None:
    store.execute("update settings set as_of = ?", [day])


def test_saturday_extra_audit_of_2h45_in_belgium(store: duckdb.DuckDBPyConnection) -> None:
    # TAR 9201 §2.2.4.3 + §2.2.9: 2024-03-09 is a Saturday, 09:00-11:45 = 165 min, day time.
    #   reference fee 525.00 × 1.5 = 787.50 (AUDIT_OFFHOURS)
    #   165 − 120 = 45 min beyond 2 h → 2 started half-hours × 70.00 = 140.00 (not multiplied)
    #   travel in Belgium 234.35 × 1.5 = 351.525 → 351.53
    #   total 787.50 + 140.00 + 351.53 = 1 279.03; VAT 21 %: 165.38 + 29.40 + 73.82 = 268.60
    _as_of(store)
    _cert(store, "PR1", "asbestos_process")
    _audit(store, "X1", "PR1", "extra", "2024-03-09", "09:00", "11:45")
    assert _fees(store, "audit:X1") == {
        "AUDIT_OFFHOURS": Decimal("787.50"),
        "AUDIT_OVERTIME": Decimal("140.00"),
        "TRAVEL_BE": Decimal("351.53"),
    }
    total, vat = store.execute(
        "select sum(amount_excl_vat), sum(vat) from expected_charges where source = 'audit:X1'"
    ).fetchone()
    assert total == Decimal("1279.03")
    assert vat == Decimal("268.60")


def test_weekday_extra_audit_of_exactly_2h_and_a_night_audit(
        store: duckdb.DuckDBPyConnection) -> None:
    # §2.2.4.3: Tuesday 2024-03-12, 09:00-11:00 = 2 h: 525.00 + travel 234.35, no supplement.
    # §2.2.9: Wednesday 2024-03-13, 17:00-19:30 ends after 18h → night ×1.5:
    #   787.50; 150 − 120 = 30 min → 1 half-hour × 70.00; travel 234.35 × 1.5 = 351.53.
    _as_of(store)
    _cert(store, "PR1", "asbestos_process")
    _audit(store, "X1", "PR1", "extra", "2024-03-12", "09:00", "11:00")
    _audit(store, "X2", "PR1", "complaint", "2024-03-13", "17:00", "19:30")
    assert _fees(store, "audit:X1") == {
        "AUDIT_EXTRA": Decimal("525.00"), "TRAVEL_BE": Decimal("234.35")}
    assert _fees(store, "audit:X2") == {
        "AUDIT_OFFHOURS": Decimal("787.50"), "AUDIT_OVERTIME": Decimal("70.00"),
        "TRAVEL_BE": Decimal("351.53")}


def test_extra_audit_on_a_public_holiday_counts_as_sunday(
        store: duckdb.DuckDBPyConnection) -> None:
    # Easter Monday 2024-04-01 (ref_holidays) → ×2 (§2.2.9):
    #   525 × 2 = 1 050.00, 234.35 × 2 = 468.70.
    _as_of(store)
    _cert(store, "PR1", "asbestos_process")
    _audit(store, "X1", "PR1", "extra", "2024-04-01", "09:00", "10:30")
    assert _fees(store, "audit:X1") == {
        "AUDIT_OFFHOURS": Decimal("1050.00"), "TRAVEL_BE": Decimal("468.70")}


def test_process_audit_template_and_travel(store: duckdb.DuckDBPyConnection) -> None:
    # §2.2.4.2, weekday 2024-05-14:
    #  - PR1 (other firm, COPRO template) combined with the field audit of its person certificate
    #    PE1 on the same day → 630.00 only (no travel); the field audit itself bills nothing
    #    (paid through the €5 per attest, §2.2.4.1).
    #  - PR2 (one-person firm, no template) not combined → 300.00 + 2 h × 125.82 = 251.64
    #    + travel 234.35.
    _as_of(store)
    _cert(store, "PR1", "asbestos_process")
    _cert(store, "PE1", "asbestos_person", parent="PR1")
    _cert(store, "PR2", "asbestos_process", one_person=True, template=False)
    _audit(store, "F1", "PE1", "field", "2024-05-14", "09:00", "11:00")
    _audit(store, "A1", "PR1", "process", "2024-05-14", "13:00", "15:00")
    _audit(store, "A2", "PR2", "process", "2024-05-14", "09:00", "12:00", combined=False)
    assert _fees(store, "audit:F1") == {}
    assert _fees(store, "audit:A1") == {"AUDIT_PROCESS": Decimal("630.00")}
    assert _fees(store, "audit:A2") == {
        "AUDIT_PROCESS_ONE": Decimal("300.00"), "AUDIT_NO_TEMPLATE": Decimal("251.64"),
        "TRAVEL_BE": Decimal("234.35")}


def test_field_audit_longer_than_2h(store: duckdb.DuckDBPyConnection) -> None:
    # §2.2.4.1: field audit 08:30-11:01 = 151 min → 31 min beyond 2 h → 2 started half-hours
    # × 70.00 = 140.00; weekday, so no reference fee and no travel.
    _as_of(store)
    _cert(store, "PE1", "asbestos_person")
    _audit(store, "F1", "PE1", "field", "2024-05-14", "08:30", "11:01")
    assert _fees(store, "audit:F1") == {"AUDIT_OVERTIME": Decimal("140.00")}


def test_extra_audit_abroad_with_car_and_overnight(store: duckdb.DuckDBPyConnection) -> None:
    # §2.2.5 abroad, weekday 2024-05-15, 2 h on site:
    #   travel 2.5 h from Brussels × 125.82 = 314.55
    #   car 333 km × 0.4269 = 142.1577 → 142.16 (total rounded to €0.01, §2.2.11)
    #   1 night × 147.94; audit fee 525.00
    _as_of(store)
    _cert(store, "PR1", "asbestos_process", country="NL")
    _audit(store, "X1", "PR1", "extra", "2024-05-15", "09:00", "11:00", country="NL",
           hours=2.5, km=333, nights=1)
    assert _fees(store, "audit:X1") == {
        "AUDIT_EXTRA": Decimal("525.00"), "TRAVEL_ABROAD_HOURS": Decimal("314.55"),
        "TRANSPORT_CAR": Decimal("142.16"), "OVERNIGHT": Decimal("147.94")}


def _activity(store: duckdb.DuckDBPyConnection, cert: str, day: str, kind: str,
              quantity: float = 1, reference: str | None = None) -> None:
    store.execute(
        "insert into activity (certificate_number, activity_date, activity, quantity, reference)"
        " values (?, ?, ?, ?, ?)",
        [cert, day, kind, quantity, reference],
    )


def test_hourly_fee_rounding(store: duckdb.DuckDBPyConnection) -> None:
    # §2.2.5: at least 1 h; a further started hour counts once 30 minutes of it are reached.
    #   1 h 29 (89 min) → 1 h → 125.82;  1 h 30 (90 min) → 2 h → 251.64;  15 min → 1 h → 125.82
    _as_of(store)
    _cert(store, "PR1", "asbestos_process")
    _activity(store, "PR1", "2024-05-06", "hourly_work", 89 / 60, "h129")
    _activity(store, "PR1", "2024-05-07", "hourly_work", 1.5, "h130")
    _activity(store, "PR1", "2024-05-08", "hourly_work", 0.25, "h015")
    refresh(store)  # the stored billing tables follow the rows inserted
    rows = store.execute(
        "select fee_date::varchar, quantity, amount_excl_vat from expected_charges"
        " where fee_code = 'HOURLY' order by fee_date"
    ).fetchall()
    assert rows == [
        ("2024-05-06", Decimal("1"), Decimal("125.82")),
        ("2024-05-07", Decimal("2"), Decimal("251.64")),
        ("2024-05-08", Decimal("1"), Decimal("125.82")),
    ]


def test_useless_trip_and_transfer_out(store: duckdb.DuckDBPyConnection) -> None:
    # §2.2.8 useless trip on Saturday 2024-05-11: 1 h × 125.82 × 1.5 = 188.73,
    #   travel 234.35 × 1.5 = 351.525 → 351.53.  §2.2.2.4 transfer away: 1 h = 125.82.
    _as_of(store)
    _cert(store, "PR1", "asbestos_process")
    _activity(store, "PR1", "2024-05-11", "useless_trip")
    _activity(store, "PR1", "2024-06-03", "transfer_out")
    refresh(store)  # the stored billing tables follow the rows inserted
    rows = store.execute(
        "select fee_code, amount_excl_vat from expected_charges"
        " where fee_code in ('USELESS_TRIP', 'TRAVEL_BE', 'TRANSFER_OUT') order by fee_code"
    ).fetchall()
    assert rows == [("TRANSFER_OUT", Decimal("125.82")), ("TRAVEL_BE", Decimal("351.53")),
                    ("USELESS_TRIP", Decimal("188.73"))]


def test_application_fees_and_yearly_contribution(store: duckdb.DuckDBPyConnection) -> None:
    # §2.2.2: PE1 person 300.00; PR1 other firm without template 740.00 + 2 × 125.82 = 251.64;
    #   PR2 one-person firm 500.00; PR3 transferred in → no application fee.
    # §2.2.3.2 yearly contribution (as_of 2024-12-31, all issued 2024-03-01 → one year, dated on
    #   the issue date): PR1 adi_count 7 (> 6) → 2 100.00; PR2 one-person → 475.00;
    #   PR3 adi_count 3 → 1 155.00. (PE1's attest year-end balances are tested elsewhere.)
    _as_of(store, "2024-12-31")
    for number, one, template, adi in (("PR1", False, False, 7), ("PR2", True, True, 1),
                                       ("PR3", False, True, 3)):
        store.execute(
            "insert into certificates (certificate_number, scheme, holder_id, issued_on,"
            " applied_on, one_person_firm, uses_copro_template, adi_count)"
            " values (?, 'asbestos_process', 'H', '2024-03-01', '2024-01-15', ?, ?, ?)",
            [number, one, template, adi])
    store.execute(
        "insert into certificates (certificate_number, scheme, holder_id, issued_on, applied_on)"
        " values ('PE1', 'asbestos_person', 'H', '2024-03-01', '2024-01-20')")
    _activity(store, "PR3", "2024-01-15", "transfer_in")
    refresh(store)  # the stored billing tables follow the rows inserted
    rows = store.execute(
        "select certificate_number, fee_code, fee_date::varchar, amount_excl_vat"
        " from expected_charges where fee_code like 'APP%' or fee_code like 'CERT%'"
        " order by 1, 2").fetchall()
    assert rows == [
        ("PE1", "APP_PERSON", "2024-01-20", Decimal("300.00")),
        ("PR1", "APP_NO_TEMPLATE", "2024-01-15", Decimal("251.64")),
        ("PR1", "APP_PROCESS", "2024-01-15", Decimal("740.00")),
        ("PR1", "CERT_GT6", "2024-03-01", Decimal("2100.00")),
        ("PR2", "APP_PROCESS_ONE", "2024-01-15", Decimal("500.00")),
        ("PR2", "CERT_ONE", "2024-03-01", Decimal("475.00")),
        ("PR3", "CERT_1_6", "2024-03-01", Decimal("1155.00")),
    ]


def test_yearly_contribution_counts_linked_adi_on_1_january(
        store: duckdb.DuckDBPyConnection) -> None:
    # §2.2.3.2 "per kalenderjaar", ADI count on 1 January 2025: 7 person certificates linked to
    # PR1, of which one ended 2024-12-31 → 6 valid → 1 155.00 (adi_count 9 of the master data is
    # not used when person certificates are linked).
    _as_of(store, "2025-06-30")
    store.execute(
        "insert into certificates (certificate_number, scheme, holder_id, issued_on, adi_count)"
        " values ('PR1', 'asbestos_process', 'H', '2020-01-01', 9)")
    for i in range(7):
        store.execute(
            "insert into certificates (certificate_number, scheme, holder_id, issued_on,"
            " ended_on, parent_certificate_number) values (?, 'asbestos_person', 'H',"
            " '2020-01-01', ?, 'PR1')", [f"PE{i}", "2024-12-31" if i == 0 else None])
    refresh(store)  # the stored billing tables follow the rows inserted
    fee = store.execute(
        "select fee_code, amount_excl_vat from expected_charges"
        " where certificate_number = 'PR1' and fee_date = '2025-01-01'").fetchall()
    assert fee == [("CERT_1_6", Decimal("1155.00"))]
