"""Issue 8, CCV PKVW bijlage 4 (steekproeftabel): step 2 -> 3 after three clean samples taken
at step 2 (note (2)); step 0 is the first 10 dwellings in total; N = 1 at step 3 is a
verification of 50% of the sample whose new faults suspend.

Expected values worked out by hand from data/sources/ccv-pkvw-certificatieschema-2008.txt.
"""

from __future__ import annotations

from datetime import date

import duckdb

from pipelines.store import refresh


def _cert(con: duckdb.DuckDBPyConnection, *, fitter: bool, issued: str = "2020-01-01") -> None:
    con.execute(
        "insert into certificates (certificate_number, scheme, holder_id, applied_on, issued_on,"
        " certified_fitter) values ('P1', 'pkvw', 'H1', date '2019-06-01', ?, ?)",
        [issued, fitter])


def _audit(con: duckdb.DuckDBPyConnection, audit_id: str, day: str, in_sample: int, with_a: int,
           audit_type: str = "sample") -> None:
    con.execute(
        "insert into audits (audit_id, certificate_number, audit_type, audit_date,"
        " dwellings_in_sample, dwellings_with_deviation_a) values (?, 'P1', ?, ?, ?, ?)",
        [audit_id, audit_type, day, in_sample, with_a])


def _dwellings(con: duckdb.DuckDBPyConnection, day: str, n: int) -> None:
    con.execute("insert into activity (certificate_number, activity_date, activity, quantity)"
                " values ('P1', ?, 'dwelling_completed', ?)", [day, n])


def _as_of(con: duckdb.DuckDBPyConnection, day: str) -> None:
    con.execute("update settings set as_of = ?", [day])


def test_one_clean_sample_at_step_two_does_not_reach_step_three(
        store: duckdb.DuckDBPyConnection) -> None:
    # Note (2) to "3 (2)": "onder voorwaarde dat drie steekproeven achtereenvolgens zonder
    # afwijkingen categorie A uitgevoerd zijn" - at step 2. Certified fitter: S1 inspects the
    # first 3 dwellings clean (step 0 -> 1), S2 clean (1 -> 2), S3 clean: the first clean
    # sample at step 2 -> stays 2 (measured case: it moved to 3 because S1 and S2 counted).
    _cert(store, fitter=True)
    _audit(store, "S1", "2020-02-01", 3, 0)
    _audit(store, "S2", "2020-08-01", 1, 0)
    _audit(store, "S3", "2021-02-01", 1, 0)
    refresh(store)
    _as_of(store, "2021-12-31")
    rows = store.execute("select audit_id, step_before, step_after"
                         " from pkvw_sample_steps order by seq").fetchall()
    assert rows == [("S1", 0, 1), ("S2", 1, 2), ("S3", 2, 2)]
    assert store.execute("select consecutive_clean_at_step2 from pkvw_sample_steps"
                         " order by seq").fetchall() == [(0,), (0,), (1,)]
    assert store.execute("select current_step from pkvw_sample_requirement").fetchone() == (2,)


def test_step_zero_is_the_first_ten_dwellings_in_total(store: duckdb.DuckDBPyConnection) -> None:
    # Bijlage 4, trede 0: "De eerste 10 op te leveren woningen" (no certified fitter) - in
    # total, not per year. 2023: 6 dwellings completed, sample S1 inspects those 6 clean
    # (6 < 10: stays at step 0). 2024: 8 dwellings completed; still step 0 on 1 January, and
    # 10 - 6 = 4 of the first 10 remain -> 4 dwellings to inspect in 2024 (not min(8, 10) = 8).
    _cert(store, fitter=False, issued="2023-01-01")
    _dwellings(store, "2023-03-01", 6)
    _audit(store, "S1", "2023-05-01", 6, 0)
    _dwellings(store, "2024-03-01", 8)
    refresh(store)
    _as_of(store, "2024-12-31")
    rows = store.execute("select year, step_at_year_start, dwellings_completed,"
                         " required_sample_dwellings, inspected_dwellings from audit_coverage"
                         " order by year").fetchall()
    assert rows == [(2023, 0, 6, 6, 6), (2024, 0, 8, 4, 0)]


def _to_step_three(con: duckdb.DuckDBPyConnection) -> None:
    # Certified fitter: S1 3 clean (0 -> 1), S2 (1 -> 2), S3 S4 S5 clean at step 2 (-> 3).
    # 5 dwellings in 2020 and in 2021 keep the minimum work of §3.2.7 (3 per 12 months).
    _cert(con, fitter=True)
    _dwellings(con, "2020-01-15", 5)
    _dwellings(con, "2021-01-15", 5)
    for i, day in enumerate(("2020-02-01", "2020-08-01", "2021-02-01", "2021-08-01",
                             "2022-02-01"), start=1):
        _audit(con, f"S{i}", day, 3 if i == 1 else 1, 0)


def test_one_deviation_at_step_three_verification_finds_new_faults(
        store: duckdb.DuckDBPyConnection) -> None:
    # Bijlage 4, trede 3, N = 1: "Volledige verificatie van 50% van de steekproef (20 woningen)
    # door CI, geen nieuwe fouten dan onmiddellijk herstel en corrigerende maatregelen, wel
    # nieuwe fouten dan schorsing"; next step 3.
    # 40 dwellings completed between S5 and S6 (the 1:40 group): S6 finds 1 dwelling with an
    # A-deviation -> verification of ceil(40 / 2) = 20 dwellings. The CI's verification V1
    # (extra audit, 2022-08-20) checks 20 and finds 2 with new faults -> suspended from
    # 2022-08-20; its deviation D1 is closed 2022-09-30 -> lifted 2022-09-30.
    _to_step_three(store)
    _dwellings(store, "2022-05-01", 40)
    _audit(store, "S6", "2022-08-01", 1, 1)
    _audit(store, "V1", "2022-08-20", 20, 2, audit_type="extra")
    store.execute("insert into deviations (deviation_id, audit_id, certificate_number, category,"
                  " requirement, found_on, closed_on) values ('D1', 'V1', 'P1', 'A', 'W3',"
                  " date '2022-08-20', date '2022-09-30')")
    refresh(store)
    _as_of(store, "2022-09-01")
    row = store.execute(
        "select step_before, step_after, verification_size_required, verification_audit_id,"
        " verification_dwellings, verification_size_sufficient, verification_suspends"
        " from pkvw_sample_steps where audit_id = 'S6'").fetchone()
    assert row == (3, 3, 20, "V1", 20, True, True)
    assert store.execute("select status, status_since from certificate_status").fetchone() == (
        "suspended", date(2022, 8, 20))
    _as_of(store, "2022-10-01")
    assert store.execute("select status, status_since from certificate_status").fetchone() == (
        "active", date(2022, 9, 30))


def test_verification_without_new_faults_does_not_suspend(
        store: duckdb.DuckDBPyConnection) -> None:
    # Same, verification V1 of 15 dwellings without new faults: "geen nieuwe fouten dan
    # onmiddellijk herstel" - no suspension; 15 < 20 required -> size not sufficient.
    _to_step_three(store)
    _dwellings(store, "2022-05-01", 40)
    _audit(store, "S6", "2022-08-01", 1, 1)
    _audit(store, "V1", "2022-08-20", 15, 0, audit_type="extra")
    refresh(store)
    _as_of(store, "2022-09-01")
    row = store.execute(
        "select verification_size_required, verification_new_faults,"
        " verification_size_sufficient, verification_suspends"
        " from pkvw_sample_steps where audit_id = 'S6'").fetchone()
    assert row == (20, 0, False, False)
    assert store.execute("select status from certificate_status").fetchone() == ("active",)
