"""Overview page: KPI tiles against a year earlier, trends, the worklist and its links.

Store and hand-worked values: tests/dashboard/mgmt_store.py (as of 2025-06-30).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries
from dashboard.viewer import BODY, producer, staff
from tests.dashboard.mgmt_app import (
    APP,
    charts,
    frame_with,
    metrics,
    open_app,
    open_page_alone,
)
from tests.dashboard.mgmt_store import AS_OF, build

H1 = producer("Groen Substraat BV", ("BRL-001",), ("H1",))


@pytest.fixture(scope="module", autouse=True)
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = build(tmp_path_factory.mktemp("overview") / "mgmt.duckdb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CERT_DB", str(path))
        yield path


def test_tiles_against_a_year_earlier() -> None:
    at = open_app(BODY)
    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]
    tiles = metrics(at)
    # D1 and D2 open; D1 past its deadline 2025-05-10 (CCV PKVW §4.3.2). A year earlier
    # (2024-06-30) none had been found: change +2 and +1.
    assert tiles["Open deviations"] == "2"
    assert tiles["Deviations past deadline"] == "1"
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["Open deviations"] == "+2"
    # P1 suspended since 2025-05-11; withdrawn 6 months later, 2025-11-11: 134 days
    # (CCV PKVW §4.3.3).
    assert tiles["Suspended certificates"] == "1"
    assert tiles["Days to the first withdrawal"] == "134"
    # L1 complies, L2 exceeds arsenic 1.2 > 0.9 (BRL 9341 §4.2, bijlage IV): 2 lots, 50 %.
    assert tiles["Lots tested (12 months)"] == "2"
    assert tiles["Lots compliant (12 months)"] == "50%"
    # BRL-001 (last control 2024-10-01 + 6 months) and P1 (issued 2020-01-01 + 18 months,
    # no audit since) are overdue.
    assert tiles["Audits overdue"] == "2"
    # INV1: 100.00 excl. VAT invoiced in 2025, 121.00 open and overdue (TAR 9201 §2.3.2).
    # euros with their cents, as on the Billing page
    assert tiles["Invoiced this year"] == "€100.00"
    assert tiles["Outstanding"] == "€121.00"
    assert tiles["Overdue receivables"] == "€121.00"
    assert deltas["Outstanding"] == "+€121.00"
    assert tiles["Invoice-check differences"] == "1"
    assert charts(at) == 5


def trend_charts(at: AppTest) -> dict[str, tuple[dict[str, Any], pl.DataFrame]]:
    """Each chart's Vega-Lite spec and the rows it draws, by chart title."""
    found = {}
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        (dataset,) = chart.proto.datasets
        found[spec["title"]] = (spec, pl.from_arrow(pa.ipc.open_stream(
            dataset.data.data).read_all()))
    return found


def hollow_points(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [layer for layer in spec.get("layer", [])
            if layer["mark"]["type"] == "point" and layer["mark"].get("filled") is False]


def test_month_to_date_is_marked_in_the_trends() -> None:
    # As of 2025-06-15 June is counted up to the 15th only: L2 (sampled 2025-06-01) is its
    # one partij. That point is "month to date", drawn hollow at the end of a dashed
    # segment from May, never as a whole month; a stock (open afwijkingen) is the figure
    # on the as-of date.
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["viewer"] = BODY
    at.session_state["as_of"] = date(2025, 6, 15)
    at.run()
    assert not at.exception
    spec, rows = trend_charts(at)["Lots tested per month"]
    june = rows.filter(pl.col("month") == date(2025, 6, 1))
    assert june.select("value", "partial", "period").rows() == [
        (1.0, True, "month to date, 1–15 June 2025")]
    assert rows.filter(pl.col("partial"))["month"].to_list() == [date(2025, 6, 1)]
    assert rows.filter(pl.col("tail"))["month"].to_list() == [date(2025, 5, 1),
                                                              date(2025, 6, 1)]
    (hollow,) = hollow_points(spec)
    assert hollow["transform"] == [{"filter": "!datum.underlay && datum.partial"}]
    solid = [layer for layer in spec["layer"] if layer["mark"]["type"] == "line"
             and "strokeDash" not in layer["mark"]]
    assert [layer["transform"] for layer in solid] == [[{"filter": "!datum.partial"}]]
    _, deviations = trend_charts(at)["Open deviations at the month's end"]
    assert not deviations["partial"].any()
    assert deviations.filter(pl.col("month") == date(2025, 6, 1))["period"].to_list() == [
        "on the as-of date, 15 June 2025"]
    assert ("Hollow point, dashed last segment: June 2025 so far (month to date, up to the "
            "as-of date 15 June 2025), not a whole month.") in [c.value for c in at.caption]
    # On the month's last day (AS_OF, 2025-06-30) June is whole: nothing is marked.
    whole = trend_charts(open_app(BODY))
    for spec, rows in whole.values():
        assert not rows["partial"].any() and not hollow_points(spec)
    # Counts take whole ticks only (two certificates once read 0, 1, 1, 2, 2 on the axis).
    spec, _ = whole["Certificates at the month's end"]
    assert spec["layer"][0]["encoding"]["y"]["axis"]["tickMinStep"] == 1
    # As of 2020-03-15 no partij, invoice or charge falls in the 24 months: the flows are
    # notes, not charts, and the month-to-date note has no chart to explain.
    early = AppTest.from_file(APP, default_timeout=60)
    early.session_state["viewer"] = BODY
    early.session_state["as_of"] = date(2020, 3, 15)
    early.run()
    assert not early.exception
    assert "Lots tested per month" not in trend_charts(early)
    assert not any("month to date" in c.value for c in early.caption)


def test_revenue_expected_is_a_band_under_invoiced() -> None:
    # "expected by the tariff" usually equals "invoiced": it is drawn first, wide and
    # pale, under "invoiced", and the one legend tells them apart.
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["viewer"] = BODY
    at.session_state["as_of"] = date(2025, 4, 30)
    at.run()
    spec, rows = trend_charts(at)["Revenue per month (excl. VAT)"]
    assert rows["series"].to_list()[0] == "expected by the tariff"
    encoding = spec["layer"][0]["encoding"]
    assert encoding["strokeWidth"]["scale"] == {"domain": ["invoiced",
                                                           "expected by the tariff"],
                                                "range": [2, 8]}
    assert encoding["color"]["legend"] == encoding["strokeWidth"]["legend"]


def worklist_table(at: AppTest, kind: str) -> pl.DataFrame:
    """The rows of one kind's worklist table (keyed worklist_<kind>)."""
    return pl.from_pandas(at.container(key=f"table_worklist_{kind}").dataframe[0].value)


def test_worklist_once_grouped_by_kind_with_rule_and_links() -> None:
    at = open_app(BODY)
    # issue 26: one expander per kind, its count in the label, in the view's order of
    # urgency (afwijking, suspension, sampling, audit, unpaid, tariff, process finding).
    # D1 is past its deadline (2025-05-10), D2 due 2025-07-05: 1 of 2 overdue.
    assert [e.label for e in at.expander][1:] == [
        "Deviation deadline passed or within 14 days · 2 (1 overdue)",
        "Suspended until withdrawal or lapse · 1",
        "Audit overdue · 2",
        "Invoice unpaid past due · 1",
        "Invoice not matching the tariff · 1",
        "Process check finding · 2"]
    # shown once: one table per kind and no list of cards beside them
    assert sum("subject" in t.value.columns for t in at.dataframe) == 6
    assert not at.get("page_link")
    deviations = worklist_table(at, "deviation")
    assert deviations["subject"].to_list() == ["D1", "D2"]
    # overdue in words, never a negative "days left": D1 51 days past 2025-05-10, D2 due
    # 2025-07-05 = in 5 days; withdrawal of P1 on 2025-11-11 = in 134 days.
    assert deviations["when"].to_list() == ["overdue for 51 days", "due in 5 days"]
    # one rule for the kind: said once above its items
    # the rule in the reader's language from the view's keys (issue 27); English here:
    # these tests run with CERT_LANG=en (the Dutch: tests/sql/test_worklist_keys.py)
    assert "Rule: correction deadline: A 2 months, B 3 months after the finding; suspended " \
        "the day after a missed deadline (CCV PKVW §4.3.1-§4.3.4)." in [
            t.value for t in at.text]
    assert worklist_table(at, "suspension")["when"].to_list() == ["due in 134 days"]
    # worst first: P1's next audit was due 2021-07-01 (issued 2020-01-01 + 18 months),
    # 1460 days ago; BRL-001's 2025-04-01, 90 days ago.
    audits = worklist_table(at, "audit_overdue")
    assert audits.select("certificate_number", "when").rows() == [
        ("P1", "overdue for 1460 days"), ("BRL-001", "overdue for 90 days")]
    assert audits["rule"].to_list() == ["an audit every 18 months",
                                        "2 control visits a year, spread (next within 6 "
                                        "months)"]
    # the lab reports R1 and R2 name no lab (BRL 9341 §1.4): found on their sampling
    # dates, 121 and 29 days before the as-of date; a finding is not "overdue"
    findings = worklist_table(at, "process_finding")
    assert findings["when"].to_list() == ["found 121 days ago", "found 29 days ago"]
    assert "Rule: procedural check lab accreditation (major) (BRL 9341 §1.4)." in [
        t.value for t in at.text]
    # selecting an item offers the link to the page that shows it
    for kind, row, link in [
            ("deviation", 1, ("certificates", "section=deviations&certificate=P1")),
            ("invoice_unpaid", 0, ("billing", "section=receivables&certificate=BRL-001")),
            ("invoice_mismatch", 0,
             ("billing", "section=check&certificate=BRL-001&period=2025-04")),
            ("audit_overdue", 1, ("certificates", "section=audits&certificate=BRL-001")),
            ("process_finding", 0, ("certificates", "section=findings&certificate=BRL-001"))]:
        at.session_state[f"worklist_{kind}"] = {"selection": {"rows": [row], "columns": []}}
        at.run()
        assert not at.exception
        assert link in [(p.proto.page, p.proto.query_string) for p in at.get("page_link")]
        at.session_state[f"worklist_{kind}"] = {"selection": {"rows": [], "columns": []}}


def test_worklist_filter_by_kind_lives_in_the_url() -> None:
    at = open_app(BODY)
    at.multiselect(key="worklist_kinds").set_value(["invoice_unpaid"]).run()
    assert not at.exception
    assert list(frame_with(at, "subject")["subject"]) == ["INV1"]
    assert at.query_params["kind"] == "invoice_unpaid"
    linked = open_app(BODY, params={"kind": "deviation"})
    assert list(frame_with(linked, "subject")["subject"]) == ["D1", "D2"]


@pytest.mark.parametrize("viewer", [staff("finance", "F"), staff("college", "C"), H1])
def test_overview_is_for_management_only(viewer) -> None:  # noqa: ANN001
    at = open_page_alone(viewer, "overview")
    assert not at.exception
    assert [e.value for e in at.error] == ["This page is not available to you."]
    assert not at.metric and not at.dataframe


def test_queries_keep_to_the_viewers_rows() -> None:
    # A producer gets no company-wide figures, and only its own worklist items.
    assert queries.kpi_overview(H1, AS_OF).is_empty()
    assert queries.kpi_monthly(H1, AS_OF).is_empty()
    assert set(queries.worklist(H1, AS_OF)["certificate_number"]) == {"BRL-001"}
    assert set(queries.worklist(BODY, AS_OF)["certificate_number"]) == {"BRL-001", "P1"}


def test_ingested_text_is_never_markdown() -> None:
    # D1's requirement is "R1 <b>hinge</b> **x**": it appears verbatim in the worklist's
    # table (cells are text), and in no Markdown element.
    at = open_app(BODY)
    assert worklist_table(at, "deviation")["detail"].to_list()[0] == \
        "category A, R1 <b>hinge</b> **x**"  # CERT_LANG=en in these tests (issue 27)
    assert not any("hinge" in m.value for m in at.markdown)
    assert not any("hinge" in c.value for c in at.caption)
