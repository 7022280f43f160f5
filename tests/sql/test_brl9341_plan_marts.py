"""The producer-facing BRL 9341 marts: sampling_plan (the plain-language line) and
lot_series_state (a series before and after one lot). Worked by hand from BRL 9341
bijlage II (data/sources/brl-9341-steenachtige-substraten.txt): "Toetsing op variabelen"
(n = 5: 1.46 < k <= 2.74 is class 90/70-90, 1 op 4 partijen, ten minste 10 x per 3 jaar),
"Steekproefregime" (admission passes at k > 0.69 after 5 observations).

Benzene: bijlage III tabel 1, limit 1 mg/kg d.s., so log10(limit) = 0 and k = -ȳ / s_y.
"""

from __future__ import annotations

from datetime import date

import duckdb

from tests.sql.test_brl9341_helpers import add_series, add_site, refreshed, set_as_of

A = 0.01  # s_y in log10 units: small, so max / limit stays near 1 and no gamma class
Z5 = (-1.0, -1.0, 0.0, 1.0, 1.0)  # mean 0, sample sd 1 (sum of squares 4 / 4)


def series_with_k(k: float) -> list[float]:
    """y_i = -k·A + A·z_i: ȳ = -k·A, s_y = A, k = (0 - ȳ) / s_y = k."""
    return [10 ** (-k * A + A * z) for z in Z5]


def test_the_plain_language_line(store: duckdb.DuckDBPyConnection) -> None:
    add_site(store, "S1")
    add_series(store, "S1", "benzene", series_with_k(1.93))  # sampled 2026-01-05 + 7 d
    set_as_of(store, date(2026, 3, 1))
    row = refreshed(store).execute(
        "select rule, class_rank, test_class, frequency_text, explanation, regime, overdue "
        "from sampling_plan where site_id = 'S1' and component = 'benzene'").fetchone()
    # k = 1.93 over 5 lots -> class 4 (90/70-90): 1 in 4 lots, at least 10 per 3 years.
    # Highest / limit = 10^(-0.0193 + 0.01) = 0.979, above every gamma (0.19, 0.31, 0.57).
    # The site entered the sampling regime after the 5th lot (k 1.93 > 0.69), so the
    # required frequency is the component's own. The last lot was tested: not overdue
    # (0 of 4 lots since; 5 tests in 3 years is short of 10 but the first is < 3 years old).
    assert row == ("k", 4, "90/70-90", "1 in 4 lots, at least 10 per 3 years",
                   "1 in 4 lots, at least 10 per 3 years: k = 1.93 over the last 5 lots "
                   "(class 4, 90/70-90; BRL 9341 bijlage II)", "sampling", False)


def test_fewer_than_five_lots_is_every_lot(store: duckdb.DuckDBPyConnection) -> None:
    add_site(store, "S1")
    add_series(store, "S1", "benzene", series_with_k(1.93)[:3])
    set_as_of(store, date(2026, 3, 1))
    line = refreshed(store).execute(
        "select explanation from sampling_plan where site_id = 'S1'").fetchone()[0]
    # bijlage II: fewer than 5 observations - every lot; the admission phase is the
    # lot-inspection regime: every lot, at least 10 per year.
    assert line == ("every lot, at least 10 per year: fewer than 5 observations (3 so far) "
                    "(BRL 9341 bijlage II)")


def test_the_series_before_and_after_a_lot(store: duckdb.DuckDBPyConnection) -> None:
    add_site(store, "S1")
    lots = add_series(store, "S1", "benzene", series_with_k(1.93))
    set_as_of(store, date(2026, 3, 1))
    rows = refreshed(store).execute(
        "select lot_id, k_before, class_before, k_after, class_after, test_class_after, "
        "class_changed, regime_before, regime_after from lot_series_state "
        "where site_id = 'S1' order by obs_seq").fetchall()
    fifth = rows[4]
    # Before the 5th lot: 4 observations, insufficient (class 6, every lot, no k);
    # after it: k = 1.93, class 4. Regime: admission (lot inspection) before, sampling
    # after (k > 0.69 on the first 5 observations).
    assert fifth[0] == lots[4]
    assert fifth[1] is None and fifth[2] == 6
    assert round(fifth[3], 6) == 1.93 and fifth[4] == 4 and fifth[5] == "90/70-90"
    assert fifth[6] is True
    assert (fifth[7], fifth[8]) == ("lot_inspection", "sampling")
    # The first lot has no state before it.
    assert rows[0][1] is None and rows[0][2] is None and rows[0][6] is True


def test_lot_series_state_follows_the_as_of_date(store: duckdb.DuckDBPyConnection) -> None:
    add_site(store, "S1")
    add_series(store, "S1", "benzene", series_with_k(1.93))  # 2026-01-05 .. 2026-02-02
    set_as_of(store, date(2026, 1, 20))  # lots 1..3 sampled (01-05, 01-12, 01-19)
    n = refreshed(store).execute("select count(*) from lot_series_state").fetchone()[0]
    assert n == 3


def test_the_line_as_message_keys_in_dutch_and_english(
        store: duckdb.DuckDBPyConnection) -> None:
    """issue 27: frequency_text and reason also as a key and values (keys.DETAILS): in
    English they give the English columns back, in Dutch the same facts in Dutch."""
    from pipelines.i18n.keys import render_detail

    add_site(store, "S1")
    add_series(store, "S1", "benzene", series_with_k(1.93))
    add_site(store, "S2")
    add_series(store, "S2", "benzene", series_with_k(1.93)[:3])
    set_as_of(store, date(2026, 3, 1))
    rows = refreshed(store).execute(
        "select site_id, frequency_text, frequency_key, frequency_args, reason, reason_key,"
        " reason_args from sampling_plan where component = 'benzene' order by site_id"
    ).fetchall()
    assert [(r[0], r[2], r[5]) for r in rows] == [
        ("S1", "freq_one_in_min_years", "plan_k"),
        ("S2", "freq_every_lot_min_year", "plan_insufficient")]
    for _site, frequency, fkey, fargs, reason, rkey, rargs in rows:
        assert render_detail(fkey, fargs, "-", lang="en") == frequency
        assert render_detail(rkey, rargs, "-", lang="en") == reason
    s1, s2 = rows
    assert render_detail(s1[2], s1[3], "-", lang="nl") == (
        "1 op de 4 partijen, minstens 10 per 3 jaar")
    assert render_detail(s1[5], s1[6], "-", lang="nl") == (
        "k = 1,93 over de laatste 5 partijen (klasse 4, 90/70-90; BRL 9341 bijlage II)")
    assert render_detail(s2[2], s2[3], "-", lang="nl") == "elke partij, minstens 10 per jaar"
    assert render_detail(s2[5], s2[6], "-", lang="nl") == (
        "minder dan 5 waarnemingen (tot nu toe 3) (BRL 9341 bijlage II)")
