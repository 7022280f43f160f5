"""BRL 9341 bijlage II "Keuringsfrequentie": worked examples computed by hand.

Every expected value comes from the bijlage II tables (data/sources/brl-9341-
steenachtige-substraten.txt, "Toetsing op variabelen", "Gammaregeling", "Meetwaarden
kleiner dan bepalingsgrens", "Toetsing op attributen") with the arithmetic in comments.
Benzene is used where a plain limit helps: bijlage III tabel 1, limit 1 mg/kg d.s., so
log10(limit) = 0 and k = -ȳ / s_y.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from tests.sql.test_brl9341_helpers import (
    add_analysis,
    add_lot,
    add_series,
    add_site,
    refreshed,
    set_as_of,
)

# z-patterns with mean 0 and sample sd exactly 1:
#   n = 5:  (-1, -1, 0, 1, 1)            sum of squares 4, / (5 - 1) = 1
#   n = 10: (-1.5, -1.5, 0 x 6, 1.5, 1.5) sum of squares 4 x 2.25 = 9, / (10 - 1) = 1
Z5 = (-1.0, -1.0, 0.0, 1.0, 1.0)
Z10 = (-1.5, -1.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.5, 1.5)
A = 0.01  # s_y: the spread in log10 units; small, so the gamma rule never applies


def series_with_k(k: float, z: tuple[float, ...]) -> list[float]:
    """Benzene observations with y_i = -k·A + A·z_i: ȳ = -k·A, s_y = A, so
    k = (log10(1) - ȳ) / s_y = k·A / A = k."""
    return [10 ** (-k * A + A * zi) for zi in z]


def frequency(con: duckdb.DuckDBPyConnection, site: str, component: str = "benzene") -> dict:
    cur = refreshed(con).execute(
        "select * from sampling_frequency where site_id = ? and component = ?",
        [site, component])
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1
    return dict(zip(names, rows[0], strict=True))


# Bijlage II "Toetsing op variabelen", one case on each side of every class boundary.
# (n, k, class, 1 in N lots, at least M, per P years)
BOUNDARY_CASES = [
    # n = 5: k > 6.12 -> 90/>99,9, 1 per 5 years
    (5, 6.13, "90/>99,9", None, 1, 5),
    # 4.67 < k <= 6.12 -> 90/90-99,9, 1 per year
    (5, 6.11, "90/90-99,9", None, 1, 1),
    (5, 4.68, "90/90-99,9", None, 1, 1),
    # 2.74 < k <= 4.67 -> 90/90-99, 1 in 10 lots, at least 5 per 3 years
    (5, 4.66, "90/90-99", 10, 5, 3),
    (5, 2.75, "90/90-99", 10, 5, 3),
    # 1.46 < k <= 2.74 -> 90/70-90, 1 in 4 lots, at least 10 per 3 years
    (5, 2.73, "90/70-90", 4, 10, 3),
    (5, 1.47, "90/70-90", 4, 10, 3),
    # 0.69 < k <= 1.46 -> 90/50-70, 1 in 2 lots, at least 5 per year
    (5, 1.45, "90/50-70", 2, 5, 1),
    (5, 0.70, "90/50-70", 2, 5, 1),
    # k <= 0.69 -> 90/<50, every lot, at least 10 per year
    (5, 0.68, "90/<50", 1, 10, 1),
    # n = 10: k > 4.63 -> 1 per 5 years
    (10, 4.64, "90/>99,9", None, 1, 5),
    # 3.53 < k <= 4.63 -> 1 per year
    (10, 4.62, "90/90-99,9", None, 1, 1),
    (10, 3.54, "90/90-99,9", None, 1, 1),
    # 2.07 < k <= 3.53 -> 1 in 10 lots
    (10, 3.52, "90/90-99", 10, 5, 3),
    (10, 2.08, "90/90-99", 10, 5, 3),
    # 1.07 < k <= 2.07 -> 1 in 4 lots
    (10, 2.06, "90/70-90", 4, 10, 3),
    (10, 1.08, "90/70-90", 4, 10, 3),
    # 0.44 < k <= 1.07 -> 1 in 2 lots
    (10, 1.06, "90/50-70", 2, 5, 1),
    (10, 0.45, "90/50-70", 2, 5, 1),
    # k <= 0.44 -> every lot
    (10, 0.43, "90/<50", 1, 10, 1),
]


@pytest.mark.parametrize(("n", "k", "test_class", "lots_per_test", "min_tests", "years"),
                         BOUNDARY_CASES)
def test_k_class_boundaries(store: duckdb.DuckDBPyConnection, n: int, k: float,
                            test_class: str, lots_per_test: int | None, min_tests: int,
                            years: int) -> None:
    # The series is built so that ȳ = -k·0.01 and s_y = 0.01 (see series_with_k), hence the
    # k of bijlage II is k itself. The largest observation is 10^(0.01·(max z - k)), at
    # least 10^(0.01·(1 - 6.13)) = 0.889 (n = 5) or 10^(0.01·(1.5 - 4.64)) = 0.930 (n = 10),
    # above gamma 0.57 / 0.76 x limit, so the gamma rule does not apply. With n = 10 the
    # attribute rule (last 7: the exceedances are the z = 1.5 lots when k < 1.5) is never
    # more lenient than the k class. So rule = 'k'.
    set_as_of(store, date(2026, 11, 23))
    add_site(store, "S1", n_window=n)
    add_series(store, "S1", "benzene", series_with_k(k, Z5 if n == 5 else Z10))
    row = frequency(store, "S1")
    assert row["n_window"] == n
    assert row["n_obs"] == n
    assert row["rule"] == "k"
    assert row["k_value"] == pytest.approx(k, abs=1e-6)
    assert row["sd_log10"] == pytest.approx(A, abs=1e-9)
    assert row["mean_log10"] == pytest.approx(-k * A, abs=1e-9)
    assert row["test_class"] == test_class
    assert row["lots_per_test"] == lots_per_test
    assert (row["min_tests"], row["min_tests_years"]) == (min_tests, years)


def test_window_is_the_last_n_observations(store: duckdb.DuckDBPyConnection) -> None:
    # Bijlage II: "op basis van de laatste 5 of 10 waarnemingen". Seven lots: two early
    # exceedances (y = 1, observation 10) then the k = 2.0 series of five lots. The last
    # five give k = 2.0 -> 1.46 < 2.0 <= 2.74 -> 90/70-90 (n = 5). The early lots are out of
    # the window; they still count for the attribute rule: 2 exceedances in the last 7
    # -> ">= 2 van 7": every lot, which is stricter, so the k-rule applies.
    set_as_of(store)
    add_site(store, "S1", n_window=5)
    add_series(store, "S1", "benzene", [10.0, 10.0] + series_with_k(2.0, Z5))
    row = frequency(store, "S1")
    assert row["n_obs_total"] == 7
    assert row["k_value"] == pytest.approx(2.0, abs=1e-6)
    assert row["test_class"] == "90/70-90"
    assert row["rule"] == "k"
    assert row["attribute_rank"] == 6


def test_n10_site_with_fewer_than_10_observations_uses_the_n5_table(
        store: duckdb.DuckDBPyConnection) -> None:
    # Site chose n = 10 but has 5 observations; the k of 2.0 is judged on the n = 5 table
    # (1.46 < 2.0 <= 2.74 -> 90/70-90); on the n = 10 table it would be 90/90-99.
    set_as_of(store)
    add_site(store, "S1", n_window=10)
    add_series(store, "S1", "benzene", series_with_k(2.0, Z5))
    row = frequency(store, "S1")
    assert (row["n_window"], row["n_window_used"], row["n_obs"]) == (10, 5, 5)
    assert row["test_class"] == "90/70-90"


def test_insufficient_below_5_observations(store: duckdb.DuckDBPyConnection) -> None:
    # Fewer than 5 observations: no k; every lot is tested (docs/rules.md §2).
    set_as_of(store)
    add_site(store, "S1")
    add_series(store, "S1", "benzene", [0.1, 0.2, 0.1, 0.2])
    row = frequency(store, "S1")
    assert row["rule"] == "insufficient"
    assert row["k_value"] is None
    assert row["n_obs"] == 4
    assert row["lots_per_test"] == 1


def test_gamma_rule_beats_k_rule(store: duckdb.DuckDBPyConnection) -> None:
    # Benzene 0.01, 0.01, 0.01, 0.01, 0.18 (limit 1), n = 5.
    # y = -2, -2, -2, -2, log10(0.18) = -0.744727; ȳ = -8.744727 / 5 = -1.748945
    # deviations: 4 x -0.251055, 1 x 1.004218; squares: 4 x 0.063029 + 1.008454 = 1.260568
    # s² = 1.260568 / 4 = 0.315142, s = 0.561375; k = 1.748945 / 0.561375 = 3.1155
    # -> k-rule: 2.74 < 3.1155 <= 4.67 -> 90/90-99 (1 in 10 lots).
    # Gamma: max 0.18 < 0.19 x 1 -> 1 per 5 years (90/>99,9), more lenient -> gamma applies.
    set_as_of(store)
    add_site(store, "S1")
    add_series(store, "S1", "benzene", [0.01, 0.01, 0.01, 0.01, 0.18])
    row = frequency(store, "S1")
    assert row["k_value"] == pytest.approx(3.1155, abs=1e-3)
    assert row["k_rank"] == 3
    assert row["gamma_ratio"] == pytest.approx(0.18)
    assert row["rule"] == "gamma"
    assert row["test_class"] == "90/>99,9"
    assert (row["lots_per_test"], row["min_tests"], row["min_tests_years"]) == (None, 1, 5)


def test_gamma_just_above_threshold_does_not_apply(store: duckdb.DuckDBPyConnection) -> None:
    # Same series with 0.19 as the largest value: "alle kleiner dan gamma x toetsingswaarde"
    # fails for 0.19 (0.19 < 0.19 is false) but holds for 0.31 -> 1 per year (90/90-99,9).
    # k: y = -2 x4, log10(0.19) = -0.721246; ȳ = -1.744249; dev 4 x -0.255751, 1.023003;
    # squares 4 x 0.065409 + 1.046535 = 1.308170; s = sqrt(0.327043) = 0.571877;
    # k = 1.744249 / 0.571877 = 3.0501 -> 90/90-99. Gamma 90/90-99,9 is more lenient.
    set_as_of(store)
    add_site(store, "S1")
    add_series(store, "S1", "benzene", [0.01, 0.01, 0.01, 0.01, 0.19])
    row = frequency(store, "S1")
    assert row["k_value"] == pytest.approx(3.0501, abs=1e-3)
    assert row["rule"] == "gamma"
    assert row["gamma_rank"] == 2
    assert row["test_class"] == "90/90-99,9"


def test_all_below_loq(store: duckdb.DuckDBPyConnection) -> None:
    # Five benzene results all "< LOQ" (LOQs 0.01 x4 and 0.6). Bijlage II: all n below LOQ ->
    # no k, 1 test per 5 years. Had k been computed (at the LOQs): y = -2 x4, -0.221849;
    # ȳ = -1.644370; dev 4 x -0.355630, 1.422521; squares 4 x 0.126473 + 2.023566 =
    # 2.529458; s = sqrt(0.632365) = 0.795214; k = 2.0678 -> 90/70-90 (1 in 4 lots), and
    # gamma fails (0.6 >= 0.57). So the LOQ rule is what makes it 1 per 5 years.
    set_as_of(store)
    add_site(store, "S1")
    add_series(store, "S1", "benzene", [0.01, 0.01, 0.01, 0.01, 0.6], below_loq=True)
    row = frequency(store, "S1")
    assert row["rule"] == "all_below_loq"
    assert row["k_value"] is None
    assert row["k5"] == pytest.approx(2.0678, abs=1e-3)
    assert row["test_class"] == "90/>99,9"
    assert (row["min_tests"], row["min_tests_years"]) == (1, 5)


def test_one_result_above_loq_uses_k(store: duckdb.DuckDBPyConnection) -> None:
    # Four "< 0.05" and one measured 0.05 (benzene): not all below LOQ; all equal at 0.05 so
    # s_y = 0 and ȳ = log10(0.05) < 0 -> k = +infinity, the most lenient class (90/>99,9).
    # Gamma (0.05 < 0.19) gives the same class; the k-rule is named first.
    set_as_of(store)
    add_site(store, "S1")
    lots = add_series(store, "S1", "benzene", [0.05] * 4, below_loq=True)
    assert len(lots) == 4
    add_lot(store, "S1", "L005", date(2026, 2, 1))
    add_analysis(store, "S1", "L005", "benzene", 0.05, date(2026, 2, 2))
    row = frequency(store, "S1")
    assert row["rule"] == "k"
    assert row["k_value"] == float("inf")
    assert row["test_class"] == "90/>99,9"


def test_sd_zero_at_or_above_limit_is_strictest(store: duckdb.DuckDBPyConnection) -> None:
    # Five benzene lots at exactly 1.0 = the limit: s_y = 0, ȳ = 0 = log10(1): not below the
    # limit, so k = -infinity -> k <= 0.69 -> 90/<50, every lot.
    set_as_of(store)
    add_site(store, "S1")
    add_series(store, "S1", "benzene", [1.0] * 5)
    row = frequency(store, "S1")
    assert row["k_value"] == float("-inf")
    assert row["test_class"] == "90/<50"
    assert row["lots_per_test"] == 1


def test_duplicates_are_averaged_into_one_observation(store: duckdb.DuckDBPyConnection) -> None:
    # Bijlage II: "Per partij kan er maar één analyseresultaat zijn. Duplo's ... niet als
    # afzonderlijke waarnemingen". Lot L005 has 0.2 and 0.4 -> one observation 0.3.
    # Series y: log10(0.1) x4 = -1, log10(0.3) = -0.522879; ȳ = -4.522879/5 = -0.904576;
    # dev 4 x -0.095424, 0.381697; squares 4 x 0.009106 + 0.145693 = 0.182117;
    # s = sqrt(0.045529) = 0.213375; k = 0.904576 / 0.213375 = 4.2394 -> 90/90-99.
    # Gamma: 0.3 >= 0.19 and < 0.31 -> 1 per year (90/90-99,9) is more lenient -> 'gamma'.
    set_as_of(store)
    add_site(store, "S1")
    add_series(store, "S1", "benzene", [0.1] * 4)
    add_lot(store, "S1", "L005", date(2026, 2, 1))
    add_analysis(store, "S1", "L005", "benzene", 0.2, date(2026, 2, 2), sample="M1")
    add_analysis(store, "S1", "L005", "benzene", 0.4, date(2026, 2, 2), sample="M2")
    obs = refreshed(store).execute(
        "select observation, n_analyses from lot_compliance where lot_id = 'L005'").fetchall()
    assert obs == [(pytest.approx(0.3), 2)]
    row = frequency(store, "S1")
    assert row["n_obs"] == 5
    assert row["k_value"] == pytest.approx(4.2394, abs=1e-3)
    assert row["k_rank"] == 3
    assert row["rule"] == "gamma"
    assert row["test_class"] == "90/90-99,9"


# Sulfate: y = 3.0, 3.0, 3.1, 3.2, 3.2 (observations 1000, 1000, 1258.93, 1584.89, 1584.89)
# ȳ = 3.1, s_y = 0.1 (deviations -0.1, -0.1, 0, 0.1, 0.1; squares 0.04; / 4 = 0.01).
# Largest / limit: 1584.89 / 2430 = 0.652 and / 1730 = 0.916, above gamma 0.57: no gamma.
SULFATE = [1000.0, 1000.0, 10**3.1, 10**3.2, 10**3.2]


@pytest.mark.parametrize(("last_sampled", "limit", "k", "test_class", "lots_per_test"), [
    # newest lot sampled 2022-06-20, transitional limit 2430 (BRL 9341 bijlage IV tabel 2
    # voetnoot 1): k = (log10 2430 - 3.1) / 0.1 = (3.385606 - 3.1) / 0.1 = 2.856
    # -> 2.74 < 2.856 <= 4.67 -> 90/90-99, 1 in 10 lots
    (date(2022, 6, 20), 2430.0, 2.856, "90/90-99", 10),
    # newest lot sampled 2022-07-10, limit 1730: k = (3.238046 - 3.1) / 0.1 = 1.380
    # -> 0.69 < 1.380 <= 1.46 -> 90/50-70, 1 in 2 lots
    (date(2022, 7, 10), 1730.0, 1.380, "90/50-70", 2),
])
def test_sulfate_transition(store: duckdb.DuckDBPyConnection, last_sampled: date,
                            limit: float, k: float, test_class: str,
                            lots_per_test: int) -> None:
    set_as_of(store, date(2022, 8, 1))
    add_site(store, "S1")
    add_series(store, "S1", "sulfate", SULFATE[:4], start=date(2022, 5, 2))
    add_lot(store, "S1", "L005", last_sampled)
    add_analysis(store, "S1", "L005", "sulfate", SULFATE[4], last_sampled)
    row = frequency(store, "S1", "sulfate")
    assert row["limit_value"] == limit
    assert row["k_value"] == pytest.approx(k, abs=1e-3)
    assert row["test_class"] == test_class
    assert row["lots_per_test"] == lots_per_test


def test_sulfate_lot_compliance_uses_the_limit_of_its_date(
        store: duckdb.DuckDBPyConnection) -> None:
    # 2000 mg/kg d.s.: below 2430 on 2022-06-30 (last day of the transition), above 1730 on
    # 2022-07-01 (BRL 9341 bijlage IV tabel 2).
    add_site(store, "S1")
    add_lot(store, "S1", "A", date(2022, 6, 29))
    add_lot(store, "S1", "B", date(2022, 6, 30))
    add_analysis(store, "S1", "A", "sulfate", 2000.0, date(2022, 6, 30))
    add_analysis(store, "S1", "B", "sulfate", 2000.0, date(2022, 7, 1))
    rows = refreshed(store).execute("select lot_id, limit_value, exceeds from lot_compliance "
                         "order by lot_id").fetchall()
    assert rows == [("A", 2430.0, False), ("B", 1730.0, True)]


def test_attribute_rule_can_be_the_most_lenient(store: duckdb.DuckDBPyConnection) -> None:
    # 22 benzene lots, none above the limit 1 -> "0 van 22": 1 in 10 lots (90/90-99, rank 3).
    # Last 5 (n = 5): 0.2, 0.9, 0.2, 0.9, 0.9: y = -0.69897 x2, -0.045757 x3;
    # ȳ = (-1.39794 - 0.137272) / 5 = -0.307042; dev 2 x -0.391928, 3 x 0.261285;
    # squares 2 x 0.153608 + 3 x 0.068270 = 0.512026; s = sqrt(0.128007) = 0.357781;
    # k = 0.307042 / 0.357781 = 0.8582 -> 0.69 < k <= 1.46 -> 90/50-70 (1 in 2 lots).
    # Gamma: 0.9 >= 0.57: no. Attributes (rank 3) beat k (rank 5).
    set_as_of(store)
    add_site(store, "S1")
    add_series(store, "S1", "benzene", [0.5] * 17 + [0.2, 0.9, 0.2, 0.9, 0.9], step_days=3)
    row = frequency(store, "S1")
    assert row["k_value"] == pytest.approx(0.8582, abs=1e-3)
    assert row["k_rank"] == 5
    assert row["rule"] == "attributes"
    assert row["test_class"] == "90/90-99"
    assert row["lots_per_test"] == 10


def test_attribute_rule_one_exceedance_in_12(store: duckdb.DuckDBPyConnection) -> None:
    # 12 lots, one exceedance (1.5 > 1) as the 6th: last 7 has 1 -> "0 van 7" fails,
    # "<= 1 van 12" holds -> 90/70-90 (1 in 4 lots, rank 4); "<= 1 van 7" gives rank 5.
    # So the attribute class is rank 4.
    set_as_of(store)
    add_site(store, "S1")
    add_series(store, "S1", "benzene", [0.5] * 5 + [1.5] + [0.5] * 6)
    row = frequency(store, "S1")
    assert (row["e7"], row["e12"]) == (1, 1)
    assert row["attribute_rank"] == 4


def test_site_frequency_is_the_strictest_component(store: duckdb.DuckDBPyConnection) -> None:
    # benzene k = 2.0 -> 90/70-90 (rank 4); toluene (limit 1.25) 5 x 0.01 -> s_y = 0 with
    # ȳ = -2 < log10(1.25): k = +inf -> 90/>99,9. Strictest: benzene, 1 in 4 lots.
    set_as_of(store)
    add_site(store, "S1")
    lots = add_series(store, "S1", "benzene", series_with_k(2.0, Z5))
    for i, lot in enumerate(lots):
        add_analysis(store, "S1", lot, "toluene", 0.01, date(2026, 1, 5) + timedelta(days=7 * i))
    site = refreshed(store).execute(
        "select regime, strictest_component, test_class, lots_per_test, "
        "min_k from site_regime").fetchall()
    assert site == [("sampling", "benzene", "90/70-90", 4, pytest.approx(2.0, abs=1e-6))]
