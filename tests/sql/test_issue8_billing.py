"""Issue 8, COPRO TAR 9201: construction holidays (bouwverlof) ×2 (§2.2.9) and audits without
start or end time flagged (§2.2.4.1). Amounts worked out by hand from the 2023 base rates of
data/sources/copro-tar-9201-tariefreglement.txt; no index ingested."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from pipelines.store import refresh
from tests.sql.neutral_indices import insert_neutral_indices
from tests.sql.test_billing_audits import _as_of, _audit, _cert, _fees


@pytest.fixture(autouse=True)
def _neutral_indices(store: duckdb.DuckDBPyConnection) -> None:
    # Issue 22: a year without its index has no rate; these hand values are base rates
    insert_neutral_indices(store)


def test_extra_audit_during_construction_holiday_counts_double(
        store: duckdb.DuckDBPyConnection) -> None:
    # §2.2.9 "Zondag, feestdag, bouwverlof: x 2". Wednesday 2024-07-24 falls in the recommended
    # summer construction holiday 15-07-2024 t/m 02-08-2024 (transcribed reference data, not in
    # the sources): 09:00-10:30, day time -> reference fee 525.00 × 2 = 1 050.00, travel in
    # Belgium 234.35 × 2 = 468.70. Saturday 2024-07-27 in it: ×2 too (not the Saturday ×1.5).
    # Wednesday 2024-08-07 after it: a normal weekday -> 525.00 + 234.35.
    _as_of(store)
    _cert(store, "PR1", "asbestos_process")
    _audit(store, "X1", "PR1", "extra", "2024-07-24", "09:00", "10:30")
    _audit(store, "X2", "PR1", "extra", "2024-07-27", "09:00", "10:30")
    _audit(store, "X3", "PR1", "extra", "2024-08-07", "09:00", "10:30")
    assert _fees(store, "audit:X1") == {
        "AUDIT_OFFHOURS": Decimal("1050.00"), "TRAVEL_BE": Decimal("468.70")}
    assert _fees(store, "audit:X2") == {
        "AUDIT_OFFHOURS": Decimal("1050.00"), "TRAVEL_BE": Decimal("468.70")}
    assert _fees(store, "audit:X3") == {
        "AUDIT_EXTRA": Decimal("525.00"), "TRAVEL_BE": Decimal("234.35")}


def test_construction_holidays_say_they_are_transcribed(
        store: duckdb.DuckDBPyConnection) -> None:
    # The sources name bouwverlof (§2.2.9) but give no dates: every construction row says so
    # and names where it was transcribed from. 15-07..02-08-2024 is 19 days; 21 July is the
    # national holiday already (public), so 18 construction rows.
    rows = store.execute("select count(*), bool_and(source like '%NOT IN THE SOURCES%'"
                         " and source like '%https://%') from ref_holidays"
                         " where kind = 'construction'").fetchone()
    assert rows == (18, True)


def test_audits_without_times_are_flagged(store: duckdb.DuckDBPyConnection) -> None:
    # §2.2.4.1: "Er wordt uitgegaan van een auditduur van 2 uur ter plaatse, tijdens de normale
    # kantooruren" - without start and end time an audit is billed as 2 h in office hours, so
    # the overtime and night supplements cannot be checked: each such billed audit is listed
    # with what is missing. X1 has both times (not listed); X2 lacks the end; X3 both.
    # A PKVW sample audit without times is not billed under TAR 9201 (not listed).
    _as_of(store)
    _cert(store, "PR1", "asbestos_process")
    _cert(store, "PE1", "asbestos_person", parent="PR1")
    _cert(store, "K1", "pkvw")
    _audit(store, "X1", "PR1", "extra", "2024-03-12", "09:00", "11:00")
    _audit(store, "X2", "PR1", "process", "2024-03-13", "09:00", None)
    _audit(store, "X3", "PE1", "field", "2024-03-14", None, None)
    _audit(store, "X4", "K1", "sample", "2024-03-15", None, None)
    refresh(store)
    rows = store.execute(
        "select certificate_number, audit_id, audit_date::varchar, missing, article"
        " from billing_audits_without_times order by audit_id").fetchall()
    assert rows == [
        ("PR1", "X2", "2024-03-13", "end_time", "TAR 9201 §2.2.4.1, §2.2.4.3, §2.2.9"),
        ("PE1", "X3", "2024-03-14", "start_time and end_time",
         "TAR 9201 §2.2.4.1, §2.2.4.3, §2.2.9"),
    ]
