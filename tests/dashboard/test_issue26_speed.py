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

from dashboard import queries
from dashboard.app_pages.common import unvalidated
from dashboard.charts import localized
from dashboard.viewer import BODY
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
    # the same chart, in the reader's notation (issue 27: dashboard/charts.py localized)
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
