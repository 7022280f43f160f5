"""Issue 22, point 7: the yearly report (BRL 9341 §8.7, docs/rules.md §6) as the corrected
rules read it. Every expected value is worked out by hand from the rows inserted below.

Year 2024 (as of 2024-12-31), the year before 2023. The store:

BRL 9341 (control visits: §8.6 "2 controlebezoeken per jaar"; no audits recorded):
  B1 issued 2020-01-01, ended at the holder's request on 2024-04-15 (certificates.ended_on);
     site S1, boomgranulaat, lots produced 2024-01-10, 2024-02-10, 2024-03-10.
  B2 issued 2020-01-01; site S2, boomgranulaat, lots produced 2024-05-01, 2024-09-01.
  B3 issued 2020-01-01; production stopped 2023-03-01, no delivery from stock: suspended
     from 2024-03-02 (§3.3, the day after stop + 1 year): a mutation, not a sanction.
  The frequency in force on 31 December 2023 for S1 and S2 (the stored state, set by the
  test): "1 op 10 partijen, ten minste 5 per 3 jaar", sampling regime (bijlage II).
CCV PKVW:
  P1 applied 2022-10-01, issued 2023-01-01, ended at the holder's request on 2024-05-01; no
     audit, so the 18-month audit (§4.2.2) falls due on 2024-07-01, after its end.
     3 dwellings completed on 2023-06-01 and on 2024-02-01 (§3.2.7 met).
  P2 applied 2023-06-01, never issued: admission expired on 2024-06-02 (§3.2.4, applied +
     12 months + 1 day): a mutation.
  P3 issued 2020-01-01, no audit (due 2021-07-01: required every year); 3 dwellings
     completed each 1 June 2020-2024; deviation D1 (A) found 2024-01-10, never closed:
     deadline 2024-03-10 (§4.3.2, 2 months), suspended from 2024-03-11 (§4.3.3), withdrawn
     6 months later on 2024-09-11 (§4.3.4): a sanction, twice, and an end.
"""

from __future__ import annotations

import duckdb
import pytest

from pipelines.store import refresh


@pytest.fixture(scope="module")
def report(_store_template) -> dict[tuple[str, str], tuple]:
    from tests.conftest import memory_copy
    con = memory_copy(_store_template)
    _fill(con)
    refresh(con)
    _set_frequency(con)
    con.execute("set variable as_of = date '2024-12-31'")
    rows = con.execute("select scheme, indicator, value, previous_value, article"
                       " from yearly_report where year = 2024").fetchall()
    con.close()
    return {(s, i): (v, p, a) for s, i, v, p, a in rows}


def _fill(con: duckdb.DuckDBPyConnection) -> None:
    con.executemany(
        "insert into certificates (certificate_number, scheme, holder_id, applied_on,"
        " issued_on, ended_on) values (?, ?, ?, ?, ?, ?)", [
            ("B1", "brl9341", "H1", None, "2020-01-01", "2024-04-15"),
            ("B2", "brl9341", "H2", None, "2020-01-01", None),
            ("B3", "brl9341", "H3", None, "2020-01-01", None),
            ("P1", "pkvw", "H4", "2022-10-01", "2023-01-01", "2024-05-01"),
            ("P2", "pkvw", "H5", "2023-06-01", None, None),
            ("P3", "pkvw", "H6", None, "2020-01-01", None),
        ])
    con.executemany("insert into sites (site_id, certificate_number, site_kind, n_window)"
                    " values (?, ?, 'production', 5)", [("S1", "B1"), ("S2", "B2")])
    con.executemany(
        "insert into lots (site_id, lot_id, certificate_number, product, produced_on)"
        " values (?, ?, ?, 'boomgranulaat', ?)", [
            ("S1", "L1", "B1", "2024-01-10"), ("S1", "L2", "B1", "2024-02-10"),
            ("S1", "L3", "B1", "2024-03-10"), ("S2", "M1", "B2", "2024-05-01"),
            ("S2", "M2", "B2", "2024-09-01")])
    activity = [("B3", "2023-03-01", "production_stop", 1)]
    activity += [("P1", day, "dwelling_completed", 3) for day in ("2023-06-01", "2024-02-01")]
    activity += [("P3", f"{y}-06-01", "dwelling_completed", 3) for y in range(2020, 2025)]
    con.executemany("insert into activity (certificate_number, activity_date, activity,"
                    " quantity) values (?, ?, ?, ?)", activity)
    con.execute("insert into deviations (deviation_id, certificate_number, category,"
                " requirement, found_on) values ('D1', 'P3', 'A', 'CCV PKVW §3.2.7 dossier',"
                " date '2024-01-10')")


def _set_frequency(con: duckdb.DuckDBPyConnection) -> None:
    """The state on 31 December 2023 of S1 and S2 (bijlage II), stored as refresh() would:
    class 90/90-99, "1 op 10 partijen, doch ten minste 5× per 3 jaar", sampling regime.
    (How a series reaches a class is tested in test_brl9341_frequency.py.)"""
    for site in ("S1", "S2"):
        con.execute(
            "insert into brl9341_observation_history (site_id, product, component,"
            " lot_sampled_on, state_until, lots_per_test, min_tests, min_tests_years)"
            " values (?, 'boomgranulaat', 'arsenic', date '2023-06-01', date '9999-12-31',"
            " 10, 5, 3)", [site])
        con.execute(
            "insert into brl9341_regime_events (site_id, product, lot_id, lot_sampled_on,"
            " next_lot_sampled_on, regime) values (?, 'boomgranulaat', 'X', date"
            " '2023-06-01', null, 'sampling')", [site])


def figure(report, scheme: str, indicator: str) -> tuple:
    value, previous, _ = report[scheme, indicator]
    return value, previous


def test_sanctions_count_shortcomings_only(report) -> None:
    """BRL 9341 §8.7 "Opgelegde maatregelen bij tekortkomingen" and docs/rules.md §6: an end
    at the holder's request (B1, P1), an expired admission (P2) and a suspension for a
    production stop (B3) are mutations. Before issue 22 B3's suspension was a sanction
    ("measures.suspensions" 1 for BRL 9341) and B1, P1 and P2 were "lapses"."""
    # BRL 9341: no shortcoming at all
    assert figure(report, "brl9341", "measures.suspensions") == (0, 0)
    assert figure(report, "brl9341", "measures.withdrawals") == (0, 0)
    assert figure(report, "brl9341", "measures.warnings") == (0, 0)
    # PKVW: P3's D1 not corrected -> suspended 2024-03-11 and withdrawn 2024-09-11
    assert figure(report, "pkvw", "measures.suspensions") == (1, 0)
    assert figure(report, "pkvw", "measures.suspensions_by_reason:deviation_suspension") == (
        1, 0)
    assert figure(report, "pkvw", "measures.withdrawals") == (1, 0)
    assert figure(report, "pkvw", "measures.warnings") == (0, 0)
    # no sanction is a lapse any more, in either scheme
    assert not [k for k in report if ".lapses" in k[1]]
    sanctions = {k: v for k, v in report.items() if k[1].startswith("measures.")}
    assert not [k for k in sanctions if "ended" in k[1] or "production" in k[1]
                or "admission" in k[1]]


def test_mutations_are_listed_as_such(report) -> None:
    """§8.7 "Mutaties in aantal certificaten (nieuw/vervallen)": B1 ended 2024-04-15 and P1
    2024-05-01 at the holder's request, P3 by withdrawal 2024-09-11 (also a sanction: it
    ended for a shortcoming); B3 suspended for its production stop from 2024-03-02; P2's
    admission expired 2024-06-02. Nothing was issued in 2024; P1 was issued in 2023."""
    assert figure(report, "brl9341", "mutations.issued") == (0, 0)
    assert figure(report, "brl9341", "mutations.ended:ended") == (1, 0)
    assert figure(report, "brl9341", "mutations.production_suspensions") == (1, 0)
    assert figure(report, "pkvw", "mutations.issued") == (0, 1)
    assert figure(report, "pkvw", "mutations.ended:ended") == (1, 0)
    assert figure(report, "pkvw", "mutations.ended:deviation_withdrawal") == (1, 0)
    assert figure(report, "pkvw", "mutations.admissions_expired") == (1, 0)
    assert report["brl9341", "mutations.production_suspensions"][2] == "BRL 9341 §3.3"
    assert report["brl9341", "mutations.ended:ended"][2] == "BRL 9341 §8.7"
    assert report["pkvw", "mutations.admissions_expired"][2] == "CCV PKVW §3.2.4"


def test_required_controls_pro_rata_in_force_and_whole(report) -> None:
    """docs/rules.md §6: controls required in a year are pro-rated to the part of the year
    the certificate was in force, rounded up.
    Control visits (BRL 9341 §8.6, 2 a year): B1 in force 2024-01-01 .. 2024-04-14, the
    months January-April = 4: ceil(2 × 4 / 12) = 1; B2 and B3 (suspended, still in force)
    12 months: 2 each. 2024: 1 + 2 + 2 = 5 (before: 6); 2023: 2 + 2 + 2 = 6.
    PKVW audits (§4.2.2, every 18 months): P1 due 2024-07-01, after its last day in force
    2024-04-30: not required (before: 1); P3 due since 2021-07-01: 1. 2024: 1 (before 2);
    2023: P1 issued 2023-01-01, due 2024-07-01: 0; P3 1 -> 1."""
    assert figure(report, "brl9341", "controls.required:control_visits") == (5, 6)
    assert figure(report, "brl9341", "controls.shortfall:control_visits") == (5, 6)
    assert figure(report, "pkvw", "controls.required:audits") == (1, 1)


def test_required_lot_tests_are_whole_tests_pro_rata(report) -> None:
    """Bijlage II "1 op 10 partijen, doch ten minste 5× per 3 jaar", pro-rated to the months
    in force and rounded up per site (docs/rules.md §6: no 1.7 tests):
    S1 (B1, 4 months, 3 lots): max(ceil(3 / 10), ceil(5 × 4 / 36)) = max(1, 1) = 1;
    S2 (B2, 12 months, 2 lots): max(ceil(2 / 10), ceil(5 × 12 / 36)) = max(1, 2) = 2.
    Required 3, performed 0, short 3. Before issue 22: 1.7 + 1.7 = 3.3."""
    assert figure(report, "brl9341", "controls.lots_produced:boomgranulaat")[0] == 5
    assert figure(report, "brl9341", "controls.lot_tests_required:boomgranulaat")[0] == 3
    assert figure(report, "brl9341", "controls.lot_tests_shortfall:boomgranulaat")[0] == 3


def test_each_section_cites_its_own_scheme(report) -> None:
    """BRL 9341 deviations and complaints cite BRL 9341 (§8.6, §8.7, §6.3 item 11), never CCV
    PKVW, and report no figure that needs CCV PKVW's terms (§4.3.2 deadlines, §3.3.1 two
    months, §4.3.1 escalation)."""
    brl = {i: a for (s, i), (_, _, a) in report.items() if s == "brl9341"}
    assert not [i for i, a in brl.items() if a and "CCV" in a]
    assert brl["deviations.found"] == "BRL 9341 §8.6, §8.7"
    assert brl["complaints.received"] == "BRL 9341 §8.7"
    assert not [i for i in brl if i in ("deviations.past_deadline", "deviations.overdue_end",
                                        "complaints.handled_in_time", "measures.escalations")]
    pkvw = {i: a for (s, i), (_, _, a) in report.items() if s == "pkvw"}
    assert pkvw["deviations.past_deadline"] == "CCV PKVW §4.3.1-§4.3.2"
    assert pkvw["complaints.handled_in_time"] == "CCV PKVW §3.3.1"
