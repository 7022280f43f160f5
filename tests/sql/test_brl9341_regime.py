"""BRL 9341 bijlage II regimes, overdue tests, admission (§9.1.2.1) and complaint (§9.3).

Expected values computed by hand from the source text (data/sources/brl-9341-
steenachtige-substraten.txt); benzene limit 1 mg/kg d.s. (bijlage III), log10(limit) = 0.
"""

from __future__ import annotations

import math
import statistics
from datetime import date, timedelta

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.store import refresh
from tests.sql.test_brl9341_helpers import (
    add_analysis,
    add_lot,
    add_series,
    add_site,
    refreshed,
    set_as_of,
)

# y per lot (observation = 10^y), n = 5 site:
#  lots 1-5: -0.3 -0.2 -0.3 -0.2 -0.25 | lot 6: +0.3 | lots 7-10: -0.3 -0.2 -0.3 -0.2
#  lot 11: -0.25
REGIME_Y = [-0.3, -0.2, -0.3, -0.2, -0.25, 0.3, -0.3, -0.2, -0.3, -0.2, -0.25]


def test_regime_switch_and_switch_back(store: duckdb.DuckDBPyConnection) -> None:
    # Bijlage II "Steekproefregime" / "Partijkeuringsregime", n = 5.
    # Lots 1-4: fewer than 5 observations -> admission phase, lot inspection.
    # Lot 5: ȳ = -1.25/5 = -0.25; dev -0.05 0.05 -0.05 0.05 0; squares 0.01; s = sqrt(0.0025)
    #   = 0.05; k5 = 0.25/0.05 = 5.0 > 0.69 -> sampling regime starts (admission passed).
    #   (largest 10^-0.2 = 0.631 >= 0.57 x 1: no gamma release)
    # Lot 6 (y = 0.3, observation 1.995 exceeds): window lots 2-6 -0.2 -0.3 -0.2 -0.25 0.3,
    #   ȳ = -0.65/5 = -0.13; dev -0.07 -0.17 -0.07 -0.12 0.43; squares 0.0049 + 0.0289 +
    #   0.0049 + 0.0144 + 0.1849 = 0.238; s = sqrt(0.0595) = 0.243926; k5 = 0.13/0.243926
    #   = 0.5330 <= 0.69 -> switch to the lot-inspection regime.
    # Lot 10: k over lots 1-10: ȳ = -1.95/10 = -0.195; squares 4 x 0.105² + 4 x 0.005² +
    #   0.055² + 0.495² = 0.0441 + 0.0001 + 0.003025 + 0.245025 = 0.29225; s = sqrt(0.29225/9)
    #   = 0.180200; k10 = 0.195/0.1802 = 1.0821 > 0.44 - but only 4 lots (7-10) were taken
    #   under lot inspection: "de volgende vijf zijn verkregen gedurende het
    #   partijkeuringsregime" -> still lot inspection.
    # Lot 11: k10 over lots 2-11: ȳ = -1.9/10 = -0.19; squares 4 x 0.01² + 3 x 0.11² +
    #   2 x 0.06² + 0.49² = 0.0004 + 0.0363 + 0.0072 + 0.2401 = 0.284; s = sqrt(0.284/9) =
    #   0.177639; k10 = 0.19/0.177639 = 1.0696 > 0.44, five lots (7-11) under lot inspection
    #   -> back to sampling (and k5 over lots 7-11 = 0.25/0.05 = 5.0 > 0.69 keeps it there).
    set_as_of(store)
    add_site(store, "S1", n_window=5)
    add_series(store, "S1", "benzene", [10**y for y in REGIME_Y])
    history = refreshed(store).execute(
        "select event_seq, regime, phase, switched_to, entry_ok, return_ok "
        "from brl9341_regime_history "
        "where site_id = 'S1' order by event_seq").fetchall()
    regimes = [r[1] for r in history]
    assert regimes == ["lot_inspection"] * 4 + ["sampling"] + ["lot_inspection"] * 5 + [
        "sampling"]
    assert [r[2] for r in history[:4]] == ["admission"] * 4
    assert [(r[0], r[3]) for r in history if r[3]] == [
        (5, "sampling"), (6, "lot_inspection"), (11, "sampling")]
    # lot 10: return test passes (k10 = 1.0821) but the 5-lot condition does not
    assert history[9][4:] == (False, True)
    ks = store.execute(
        "select obs_seq, k5, k10 from brl9341_observation_series order by obs_seq").fetchall()
    assert ks[4][1] == pytest.approx(5.0, abs=1e-9)
    assert ks[5][1] == pytest.approx(0.5330, abs=1e-4)
    assert ks[9][2] == pytest.approx(1.0821, abs=1e-4)
    assert ks[10][2] == pytest.approx(1.0696, abs=1e-4)
    site = store.execute("select regime, n_switches_to_lot_inspection, n_returns_to_sampling "
                         "from site_regime").fetchall()
    assert site == [("sampling", 1, 1)]


def test_lot_inspection_overrides_the_component_frequency(
        store: duckdb.DuckDBPyConnection) -> None:
    # Same series up to lot 8. Lot 8 window (lots 4-8): -0.2 -0.25 0.3 -0.3 -0.2, ȳ = -0.13,
    # dev -0.07 -0.12 0.43 -0.17 -0.07 -> same squares as lot 6: k5 = 0.5330 -> class 90/<50.
    # Regime lot inspection (switched at lot 6): every lot, at least 10 per year.
    set_as_of(store)
    add_site(store, "S1", n_window=5)
    add_series(store, "S1", "benzene", [10**y for y in REGIME_Y[:8]])
    row = refreshed(store).execute(
        "select regime, k_value, required_lots_per_test, required_min_tests, "
        "required_min_tests_years from sampling_frequency").fetchone()
    assert row[0] == "lot_inspection"
    assert row[1] == pytest.approx(0.5330, abs=1e-4)
    assert row[2:] == (1, 10, 1)


def _k2_site(con: duckdb.DuckDBPyConnection, untested_lots: int) -> None:
    # Benzene series with ȳ = -0.02, s_y = 0.01 (z = -1 -1 0 1 1): k = 0.02/0.01 = 2.0 ->
    # 1.46 < 2.0 <= 2.74 -> 90/70-90: 1 in 4 lots, at least 10 per 3 years (n = 5).
    add_site(con, "S1", n_window=5)
    add_series(con, "S1", "benzene", [10 ** (-0.02 + 0.01 * z) for z in (-1, -1, 0, 1, 1)],
               start=date(2026, 6, 1))
    for i in range(untested_lots):
        add_lot(con, "S1", f"U{i}", date(2026, 8, 1) + timedelta(days=i))


@pytest.mark.parametrize(("untested", "overdue", "until_next"), [
    # 3 lots produced since the last test: the 4th lot is the one to test -> 1 to go
    (3, False, 1),
    # 4 lots produced without a test: "1 op 4 partijen" missed -> overdue
    (4, True, 0),
])
def test_overdue_one_in_n_lots(store: duckdb.DuckDBPyConnection, untested: int,
                               overdue: bool, until_next: int) -> None:
    set_as_of(store, date(2026, 11, 23))
    _k2_site(store, untested)
    row = refreshed(store).execute(
        "select test_class, lots_since_last_test, lots_until_next_test, overdue, "
        "overdue_period, next_test_due_by from sampling_frequency").fetchone()
    assert row[0] == "90/70-90"
    assert row[1:4] == (untested, until_next, overdue)
    # "ten minste 10 x per 3 jaar": the class took effect with the 5th test, 2026-06-29
    # (weekly from 2026-06-01; before it "insufficient", every lot), and the minimum runs
    # from that day (issue 22; the old reading ran it from the first test, 2029-06-01) ->
    # judged from 2029-06-29, not overdue on the period rule yet
    assert row[4] is False
    assert row[5] == date(2029, 6, 29)


@pytest.mark.parametrize(("as_of", "overdue"), [
    # due by 2026-06-15 (see below): the day before, one test (2021-06-15) in the 5 years
    (date(2026, 6, 14), False),
    (date(2026, 11, 23), True),
])
def test_overdue_per_period(store: duckdb.DuckDBPyConnection, as_of: date,
                            overdue: bool) -> None:
    # Five "< 0.05" benzene results, weekly from 2021-05-18: the last on 2021-05-18 + 28 days
    # = 2021-06-15. Bijlage II: all below LOQ -> "1 keuring per 5 jaar": the next test is due
    # by 2021-06-15 + 5 years = 2026-06-15.
    set_as_of(store, as_of)
    add_site(store, "S1")
    add_series(store, "S1", "benzene", [0.05] * 5, below_loq=True, start=date(2021, 5, 18))
    row = refreshed(store).execute(
        "select rule, last_sampled_on, next_test_due_by, tests_in_period, "
        "overdue from sampling_frequency").fetchone()
    assert row[0] == "all_below_loq"
    assert row[1] == date(2021, 6, 15)
    assert row[2] == date(2026, 6, 15)
    assert row[3] == (0 if overdue else 1)
    assert row[4] is overdue
    assert store.execute("select overdue from site_regime").fetchone()[0] is overdue


def test_as_of_hides_later_observations(store: duckdb.DuckDBPyConnection) -> None:
    # 6 lots weekly from 2026-01-05; as of 2026-02-01 only the lots sampled up to then count
    # (2026-01-05, -12, -19, -26): 4 observations -> insufficient.
    add_site(store, "S1")
    add_series(store, "S1", "benzene", [0.1, 0.2, 0.1, 0.2, 0.1, 0.2])
    store.execute("set variable as_of = date '2026-02-01'")
    row = refreshed(store).execute("select rule, n_obs from sampling_frequency").fetchone()
    assert row == ("insufficient", 4)


def test_as_of_cuts_the_stored_series(store: duckdb.DuckDBPyConnection) -> None:
    # The state after each lot is stored once (brl9341_observation_history); the as-of views
    # take the newest row sampled on or before as_of. Lots 1-6 of REGIME_Y, weekly from
    # 2026-01-05 (lot 5 sampled 2026-02-02, lot 6 on 2026-02-09, produced the day before).
    # As of 2026-02-05 lot 6 is not known yet, so the state is that after lot 5 (see
    # test_regime_switch_and_switch_back): k5 = 0.25 / 0.05 = 5.0 -> n = 5 table, 4.67 <
    # 5.0 <= 6.12 -> 90/90-99,9; regime sampling (switched at lot 5), 5 observations, and no
    # lot produced after the last test (lot 6 is produced on 2026-02-08, after as_of).
    # As of 2026-11-23 lot 6 counts: k5 = 0.5330 -> 90/<50, lot inspection.
    add_site(store, "S1", n_window=5)
    add_series(store, "S1", "benzene", [10**y for y in REGIME_Y[:6]])
    refreshed(store)
    query = ("select k_value, test_class, regime, n_obs_total, lots_since_last_test, "
             "last_sampled_on from sampling_frequency")
    set_as_of(store, date(2026, 2, 5))
    early = store.execute(query).fetchone()
    assert early[0] == pytest.approx(5.0, abs=1e-9)
    assert early[1:] == ("90/90-99,9", "sampling", 5, 0, date(2026, 2, 2))
    assert store.execute("select regime from site_regime").fetchall() == [("sampling",)]
    assert store.execute("select count(*), max(event_seq) from brl9341_regime_history"
                         ).fetchone() == (5, 5)
    assert store.execute("select count(*) from brl9341_history").fetchone()[0] == 5
    set_as_of(store, date(2026, 11, 23))
    late = store.execute(query).fetchone()
    assert late[0] == pytest.approx(0.5330, abs=1e-4)
    assert late[1:] == ("90/<50", "lot_inspection", 6, 0, date(2026, 2, 9))
    # the later lot does not rewrite the state after lot 5
    assert store.execute("select regime, switched_to from brl9341_regime_history "
                         "where event_seq = 5").fetchone() == ("sampling", "sampling")


def test_component_first_analysed_later_does_not_rewrite_earlier_lots(
        store: duckdb.DuckDBPyConnection) -> None:
    # Benzene lots 1-5 as REGIME_Y (k5 after lot 5 = 5.0 > 0.69: sampling from lot 5).
    # Lot 6: benzene y = -0.25 (window lots 2-6: -0.2 -0.3 -0.2 -0.25 -0.25, ȳ = -0.24,
    # dev 0.04 -0.06 0.04 -0.01 -0.01, squares 0.0016 + 0.0036 + 0.0016 + 0.0001 + 0.0001 =
    # 0.007, s = sqrt(0.00175) = 0.041833, k5 = 5.737 > 0.69) and toluene for the first
    # time: 1 observation < 5 -> that component fails the regime test -> lot inspection
    # after lot 6. Lots 1-5 keep their regime: toluene is part of the state from lot 6 on.
    add_site(store, "S1", n_window=5)
    lots = add_series(store, "S1", "benzene", [10**y for y in REGIME_Y[:5] + [-0.25]])
    add_analysis(store, "S1", lots[5], "toluene", 0.1, date(2026, 2, 9))
    history = refreshed(store).execute(
        "select event_seq, regime, switched_to from brl9341_regime_history "
        "order by event_seq").fetchall()
    assert [r[1] for r in history] == ["lot_inspection"] * 4 + ["sampling", "lot_inspection"]
    assert [(r[0], r[2]) for r in history if r[2]] == [(5, "sampling"), (6, "lot_inspection")]
    k = store.execute("select k_value from sampling_frequency where component = 'benzene'"
                      ).fetchone()[0]
    assert k == pytest.approx(0.24 / math.sqrt(0.00175), abs=1e-9)


def test_lot_views_hide_lots_sampled_after_as_of(store: duckdb.DuckDBPyConnection) -> None:
    # Lot A sampled 2026-01-05, lot B 2026-03-02 (benzene 2.0 > 1: B exceeds). As of
    # 2026-02-01 only A exists for lot_status and lot_compliance (and it complies); as of
    # 2026-11-23 both, B not compliant (BRL 9341 §4.2).
    add_site(store, "S1")
    add_lot(store, "S1", "A", date(2026, 1, 4))
    add_lot(store, "S1", "B", date(2026, 3, 1))
    add_analysis(store, "S1", "A", "benzene", 0.5, date(2026, 1, 5))
    add_analysis(store, "S1", "A", "toluene", 0.5, date(2026, 1, 5))
    add_analysis(store, "S1", "B", "benzene", 2.0, date(2026, 3, 2))
    refreshed(store)
    set_as_of(store, date(2026, 2, 1))
    assert store.execute("select lot_id, n_components, compliant from lot_status"
                         ).fetchall() == [("A", 2, True)]
    assert store.execute("select distinct lot_id from lot_compliance").fetchall() == [("A",)]
    set_as_of(store, date(2026, 11, 23))
    assert store.execute("select lot_id, n_components, compliant from lot_status "
                         "order by lot_id").fetchall() == [("A", 2, True), ("B", 1, False)]


def test_admission_test(store: duckdb.DuckDBPyConnection) -> None:
    # §9.1.2.1, 5 admission lots, benzene: y = -0.3 -0.2 -0.3 -0.2 -0.25 -> ȳ = -0.25,
    # s = 0.05; ȳ + 0.69 s = -0.25 + 0.0345 = -0.2155 <= 0 = log10(1) -> passes.
    # Toluene (limit 1.25, log10 = 0.09691): y = 0 0 0 0 0.3 (1, 1, 1, 1, 1.995):
    # ȳ = 0.06, dev -0.06 x4, 0.24; squares 4 x 0.0036 + 0.0576 = 0.072; s = sqrt(0.018) =
    # 0.134164; ȳ + 0.69 s = 0.06 + 0.092573 = 0.152573 > 0.09691 -> fails, so the
    # admission fails.
    add_site(store, "S1")
    lots = add_series(store, "S1", "benzene", [10**y for y in (-0.3, -0.2, -0.3, -0.2, -0.25)],
                      purpose="admission", start=date(2025, 1, 6))
    for i, (lot, y) in enumerate(zip(lots, (0, 0, 0, 0, 0.3), strict=True)):
        add_analysis(store, "S1", lot, "toluene", 10**y, date(2025, 1, 6) + timedelta(7 * i),
                     purpose="admission")
    rows = refreshed(store).execute(
        "select component, n_used, upper_log10, component_passed, admission_passed "
        "from brl9341_admission_test order by component").fetchall()
    assert rows[0][:2] == ("benzene", 5)
    assert rows[0][2] == pytest.approx(-0.2155, abs=1e-9)
    assert rows[0][3:] == (True, False)
    assert rows[1][0] == "toluene"
    assert rows[1][2] == pytest.approx(0.152573, abs=1e-6)
    assert rows[1][3:] == (False, False)


def test_admission_with_10_lots(store: duckdb.DuckDBPyConnection) -> None:
    # n = 10 site, 10 admission lots with y = -0.2 + 0.3·z, z = -1.5 -1.5 0 x6 1.5 1.5:
    # ȳ = -0.2, s = 0.3. ȳ + 0.44 s = -0.2 + 0.132 = -0.068 <= 0 -> passes (with 0.69 it
    # would be -0.2 + 0.207 = 0.007 > 0 and fail).
    add_site(store, "S1", n_window=10)
    z10 = (-1.5, -1.5, 0, 0, 0, 0, 0, 0, 1.5, 1.5)
    add_series(store, "S1", "benzene", [10 ** (-0.2 + 0.3 * z) for z in z10],
               purpose="admission", start=date(2025, 1, 6))
    row = refreshed(store).execute("select n_used, upper_log10, admission_passed "
                        "from brl9341_admission_test").fetchone()
    assert row[0] == 10
    assert row[1] == pytest.approx(-0.068, abs=1e-9)
    assert row[2] is True


@pytest.mark.parametrize(("values", "rejected"), [
    # §9.3: X3 = (1.3 + 1.4 + 1.5) / 3 = 1.4 = 1.4 x 1 (benzene): not > -> accepted
    ((1.3, 1.4, 1.5), False),
    # X3 = (1.3 + 1.4 + 1.6) / 3 = 1.4333 > 1.4 -> rejected
    ((1.3, 1.4, 1.6), True),
])
def test_complaint(store: duckdb.DuckDBPyConnection, values: tuple[float, ...],
                   rejected: bool) -> None:
    add_site(store, "S1")
    add_lot(store, "S1", "D1", date(2026, 3, 1))
    for i, v in enumerate(values):
        add_analysis(store, "S1", "D1", "benzene", v, date(2026, 4, 1), purpose="complaint",
                     sample=f"K{i}")
    row = store.execute("select n_determinations, complete, x3, lot_rejected "
                        "from brl9341_complaint_test").fetchone()
    assert row[:2] == (3, True)
    assert row[2] == pytest.approx(sum(values) / 3)
    assert row[3] is rejected
    # complaint samples are no production observations (lot_compliance)
    assert store.execute("select count(*) from lot_compliance").fetchone()[0] == 0


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.floats(min_value=1e-3, max_value=1e3, allow_nan=False),
                       min_size=5, max_size=14),
       n_window=st.sampled_from([5, 10]))
def test_k_matches_python(store: duckdb.DuckDBPyConnection, values: list[float],
                          n_window: int) -> None:
    # Independent computation: k = (log10(limit) - mean) / statistics.stdev over the last n
    # log10 values (n = 10 only once there are 10), benzene limit 1.
    store.execute("delete from analyses; delete from lots; delete from sites; "
                  "delete from certificates")
    set_as_of(store)
    add_site(store, "S1", n_window=n_window)
    add_series(store, "S1", "benzene", values, step_days=1)
    n = 10 if n_window == 10 and len(values) >= 10 else 5
    logs = [math.log10(v) for v in values[-n:]]
    mean = statistics.fmean(logs)
    sd = statistics.stdev(logs)
    k_column = "k10" if n == 10 else "k5"
    # only the stored tables that read these rows (the BRL 9341 ones): one refresh per example
    refresh(store, changed={"sites", "lots", "analyses"})
    k_sql, mean_sql, sd_sql, rule = store.execute(
        f"select {k_column}, mean_log10, sd_log10, rule from sampling_frequency").fetchone()
    assert mean_sql == pytest.approx(mean, rel=1e-9, abs=1e-9)
    assert sd_sql == pytest.approx(sd, rel=1e-6, abs=1e-9)
    if sd > 1e-9:
        assert k_sql == pytest.approx((0 - mean) / sd, rel=1e-6, abs=1e-6)
    assert rule in {"k", "gamma", "attributes"}
