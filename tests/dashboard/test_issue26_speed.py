"""Issue 26, page speed: the shortcuts taken for speed give the same answers.

Store: tests/dashboard/conftest.py (BRL-001 site S1 boomgranulaat: arsenic and zinc in lots
L1, L2; BRL-002 site S2 daktuinsubstraat: arsenic in lot L3; as of 2026-11-23). Three
series (site × product × component) on two site × product, all three overdue
(tests/dashboard/test_issue26_mgmt.py OVERDUE: S1's by 632 days, S2's by 571).
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import polars as pl
import pytest
import streamlit as st

from dashboard import db, queries
from dashboard.app_pages.common import unvalidated
from dashboard.viewer import BODY
from pipelines.charts import localized
from tests.dashboard.test_app import AS_OF


def test_the_plan_counts_every_series_also_beyond_the_rows_read(dash_store: Path) -> None:
    # one statement gives the rows and the counts: with one row read, the counts still
    # cover the three series (the Sampling plan's figures above a cut table)
    plan, counts = queries.sampling_plan_with_counts(BODY, AS_OF, limit=1)
    assert plan.select("site_id", "component").rows() == [("S1", "arsenic")]
    assert counts == {"n_series": 3, "n_overdue": 3, "n_site_products": 2}
    assert "n_series" not in plan.columns  # the counts are not columns of the plan
    only_s2, counts = queries.sampling_plan_with_counts(
        BODY, AS_OF, queries.PlanFilters(certificate_numbers=("BRL-002",)))
    assert only_s2.select("site_id", "component", "days_overdue").rows() == [
        ("S2", "arsenic", 571)]
    assert counts == {"n_series": 1, "n_overdue": 1, "n_site_products": 1}


def test_an_empty_plan_has_no_rows_and_zero_counts(dash_store: Path) -> None:
    plan, counts = queries.sampling_plan_with_counts(
        BODY, AS_OF, queries.PlanFilters(site_ids=("S9",)))
    assert plan.is_empty() and "component" in plan.columns
    assert counts == {"n_series": 0, "n_overdue": 0, "n_site_products": 0}
    assert queries.sampling_plan(BODY, AS_OF).height == 3


def test_an_unvalidated_chart_is_the_same_chart_without_the_schema_check(
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = pl.DataFrame({"month": [1, 2], "value": [3.0, 4.0]})
    chart = alt.layer(alt.Chart(data).mark_line().encode(x="month:Q", y="value:Q"),
                      alt.Chart(data).mark_point().encode(x="month:Q", y="value:Q"),
                      ).properties(title="t")
    fast = unvalidated(chart)
    assert isinstance(fast, alt.LayerChart)
    # the same chart, in the reader's notation (issue 27: pipelines/charts.py localized)
    assert fast.to_dict() == localized(chart).to_dict()
    assert fast.to_dict()["config"]["locale"]["number"]["decimal"] == "."  # CERT_LANG=en

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("validated")

    # the schema check is what st.altair_chart's to_dict() no longer runs
    monkeypatch.setattr(alt.LayerChart, "validate", refuse, raising=False)
    with pytest.raises(AssertionError, match="validated"):
        chart.to_dict()
    assert fast.to_dict()["title"] == "t"
    with pytest.raises(AssertionError, match="validated"):
        fast.to_dict(validate=True)  # asked for, it still validates


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL of every read that reaches the store (a cache hit does not)."""
    seen: list[str] = []
    original = db.read_frame

    def counting(sql: str, params: list[object] | None = None, **kw: object) -> pl.DataFrame:
        seen.append(sql)
        return original(sql, params, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(db, "read_frame", counting)
    st.cache_data.clear()
    return seen


def test_a_filter_change_on_the_sampling_plan_reads_no_view_again(
        dash_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _count_reads(monkeypatch)
    queries.sampling_plan_with_counts(BODY, AS_OF)
    queries.untested_lot_counts(BODY, AS_OF)
    read = len(seen)
    # the page's filters narrow the rows read once: the same answers, no second read
    only_s1, counts = queries.sampling_plan_with_counts(
        BODY, AS_OF, queries.PlanFilters(site_ids=("S1",), only_overdue=True))
    assert only_s1.select("site_id", "component", "days_overdue").rows() == [
        ("S1", "arsenic", 632), ("S1", "zinc", 632)]
    assert counts == {"n_series": 2, "n_overdue": 2, "n_site_products": 1}
    only_s2 = queries.untested_lot_counts(
        BODY, AS_OF, queries.PlanFilters(certificate_numbers=("BRL-002",), only_overdue=True))
    assert only_s2.select("certificate_number", "site_id").rows() == [("BRL-002", "S2")]
    none, counts = queries.sampling_plan_with_counts(
        BODY, AS_OF, queries.PlanFilters(products=("no such product",)))
    assert none.is_empty() and counts["n_series"] == 0
    assert len(seen) == read


def test_picking_worklist_kinds_reads_no_view_again(
        dash_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _count_reads(monkeypatch)
    every = queries.worklist(BODY, AS_OF)
    read = len(seen)
    sampling = queries.worklist(BODY, AS_OF, ("sampling_overdue",))
    assert len(seen) == read
    # the three overdue series (S1 due 2025-03-01, S2 2025-05-01), the earliest due first
    assert sampling.select("certificate_number", "site_id", "days_overdue", "n_kind").rows() \
        == [("BRL-001", "S1", 632, 3), ("BRL-001", "S1", 632, 3), ("BRL-002", "S2", 571, 3)]
    assert sampling.equals(every.filter(pl.col("kind") == "sampling_overdue"))
    # the limit is per kind: one row read of each, the count still of all three
    one = queries.worklist(BODY, AS_OF, ("sampling_overdue",), per_kind=1)
    assert one.select("site_id", "n_kind").rows() == [("S1", 3)]


def test_no_page_relies_on_streamlit_magic() -> None:
    """.streamlit/config.toml turns magic off (issue 26: its syntax-tree rewrite cost
    0.1-0.3 s a run): a bare expression on its own line would then show nothing, so no page
    may have one (docstrings and calls are not written by magic anyway)."""
    import ast
    import tomllib

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["magicEnabled"] is False
    bare = []
    for script in [root / "dashboard" / "app.py", *sorted((root / "dashboard" / "app_pages")
                                                         .glob("*.py"))]:
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            body = getattr(node, "body", None)
            for i, statement in enumerate(body if isinstance(body, list) else []):
                if not isinstance(statement, ast.Expr) or isinstance(
                        statement.value, ast.Call | ast.Await | ast.Yield | ast.YieldFrom):
                    continue
                if i == 0 and isinstance(statement.value, ast.Constant) \
                        and isinstance(statement.value.value, str):
                    continue  # a docstring
                bare.append(f"{script.name}:{statement.lineno}")
    assert bare == []
