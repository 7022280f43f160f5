"""yearly_report (BRL 9341 §8.7) on the hand-made store of yearly_report_data.py: every
indicator of 2024 and of the year before, worked out by hand from the rows listed there.
(value, previous_value); None = no figure (a mean over nothing, no exceedance)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import copy_store

# BRL 9341 -----------------------------------------------------------------------------
BRL9341 = {
    # holders (status from certificate_status_transitions; BRL 9341 §3.3)
    # start 2024 = 2023-12-31: B1 active, B2 in admission -> 1; end 2024: B1, B2 -> 2.
    # start 2023 = 2022-12-31: B1 -> 1; end 2023: B1 (B2 in admission) -> 1.
    "holders.holders_start": (1, 1),
    "holders.holders_end": (2, 1),
    "holders.certificates_start": (1, 1),
    "holders.certificates_end": (2, 1),
    "holders.in_admission_end": (0, 1),  # B2 at 2023-12-31
    # mutations (§8.7 "nieuw/vervallen"; issue 22: no longer holders.suspended/withdrawn/
    # lapsed by status): B2 issued 2024-02-15; no production stop (§3.3), nothing ended
    "mutations.issued": (1, 0),
    "mutations.production_suspensions": (0, 0),
    # B2: 2023-11-01 -> 2024-02-15 = 29 + 31 + 31 + 14 + 1 = 106 days; none issued in 2023
    "holders.admission_days_mean": (106, None),
    "holders.admission_days_max": (106, None),
    # controls (BRL 9341 §8.6: 2 visits a year; year of issuance ceil(2 x months left / 12))
    # 2024: B1 2 + B2 (Feb: ceil(2 x 11 / 12) = 2) = 4 required; performed V3, V4 = 2;
    # shortfall B1 1 + B2 1 = 2. 2023: B1 2 required, V1 V2 performed.
    "controls.required:control_visits": (4, 2),
    "controls.performed:control_visits": (2, 2),
    "controls.shortfall:control_visits": (2, 0),
    "controls.required:depot_visits": (0, 0),  # no depot site (§7.2)
    "controls.performed:depot_visits": (0, 0),
    "controls.shortfall:depot_visits": (0, 0),
    # §5.5 once per 5 years: B1 due 2027-03-01, B2 2029 -> none required
    "controls.required:supervised_sampling": (0, 0),
    "controls.performed:supervised_sampling": (0, 0),
    "controls.shortfall:supervised_sampling": (0, 0),
    # bijlage II: lots produced 2024 L4 L5 L6 = 3, 2023 L1 L2 L3 = 3. At the start of both
    # years the series has fewer than 5 observations (or none) -> every lot: required 3.
    # Performed: 2024 L4 L5, 2023 L1 L2 -> shortfall 1 and 1.
    "controls.lots_produced:boomgranulaat": (3, 3),
    "controls.lot_tests_required:boomgranulaat": (3, 3),
    "controls.lot_tests_performed:boomgranulaat": (2, 2),
    "controls.lot_tests_shortfall:boomgranulaat": (1, 1),
    # results (§4.2; arsenic limit 0.9): 2024 L4 1.8 exceeds (factor 2.0), L5 0.45 complies;
    # 2023 L1 0.3, L2 0.5 comply.
    "results.lots_tested": (2, 2),
    "results.lots_compliant": (1, 2),
    "results.lots_exceeding": (1, 0),
    "results.component_lots_exceeding:arsenic": (1, 0),
    "results.max_exceedance_factor:arsenic": (2.0, None),
    "results.admission_tests": (0, 0),
    "results.admission_tests_passed": (0, 0),
    # §9.3: complaint lot L5, X3 = (1.0 + 1.2 + 1.4) / 3 = 1.2 <= 1.4 x 0.9 = 1.26
    "results.complaint_tests": (1, 0),
    "results.complaint_tests_rejected": (0, 0),
    # bijlage II: 4 (2024) and 2 (2023) observations < 5 -> insufficient; admission phase,
    # lot-inspection regime
    "results.k_class_end:insufficient": (1, 1),
    "results.regime_end:lot_inspection": (1, 1),
    # no deviations on BRL 9341 certificates; BRL 9341 sets no correction term, so no
    # deadline figures (issue 22: they were CCV PKVW §4.3.2's)
    "deviations.found": (0, 0),
    "deviations.closed": (0, 0),
    "deviations.handling_days_mean": (None, None),
    "deviations.handling_days_max": (None, None),
    "deviations.open_end": (0, 0),
    # sanctions for shortcomings (§8.7): none; no escalation row (a CCV PKVW rule) and no
    # lapses (a lapse is a mutation)
    "measures.warnings": (0, 0),
    "measures.suspensions": (0, 0),
    "measures.withdrawals": (0, 0),
    # K1 received 2024-03-10, closed 2024-04-20: handled by 31 December. BRL 9341 sets no
    # term, so no in time / late split (issue 22: that was CCV PKVW §3.3.1's 2 months)
    "complaints.received": (1, 0),
    "complaints.handled": (1, 0),
    "complaints.not_handled_end": (0, 0),
    # Process checks (docs/rules.md §7), as process_findings stands on 2024-12-31:
    # - BRL 9341 §1.4: every analysis is lab report R without a lab name, so no ISO/IEC
    #   17025 accreditation covers it: one finding, found on R's first date 2023-02-03
    #   (2023), still open; none found in 2024 (shown as 0 next to 2023's 1).
    # - BRL 9341 §5.5.2: no lot of S1 has a size, so S1 2023 and S1 2024 (both complete on
    #   31 December 2024) are each one "not assessable" finding, in their own year.
    # - §5.5.3: S1 reports no sampling records, so no sampling finding.
    "process.findings": (0, 1),
    "process.findings_open_end": (0, 1),
    "process.findings_by_article:BRL 9341 §1.4": (0, 1),
    "process.not_assessable_by_article:BRL 9341 §5.5.2": (1, 1),
}

# CCV PKVW -----------------------------------------------------------------------------
PKVW = {
    # P1 active throughout (suspended 2024-10-02 .. 2024-10-15, see D2); P2 in admission
    "holders.holders_start": (1, 1),
    "holders.holders_end": (1, 1),
    "holders.certificates_start": (1, 1),
    "holders.certificates_end": (1, 1),
    "holders.in_admission_end": (1, 0),  # P2 applied 2024-03-01
    # mutations: none issued; P2's admission (2024-03-01) runs to 2025-03-01 (§3.2.4)
    "mutations.issued": (0, 0),
    "mutations.admissions_expired": (0, 0),
    "holders.admission_days_mean": (None, None),
    "holders.admission_days_max": (None, None),
    # §4.2.2 every 18 months: 2023 due 2021-06-01 + 18 m = 2022-12-01 -> 1, A1 performed;
    # 2024 due 2023-03-01 + 18 m = 2024-09-01 -> 1, A2 performed.
    "controls.required:audits": (1, 1),
    "controls.performed:audits": (1, 1),
    "controls.shortfall:audits": (0, 0),
    # bijlage 4 at step 0: the first 10 dwellings; completed 4 + 4 = 8 in each year;
    # inspected 2024: AS1 2 dwellings, 2023: none.
    "controls.required:sample_dwellings": (8, 8),
    "controls.performed:sample_dwellings": (2, 0),
    "controls.shortfall:sample_dwellings": (6, 8),
    "controls.samples_by_step:step 0": (1, 0),
    "controls.sample_dwellings_by_step:step 0": (2, 0),
    "controls.sample_dwellings_with_a_by_step:step 0": (0, 0),
    # §4.3.1: D2 (B) repeats the requirement of D1 at the previous assessment -> A;
    # D3 A. 2024: found D2 D3 (both A); 2023: D1 (B).
    "deviations.found": (2, 1),
    "deviations.found_category:A": (2, 0),
    "deviations.found_category:B": (0, 1),
    "deviations.found_requirement:CCV PKVW bijlage 3 inbraakwerende maatregelen": (1, 0),
    "deviations.found_requirement:CCV PKVW §3.2.7 opleverdossier": (1, 1),
    # closed 2024: D2 2024-08-01 -> 2024-10-15 = 30 + 31 + 14 = 75 days;
    # 2023: D1 2023-03-01 -> 2023-05-01 = 31 + 30 = 61 days
    "deviations.closed": (1, 1),
    "deviations.handling_days_mean": (75, 61),
    "deviations.handling_days_max": (75, 61),
    # §4.3.2: D2 as A: deadline 2024-10-01, closed 2024-10-15 -> passed it
    "deviations.past_deadline": (1, 0),
    # D3 open at 2024-12-31, deadline 2025-01-20 not passed
    "deviations.open_end": (1, 0),
    "deviations.overdue_end": (0, 0),
    # §4.3.3: D2 late -> suspension from 2024-10-02
    "measures.warnings": (0, 0),
    "measures.suspensions": (1, 0),
    "measures.suspensions_by_reason:deviation_suspension": (1, 0),
    "measures.withdrawals": (0, 0),
    "measures.escalations": (1, 0),
    "measures.escalations_by_reason:CCV PKVW §3.2.7 opleverdossier": (1, 0),
    # §3.3.1: 2024 K2 received 2024-11-15, deadline 2025-01-15 -> open at year end;
    # 2023 K3 received 2023-02-01, closed 2023-05-01 > 2023-04-01 -> late
    "complaints.received": (1, 1),
    "complaints.handled_in_time": (0, 0),
    "complaints.handled_late": (0, 1),
    "complaints.overdue_end": (0, 0),
    "complaints.open_end": (1, 0),
    # Process checks: P1 and P2 record no staff, audits of PKVW are not billed under TAR
    # 9201: no finding in either year.
    "process.findings": (0, 0),
    "process.findings_open_end": (0, 0),
}


@pytest.fixture(scope="module")
def report_store(tmp_path_factory: pytest.TempPathFactory, _report_template: Path) -> Path:
    """One copy for the module: its tests only read."""
    return copy_store(_report_template, tmp_path_factory.mktemp("yearly") / "store.duckdb")


def _figures(path: Path, scheme: str) -> dict[str, tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("set variable as_of = date '2024-12-31'")
        rows = con.execute("select indicator, value, previous_value from yearly_report"
                           " where year = 2024 and scheme = ?", [scheme]).fetchall()
    return {indicator: (value, previous) for indicator, value, previous in rows}


@pytest.mark.parametrize(("scheme", "expected"), [("brl9341", BRL9341), ("pkvw", PKVW)])
def test_every_indicator_by_hand(report_store: Path, scheme: str, expected: dict) -> None:
    assert _figures(report_store, scheme) == expected


def test_one_row_per_scheme_year_indicator(report_store: Path) -> None:
    with duckdb.connect(str(report_store), read_only=True) as con:
        con.execute("set variable as_of = date '2024-12-31'")
        total, distinct = con.execute(
            "select count(*), count(distinct (scheme, year, indicator)) from yearly_report"
        ).fetchone()
        years = con.execute("select scheme, min(year), max(year) from report_periods"
                            " group by scheme order by scheme").fetchall()
    assert total == distinct
    # B1 applied 2022, P1 applied 2021; up to the as-of year
    assert years == [("brl9341", 2022, 2024), ("pkvw", 2021, 2024)]


def test_no_holder_name_in_any_row(report_store: Path) -> None:
    with duckdb.connect(str(report_store), read_only=True) as con:
        con.execute("set variable as_of = date '2024-12-31'")
        text = " ".join(str(v) for row in con.execute(
            "select * from yearly_report").fetchall() for v in row)
    for name in ("Granulaat", "Sloten", "Deur BV", "Tweede BV", "B1", "P1", "H1"):
        assert name not in text.split() and f" {name} " not in f" {text} "


def test_articles_cite_the_schemes_own_sources(report_store: Path) -> None:
    """The College reads an article next to each figure: the process-check totals cite the
    scheme's checks (BRL 9341 §1.4 accreditation, §5.5.2 lot size, §5.5.3 sampling; CCV
    PKVW §2.1 staff, §3.3.2 refresher), never an internal document. Issue 22: each section
    cites its own scheme's articles - BRL 9341's complaints §8.7 ("Ontvangen klachten van
    derden") and §6.3 item 11 (the holder's complaint procedure), its deviations §8.6 (the
    findings of each control) and §8.7; never CCV PKVW's."""
    with duckdb.connect(str(report_store), read_only=True) as con:
        con.execute("set variable as_of = date '2024-12-31'")
        rows = dict(((s, i), a) for s, i, a in con.execute(
            "select scheme, indicator, article from yearly_report where year = 2024"
        ).fetchall())
    assert rows["brl9341", "process.findings"] == "BRL 9341 §1.4, §5.5.2, §5.5.3"
    assert rows["pkvw", "process.findings"] == "CCV PKVW §2.1, §3.3.2"
    assert rows["brl9341", "complaints.received"] == "BRL 9341 §8.7"
    assert rows["brl9341", "complaints.handled"] == "BRL 9341 §6.3 (11), §8.7"
    assert rows["pkvw", "complaints.received"] == "CCV PKVW §3.3.1"
    assert rows["brl9341", "deviations.found"] == "BRL 9341 §8.6, §8.7"
    assert rows["pkvw", "deviations.found"] == "CCV PKVW §4.3.1-§4.3.2"
    assert rows["brl9341", "measures.suspensions"] == "BRL 9341 §8.7, §8.9"
    assert rows["brl9341", "mutations.issued"] == "BRL 9341 §8.7"
    assert not any(a and "CCV" in a for (s, _), a in rows.items() if s == "brl9341")
    assert not any(a and "docs/" in a for a in rows.values())
