"""Certificate status and its history (CCV PKVW §3.2.4, §3.2.7, §4.3; BRL 9341 §3.3)."""

from __future__ import annotations

from datetime import date

import duckdb

from pipelines.store import refresh


def _cert(con: duckdb.DuckDBPyConnection, number: str, scheme: str, applied: str,
          issued: str | None) -> None:
    con.execute(
        "insert into certificates (certificate_number, scheme, holder_id, applied_on, issued_on)"
        " values (?, ?, 'H1', ?, ?)",
        [number, scheme, applied, issued],
    )


def _activity(con: duckdb.DuckDBPyConnection, number: str, day: str, kind: str,
              quantity: float = 1) -> None:
    con.execute(
        "insert into activity (certificate_number, activity_date, activity, quantity)"
        " values (?, ?, ?, ?)",
        [number, day, kind, quantity],
    )


def _status(con: duckdb.DuckDBPyConnection, number: str) -> tuple:
    return con.execute(
        "select status, status_since from certificate_status where certificate_number = ?",
        [number],
    ).fetchone()


def _history(con: duckdb.DuckDBPyConnection, number: str) -> list[tuple]:
    return con.execute(
        "select status_since, status from certificate_status_history"
        " where certificate_number = ? order by status_since",
        [number],
    ).fetchall()


def _enough_work(con: duckdb.DuckDBPyConnection, number: str, years: range) -> None:
    # 3 dwellings each year keep §3.2.7 out of the way of the other rules
    for y in years:
        _activity(con, number, f"{y}-02-01", "dwelling_completed", 3)


def test_suspension_then_withdrawal(store):
    # PKVW issued 2020-01-01. A found 2023-01-10 -> deadline 2023-03-10 (§4.3.2),
    # suspended 2023-03-11 (§4.3.3), still open on 2023-09-11 -> withdrawn (§4.3.4).
    _cert(store, "P1", "pkvw", "2019-06-01", "2020-01-01")
    _enough_work(store, "P1", range(2020, 2025))
    store.execute(
        "insert into deviations (deviation_id, certificate_number, category, requirement,"
        " found_on) values ('D1', 'P1', 'A', 'R1', date '2023-01-10')")
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2023-03-10'")
    assert _status(store, "P1") == ("active", date(2020, 1, 1))
    store.execute("update settings set as_of = date '2023-03-11'")
    assert _status(store, "P1") == ("suspended", date(2023, 3, 11))
    store.execute("update settings set as_of = date '2024-01-01'")
    assert _status(store, "P1") == ("withdrawn", date(2023, 9, 11))
    assert _history(store, "P1") == [
        (date(2019, 6, 1), "in_admission"),
        (date(2020, 1, 1), "active"),
        (date(2023, 3, 11), "suspended"),
        (date(2023, 9, 11), "withdrawn"),
    ]


def test_suspension_lifted_when_deviation_closed(store):
    # B found 2023-01-10 -> deadline 2023-04-10; closed 2023-05-02 -> suspended
    # 2023-04-11 .. 2023-05-01, active again from 2023-05-02 (before the 6 months, §4.3.4).
    _cert(store, "P1", "pkvw", "2019-06-01", "2020-01-01")
    _enough_work(store, "P1", range(2020, 2025))
    store.execute(
        "insert into deviations (deviation_id, certificate_number, category, requirement,"
        " found_on, closed_on) values ('D1', 'P1', 'B', 'R1', date '2023-01-10',"
        " date '2023-05-02')")
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2024-01-01'")
    assert _history(store, "P1")[1:] == [
        (date(2020, 1, 1), "active"),
        (date(2023, 4, 11), "suspended"),
        (date(2023, 5, 2), "active"),
    ]


def test_minimum_work_missed_then_recovered_and_missed_twice(store):
    # §3.2.7. P1 issued 2020-01-01: period 2020-01-01..2020-12-31 has 2 dwellings (< 3)
    # -> warning on 2021-01-01; 2021 has 6 (>= 6) -> recovered; 2022 has 3 -> met. Active.
    # P2 issued 2020-01-01: 2020 has 2 (< 3), 2021 has 5 (< 6) -> withdrawn 2022-01-01.
    for number in ("P1", "P2"):
        _cert(store, number, "pkvw", "2019-06-01", "2020-01-01")
        _activity(store, number, "2020-05-01", "dwelling_completed", 2)
    _activity(store, "P1", "2021-05-01", "dwelling_completed", 6)
    _activity(store, "P1", "2022-05-01", "dwelling_completed", 3)
    _activity(store, "P2", "2021-05-01", "dwelling_completed", 5)
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2023-01-01'")
    outcomes = store.execute(
        "select certificate_number, period_no, required, outcome from pkvw_minimum_work"
        " where period_no <= 2 order by all").fetchall()
    assert outcomes == [
        ("P1", 0, 3, "missed"), ("P1", 1, 6, "recovered"), ("P1", 2, 3, "met"),
        ("P2", 0, 3, "missed"), ("P2", 1, 6, "withdrawn"),
    ]
    assert _status(store, "P1") == ("active", date(2020, 1, 1))
    assert _status(store, "P2") == ("withdrawn", date(2022, 1, 1))
    warnings = store.execute(
        "select certificate_number, starts_on from lifecycle_events"
        " where event_kind = 'minimum_work_warning' order by 1").fetchall()
    assert warnings == [("P1", date(2021, 1, 1)), ("P2", date(2021, 1, 1))]


def test_admission_longer_than_twelve_months_lapses(store):
    # §3.2.4 "Bedrijven mogen 12 maanden in toelating blijven": applied 2023-02-15, not
    # issued; on 2024-02-15 still in admission, from 2024-02-16 lapsed.
    _cert(store, "P1", "pkvw", "2023-02-15", None)
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2024-02-15'")
    assert _status(store, "P1") == ("in_admission", date(2023, 2, 15))
    store.execute("update settings set as_of = date '2024-02-16'")
    assert _status(store, "P1") == ("lapsed", date(2024, 2, 16))


def test_brl9341_production_stop_suspended_then_lapsed(store):
    # BRL 9341 §3.3: stop 2020-03-01, no production_start, no stock delivery.
    # > 1 year: suspended from 2021-03-02; > 3 years: lapsed from 2023-03-02.
    _cert(store, "B1", "brl9341", "2015-01-01", "2015-06-01")
    _activity(store, "B1", "2020-03-01", "production_stop")
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2021-03-01'")
    assert _status(store, "B1") == ("active", date(2015, 6, 1))
    store.execute("update settings set as_of = date '2021-03-02'")
    assert _status(store, "B1") == ("suspended", date(2021, 3, 2))
    store.execute("update settings set as_of = date '2023-03-01'")
    assert _status(store, "B1")[0] == "suspended"
    store.execute("update settings set as_of = date '2023-03-02'")
    assert _status(store, "B1") == ("lapsed", date(2023, 3, 2))


def test_brl9341_stock_delivery_postpones_and_restart_lifts(store):
    # §3.3 "tenzij dan nog uit voorraad wordt geleverd": stop 2020-03-01, delivery from stock
    # 2020-12-01 (within the 12 months before 2021-03-01) -> not suspended at the first
    # anniversary; none in 2021-03-02..2022-03-01 -> suspended from 2022-03-02;
    # production_start 2022-06-01; "bij een nieuwe aanvang van de productie zal middels een
    # extra periodieke beoordeling worden nagegaan of het certificaat kan worden behouden":
    # the extra assessment passes on 2022-07-15 -> active again from 2022-07-15 (issue 8:
    # not on the day of the restart).
    _cert(store, "B1", "brl9341", "2015-01-01", "2015-06-01")
    _activity(store, "B1", "2020-03-01", "production_stop")
    _activity(store, "B1", "2020-12-01", "delivery_from_stock")
    _activity(store, "B1", "2022-06-01", "production_start")
    store.execute("insert into audits (audit_id, certificate_number, audit_type, audit_date,"
                  " outcome) values ('X1', 'B1', 'extra', date '2022-07-15', 'pass')")
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2023-01-01'")
    assert _history(store, "B1")[1:] == [
        (date(2015, 6, 1), "active"),
        (date(2022, 3, 2), "suspended"),
        (date(2022, 7, 15), "active"),
    ]


def test_public_register_lists_sanctions(store):
    # Bouwbesluit art. 1.40 / CCV PKVW §4.3.3-§4.3.4: the register shows status and the
    # dates of warnings, suspensions, withdrawals. Same timeline as the withdrawal test:
    # suspended 2023-03-11, withdrawn 2023-09-11.
    _cert(store, "P1", "pkvw", "2019-06-01", "2020-01-01")
    _enough_work(store, "P1", range(2020, 2025))
    store.execute(
        "insert into deviations (deviation_id, certificate_number, category, requirement,"
        " found_on) values ('D1', 'P1', 'A', 'R1', date '2023-01-10')")
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2024-01-01'")
    row = store.execute(
        "select status, n_suspensions, last_suspension_on, n_withdrawals, withdrawn_on"
        " from public_register where certificate_number = 'P1'").fetchone()
    assert row == ("withdrawn", 1, date(2023, 3, 11), 1, date(2023, 9, 11))


def _snapshot(con: duckdb.DuckDBPyConnection, day: str) -> dict[str, list[tuple]]:
    con.execute(f"set variable as_of = date '{day}'")
    views = ("deviation_status", "certificate_status", "certificate_status_history",
             "lifecycle_events", "pkvw_sample_steps", "pkvw_minimum_work", "public_register")
    snap = {v: con.execute(f"select * from {v} order by all").fetchall() for v in views}
    con.execute("reset variable as_of")
    return snap


def test_state_as_of_earlier_date_unchanged_by_later_rows(store):
    # The stored lifecycle tables hold all time; an as-of date must see only what was
    # known then. PKVW issued 2020-01-01, A-deviation D1 found 2023-01-10 -> deadline
    # 2023-03-10 (§4.3.2), suspended from 2023-03-11 (§4.3.3). As of 2023-03-20: D1
    # overdue (not closed), certificate suspended since 2023-03-11.
    _cert(store, "P1", "pkvw", "2019-06-01", "2020-01-01")
    _enough_work(store, "P1", range(2020, 2025))
    store.execute(
        "insert into deviations (deviation_id, certificate_number, category, requirement,"
        " found_on) values ('D1', 'P1', 'A', 'R1', date '2023-01-10')")
    refresh(store)
    before = _snapshot(store, "2023-03-20")
    # Rows dated after 2023-03-20: D1 closed 2023-05-02; B-deviation D2 (R2) found
    # 2023-04-01 closed 2023-06-15 (deadline 2023-07-01, in time); sample S1 on 2023-06-01
    # with 6 of 8 dwellings with A (> 5: suspension, bijlage 4), nothing recorded to lift it.
    store.execute("update deviations set closed_on = date '2023-05-02' where deviation_id = 'D1'")
    store.execute(
        "insert into deviations (deviation_id, certificate_number, category, requirement,"
        " found_on, closed_on) values ('D2', 'P1', 'B', 'R2', date '2023-04-01',"
        " date '2023-06-15')")
    store.execute(
        "insert into audits (audit_id, certificate_number, audit_type, audit_date,"
        " dwellings_in_sample, dwellings_with_deviation_a)"
        " values ('S1', 'P1', 'sample', date '2023-06-01', 8, 6)")
    refresh(store)
    assert _snapshot(store, "2023-03-20") == before
    store.execute("set variable as_of = date '2023-03-20'")
    assert _state_row(store, "D1") == ("overdue", None)
    assert _status(store, "P1") == ("suspended", date(2023, 3, 11))
    # As of 2024-01-01 the later rows count: D1 closed late (suspension lifted 2023-05-02),
    # D2 in time; S1 suspends from 2023-06-01 and, not lifted, withdraws on 2023-06-01 +
    # 6 months = 2023-12-01 (§4.3.4).
    store.execute("set variable as_of = date '2024-01-01'")
    assert _state_row(store, "D1") == ("closed_late", date(2023, 5, 2))
    assert _state_row(store, "D2") == ("closed_in_time", date(2023, 6, 15))
    assert _history(store, "P1") == [
        (date(2019, 6, 1), "in_admission"),
        (date(2020, 1, 1), "active"),
        (date(2023, 3, 11), "suspended"),
        (date(2023, 5, 2), "active"),
        (date(2023, 6, 1), "suspended"),
        (date(2023, 12, 1), "withdrawn"),
    ]
    store.execute("reset variable as_of")


def _state_row(con: duckdb.DuckDBPyConnection, dev_id: str) -> tuple:
    return con.execute(
        "select state, closed_on from deviation_status where deviation_id = ?", [dev_id]
    ).fetchone()
