"""PKVW sample inspection steps (CCV PKVW bijlage 4, steekproeftabel)."""

from __future__ import annotations

from datetime import date

import duckdb

from pipelines.store import refresh


def _cert(con: duckdb.DuckDBPyConnection, fitter: bool = False) -> None:
    con.execute(
        "insert into certificates (certificate_number, scheme, holder_id, applied_on, issued_on,"
        " certified_fitter) values ('P1', 'pkvw', 'H1', date '2019-06-01', date '2020-01-01', ?)",
        [fitter],
    )


def _samples(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, int, int]]) -> None:
    for i, (day, in_sample, with_a) in enumerate(rows, start=1):
        con.execute(
            "insert into audits (audit_id, certificate_number, audit_type, audit_date,"
            " dwellings_in_sample, dwellings_with_deviation_a) values (?, 'P1', 'sample', ?, ?, ?)",
            [f"S{i}", day, in_sample, with_a],
        )


def _steps(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select audit_id, step_before, step_after, suspends from pkvw_sample_steps order by seq"
    ).fetchall()


def test_step_up_needs_first_ten_and_three_clean_samples(store):
    # Step 0 (no certified fitter): the first 10 dwellings. S1 inspects 6 clean -> stays 0
    # (6 < 10); S2 inspects 4 clean -> 10 -> step 1; S3 clean -> 2. Note (2): 2 -> 3 only
    # after three consecutive clean samples taken at step 2 (issue 8: the samples at step 0
    # and 1 do not count): S4 (1st at step 2) -> 2, S5 (2nd) -> 2, S6 (3rd) -> 3.
    # S7 clean at 3 -> stays 3.
    _cert(store)
    _samples(store, [("2020-02-01", 6, 0), ("2020-06-01", 4, 0), ("2021-01-01", 2, 0),
                     ("2021-06-01", 2, 0), ("2022-01-01", 1, 0), ("2022-06-01", 1, 0),
                     ("2022-11-01", 1, 0)])
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2023-01-01'")
    assert _steps(store) == [
        ("S1", 0, 0, False), ("S2", 0, 1, False), ("S3", 1, 2, False),
        ("S4", 2, 2, False), ("S5", 2, 2, False), ("S6", 2, 3, False), ("S7", 3, 3, False),
    ]


def test_two_to_three_waits_for_three_consecutive_clean_samples(store):
    # Certified fitter: first 3 dwellings (§3.3.2 note 4). S1 3 clean -> 1; S2 clean -> 2;
    # S3 N=1 -> stays 2 (full verification), clean run broken; S4 clean (run 1) -> 2;
    # S5 clean (run 2) -> 2; S6 clean (run 3) -> 3 (bijlage 4 note 2).
    _cert(store, fitter=True)
    _samples(store, [("2020-02-01", 3, 0), ("2020-08-01", 2, 0), ("2021-02-01", 2, 1),
                     ("2021-08-01", 2, 0), ("2022-02-01", 2, 0), ("2022-08-01", 2, 0)])
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2023-01-01'")
    assert _steps(store) == [
        ("S1", 0, 1, False), ("S2", 1, 2, False), ("S3", 2, 2, False),
        ("S4", 2, 2, False), ("S5", 2, 2, False), ("S6", 2, 3, False),
    ]
    warning = store.execute(
        "select starts_on from lifecycle_events where event_kind = 'sample_warning'").fetchall()
    assert warning == [(date(2021, 2, 1),)]


def test_step_down_and_back_to_zero_with_suspension(store):
    # Fitter: S1 3 clean -> 1; S2 -> 2; S3, S4, S5 clean at step 2 -> 3 after the third
    # (note (2)); S6 N=3 (2 <= N <= 5) -> suspension, 3 -> 2; S7 N=2 at step 2 ->
    # suspension, 2 -> 1; S8 N=2 at step 1 -> suspension, stays 1; S9 N=6 (> 5) ->
    # suspension, back to 0.
    _cert(store, fitter=True)
    _samples(store, [("2020-02-01", 3, 0), ("2020-08-01", 2, 0), ("2020-11-01", 2, 0),
                     ("2021-02-01", 2, 0), ("2021-05-01", 2, 0),
                     ("2021-08-01", 5, 3), ("2021-09-01", 5, 2), ("2021-10-01", 5, 2),
                     ("2021-11-01", 8, 6)])
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2021-12-01'")
    assert _steps(store) == [
        ("S1", 0, 1, False), ("S2", 1, 2, False), ("S3", 2, 2, False), ("S4", 2, 2, False),
        ("S5", 2, 3, False),
        ("S6", 3, 2, True), ("S7", 2, 1, True), ("S8", 1, 1, True), ("S9", 1, 0, True),
    ]
    # bijlage 4 "Afwijking A, schorsing": no deviations recorded and no clean sample since,
    # so the certificate is suspended from the first of these samples, 2021-08-01.
    status = store.execute(
        "select status, status_since from certificate_status").fetchone()
    assert status == ("suspended", date(2021, 8, 1))


def test_sample_size_required_for_dwellings_completed(store):
    # Step 1 (1 in 10) after S1 (fitter, 3 clean). 25 dwellings completed after S1 up to the
    # as-of date -> ceil(25 / 10) = 3 to inspect; 18-month minimum: S1 (3 dwellings,
    # 2020-02-01) is older than 18 months before 2021-12-01 -> 3 missing.
    _cert(store, fitter=True)
    _samples(store, [("2020-02-01", 3, 0)])
    store.execute(
        "insert into activity (certificate_number, activity_date, activity, quantity) values"
        " ('P1', date '2020-05-01', 'dwelling_completed', 25)")
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2021-12-01'")
    row = store.execute(
        "select current_step, sample_size_required, minimum_missing"
        " from pkvw_sample_requirement").fetchone()
    assert row == (1, 3, 3)


def test_later_sample_does_not_change_earlier_step(store):
    # Fitter: S1 2020-02-01 3 clean -> step 1; S2 2020-08-01 clean -> step 2 (bijlage 4).
    # As of 2020-12-31 the current step is 2 and the certificate active. A later sample
    # S3 on 2021-02-01 with N = 3 (2 <= N <= 5: suspension, 2 -> 1) must not change that;
    # as of 2021-03-01 the step is 1 and the certificate suspended since 2021-02-01.
    _cert(store, fitter=True)
    _samples(store, [("2020-02-01", 3, 0), ("2020-08-01", 2, 0)])
    refresh(store)
    store.execute("update settings set as_of = date '2020-12-31'")
    steps_before = _steps(store)
    assert steps_before == [("S1", 0, 1, False), ("S2", 1, 2, False)]
    store.execute(
        "insert into audits (audit_id, certificate_number, audit_type, audit_date,"
        " dwellings_in_sample, dwellings_with_deviation_a)"
        " values ('S3', 'P1', 'sample', date '2021-02-01', 5, 3)")
    refresh(store)
    assert _steps(store) == steps_before
    assert store.execute("select current_step from pkvw_sample_requirement").fetchone() == (2,)
    assert store.execute("select status from certificate_status").fetchone() == ("active",)
    store.execute("update settings set as_of = date '2021-03-01'")
    assert store.execute("select current_step from pkvw_sample_requirement").fetchone() == (1,)
    assert store.execute(
        "select status, status_since from certificate_status").fetchone() == (
        "suspended", date(2021, 2, 1))
