"""Attest-driven fees under COPRO TAR 9201 §2.2.4.1 (audit contribution €5 per attest, 50/400
per full calendar year) and §2.2.6 (attest contribution €20 for 1-250, €15 from the 251st,
minimum 50 per year), monthly lines and the year-end balance (view billing_attest_fees through
expected_charges). Base rates of 2023: the indices ingested keep every year at them (S_n = S_r;
issue 22: without an index a year has no rate)."""

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


def _person(store: duckdb.DuckDBPyConnection, number: str, issued: str,
            ended: str | None = None) -> None:
    store.execute(
        "insert into certificates (certificate_number, scheme, holder_id, issued_on, ended_on)"
        " values (?, 'asbestos_person', 'H', ?, ?)", [number, issued, ended])


def _attests(store: duckdb.DuckDBPyConnection, cert: str, day: str, n: int,
             line: int) -> None:
    store.execute(
        "insert into activity (certificate_number, activity_date, activity, quantity,"
        " source_file, source_line) values (?, ?, 'attest', ?, 'attests.csv', ?)",
        [cert, day, n, line])


def _lines(store: duckdb.DuckDBPyConnection, cert: str) -> list[tuple]:
    refresh(store)  # the stored billing tables follow the rows inserted
    return store.execute(
        "select fee_date::varchar, fee_code, quantity, amount_excl_vat from expected_charges"
        " where certificate_number = ? and fee_code like '%ATTEST%' and fee_year = 2024"
        " order by fee_date, fee_code", [cert]).fetchall()


def test_260_attests_in_a_year(store: duckdb.DuckDBPyConnection) -> None:
    # 200 attests in January, 60 in February 2024 (full year, issued 2024-01-01):
    #   January:  audit 200 × 5 = 1 000.00; attest 200 × 20 = 4 000.00
    #   February: audit 60 × 5 = 300.00; attests 201-250 → 50 × 20 = 1 000.00,
    #             attests 251-260 → 10 × 15 = 150.00
    #   year: attest contribution 250 × 20 + 10 × 15 = 5 150.00; audit 260 × 5 = 1 300.00;
    #   above the minimum of 50 → no year-end balance.
    store.execute("update settings set as_of = date '2025-01-31'")
    _person(store, "PE1", "2024-01-01")
    _attests(store, "PE1", "2024-01-15", 200, 2)
    _attests(store, "PE1", "2024-02-10", 60, 3)
    assert _lines(store, "PE1") == [
        ("2024-01-31", "ATTEST_T1", Decimal("200"), Decimal("4000.00")),
        ("2024-01-31", "AUDIT_ATTEST", Decimal("200"), Decimal("1000.00")),
        ("2024-02-29", "ATTEST_T1", Decimal("50"), Decimal("1000.00")),
        ("2024-02-29", "ATTEST_T2", Decimal("10"), Decimal("150.00")),
        ("2024-02-29", "AUDIT_ATTEST", Decimal("60"), Decimal("300.00")),
    ]
    source = store.execute(
        "select source from expected_charges where fee_code = 'ATTEST_T2'").fetchone()[0]
    assert source == "attests.csv:3"


def test_audit_contribution_capped_at_400_and_tiers_restart_in_january(
        store: duckdb.DuckDBPyConnection) -> None:
    # §2.2.4.1 at most 400 attests per full year: 450 attests in March 2024 → 400 × 5 = 2 000.00;
    # §2.2.6: 250 × 20 + 200 × 15 = 8 000.00. 2025-01-05: the count restarts → 1 attest at €20.
    store.execute("update settings set as_of = date '2025-02-28'")
    _person(store, "PE1", "2024-01-01")
    _attests(store, "PE1", "2024-03-01", 450, 2)
    _attests(store, "PE1", "2025-01-05", 1, 3)
    refresh(store)  # the stored billing tables follow the rows inserted
    totals = dict(store.execute(
        "select fee_code || ' ' || fee_year, sum(amount_excl_vat) from expected_charges"
        " where fee_code in ('AUDIT_ATTEST', 'ATTEST_T1', 'ATTEST_T2') group by all").fetchall())
    assert totals == {
        "AUDIT_ATTEST 2024": Decimal("2000.00"), "ATTEST_T1 2024": Decimal("5000.00"),
        "ATTEST_T2 2024": Decimal("3000.00"), "AUDIT_ATTEST 2025": Decimal("5.00"),
        "ATTEST_T1 2025": Decimal("20.00"),
    }


def test_30_attests_in_a_year(store: duckdb.DuckDBPyConnection) -> None:
    # Full year 2024, 30 attests in May: monthly audit 30 × 5 = 150.00, attest 30 × 20 = 600.00;
    # 31 December balance up to the minimum of 50: audit (50 − 30) × 5 = 100.00,
    # attest (50 − 30) × 20 = 400.00 → yearly totals 250.00 = 50 × 5 and 1 000.00 = 50 × 20.
    store.execute("update settings set as_of = date '2025-01-31'")
    _person(store, "PE1", "2023-06-01")
    _attests(store, "PE1", "2024-05-20", 30, 2)
    assert _lines(store, "PE1") == [
        ("2024-05-31", "ATTEST_T1", Decimal("30"), Decimal("600.00")),
        ("2024-05-31", "AUDIT_ATTEST", Decimal("30"), Decimal("150.00")),
        ("2024-12-31", "ATTEST_MIN", Decimal("20"), Decimal("400.00")),
        ("2024-12-31", "AUDIT_ATTEST_MIN", Decimal("20"), Decimal("100.00")),
    ]


def test_person_certificate_in_its_first_partial_year(store: duckdb.DuckDBPyConnection) -> None:
    # Issued 2024-07-20: valid in 6 calendar months (July-December).
    # §2.2.4.1 audit contribution: minimum 50 attests "per volledig kalenderjaar" → pro rata
    # the months: round(50 × 6 / 12) = 25 attests.
    # §2.2.6 attest contribution: "minimum bijdrage van de waarde van 50 attesten per
    # kalenderjaar per persoonscertificaat" - no "volledig", not pro-rated (issue 8): 50.
    # 10 attests in August: monthly 10 × 5 = 50.00 and 10 × 20 = 200.00;
    # balance audit (25 − 10) = 15 × 5 = 75.00; attest (50 − 10) = 40 × 20 = 800.00.
    store.execute("update settings set as_of = date '2025-01-31'")
    _person(store, "PE1", "2024-07-20")
    _attests(store, "PE1", "2024-08-05", 10, 2)
    assert _lines(store, "PE1") == [
        ("2024-08-31", "ATTEST_T1", Decimal("10"), Decimal("200.00")),
        ("2024-08-31", "AUDIT_ATTEST", Decimal("10"), Decimal("50.00")),
        ("2024-12-31", "ATTEST_MIN", Decimal("40"), Decimal("800.00")),
        ("2024-12-31", "AUDIT_ATTEST_MIN", Decimal("15"), Decimal("75.00")),
    ]


def test_balance_waits_for_year_end_and_attests_via_person(
        store: duckdb.DuckDBPyConnection) -> None:
    # As of 2024-11-30 the 2024 balance (31 December) is not due yet; the attest row names the
    # process certificate and the person, whose person certificate PE1 is billed (persons table).
    store.execute("update settings set as_of = date '2024-11-30'")
    _person(store, "PE1", "2020-01-01")
    store.execute(
        "insert into certificates (certificate_number, scheme, holder_id, issued_on)"
        " values ('PR1', 'asbestos_process', 'H', '2020-01-01')")
    store.execute("insert into persons (person_id, certificate_number) values ('P9', 'PE1')")
    store.execute(
        "insert into activity (certificate_number, activity_date, activity, quantity, person_id)"
        " values ('PR1', '2024-10-02', 'attest', 3, 'P9')")
    # 3 × 20 = 60.00 and 3 × 5 = 15.00 for October; nothing dated 2024-12-31.
    assert _lines(store, "PE1") == [
        ("2024-10-31", "ATTEST_T1", Decimal("3"), Decimal("60.00")),
        ("2024-10-31", "AUDIT_ATTEST", Decimal("3"), Decimal("15.00")),
    ]
