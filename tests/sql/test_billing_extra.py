"""COPRO TAR 9201 billing cases without a test elsewhere, worked out by hand from the source
(data/sources/copro-tar-9201-tariefreglement.txt), base rates of 2023 (§2.2.1; no salary or
travel index is ingested, so every rate is its base rate, §2.2.11):

- payment terms (§2.3.2): payments and reminders dated after the as-of date, the ageing
  buckets at their boundaries, the forfait "15 % ..., met een minimum van € 200,00" around
  its threshold and the 8-day deadline;
- attests (§2.2.4.1, §2.2.6) at exactly 49, 50, 250 and 251 in a year;
- audits (§2.2.4.3, §2.2.9) without times, before 06:00, starting at 06:00 and ending at
  18:00, across midnight, on a Saturday night;
- revenue per scheme × fee type × month;
- every money column of the contract's billing views is DECIMAL.

One store for the module (the rows of each case use their own certificate or invoice; the
as-of date is the connection's variable, so the tests only read).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines.store import refresh
from tests.sql.neutral_indices import insert_neutral_indices
from tests.conftest import memory_copy

D = Decimal

# Made-up legal interest (index legal_interest, % per year); §2.3.2 adds one point.
LEGAL_INTEREST = [("2024-H1", "5.25"), ("2024-H2", "4.50")]


def _invoice(con: duckdb.DuckDBPyConnection, invoice_id: str, day: str, fee_code: str,
             amount: str, cert: str = "PR-PAY") -> None:
    con.execute("insert into invoices (invoice_id, certificate_number, invoice_date)"
                " values (?, ?, ?)", [invoice_id, cert, day])
    con.execute("insert into invoice_lines (invoice_id, line_no, fee_code, amount_excl_vat,"
                " vat_rate) values (?, 1, ?, ?, 0.21)", [invoice_id, fee_code, amount])


def _payment(con: duckdb.DuckDBPyConnection, invoice_id: str, paid_on: str | None,
             amount: str | None, reminder: str | None = None) -> None:
    con.execute("insert into payments (invoice_id, paid_on, amount, reminder_sent_on)"
                " values (?, ?, ?, ?)", [invoice_id, paid_on, amount, reminder])


def _cert(con: duckdb.DuckDBPyConnection, number: str, scheme: str, issued: str) -> None:
    con.execute("insert into certificates (certificate_number, scheme, holder_id, issued_on)"
                " values (?, ?, 'H', ?)", [number, scheme, issued])


def _attests(con: duckdb.DuckDBPyConnection, cert: str, day: str, n: int) -> None:
    con.execute("insert into activity (certificate_number, activity_date, activity, quantity)"
                " values (?, ?, 'attest', ?)", [cert, day, n])


def _audit(con: duckdb.DuckDBPyConnection, audit_id: str, day: str, start: str | None,
           end: str | None) -> None:
    con.execute("insert into audits (audit_id, certificate_number, audit_type, audit_date,"
                " start_time, end_time) values (?, 'PR-AUD', 'extra', ?, ?, ?)",
                [audit_id, day, start, end])


@pytest.fixture(scope="module")
def billing(_store_template: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = memory_copy(_store_template)
    insert_neutral_indices(con)  # issue 22: base rates in every year (S_n = S_r)
    for period, value in LEGAL_INTEREST:
        con.execute("insert into indices (index_name, period, value)"
                    " values ('legal_interest', ?, ?)", [period, value])
    _cert(con, "PR-PAY", "asbestos_process", "2020-01-01")
    # Every invoice below is dated 2024-03-10: due "30 dagen einde maand" = last day of the
    # month of 2024-03-10 + 30 days = 2024-04-09 -> 2024-04-30.
    _invoice(con, "AGE", "2024-03-10", "HOURLY", "100.00")          # 121.00, never paid
    _invoice(con, "LATEPAY", "2024-03-10", "HOURLY", "1000.00")     # 1 210.00
    _payment(con, "LATEPAY", "2024-06-09", "1210.00")
    _invoice(con, "REM", "2024-03-10", "AUDIT_EXTRA", "2000.00")    # 2 420.00, unpaid
    _payment(con, "REM", None, None, "2024-06-20")
    _invoice(con, "F1101", "2024-03-10", "HOURLY", "1101.00")       # 1 101.00 + 231.21
    _payment(con, "F1101", None, None, "2024-06-20")
    _invoice(con, "F1102", "2024-03-10", "HOURLY", "1102.00")       # 1 102.00 + 231.42
    _payment(con, "F1102", None, None, "2024-06-20")
    _invoice(con, "FPART", "2024-03-10", "HOURLY", "2000.00")       # 2 420.00
    _payment(con, "FPART", None, None, "2024-06-20")
    _payment(con, "FPART", "2024-06-25", "1000.00")
    _invoice(con, "FDAY8", "2024-03-10", "HOURLY", "2000.00")
    _payment(con, "FDAY8", None, None, "2024-06-20")
    _payment(con, "FDAY8", "2024-06-28", "2420.00")
    _invoice(con, "FDAY9", "2024-03-10", "HOURLY", "2000.00")
    _payment(con, "FDAY9", None, None, "2024-06-20")
    _payment(con, "FDAY9", "2024-06-29", "2420.00")
    # attests: person certificates valid the whole of 2024 (issued 2023-06-01)
    for cert, rows in {"PE49": [("2024-03-15", 49)], "PE50": [("2024-03-15", 50)],
                       "PE250": [("2024-03-15", 250)],
                       "PE251": [("2024-03-15", 250), ("2024-04-15", 1)]}.items():
        _cert(con, cert, "asbestos_person", "2023-06-01")
        for day, n in rows:
            _attests(con, cert, day, n)
    # audits: extra audits (§2.2.4.3) of a process certificate in Belgium
    _cert(con, "PR-AUD", "asbestos_process", "2020-01-01")
    _audit(con, "NOTIME", "2024-03-12", None, None)           # Tuesday, no times
    _audit(con, "EARLY", "2024-03-13", "05:30", "07:30")      # Wednesday, starts before 6h
    _audit(con, "SIX", "2024-03-14", "06:00", "08:00")        # Thursday, starts at 6h
    _audit(con, "EIGHTEEN", "2024-03-14", "16:00", "18:00")   # Thursday, ends at 18h
    _audit(con, "MIDNIGHT", "2024-03-19", "23:00", "01:30")   # Tuesday, into Wednesday
    _audit(con, "SATNIGHT", "2024-03-16", "19:00", "21:00")   # Saturday, 19h-21h
    refresh(con)
    yield con
    con.close()


def _as_of(con: duckdb.DuckDBPyConnection, day: str) -> duckdb.DuckDBPyConnection:
    con.execute(f"set variable as_of = date '{day}'")
    return con


def _receivable(con: duckdb.DuckDBPyConnection, invoice_id: str, as_of: str) -> tuple | None:
    return _as_of(con, as_of).execute(
        "select open_amount, days_overdue, ageing_bucket, forfait from receivables"
        " where invoice_id = ?", [invoice_id]).fetchone()


# --- §2.3.2 payment terms ----------------------------------------------------------------

@pytest.mark.parametrize(("as_of", "days", "bucket"), [
    ("2024-04-30", 0, "not_due"),   # the due date itself: not late
    ("2024-05-01", 1, "1-30"),
    ("2024-05-30", 30, "1-30"),
    ("2024-05-31", 31, "31-60"),
    ("2024-06-29", 60, "31-60"),    # May 31 days + June 29
    ("2024-06-30", 61, "61-90"),
    ("2024-07-29", 90, "61-90"),    # 61 + 29
    ("2024-07-30", 91, "90+"),
])
def test_ageing_bucket_boundaries(billing, as_of, days, bucket):
    # AGE: 100.00 + 21 % = 121.00, due 2024-04-30, never paid.
    assert _receivable(billing, "AGE", as_of) == (D("121.00"), days, bucket, D("0.00"))


def test_a_payment_after_the_as_of_date_is_not_known_yet(billing):
    # LATEPAY: 1 210.00 due 2024-04-30, paid in full 2024-06-09.
    # As of 2024-05-31 nothing is paid yet: open 1 210.00, 31 days overdue.
    assert _receivable(billing, "LATEPAY", "2024-05-31") == (
        D("1210.00"), 31, "31-60", D("0.00"))
    # As of 2024-06-09 it is paid, 40 days late (May 31 + June 9); interest at the 2024-H1
    # legal rate 5.25 + 1 = 6.25 %: 1 210.00 × 0.0625 × 40 / 365 = 8.2876… -> 8.29.
    row = _as_of(billing, "2024-06-09").execute(
        "select open_amount, days_overdue, ageing_bucket, late_interest from receivables"
        " where invoice_id = 'LATEPAY'").fetchone()
    assert row == (D("0.00"), 40, "paid_late", D("8.29"))


def test_a_reminder_after_the_as_of_date_is_not_known_yet(billing):
    # REM: 2 420.00 unpaid, registered reminder sent 2024-06-20. As of 2024-06-15 there is no
    # reminder yet, so no forfait and no reminder date.
    row = _as_of(billing, "2024-06-15").execute(
        "select reminder_sent_on, forfait from receivables where invoice_id = 'REM'").fetchone()
    assert row == (None, D("0.00"))


@pytest.mark.parametrize(("as_of", "forfait"), [
    # "Bij niet-betaling binnen de acht dagen na ontvangst van een aangetekende
    # ingebrekestelling": sent 2024-06-20 (receipt is not recorded: counted from sending),
    # the eighth day is 2024-06-28, so the forfait is owed from 2024-06-29 on:
    # 15 % × 2 420.00 = 363.00 >= 200.
    ("2024-06-20", "0.00"), ("2024-06-28", "0.00"), ("2024-06-29", "363.00"),
])
def test_forfait_after_the_eighth_day(billing, as_of, forfait):
    assert _receivable(billing, "REM", as_of)[3] == D(forfait)


@pytest.mark.parametrize(("invoice_id", "forfait"), [
    # 1 101.00 + 231.21 = 1 332.21; 15 % = 199.8315 < 200 -> the minimum, 200.00
    ("F1101", "200.00"),
    # 1 102.00 + 231.42 = 1 333.42; 15 % = 200.013 -> 200.01
    ("F1102", "200.01"),
    # 2 420.00 of which 1 000.00 paid on 2024-06-25, within the 8 days: 15 % × 1 420.00 =
    # 213.00 ("van het verschuldigde bedrag": what is still owed at the deadline)
    ("FPART", "213.00"),
    # paid in full on the eighth day: no forfait; one day later: 15 % × 2 420.00 = 363.00
    ("FDAY8", "0.00"),
    ("FDAY9", "363.00"),
])
def test_forfait_thresholds(billing, invoice_id, forfait):
    got = _as_of(billing, "2024-07-31").execute(
        "select forfait from billing_invoice_status where invoice_id = ?",
        [invoice_id]).fetchone()
    assert got == (D(forfait),)


# --- §2.2.4.1 and §2.2.6 attests ----------------------------------------------------------

def _attest_lines(con: duckdb.DuckDBPyConnection, cert: str) -> list[tuple]:
    return _as_of(con, "2025-01-31").execute(
        "select fee_date::varchar, fee_code, quantity, amount_excl_vat from expected_charges"
        " where certificate_number = ? and year(fee_date) = 2024 order by fee_date, fee_code",
        [cert]).fetchall()


def test_49_attests_leave_a_balance_of_one(billing):
    # §2.2.4.1 "met een minimum van 50 attesten": 49 × 5 = 245.00 in March, 1 × 5 = 5.00 on
    # 31 December; §2.2.6 minimum "de waarde van 50 attesten": 49 × 20 = 980.00, 1 × 20.
    assert _attest_lines(billing, "PE49") == [
        ("2024-03-31", "ATTEST_T1", D("49"), D("980.00")),
        ("2024-03-31", "AUDIT_ATTEST", D("49"), D("245.00")),
        ("2024-12-31", "ATTEST_MIN", D("1"), D("20.00")),
        ("2024-12-31", "AUDIT_ATTEST_MIN", D("1"), D("5.00")),
    ]


def test_exactly_50_attests_have_no_balance(billing):
    # 50 = the minimum: 50 × 20 = 1 000.00 and 50 × 5 = 250.00, nothing on 31 December.
    assert _attest_lines(billing, "PE50") == [
        ("2024-03-31", "ATTEST_T1", D("50"), D("1000.00")),
        ("2024-03-31", "AUDIT_ATTEST", D("50"), D("250.00")),
    ]


def test_exactly_250_attests_stay_in_the_first_tier(billing):
    # §2.2.6 "€ 20,00 1-250 attesten": 250 × 20 = 5 000.00, no €15 line; audit 250 × 5.
    assert _attest_lines(billing, "PE250") == [
        ("2024-03-31", "ATTEST_T1", D("250"), D("5000.00")),
        ("2024-03-31", "AUDIT_ATTEST", D("250"), D("1250.00")),
    ]


def test_the_251st_attest_is_in_the_second_tier(billing):
    # §2.2.6 "€ 15,00 > 250 attesten": the one attest of April is the 251st -> 15.00;
    # its audit contribution 5.00 (below the 400 cap of §2.2.4.1).
    assert _attest_lines(billing, "PE251") == [
        ("2024-03-31", "ATTEST_T1", D("250"), D("5000.00")),
        ("2024-03-31", "AUDIT_ATTEST", D("250"), D("1250.00")),
        ("2024-04-30", "ATTEST_T2", D("1"), D("15.00")),
        ("2024-04-30", "AUDIT_ATTEST", D("1"), D("5.00")),
    ]


# --- §2.2.4.3 and §2.2.9 audit times ------------------------------------------------------

# §2.2.4.3: € 525,00 for 2 h on site + € 70,00 per started 30 minutes beyond; plus travel in
# Belgium € 234.35 (§2.2.5). §2.2.9: outside normal hours the reference fee € 525,00 and the
# travel fee are multiplied: night (18h - 6h) on a weekday × 1,5, on a Saturday × 2.
@pytest.mark.parametrize(("audit_id", "fees"), [
    # no start or end time: billed as 2 h in normal hours (the reading in the view header)
    ("NOTIME", {"AUDIT_EXTRA": "525.00", "TRAVEL_BE": "234.35"}),
    # 05:30-07:30 starts before 6h: night, 525 × 1.5 = 787.50, 234.35 × 1.5 = 351.525 -> 351.53
    ("EARLY", {"AUDIT_OFFHOURS": "787.50", "TRAVEL_BE": "351.53"}),
    # 06:00-08:00 and 16:00-18:00 lie within the day (6h-18h): no factor
    ("SIX", {"AUDIT_EXTRA": "525.00", "TRAVEL_BE": "234.35"}),
    ("EIGHTEEN", {"AUDIT_EXTRA": "525.00", "TRAVEL_BE": "234.35"}),
    # 23:00-01:30 = 150 min across midnight: night × 1.5, 30 min beyond 2 h -> 1 × 70.00
    ("MIDNIGHT", {"AUDIT_OFFHOURS": "787.50", "AUDIT_OVERTIME": "70.00",
                  "TRAVEL_BE": "351.53"}),
    # Saturday 19:00-21:00: "Zaterdag, Nacht x 2": 1 050.00 and 468.70
    ("SATNIGHT", {"AUDIT_OFFHOURS": "1050.00", "TRAVEL_BE": "468.70"}),
])
def test_audit_times(billing, audit_id, fees):
    got = dict(_as_of(billing, "2024-12-31").execute(
        "select fee_code, amount_excl_vat from expected_charges where source = ?",
        [f"audit:{audit_id}"]).fetchall())
    assert got == {code: D(amount) for code, amount in fees.items()}


# --- revenue --------------------------------------------------------------------------------

def test_revenue_per_scheme_fee_type_and_month(store):
    insert_neutral_indices(store)  # issue 22: base rates in 2024 (S_n = S_r)
    # PE-R (person certificate, valid all of 2024): 30 attests in May 2024 -> May lines
    # ATTEST_T1 30 × 20 = 600.00 and AUDIT_ATTEST 30 × 5 = 150.00 (dated 2024-05-31), and on
    # 31 December the balance to 50: ATTEST_MIN 20 × 20 = 400.00, AUDIT_ATTEST_MIN 20 × 5 =
    # 100.00. The May invoice (dated 2024-05-31) bills the May lines; no invoice for December.
    # fee_type = the fee code's prefix: ATTEST_T1, ATTEST_MIN -> ATTEST; AUDIT_* -> AUDIT.
    _cert(store, "PE-R", "asbestos_person", "2023-06-01")
    _attests(store, "PE-R", "2024-05-20", 30)
    store.execute("insert into invoices (invoice_id, certificate_number, invoice_date)"
                  " values ('R1', 'PE-R', '2024-05-31')")
    store.execute("insert into invoice_lines (invoice_id, line_no, fee_code, amount_excl_vat,"
                  " vat_rate) values ('R1', 1, 'ATTEST_T1', 600.00, 0.21),"
                  " ('R1', 2, 'AUDIT_ATTEST', 150.00, 0.21)")
    refresh(store)
    query = ("select fee_type, period, expected_excl_vat, invoiced_excl_vat from revenue"
             " where scheme = 'asbestos_person' and year = 2024 order by period, fee_type")
    assert _as_of(store, "2025-01-31").execute(query).fetchall() == [
        ("ATTEST", "2024-05", D("600.00"), D("600.00")),
        ("AUDIT", "2024-05", D("150.00"), D("150.00")),
        ("ATTEST", "2024-12", D("400.00"), D("0.00")),
        ("AUDIT", "2024-12", D("100.00"), D("0.00")),
    ]
    # As of 2024-05-25 the May lines (dated 2024-05-31) are not expected yet; the balance
    # (31 December) neither.
    assert _as_of(store, "2024-05-25").execute(
        "select coalesce(sum(expected_excl_vat), 0) from revenue where year = 2024"
    ).fetchone() == (D("0.00"),)


# --- money columns ------------------------------------------------------------------------

# docs/contract.md names these money columns of the billing views (rules.md §5: amounts are
# DECIMAL, never DOUBLE): expected_charges 4, invoice_check 3, receivables 3.
CONTRACT_MONEY = {
    ("expected_charges", "unit_price"), ("expected_charges", "amount_excl_vat"),
    ("expected_charges", "vat"), ("expected_charges", "amount_incl_vat"),
    ("invoice_check", "expected_excl_vat"), ("invoice_check", "invoiced_excl_vat"),
    ("invoice_check", "difference"),
    ("receivables", "open_amount"), ("receivables", "late_interest"),
    ("receivables", "forfait"),
}


def test_money_columns_are_decimal(billing):
    types = dict(((t, c), ty) for t, c, ty in billing.execute(
        "select table_name, column_name, data_type from information_schema.columns"
        " where table_name in ('expected_charges', 'invoice_check', 'receivables')").fetchall())
    assert set(types) >= CONTRACT_MONEY
    # cents everywhere, except the unit price: the car rate has 4 decimals (€ 0,4269 / km)
    not_cents = {k: types[k] for k in CONTRACT_MONEY if k[1] != "unit_price"
                 and not (types[k].startswith("DECIMAL(") and types[k].endswith(",2)"))}
    assert not_cents == {}
    assert types[("expected_charges", "unit_price")].endswith(",4)")
    # and every other column of these views with a money name
    money_names = ("amount", "vat", "price", "difference", "interest", "forfait", "claim")
    others = {k: v for k, v in types.items()
              if any(m in k[1] for m in money_names) and k[1] != "vat_rate_ok"
              # counts, texts and flags named after money: n_line_differences, interest_days
              and not k[1].startswith(("n_", "line_", "interest_"))}
    assert [k for k, v in others.items() if not v.startswith("DECIMAL")] == []
