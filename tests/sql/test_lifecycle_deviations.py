"""Deviation deadlines, states and escalation (CCV PKVW §4.3.1-§4.3.4); complaints (§3.3.1)."""

from __future__ import annotations

from datetime import date

import duckdb

from pipelines.store import refresh


def _cert(con: duckdb.DuckDBPyConnection, number: str = "P1") -> None:
    con.execute(
        "insert into certificates (certificate_number, scheme, holder_id, applied_on, issued_on)"
        " values (?, 'pkvw', 'H1', date '2019-06-01', date '2020-01-01')",
        [number],
    )


def _deviation(con: duckdb.DuckDBPyConnection, dev_id: str, category: str, found: str,
               closed: str | None = None, extended: str | None = None,
               audit_id: str | None = None, requirement: str = "R1") -> None:
    con.execute(
        "insert into deviations (deviation_id, audit_id, certificate_number, category,"
        " requirement, found_on, extended_until, closed_on) values (?, ?, 'P1', ?, ?, ?, ?, ?)",
        [dev_id, audit_id, category, requirement, found, extended, closed],
    )


def _state(con: duckdb.DuckDBPyConnection, dev_id: str) -> tuple:
    return con.execute(
        "select effective_category, deadline, state, suspension_from, withdrawal_on"
        " from deviation_status where deviation_id = ?",
        [dev_id],
    ).fetchone()


def test_closed_on_last_day_is_in_time_one_day_later_is_late(store):
    # CCV PKVW §4.3.2: A 2 months, B 3 months after the finding.
    # A found 2024-01-10 -> deadline 2024-03-10; closed 2024-03-10 = in time.
    # A found 2024-01-10 -> deadline 2024-03-10; closed 2024-03-11 = one day late,
    #   §4.3.3 suspended from 2024-03-11.
    # B found 2024-01-31 -> deadline 2024-04-30 (3 months, end of month); closed 2024-05-01 late.
    _cert(store)
    _deviation(store, "D1", "A", "2024-01-10", closed="2024-03-10")
    _deviation(store, "D2", "A", "2024-01-10", closed="2024-03-11", requirement="R2")
    _deviation(store, "D3", "B", "2024-01-31", closed="2024-05-01", requirement="R3")
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2024-12-31'")
    assert _state(store, "D1") == ("A", date(2024, 3, 10), "closed_in_time", None, None)
    assert _state(store, "D2") == ("A", date(2024, 3, 10), "closed_late", date(2024, 3, 11), None)
    assert _state(store, "D3") == ("B", date(2024, 4, 30), "closed_late", date(2024, 5, 1), None)


def test_open_then_overdue_depends_on_as_of(store):
    # B found 2024-02-15 -> deadline 2024-05-15 (§4.3.2). As of 2024-05-15: open;
    # as of 2024-05-16: overdue, suspension from 2024-05-16 (§4.3.3).
    _cert(store)
    _deviation(store, "D1", "B", "2024-02-15")
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2024-05-15'")
    assert _state(store, "D1")[2:4] == ("open", None)
    store.execute("set variable as_of = date '2024-05-16'")
    assert _state(store, "D1")[2:4] == ("overdue", date(2024, 5, 16))
    store.execute("reset variable as_of")


def test_extension_moves_deadline_by_at_most_two_months(store):
    # §4.3.2: "eenmalig ... verlengen met een periode van twee maanden".
    # A found 2024-01-10: base 2024-03-10, extended_until 2024-05-10 -> deadline 2024-05-10;
    #   closed 2024-05-10 = in time.
    # A found 2024-01-10 with extended_until 2024-06-30 (too long): capped at 2024-05-10,
    #   closed 2024-05-20 -> late, suspended from 2024-05-11.
    _cert(store)
    _deviation(store, "D1", "A", "2024-01-10", closed="2024-05-10", extended="2024-05-10")
    _deviation(store, "D2", "A", "2024-01-10", closed="2024-05-20", extended="2024-06-30",
               requirement="R2")
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2024-12-31'")
    assert _state(store, "D1")[1:3] == (date(2024, 5, 10), "closed_in_time")
    assert _state(store, "D2")[1:4] == (date(2024, 5, 10), "closed_late", date(2024, 5, 11))
    capped = store.execute(
        "select extension_capped from deviation_status where deviation_id = 'D2'").fetchone()
    assert capped == (True,)


def test_open_six_months_after_suspension_is_withdrawal(store):
    # A found 2024-01-10 -> deadline 2024-03-10, suspended 2024-03-11 (§4.3.3);
    # still open on 2024-09-11 (= 2024-03-11 + 6 months) -> withdrawn 2024-09-11 (§4.3.4).
    _cert(store)
    _deviation(store, "D1", "A", "2024-01-10")
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2024-09-10'")
    assert _state(store, "D1")[3:] == (date(2024, 3, 11), None)
    store.execute("update settings set as_of = date '2024-09-11'")
    assert _state(store, "D1")[3:] == (date(2024, 3, 11), date(2024, 9, 11))


def test_repeated_b_on_same_requirement_counts_as_a(store):
    # §4.3.1: "een afwijking B voor één van de eisen ... waarvoor bij de laatste beoordeling
    # een afwijking was vastgesteld" is an A. Audits 2023-03-01 (B on R7) and 2024-09-01
    # (B on R7 again, B on R8): the R7 one is A -> deadline 2024-09-01 + 2 months =
    # 2024-11-01; R8 stays B -> 2024-12-01.
    _cert(store)
    store.execute(
        "insert into audits (audit_id, certificate_number, audit_type, audit_date) values"
        " ('A1', 'P1', 'periodic', date '2023-03-01'), ('A2', 'P1', 'periodic', date '2024-09-01')")
    _deviation(store, "D1", "B", "2023-03-01", closed="2023-04-01", audit_id="A1", requirement="R7")
    _deviation(store, "D2", "B", "2024-09-01", audit_id="A2", requirement="r7")
    _deviation(store, "D3", "B", "2024-09-01", audit_id="A2", requirement="R8")
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2024-10-01'")
    assert _state(store, "D2")[:2] == ("A", date(2024, 11, 1))
    assert _state(store, "D3")[:2] == ("B", date(2024, 12, 1))


def test_complaints_handled_within_two_months(store):
    # CCV PKVW §3.3.1: "een klacht wordt in elk geval binnen twee maanden behandeld".
    # K1 received 2024-03-01, closed 2024-05-01 (deadline 2024-05-01) -> in time.
    # K2 received 2024-03-01, closed 2024-05-02 -> late.
    # K3 received 2024-06-01, not closed, as of 2024-08-02 (deadline 2024-08-01) -> overdue.
    # K4 received 2024-07-15, not closed -> open (deadline 2024-09-15).
    _cert(store)
    store.execute(
        "insert into activity (certificate_number, activity_date, activity, reference) values"
        " ('P1', date '2024-03-01', 'complaint_received', 'K1'),"
        " ('P1', date '2024-05-01', 'complaint_closed', 'K1'),"
        " ('P1', date '2024-03-01', 'complaint_received', 'K2'),"
        " ('P1', date '2024-05-02', 'complaint_closed', 'K2'),"
        " ('P1', date '2024-06-01', 'complaint_received', 'K3'),"
        " ('P1', date '2024-07-15', 'complaint_received', 'K4')")
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2024-08-02'")
    got = dict(store.execute("select reference, state from complaint_status").fetchall())
    assert got == {"K1": "handled_in_time", "K2": "handled_late", "K3": "overdue", "K4": "open"}
