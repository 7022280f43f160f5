"""BRL 9341 cases without a test elsewhere, worked out by hand from the source
(data/sources/brl-9341-steenachtige-substraten.txt):

- a lot exactly at its limit (bijlage IV tabel 2, "Maximum emissiewaarden"), and an
  observation at the limit is no exceedance for the attribute count (bijlage II);
- two products at one site have their own series (the grain of sampling_frequency is
  site × product × component);
- the gamma rule at n = 10 (bijlage II "Gammaregeling");
- the attribute classes "0 van 229" and "≤ 1 van 387" (bijlage II "Toetsing op attributen"),
  each at its boundary;
- an incomplete complaint test (§9.3: 3 mixed samples; X₃ > 1,4 × T).

Benzene is used where a plain limit helps: bijlage III tabel 1, limit 1 mg/kg d.s., so
log10(limit) = 0 and k = -ȳ / s_y.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from tests.sql.test_brl9341_helpers import add_analysis, add_lot, add_site, refreshed, set_as_of

# y_i = -k·A + A·z_i with z = (-1, -1, 0, 1, 1) (mean 0, sample sd 1): ȳ = -k·A, s_y = A,
# so k = k (see tests/sql/test_brl9341_frequency.py)
Z5 = (-1.0, -1.0, 0.0, 1.0, 1.0)
A = 0.01


def series_with_k(k: float) -> list[float]:
    return [10 ** (-k * A + A * z) for z in Z5]


def add_product_series(con: duckdb.DuckDBPyConnection, site: str, product: str,
                       values: list[float], start: date, prefix: str,
                       step_days: int = 7) -> None:
    """One lot of ``product`` per value, benzene, sampled every ``step_days`` from start."""
    lots, analyses = [], []
    for i, value in enumerate(values):
        lot_id, sampled = f"{prefix}{i:04d}", start + timedelta(days=step_days * i)
        lots.append((site, lot_id, f"C-{site}", product, sampled - timedelta(days=1)))
        analyses.append((f"C-{site}", site, lot_id, product, f"{lot_id}-M1", sampled,
                         "benzene", value))
    con.executemany("insert into lots (site_id, lot_id, certificate_number, product,"
                    " produced_on) values (?, ?, ?, ?, ?)", lots)
    con.executemany("insert into analyses (certificate_number, site_id, lot_id, product,"
                    " sample_id, sampled_on, component, value, below_loq, lab_report_id,"
                    " purpose) values (?, ?, ?, ?, ?, ?, ?, ?, false, 'R1', 'production')",
                    analyses)


def frequency_rows(con: duckdb.DuckDBPyConnection, site: str) -> list[dict]:
    cur = refreshed(con).execute(
        "select * from sampling_frequency where site_id = ? and component = 'benzene'"
        " order by product", [site])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


# --- a lot at its limit ---------------------------------------------------------------------

def test_a_lot_exactly_at_its_limit_complies(store: duckdb.DuckDBPyConnection) -> None:
    # bijlage IV tabel 2: "arseen (As) 0,9" is a maximum: 0.9 complies, 0.91 exceeds.
    set_as_of(store)
    add_site(store, "S1")
    for lot, value in (("AT", 0.9), ("ABOVE", 0.91)):
        add_lot(store, "S1", lot, date(2026, 3, 1))
        add_analysis(store, "S1", lot, "arsenic", value, date(2026, 3, 2))
    refreshed(store)
    assert store.execute("select lot_id, observation, limit_value, exceeds from lot_compliance"
                         " order by lot_id").fetchall() == [
        ("ABOVE", 0.91, 0.9, True), ("AT", 0.9, 0.9, False)]
    assert store.execute("select lot_id, n_exceedances, compliant from lot_status"
                         " order by lot_id").fetchall() == [("ABOVE", 1, False), ("AT", 0, True)]


def test_observations_at_the_limit_are_no_exceedances(store: duckdb.DuckDBPyConnection) -> None:
    # 12 benzene lots at exactly 1 (the limit): e7 = e12 = 0, so "0 van 7" holds: the
    # attribute class is 90/70-90 (1 op 4 partijen, rank 4).
    set_as_of(store)
    add_site(store, "S1")
    add_product_series(store, "S1", "boomgranulaat", [1.0] * 12, date(2026, 1, 5), "L")
    (row,) = frequency_rows(store, "S1")
    assert (row["e7"], row["e12"], row["attribute_rank"]) == (0, 0, 4)


# --- two products at one site -------------------------------------------------------------

def test_two_products_at_one_site_have_their_own_series(
        store: duckdb.DuckDBPyConnection) -> None:
    # Site S1 makes boomgranulaat (k = 2.0: 1.46 < k <= 2.74 -> 90/70-90, 1 op 4 partijen)
    # and daktuinsubstraat (k = 5.0: 4.67 < k <= 6.12 -> 90/90-99,9, 1× per jaar), their
    # lots interleaved a day apart. Gamma: largest values 10^(-0.01) = 0.977 and
    # 10^(-0.04) = 0.912 are >= 0.57: no gamma class; 5 lots each: no attribute class.
    set_as_of(store)
    add_site(store, "S1")
    add_product_series(store, "S1", "boomgranulaat", series_with_k(2.0), date(2026, 1, 5), "B")
    add_product_series(store, "S1", "daktuinsubstraat", series_with_k(5.0), date(2026, 1, 6),
                       "D")
    rows = frequency_rows(store, "S1")
    assert [(r["product"], r["n_obs"], r["test_class"], r["lots_per_test"], r["min_tests"],
             r["min_tests_years"]) for r in rows] == [
        ("boomgranulaat", 5, "90/70-90", 4, 10, 3),
        ("daktuinsubstraat", 5, "90/90-99,9", None, 1, 1)]
    assert [r["k_value"] for r in rows] == [pytest.approx(2.0, abs=1e-6),
                                            pytest.approx(5.0, abs=1e-6)]
    site = store.execute("select product, test_class from site_regime where site_id = 'S1'"
                         " order by product").fetchall()
    assert site == [("boomgranulaat", "90/70-90"), ("daktuinsubstraat", "90/90-99,9")]


# --- gamma at n = 10 ----------------------------------------------------------------------

@pytest.mark.parametrize(("first", "gamma_rank", "test_class", "k"), [
    # Ten observations, the oldest `first`, then nine of 0.01 (limit 1). Gammaregeling n = 10:
    # 0.25 < 0.26 x 1 -> "1 keuring per 5 jaar" (90/>99,9, rank 1).
    # k: y = log10(0.25) = -0.602060, 9 x -2; ȳ = -18.602060 / 10 = -1.860206;
    # deviations 1.258146 and 9 x -0.139794; squares 1.582931 + 9 x 0.019542 = 1.758813;
    # s² = 1.758813 / 9 = 0.195424, s = 0.442067; k10 = 1.860206 / 0.442067 = 4.2080
    # -> 3.53 < k <= 4.63 -> 90/90-99,9 (rank 2): gamma (rank 1) is more lenient.
    (0.25, 1, "90/>99,9", 4.2080),
    # 0.30 >= 0.26 but < 0.41 -> "1 keuring per jaar" (rank 2). (With n = 5 the last five,
    # all 0.01 < 0.19, would give rank 1: the window is the ten.)
    # k: y = -0.522879; ȳ = -1.852288; deviations 1.329409 and 9 x -0.147712; squares
    # 1.767328 + 9 x 0.021819 = 1.963698; s = sqrt(0.218189) = 0.467107; k10 = 3.9654.
    (0.30, 2, "90/90-99,9", 3.9654),
])
def test_gamma_rule_at_n_10(store: duckdb.DuckDBPyConnection, first: float, gamma_rank: int,
                            test_class: str, k: float) -> None:
    set_as_of(store)
    add_site(store, "S1", n_window=10)
    add_product_series(store, "S1", "boomgranulaat", [first] + [0.01] * 9, date(2026, 1, 5),
                       "L")
    (row,) = frequency_rows(store, "S1")
    assert row["n_window_used"] == 10
    assert row["k_value"] == pytest.approx(k, abs=1e-3)
    assert row["gamma_rank"] == gamma_rank
    assert row["test_class"] == test_class


# --- attribute classes 0 of 229 and ≤ 1 of 387 ------------------------------------------------

# The last five observations give k = 0.8582 (0.69 < k <= 1.46 at n = 5 -> 90/50-70, rank 5;
# see test_attribute_rule_can_be_the_most_lenient): 0.2, 0.9, 0.2, 0.9, 0.9, so ȳ = -0.307042,
# s = 0.357779. Gamma does not apply (0.9 >= 0.57). So an attribute class of rank 2 or 3
# decides the frequency.
TAIL = [0.2, 0.9, 0.2, 0.9, 0.9]


@pytest.mark.parametrize(("n_lots", "exceedance_at", "attribute_rank"), [
    # 229 lots, none above the limit: "0 van 229" -> 1× per jaar (90/90-99,9, rank 2)
    (229, None, 2),
    # 228 lots: "0 van 229" needs 229; "0 van 22" (and "0 van 38") -> rank 3
    (228, None, 3),
    # 387 lots, one exceedance at lot 200 (within the last 229: lots 159-387): "0 van 229"
    # fails, "≤ 1 van 387" holds -> rank 2
    (387, 200, 2),
    # 386 lots, the exceedance at lot 199 (within the last 229: lots 158-386): fewer than
    # 387 observations, so only "0 van 22" remains -> rank 3
    (386, 199, 3),
])
def test_attribute_classes_229_and_387(store: duckdb.DuckDBPyConnection, n_lots: int,
                                       exceedance_at: int | None, attribute_rank: int) -> None:
    values = [0.5] * (n_lots - len(TAIL)) + TAIL
    if exceedance_at is not None:
        values[exceedance_at - 1] = 1.5
    set_as_of(store)
    add_site(store, "S1")
    add_product_series(store, "S1", "boomgranulaat", values, date(2025, 6, 1), "L",
                       step_days=1)
    (row,) = frequency_rows(store, "S1")
    assert row["n_obs_total"] == n_lots
    assert row["k_value"] == pytest.approx(0.8582, abs=1e-3)
    assert row["attribute_rank"] == attribute_rank
    assert row["rule"] == "attributes"
    assert row["class_rank"] == attribute_rank


# --- an incomplete complaint test ---------------------------------------------------------

@pytest.mark.parametrize(("values", "rejected"), [
    # §9.3: "3 mengmonsters"; only two were analysed. X₃ = (1.5 + 1.3) / 2 = 1.4, not
    # > 1,4 × T = 1.4 (benzene T = 1): not rejected, but flagged incomplete.
    ((1.5, 1.3), False),
    # X₃ = (1.5 + 1.6) / 2 = 1.55 > 1.4: rejected, still flagged incomplete.
    ((1.5, 1.6), True),
])
def test_incomplete_complaint_test(store: duckdb.DuckDBPyConnection,
                                   values: tuple[float, ...], rejected: bool) -> None:
    set_as_of(store)
    add_site(store, "S1")
    add_lot(store, "S1", "D1", date(2026, 3, 30))
    for i, value in enumerate(values):
        add_analysis(store, "S1", "D1", "benzene", value, date(2026, 4, 1), purpose="complaint",
                     sample=f"K{i}")
    row = refreshed(store).execute(
        "select n_determinations, complete, x3, rejection_value, lot_rejected"
        " from brl9341_complaint_test").fetchone()
    assert row[:2] == (2, False)
    assert row[2] == pytest.approx(sum(values) / 2)
    assert row[3] == pytest.approx(1.4)
    assert row[4] is rejected
