"""Management's Overview: the indicators, their monthly trend and the worklist.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.queries.finance import receivable_totals as receivable_totals
from dashboard.queries.shared import _run
from dashboard.viewer import Viewer

# === issue 9: management pages (overview, worklist, certificates, billing) ===
# Aggregates over every certificate (KPIs, trends, revenue) are for viewers who see all
# rows: for anyone else they return no rows (``where ?::boolean``), never a total that
# includes other holders.


def kpi_overview(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """One row per indicator × breakdown (view kpi_overview) as of ``as_of``."""
    sql = """
        select indicator, breakdown, value
        from kpi_overview
        where ?::boolean
        order by indicator, breakdown
    """
    return _run(sql, [viewer.sees_all], as_of)


def kpi_monthly(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """One row per month × indicator, 24 months up to ``as_of`` (view kpi_monthly)."""
    sql = """
        select month, indicator, value
        from kpi_monthly
        where ?::boolean
        order by indicator, month
    """
    return _run(sql, [viewer.sees_all], as_of)


def worklist(viewer: Viewer, as_of: date, kinds: tuple[str, ...] = (),
             per_kind: int = 500) -> pl.DataFrame:
    """The worklist (view worklist), most urgent first: up to ``per_kind`` items of each
    kind, with ``n_kind`` = how many items of that kind there are in all.

    ``kinds`` narrows the cached read of every kind: the row limit and ``n_kind`` are per
    kind, so the narrowed rows are the same as a query for those kinds alone, and picking
    kinds on the Overview reads no view again (issue 26: 0.6 s of CPU at scale 100)."""
    where, params = viewer.row_filter("certificate_number")
    params.append(per_kind)
    sql = f"""
        select
            priority, kind, certificate_number, scheme, subject, due_on, days,
            days_overdue, detail, rule, article, site_id, product, period,
            detail_key, detail_args, rule_key, rule_args, subject_key, subject_args,
            count(*) over (partition by kind) as n_kind
        from worklist
        where {where}
        qualify row_number() over (
            partition by kind order by due_on nulls last, certificate_number, subject
        ) <= ?
        order by priority, due_on nulls last, certificate_number, subject
    """
    items = _run(sql, params, as_of)
    return items.filter(pl.col("kind").is_in(list(kinds))) if kinds else items
