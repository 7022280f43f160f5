"""Issue 22, BRL 9341 and lifecycle readings (docs/rules.md §1, §2, §4):

1. below the LOQ is never an exceedance; an LOQ above the limit is `loq_above_limit`
   (bijlage II, "Meetwaarden kleiner dan bepalingsgrens");
2. the per-period minimum ("ten minste M per P jaar") runs from the day the current class
   took effect and counts production time only (bijlage II; §3.3 production stops);
8. an ended certificate gets no minimum-work warning (CCV PKVW §3.2.7), no overdue series
   and no new suspension or withdrawal after its end.

Expected values worked out by hand from data/sources/brl-9341-steenachtige-substraten.txt
(bijlage II-IV) and ccv-pkvw-certificatieschema-2008.txt.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from pipelines.store import refresh
from tests.sql.test_brl9341_helpers import add_series, add_site, set_as_of

# --- 1. Below LOQ is never an exceedance --------------------------------------------------


def _lab(con: duckdb.DuckDBPyConnection, lot: str, component: str, value: float, *,
         below: bool = False, sample: str = "M1", purpose: str = "production",
         day: str = "2024-05-02") -> None:
    """One analysis of site S1 (certificate C1); a below-LOQ value is stored at its LOQ."""
    con.execute(
        "insert into analyses (certificate_number, site_id, lot_id, product, sample_id,"
        " sampled_on, component, value, below_loq, loq, lab, lab_report_id, purpose)"
        " values ('C1', 'S1', ?, 'boomgranulaat', ?, ?, ?, ?, ?, ?, 'Lab A', 'R7', ?)",
        [lot, sample, day, component, value, below, value if below else None, purpose])


def _loq_lots(con: duckdb.DuckDBPyConnection) -> None:
    # Limits (bijlage IV tabel 2): cadmium 0,04, arsenic 0,9 mg/kg d.s.
    # L1: cadmium "<0,05": the LOQ 0.05 lies above 0.04 -> neither compliance nor exceedance
    #     (old reading: 0.05 > 0.04 "exceeds"); arsenic 0.5 <= 0.9 complies.
    # L2: arsenic 1.5 and "<0,5" (duplicates): at the LOQ the mean is (1.5 + 0.5) / 2 = 1.0
    #     > 0.9, with the below-LOQ result at 0 it is 0.75 <= 0.9: what lies under the LOQ
    #     decides, so no exceedance can be shown (old reading: 1.0 > 0.9 "exceeds").
    # L3: arsenic 2.0 and "<0,1": (2.0 + 0) / 2 = 1.0 > 0.9 whatever lies under the LOQ ->
    #     exceeds (mean at the LOQ 1.05).
    # L4: cadmium "<0,02": 0.02 <= 0.04 -> complies.
    _lab(con, "L1", "cadmium", 0.05, below=True)
    _lab(con, "L1", "arsenic", 0.5)
    _lab(con, "L2", "arsenic", 1.5)
    _lab(con, "L2", "arsenic", 0.5, below=True, sample="M2")
    _lab(con, "L3", "arsenic", 2.0)
    _lab(con, "L3", "arsenic", 0.1, below=True, sample="M2")
    _lab(con, "L4", "cadmium", 0.02, below=True)
    refresh(con)  # the stored lot tables, as ingestion does
    set_as_of(con, date(2024, 12, 31))


def test_below_loq_is_never_an_exceedance(store: duckdb.DuckDBPyConnection) -> None:
    # BRL 9341 bijlage II "Meetwaarden kleiner dan bepalingsgrens": the LOQ is used "voor de
    # berekening van de betreffende k-waarde", nowhere else.
    _loq_lots(store)
    rows = store.execute("select lot_id, component, observation, observation_lower, limit_value,"
                     " exceeds, status from lot_compliance order by 1, 2").fetchall()
    assert rows == [
        ("L1", "arsenic", 0.5, 0.5, 0.9, False, "compliant"),
        ("L1", "cadmium", 0.05, 0.0, 0.04, False, "loq_above_limit"),
        ("L2", "arsenic", pytest.approx(1.0), pytest.approx(0.75), 0.9, False,
         "loq_above_limit"),
        ("L3", "arsenic", pytest.approx(1.05), pytest.approx(1.0), 0.9, True, "exceeds"),
        ("L4", "cadmium", 0.02, 0.0, 0.04, False, "compliant"),
    ]


def test_loq_above_limit_is_neither_an_exceedance_nor_compliance_of_the_lot(
        store: duckdb.DuckDBPyConnection) -> None:
    # lot_status: L1 and L2 have no exceedance (n_exceedances 0) but are not compliant:
    # status loq_above_limit, saying on how many components. L3 exceeds on 1 of 1; L4 is
    # compliant on 1 of the 27 components of the package (compliant_partial).
    _loq_lots(store)
    rows = store.execute("select lot_id, n_components, n_exceedances, n_loq_above_limit,"
                     " loq_above_limit_components, compliant, status, status_text"
                     " from lot_status order by 1").fetchall()
    assert rows == [
        ("L1", 2, 0, 1, ["cadmium"], False, "loq_above_limit",
         "LOQ above the limit for 1 of 2 components tested: neither compliant nor exceeding"
         " on it"),
        ("L2", 1, 0, 1, ["arsenic"], False, "loq_above_limit",
         "LOQ above the limit for 1 of 1 components tested: neither compliant nor exceeding"
         " on it"),
        ("L3", 1, 1, 0, [], False, "exceeds", "exceeds on 1 of 1 components tested"),
        ("L4", 1, 0, 0, [], True, "compliant_partial", "compliant on 1 of 27 components"),
    ]


def test_loq_above_limit_is_a_process_finding_for_the_lab(
        store: duckdb.DuckDBPyConnection) -> None:
    # One finding per lot × component with status loq_above_limit (L1 cadmium, L2 arsenic):
    # the lab's method must quantify below the limit. L2's range: 0.75 .. 1.0 around 0.9.
    _loq_lots(store)
    rows = store.execute("select \"check\", certificate_number, subject, found_on, detail,"
                     " severity, status from process_findings"
                     " where \"check\" = 'loq_above_limit' order by subject").fetchall()
    assert rows == [
        ("loq_above_limit", "C1", "partij L1 at S1: cadmium", date(2024, 5, 2),
         "reported below an LOQ of up to 0.05 mg/kg d.s. (Lab A, report R7): the observation"
         " lies between 0 and 0.05, the limit 0.04 in between, so neither compliance nor an"
         " exceedance can be shown; the lab's method needs an LOQ below the limit",
         "major", "open"),
        ("loq_above_limit", "C1", "partij L2 at S1: arsenic", date(2024, 5, 2),
         "reported below an LOQ of up to 0.5 mg/kg d.s. (Lab A, report R7): the observation"
         " lies between 0.75 and 1, the limit 0.9 in between, so neither compliance nor an"
         " exceedance can be shown; the lab's method needs an LOQ below the limit",
         "major", "open"),
    ]


def test_loq_above_limit_does_not_count_for_the_attribute_rule_nor_as_compliant(
        store: duckdb.DuckDBPyConnection) -> None:
    # Bijlage II "Toetsing op attributen" counts exceedances: 7 lots of cadmium "<0,05"
    # (LOQ above the limit 0.04) are 0 exceedances in the last 7 (the old reading counted 7,
    # "elke partij"). All 5 last below the LOQ -> 1 per 5 years, no k.
    # The Overview KPI (lot_status's rule over the stored history): none of the 7 lots is
    # compliant, none exceeds.
    add_site(store, "S2")
    add_series(store, "S2", "cadmium", [0.05] * 7, below_loq=True, start=date(2024, 1, 8))
    refresh(store)
    set_as_of(store, date(2024, 6, 30))
    row = store.execute("select e7, rule, test_class, min_tests, min_tests_years"
                    " from sampling_frequency where site_id = 'S2'").fetchone()
    assert row == (0, "all_below_loq", "90/>99,9", 1, 5)
    kpi = dict(store.execute("select indicator, value from kpi_overview where indicator in"
                         " ('lots_tested_12m', 'lots_compliant_12m')").fetchall())
    assert kpi == {"lots_tested_12m": 7.0, "lots_compliant_12m": 0.0}


def test_complaint_rejection_ignores_what_lies_below_the_loq(
        store: duckdb.DuckDBPyConnection) -> None:
    # §9.3: rejected when X3 > 1,4 × T. Cadmium T = 0.04, 1.4 T = 0.056. Determinations
    # "<0,1", "<0,1", 0.05: at the LOQ X3 = 0.25 / 3 = 0.0833 > 0.056 (old: rejected); with
    # the below-LOQ ones at 0 X3 = 0.05 / 3 = 0.0167 <= 0.056: not shown to exceed.
    _lab(store, "K1", "cadmium", 0.1, below=True, sample="K1", purpose="complaint")
    _lab(store, "K1", "cadmium", 0.1, below=True, sample="K2", purpose="complaint")
    _lab(store, "K1", "cadmium", 0.05, sample="K3", purpose="complaint")
    row = store.execute("select x3, x3_lower, component_rejected, lot_rejected"
                    " from brl9341_complaint_test").fetchone()
    assert row == (pytest.approx(0.25 / 3), pytest.approx(0.05 / 3), False, False)


# --- 2. The per-period minimum from the class start, production time only ----------------
#
# Benzene (limit 1, log10 = 0), site S1, n = 5. Lots L001-L005 of 0.1 sampled weekly from
# 2020-01-06 to 2020-02-03: s = 0 and ȳ = -1 < 0 -> k = +∞, all < 0.19 × limit -> class
# 90/>99,9 (1 per 5 years); every component passes, so the site switches from admission to
# the sampling regime at L005 (2020-02-03).
# L006 on 2022-06-01 = 0.5: last 5 y = -1, -1, -1, -1, -0.30103; ȳ = -0.860206,
# s = sqrt((4 × 0.139794² + 0.559176²) / 4) = 0.312588, k = 0.860206 / 0.312588 = 2.752
# (2.74 < k <= 4.67) and gamma ratio 0.5 < 0.57: class 90/90-99, "1 op 10 partijen, ten
# minste 5× per 3 jaar", in effect from 2022-06-01.
# Old reading: due by the 5th most recent test (L002, 2020-01-13) + 3 years = 2023-01-13,
# i.e. backdated over the old class. New: the period starts 2022-06-01 -> due 2025-06-01.


def _tightened(con: duckdb.DuckDBPyConnection) -> None:
    add_site(con, "S1")
    add_series(con, "S1", "benzene", [0.1] * 5, start=date(2020, 1, 6))
    add_series(con, "S1", "benzene", [0.5], start=date(2022, 6, 1), first_lot=6)


def _state(con: duckdb.DuckDBPyConnection, as_of: date) -> tuple:
    set_as_of(con, as_of)
    return con.execute("select test_class, required_min_tests, required_min_tests_years,"
                   " required_since, next_test_due_by, overdue"
                   " from sampling_frequency where site_id = 'S1'").fetchone()


def _activity(con: duckdb.DuckDBPyConnection, day: str, activity: str) -> None:
    con.execute("insert into activity (certificate_number, activity_date, activity)"
                " values ('C-S1', ?, ?)", [day, activity])


def test_tightened_class_is_not_backdated(store: duckdb.DuckDBPyConnection) -> None:
    _tightened(store)
    refresh(store)
    assert _state(store, date(2023, 6, 30)) == (
        "90/90-99", 5, 3, date(2022, 6, 1), date(2025, 6, 1), False)
    assert _state(store, date(2025, 5, 31))[-1] is False
    assert _state(store, date(2025, 6, 1))[-1] is True


def test_lot_inspection_minimum_runs_from_the_regime_switch(
        store: duckdb.DuckDBPyConnection) -> None:
    # Benzene y = -0.3 -0.2 -0.3 -0.2 -0.25 0.3 -0.3 -0.2 weekly from 2026-01-05 (the series
    # of tests/sql/test_brl9341_regime.py, worked out there): sampling regime after lot 5,
    # k5 = 0.5330 <= 0.69 at lot 6 (2026-02-09) -> partijkeuringsregime, "doch ten minste
    # 10x per jaar", in effect from 2026-02-09 (the component's own class after lot 8 is
    # 90/50-70 by the attribute rule, 1 exceedance (lot 6) in the last 7; the regime
    # overrides it). 8 tests, fewer than 10: the period runs from the switch -> due
    # 2027-02-09 (old reading: first test 2026-01-05 + 1 year = 2027-01-05).
    add_site(store, "S1")
    add_series(store, "S1", "benzene",
               [10**y for y in (-0.3, -0.2, -0.3, -0.2, -0.25, 0.3, -0.3, -0.2)],
               start=date(2026, 1, 5))
    refresh(store)
    assert _state(store, date(2026, 11, 23)) == (
        "90/50-70", 10, 1, date(2026, 2, 9), date(2027, 2, 9), False)


def test_sampling_plan_worklist_and_kpi_agree_on_the_class_start(
        store: duckdb.DuckDBPyConnection) -> None:
    # As of 2023-06-30 nothing is due (old reading: overdue since 2023-01-13 everywhere);
    # as of 2025-06-01 the series is overdue on the plan, the worklist and the KPI alike.
    _tightened(store)
    refresh(store)

    def views(as_of: date) -> tuple:
        set_as_of(store, as_of)
        plan = store.execute("select overdue, next_test_due_by from sampling_plan"
                         " where site_id = 'S1'").fetchone()
        work = store.execute("select count(*) from worklist where kind = 'sampling_overdue'"
                         " and certificate_number = 'C-S1'").fetchone()[0]
        kpi = store.execute("select value from kpi_overview"
                        " where indicator = 'sampling_overdue'").fetchone()[0]
        return plan, work, kpi

    assert views(date(2023, 6, 30)) == ((False, date(2025, 6, 1)), 0, 0.0)
    assert views(date(2025, 6, 1)) == ((True, date(2025, 6, 1)), 1, 1.0)


def test_production_stop_moves_the_due_date_by_its_length(
        store: duckdb.DuckDBPyConnection) -> None:
    # Production stopped 2023-01-01, restarted 2023-04-01: 90 days (31 + 28 + 31) without
    # production inside the period that runs from 2022-06-01 -> due 2025-06-01 + 90 days =
    # 2025-08-30. (A stop < 1 year does not suspend, BRL 9341 §3.3.)
    _tightened(store)
    _activity(store, "2023-01-01", "production_stop")
    _activity(store, "2023-04-01", "production_start")
    refresh(store)
    assert _state(store, date(2025, 8, 29))[-2:] == (date(2025, 8, 30), False)
    assert _state(store, date(2025, 8, 30))[-2:] == (date(2025, 8, 30), True)
    set_as_of(store, date(2025, 8, 29))
    assert store.execute("select production_stop_days from sampling_frequency").fetchone() == (90,)


def test_nothing_falls_due_during_a_running_stop(store: duckdb.DuckDBPyConnection) -> None:
    # Stopped 2025-03-01 (before the due date 2025-06-01), not restarted: as of 2025-07-01
    # the due date is unknown until the restart and the series is not overdue (without the
    # stop it would be overdue since 2025-06-01).
    _tightened(store)
    _activity(store, "2025-03-01", "production_stop")
    refresh(store)
    set_as_of(store, date(2025, 7, 1))
    assert store.execute("select next_test_due_by, overdue, production_stopped_since"
                     " from sampling_frequency").fetchone() == (None, False, date(2025, 3, 1))


def test_stop_after_the_due_date_does_not_move_it(store: duckdb.DuckDBPyConnection) -> None:
    # Stopped 2025-07-01, after the due date 2025-06-01: the test was due before the stop,
    # so the series stays overdue as of 2025-08-01.
    _tightened(store)
    _activity(store, "2025-07-01", "production_stop")
    refresh(store)
    assert _state(store, date(2025, 8, 1))[-2:] == (date(2025, 6, 1), True)


# --- 8. Ended certificates ----------------------------------------------------------------


def test_ended_certificate_has_no_overdue_series(store: duckdb.DuckDBPyConnection) -> None:
    # The series above ended with its certificate on 2025-05-01 (end at the holder's
    # request, certificates.ended_on): as of 2025-07-01 nothing is overdue (old: overdue
    # since 2023-01-13) and nothing is due on or after the end.
    _tightened(store)
    store.execute("update certificates set ended_on = date '2025-05-01'"
                  " where certificate_number = 'C-S1'")
    refresh(store)
    set_as_of(store, date(2025, 7, 1))
    row = store.execute("select overdue, overdue_period, next_test_due_by, certificate_ended_on"
                    " from sampling_frequency").fetchone()
    assert row == (False, False, None, date(2025, 5, 1))


def _pkvw(con: duckdb.DuckDBPyConnection) -> None:
    # CCV PKVW certificate P1 issued 2022-01-01, ended at the holder's request on
    # 2023-06-30. 5 dwellings in the first 12 months (>= 3: met), none afterwards: the
    # period 2023-01-01..2023-12-31 would be "missed" (warning on 2024-01-01, §3.2.7) and
    # the catch-up period withdrawal on 2025-01-01 - both after the end.
    # An A-deviation found 2023-05-01 (deadline 2 months: 2023-07-01, §4.3.2) still open
    # would suspend from 2023-07-02 and withdraw 6 months later (§4.3.3-§4.3.4), after the
    # end too.
    con.execute("insert into certificates (certificate_number, scheme, holder_id, issued_on,"
                " applied_on, ended_on) values ('P1', 'pkvw', 'H9', date '2022-01-01',"
                " date '2021-10-01', date '2023-06-30')")
    con.execute("insert into activity (certificate_number, activity_date, activity, quantity)"
                " values ('P1', date '2022-03-01', 'dwelling_completed', 5)")
    con.execute("insert into deviations (deviation_id, certificate_number, category,"
                " found_on) values ('D1', 'P1', 'A', date '2023-05-01')")
    refresh(con)
    set_as_of(con, date(2025, 6, 30))


def test_ended_certificate_gets_no_minimum_work_warning(
        store: duckdb.DuckDBPyConnection) -> None:
    _pkvw(store)
    rows = store.execute("select period_no, dwellings, outcome, warning_on, withdrawal_on"
                     " from pkvw_minimum_work order by period_no").fetchall()
    assert rows == [(0, 5, "met", None, None), (1, 0, "ended", None, None)]


def test_ended_certificate_gets_no_new_suspension_or_withdrawal(
        store: duckdb.DuckDBPyConnection) -> None:
    _pkvw(store)
    kinds = store.execute("select event_kind, starts_on from lifecycle_events"
                      " where certificate_number = 'P1' order by starts_on").fetchall()
    assert kinds == [("application", date(2021, 10, 1)), ("issued", date(2022, 1, 1)),
                     ("ended", date(2023, 6, 30))]
    assert store.execute("select status, status_since from certificate_status"
                     " where certificate_number = 'P1'").fetchone() == (
        "lapsed", date(2023, 6, 30))
