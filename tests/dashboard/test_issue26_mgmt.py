"""Issue 26, the manager's pages: one figure, one meaning.

Store: tests/dashboard/conftest.py (BRL-001 site S1 lots L1, L2; BRL-002 site S2 lot L3; as
of 2026-11-23) plus BRL-003, a certificate still in admission with an overdue series.
Every expected value below is worked out by hand from those rows.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboard import glossary
from dashboard.app_pages.common import column_config, displayed
from pipelines.store import refresh
from tests.dashboard.test_app import AS_OF, H1, open_page, run_app, table

# The series overdue on 2026-11-23 (BRL 9341 bijlage II, fewer than 5 observations: every
# lot, at least 10 per year; with fewer than 10 tests the next one is due a year after the
# first): S1 first tested 2024-03-01 -> due 2025-03-01, 632 days before the as-of date;
# S2 first tested 2024-05-01 -> due 2025-05-01, 571 days before.
OVERDUE = [("BRL-001", "S1", "arsenic", 632), ("BRL-001", "S1", "zinc", 632),
           ("BRL-002", "S2", "arsenic", 571)]


@pytest.fixture
def admission_store(dash_store: Path) -> Path:
    """BRL-003 applied 2024-01-01 and is not issued: its series at S3 (one lot, tested
    2024-04-01, due 2025-04-01) misses its frequency, but a certificate in admission has no
    overdue series (docs/rules.md §2, "Overdue series")."""
    con = duckdb.connect(str(dash_store))
    con.execute("insert into certificate_holders (holder_id, holder_name) values "
                "('H3', 'Nieuw Substraat BV')")
    con.execute("insert into certificates (certificate_number, scheme, holder_id, applied_on)"
                " values ('BRL-003', 'brl9341', 'H3', date '2024-01-01')")
    con.execute("insert into sites (site_id, certificate_number, name) values "
                "('S3', 'BRL-003', 'Venlo')")
    con.execute("insert into lots (site_id, lot_id, certificate_number, product) values "
                "('S3', 'L4', 'BRL-003', 'boomgranulaat')")
    con.execute("""
        insert into analyses (certificate_number, site_id, lot_id, product, sample_id,
            sampled_on, component, value, below_loq, lab_report_id, purpose)
        values ('BRL-003', 'S3', 'L4', 'boomgranulaat', 'M9', date '2024-04-01', 'arsenic',
                0.4, false, 'R9', 'production')
    """)
    refresh(con)
    con.close()
    return dash_store


def overdue_view(path: Path) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("create or replace temp table as_of_date as select ?::date as as_of",
                    [AS_OF])
        return con.execute("select certificate_number, site_id, component, days_overdue "
                           "from sampling_overdue order by days_overdue desc, site_id, "
                           "component").fetchall()
    finally:
        con.close()


def test_overdue_series_one_view_on_every_page(admission_store: Path) -> None:
    # the premise: sampling_frequency alone calls BRL-003's series overdue too
    con = duckdb.connect(str(admission_store), read_only=True)
    con.execute("create or replace temp table as_of_date as select ?::date as as_of", [AS_OF])
    assert con.execute("select count(*) from sampling_frequency where overdue").fetchone() \
        == (4,)
    con.close()
    view = overdue_view(admission_store)
    assert view == OVERDUE
    wanted = {(c, s, comp) for c, s, comp, _ in OVERDUE}

    overview = run_app()
    assert not overview.exception
    tiles = {m.label: m.value for m in overview.metric}
    assert tiles["Sampling series overdue"] == str(len(view))
    label = glossary.WORKLIST_KINDS["sampling_overdue"]
    assert f"{label} · {len(view)}" in [e.label for e in overview.expander]
    items = table(overview, "worklist_sampling_overdue")
    assert {tuple(r["subject"].split(" · ")[::2]) for r in items} == \
        {(s, comp) for _, s, comp in wanted}
    assert [r["when"] for r in items] == [f"overdue for {d} days" for *_, d in OVERDUE]

    plan = open_page(run_app(), "sampling_plan")
    assert not plan.exception
    assert {m.label: m.value for m in plan.metric}["Series overdue"] == str(len(view))
    rows = table(plan, "plan_table")
    assert {(r["certificate_number"], r["site_id"], r["component"]) for r in rows
            if r["overdue"] == "overdue"} == wanted
    # BRL-003's series is listed, not overdue
    assert [r["overdue"] for r in rows if r["certificate_number"] == "BRL-003"] == ["no"]
    # overdue for N days in its own column, the worst first
    assert [r["days_overdue"] for r in rows[:3]] == [d for *_, d in OVERDUE]


def test_the_why_is_read_in_full(dash_store: Path) -> None:
    plan = open_page(run_app(), "sampling_plan")
    proto = plan.container(key="table_plan_table").dataframe[0].proto
    columns = json.loads(proto.columns)
    # the frequency and the reason in columns of their own, the reason in a wide column
    assert {"frequency_text", "reason"} <= set(columns)
    assert columns["reason"]["width"] >= 500
    rows = table(plan, "plan_table")
    (at,) = [i for i, r in enumerate(rows) if (r["site_id"], r["component"]) == ("S1", "arsenic")]
    first = rows[at]
    # from the view's message keys (issue 27), English: CERT_LANG=en in these tests
    assert first["frequency_text"] == "every lot, at least 10 per year"
    assert first["reason"] == "fewer than 5 observations (2 so far) (BRL 9341 bijlage II)"
    # selecting the row shows its whole line, and how long it is overdue (632 days)
    plan.session_state["plan_table"] = {"selection": {"rows": [at], "columns": []}}
    plan.run()
    assert not plan.exception
    texts = [t.value for t in plan.text]
    assert ("arsenic at S1 (boomgranulaat): every lot, at least 10 per year: fewer than 5 "
            "observations (2 so far) (BRL 9341 bijlage II)") in texts
    assert "Overdue for 632 days." in texts


def test_lots_not_tested_beside_the_required_frequency(dash_store: Path) -> None:
    con = duckdb.connect(str(dash_store))  # L9: registered, produced 2024-07-01, no result
    con.execute("insert into lots (site_id, lot_id, certificate_number, product, produced_on)"
                " values ('S1', 'L9', 'BRL-001', 'boomgranulaat', date '2024-07-01')")
    refresh(con)
    con.close()
    at = open_page(run_app(H1), "sampling_plan")
    assert not at.exception
    # S1: L1, L2 tested, L9 not: 1 of 3. Fewer than 5 observations: every lot, at least 10
    # per year; S1's arsenic and zinc are overdue (2025-03-01), so the next lot is due.
    assert {m.label: m.value for m in at.metric}["Lots not tested"] == "1 of 3"
    assert ("S1 (boomgranulaat): 1 of 3 lots not tested; required every lot, at least 10 "
            "per year: 2 series overdue: test the next lot for them.") in \
        [t.value for t in at.text]
    at = open_page(run_app(H1), "sampling_plan", view="Lots not tested")
    (row,) = table(at, "untested_counts")
    assert (row["n_lots"], row["n_untested"], row["required_frequency"],
            row["n_series_overdue"]) == (3, 1, "every lot, at least 10 per year", 2)


def test_booleans_read_as_words() -> None:
    frame = pl.DataFrame({"overdue": [True, False, None], "tested": [True, False, None]})
    shown = displayed(frame)
    assert shown["overdue"].to_list() == ["overdue", "no", None]
    assert shown["tested"].to_list() == ["yes", "no", None]
    assert column_config(frame)["tested"]["type_config"]["type"] != "checkbox"
    # the frame keeps its booleans (filters, downloads)
    assert frame["tested"].dtype == pl.Boolean


def test_receivables_defined_once_and_told_apart(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.dashboard.mgmt_app import open_app
    from tests.dashboard.mgmt_store import AS_OF as MGMT_AS_OF
    from tests.dashboard.mgmt_store import build

    path = build(tmp_path / "mgmt.duckdb")
    con = duckdb.connect(str(path))
    # INV2 of 2025-06-15, 50.00 + 21 % = 60.50: due 30 days later, after 2025-06-30
    con.execute("insert into invoices (invoice_id, certificate_number, invoice_date) values "
                "('INV2', 'BRL-001', date '2025-06-15')")
    con.execute("insert into invoice_lines (invoice_id, line_no, fee_code, description, "
                "quantity, unit_price, amount_excl_vat, vat_rate) values "
                "('INV2', 1, 'HOURLY', 'Prestatievergoeding', 1, 50, 50, 0.21)")
    refresh(con)
    con.close()
    monkeypatch.setenv("CERT_DB", str(path))
    from dashboard.viewer import BODY

    at = open_app(BODY)
    assert not at.exception and date(2025, 6, 30) == MGMT_AS_OF
    tiles = {m.label: m for m in at.metric}
    # INV1 121.00 is 30 days past due; INV2 60.50 is not due yet: outstanding 181.50
    assert tiles["Outstanding"].value == "€181.50"
    assert tiles["Overdue receivables"].value == "€121.00"
    assert tiles["Outstanding"].proto.help != tiles["Overdue receivables"].proto.help
    # colour only what needs action: the outstanding total's change is grey
    assert tiles["Outstanding"].proto.color == tiles["Outstanding"].proto.GRAY
    assert tiles["Overdue receivables"].proto.color == tiles["Overdue receivables"].proto.RED
    note = ("Outstanding €181.50 = overdue €121.00 + not yet due €60.50 (COPRO TAR 9201 "
            "§2.3.2: payable within 30 days).")
    assert note in [c.value for c in at.caption]
    billing = open_app(BODY, "billing", params={"section": "receivables"})
    assert not billing.exception
    figures = {m.label: m.value for m in billing.metric}
    assert (figures["Outstanding"], figures["Overdue receivables"]) == ("€181.50",
                                                                        "€121.00")
    assert note in [c.value for c in billing.caption]


def test_the_register_names_the_article_of_issuance(dash_store: Path) -> None:
    # BRL-001 (conftest) is active since its issuance 2020-01-01: BRL 9341 §3.2
    # (certificaatverlening) and §3.3 (validity), never the word "issuance"
    at = open_page(run_app(), "certificates")
    assert not at.exception
    articles = {r["certificate_number"]: r["article"] for r in table(at, "register_table")}
    assert articles["BRL-001"] == "BRL 9341 §3.2, §3.3"
    assert not {"issuance", "application"} & set(articles.values())
