"""BRL 9341 sampling plan (the Sampling plan page; management and producers): the
plan with its counts, site regimes and their history, untested lots.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import polars as pl

from dashboard.queries.shared import MAX_ROWS as MAX_ROWS
from dashboard.queries.shared import _run
from dashboard.viewer import Viewer

# (insert above this line)
# === end management pages ===


# === issue 9: BRL 9341 and producer pages (sampling plan, lot, my certificates, data) ===
@dataclass(frozen=True)
class PlanFilters:
    """What the Sampling plan page narrows down to; empty means "all"."""

    certificate_numbers: tuple[str, ...] = ()
    site_ids: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    only_overdue: bool = False


def _plan_where(viewer: Viewer, filters: PlanFilters, cert: str = "certificate_number",
                site: str = "site_id", product: str = "product") -> tuple[str, list[object]]:
    """The viewer's row filter and the page's filters on the given (qualified) columns."""
    clause, params = viewer.row_filter(cert)
    parts = [clause]
    for column, values in ((cert, filters.certificate_numbers), (site, filters.site_ids),
                           (product, filters.products)):
        if values:
            parts.append(f"list_contains(?::varchar[], {column})")
            params.append(list(values))
    return " and ".join(parts), params


_PLAN_COLUMNS = """certificate_number, site_id, product, component, overdue, days_overdue,
            explanation, reason, reason_key, reason_args, frequency_key, frequency_args,
            frequency_text, regime, rule, k_value, gamma_ratio, class_rank, test_class,
            n_obs, lots_since_last_test, lots_until_next_test, tests_in_period,
            last_sampled_on, next_test_due_by, required_lots_per_test, required_min_tests,
            required_min_tests_years, own_frequency_text, n_obs_total, required_since,
            production_stopped_since, production_stop_days, certificate_ended_on,
            explanation_key, explanation_args, own_frequency_key, own_frequency_args"""
_PLAN_ORDER = """overdue desc, days_overdue desc nulls last, next_test_due_by nulls last,
            site_id, product, component"""


def sampling_plan(viewer: Viewer, as_of: date, filters: PlanFilters = PlanFilters(),
                  limit: int = MAX_ROWS) -> pl.DataFrame:
    """One row per site × product × component (view sampling_plan), overdue first (the
    longest overdue first), then by the date the next test is due."""
    return sampling_plan_with_counts(viewer, as_of, filters, limit)[0]


def sampling_plan_with_counts(viewer: Viewer, as_of: date,
                              filters: PlanFilters = PlanFilters(), limit: int = MAX_ROWS,
                              ) -> tuple[pl.DataFrame, dict[str, int]]:
    """The plan (as ``sampling_plan``) and its counts (series, overdue series, site ×
    product combinations) over all its rows (also beyond ``limit``).

    The view is read once per viewer and date, every series in the page's order (the
    viewer's row filter in the SQL); the page's filters only narrow those rows, so they
    are applied to the cached frame: a filter change reads no view again (issue 26: the
    plan costs 0.3-0.7 s of CPU at scale 100 per read)."""
    plan = _plan_rows(viewer, as_of).filter(_plan_mask(filters))
    counts = {
        "n_series": plan.height,
        "n_overdue": int(plan["overdue"].sum() or 0),
        "n_site_products": plan.select(pl.struct("site_id", "product").n_unique()).item()
        if plan.height else 0,
    }
    return plan.head(limit), counts


def _plan_rows(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """Every series of the plan the viewer may see (view sampling_plan), in the page's
    order (overdue first, the longest overdue first, then by the date the next test is
    due; site, product and component make it total)."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select {_PLAN_COLUMNS}
        from sampling_plan
        where {where}
        order by {_PLAN_ORDER}
    """
    return _run(sql, params, as_of)


def _plan_mask(filters: PlanFilters) -> pl.Expr:
    """The page's filters (certificate, site, product, only overdue) over frames of the
    plan's columns; no filter: every row."""
    mask = pl.lit(True)
    for column, values in (("certificate_number", filters.certificate_numbers),
                           ("site_id", filters.site_ids), ("product", filters.products)):
        if values:
            mask &= pl.col(column).is_in(list(values))
    if filters.only_overdue:
        mask &= pl.col("overdue").fill_null(False)
    return mask


def plan_filter_options(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """The certificate × site × product combinations with a BRL 9341 series."""
    where, params = viewer.row_filter("s.certificate_number")
    sql = f"""
        select distinct s.certificate_number, o.site_id, o.product
        from brl9341_lot_order as o
        join sites as s using (site_id)
        where {where} and o.lot_date <= (select as_of from as_of_date)
        order by all
    """
    return _run(sql, params, as_of)


def site_regimes(viewer: Viewer, as_of: date,
                 filters: PlanFilters = PlanFilters()) -> pl.DataFrame:
    """One row per site × product: the regime as of the date (view site_regime)."""
    where, params = _plan_where(viewer, filters, "s.certificate_number", "r.site_id",
                                "r.product")
    if filters.only_overdue:
        where += " and r.overdue"
    sql = f"""
        select
            s.certificate_number, r.site_id, r.product, r.regime, r.phase, r.regime_since,
            r.min_k, r.min_k_component, r.strictest_component, r.test_class,
            r.lots_per_test, r.min_tests, r.min_tests_years, r.n_components_overdue,
            r.n_switches_to_lot_inspection, r.n_returns_to_sampling, r.last_lot_id,
            r.last_lot_sampled_on
        from site_regime as r
        join sites as s using (site_id)
        where {where}
        order by r.regime, r.n_components_overdue desc, r.site_id, r.product
    """
    return _run(sql, params, as_of)


def regime_history(viewer: Viewer, as_of: date,
                   filters: PlanFilters = PlanFilters()) -> pl.DataFrame:
    """The regime switches of each site × product up to the date (the lot after whose
    results the regime changed), newest first."""
    where, params = _plan_where(viewer, filters, "s.certificate_number", "h.site_id",
                                "h.product")
    sql = f"""
        select
            s.certificate_number, h.site_id, h.product, h.lot_id, h.lot_sampled_on,
            h.event_seq, h.switched_to, h.phase, h.min_k_observed
        from brl9341_regime_history as h
        join sites as s using (site_id)
        where {where}
          and h.switched_to is not null
        order by h.lot_sampled_on desc, h.site_id, h.product
    """
    return _run(sql, params, as_of)


def untested_lots(viewer: Viewer, as_of: date, filters: PlanFilters = PlanFilters(),
                  limit: int = MAX_ROWS) -> pl.DataFrame:
    """Lots registered as produced on or before the date without any analysis
    (brl9341_lot_order, BRL 9341 bijlage II "1 op N partijen"), newest first."""
    where, params = _plan_where(viewer, filters, "l.certificate_number", "o.site_id",
                                "o.product")
    sql = f"""
        select l.certificate_number, o.site_id, o.product, o.lot_id, o.lot_date,
               l.lot_size_tonnes
        from brl9341_lot_order as o
        join lots as l using (site_id, lot_id)
        where {where}
          and not o.tested and o.lot_date <= (select as_of from as_of_date)
        order by o.lot_date desc, o.site_id, o.lot_id
        limit ?
    """
    return _run(sql, [*params, limit], as_of)


def untested_lot_date(viewer: Viewer, as_of: date, site_id: str,
                      lot_id: str) -> date | None:
    """The production date of a lot registered on or before the date and never tested, or
    None (not registered, tested, produced later, or not the viewer's)."""
    where, params = viewer.row_filter("l.certificate_number")
    sql = f"""
        select o.lot_date
        from brl9341_lot_order as o
        join lots as l using (site_id, lot_id)
        where {where} and o.site_id = ? and o.lot_id = ?
          and not o.tested and o.lot_date <= (select as_of from as_of_date)
    """
    found = _run(sql, [*params, site_id, lot_id], as_of)
    return found["lot_date"][0] if found.height else None


def untested_lot_counts(viewer: Viewer, as_of: date,
                        filters: PlanFilters = PlanFilters()) -> pl.DataFrame:
    """Per site × product: lots produced, tested and not tested on or before the date, the
    required frequency and what the untested lots mean for it (view untested_lots_summary).
    Read once per viewer and date; the page's filters narrow the cached rows (issue 26)."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select certificate_number, site_id, product, n_lots, n_tested, n_untested,
               required_frequency, required_lots_per_test, lots_until_next_test,
               n_series_overdue, meaning, required_frequency_key, required_frequency_args,
               meaning_key, meaning_args
        from untested_lots_summary
        where {where}
        order by n_series_overdue desc, lots_until_next_test nulls last, site_id, product
    """
    # only overdue is not a filter of this table (it counts every lot of a site × product)
    everything = replace(filters, only_overdue=False)
    return _run(sql, params, as_of).filter(_plan_mask(everything))
