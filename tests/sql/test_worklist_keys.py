"""The worklist's detail and rule as message keys (issue 27 step 4): the English columns
unchanged, the same sentences in Dutch from detail_key/_args and rule_key/_args. Store:
tests/dashboard/mgmt_store.py (INV1: 1 × 100.00 + 21 % VAT = 121.00 open; D1 overdue,
P1 suspended the day after D1's deadline 2025-05-10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.i18n.keys import render_detail
from pipelines.store import connect
from tests.dashboard.mgmt_store import AS_OF, build

NBSP = "\u00a0"  # CLDR's space between € and the amount in Dutch


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    db = build(Path(tmp_path_factory.mktemp("worklist_keys")) / "store.duckdb")
    con = connect(db, read_only=False)
    try:
        con.execute("update settings set as_of = ?", [AS_OF])
        found = con.execute(
            "select subject, certificate_number, detail, detail_key, detail_args, rule,"
            " rule_key, rule_args from worklist").fetchall()
    finally:
        con.close()
    return {f"{r[0]} {r[1]}": r[2:] for r in found}


def test_every_rule_in_english_is_the_rule_column(rows) -> None:
    for detail, _dkey, _dargs, rule, rkey, rargs in rows.values():
        assert rkey is not None
        assert render_detail(rkey, rargs, "-", lang="en") == rule


def test_details_in_dutch(rows) -> None:
    def dutch(item: str) -> str:
        detail, key, args, *_ = rows[item]
        return render_detail(key, args, detail, lang="nl")

    assert dutch("INV1 BRL-001") == (
        f"openstaand €{NBSP}121,00, rente €{NBSP}0,00, forfait €{NBSP}0,00")
    assert dutch("2025-04 · HOURLY BRL-001") == (
        f"niet verwacht (geen tariefregel leverde deze op): verwacht €{NBSP}0,00, "
        f"gefactureerd €{NBSP}100,00")
    assert dutch("audits 2025 P1") == "0 van de 6 vereiste bezoeken/audits uitgevoerd in 2025"
    assert dutch("D2 P1") == "categorie B, R2"
    # the lifecycle's reason is a message of its own (CCV PKVW §4.3.2-§4.3.3: D1, category
    # A, its deadline 10 May 2025 missed, suspended from the next day)
    assert dutch("withdrawal / lapse P1") == (
        "geschorst sinds 11 mei 2025: afwijking D1 (categorie A, R1 <b>hinge</b> **x**) niet "
        "hersteld uiterlijk 10 mei 2025")
    # a process finding's detail too (BRL 9341 §1.4: the lab of report R1 not accredited)
    assert rows["lab report R1 (lab not named) BRL-001"][1] == "finding_lab_not_accredited"


def test_rules_in_dutch(rows) -> None:
    _, _, _, rule, key, args = rows["lab report R1 (lab not named) BRL-001"]
    assert rule == "procedural check lab accreditation (major)"
    assert render_detail(key, args, rule, lang="nl") == (
        "procedurele controle accreditatie van het laboratorium (ernstig)")
    _, _, _, rule, key, args = rows["INV1 BRL-001"]
    assert render_detail(key, args, rule, lang="nl") == (
        "betaling binnen 30 dagen; wettelijke rente bij te late betaling en een forfait van "
        "15 %")
