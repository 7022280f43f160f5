"""BRL 9341 lots (the Lots and Lot pages; management and producers): lot results,
observations and their series, one lot's analyses, corrections and coverage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard.queries.sampling import untested_lot_date as untested_lot_date
from dashboard.queries.shared import MAX_ROWS as MAX_ROWS
from dashboard.queries.shared import _run
from dashboard.viewer import Viewer

# ---------------------------------------------------------------------------------------
# Filters


@dataclass(frozen=True)
class LotFilters:
    """What the Lots page narrows down to; an empty tuple or None means "all"."""

    certificate_numbers: tuple[str, ...] = ()
    site_ids: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    sampled_from: date | None = None
    sampled_to: date | None = None
    only_exceeding: bool = False


def _lot_where(viewer: Viewer, filters: LotFilters) -> tuple[str, list[object]]:
    # The lot views read stored tables (brl9341_lot_observations, brl9341_lot_results;
    # issue 26): every filter here reaches their scan, so no second query for the sites
    clause, params = viewer.row_filter("certificate_number")
    parts = [clause]
    for column, values in (("certificate_number", filters.certificate_numbers),
                           ("site_id", filters.site_ids),
                           ("product", filters.products)):
        if values:
            parts.append(f"list_contains(?::varchar[], {column})")
            params.append(list(values))
    if filters.sampled_from is not None:
        parts.append("sampled_on >= ?::date")
        params.append(filters.sampled_from)
    if filters.sampled_to is not None:
        parts.append("sampled_on <= ?::date")
        params.append(filters.sampled_to)
    return " and ".join(parts), params


# ---------------------------------------------------------------------------------------
# Lots (BRL 9341 §4.2: lot_status / lot_compliance)


def lot_filter_options(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """The certificate × site × product combinations that have lots, with their period.

    Read from the stored analyses (the lots of lot_status: a lot is known once one of its
    production analyses is sampled on or before the date), not from the lot views, which
    aggregate every analysis. last_sampled_on may be a lot's later sample: it only bounds
    the period filter."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select
            certificate_number,
            site_id,
            product,
            count(distinct lot_id) as n_lots,
            min(sampled_on) as first_sampled_on,
            max(sampled_on) as last_sampled_on
        from analyses
        where {where} and purpose <> 'complaint'
          and sampled_on <= (select as_of from as_of_date)
        group by all
        order by all
    """
    return _run(sql, params, as_of)


def lots(viewer: Viewer, as_of: date, filters: LotFilters = LotFilters(),
         limit: int = MAX_ROWS) -> pl.DataFrame:
    """One row per lot (view lot_status), newest first."""
    where, params = _lot_where(viewer, filters)
    if filters.only_exceeding:
        where += " and not compliant"
    params.append(limit)
    sql = f"""
        select
            certificate_number,
            site_id,
            product,
            lot_id,
            sampled_on,
            n_components,
            n_exceedances,
            compliant,
            is_admission,
            exceeding_components,
            status,
            n_loq_above_limit
        from lot_status
        where {where}
        order by sampled_on desc, site_id, lot_id
        limit ?
    """
    return _run(sql, params, as_of)


def lot_components(viewer: Viewer, as_of: date, filters: LotFilters = LotFilters(),
                   limit: int = MAX_ROWS) -> pl.DataFrame:
    """One row per lot × component (view lot_compliance), exceedances first."""
    where, params = _lot_where(viewer, filters)
    if filters.only_exceeding:
        where += " and exceeds"
    params.append(limit)
    sql = f"""
        select
            certificate_number,
            site_id,
            product,
            lot_id,
            sampled_on,
            component,
            observation,
            below_loq,
            limit_value,
            exceeds,
            n_analyses,
            source_file,
            source_lines
        from lot_compliance
        where {where}
        order by exceeds desc, sampled_on desc, site_id, lot_id, component
        limit ?
    """
    return _run(sql, params, as_of)


def components_observed(viewer: Viewer, as_of: date, site_id: str,
                        product: str) -> list[str]:
    """Components with at least one observation at a site × product."""
    where, params = viewer.row_filter("certificate_number")
    params += [site_id, product]
    sql = f"""
        select distinct component
        from lot_compliance
        where {where} and site_id = ? and product = ?
        order by component
    """
    return _run(sql, params, as_of)["component"].to_list()


def observation_series(viewer: Viewer, as_of: date, site_id: str, product: str,
                       component: str, sampled_from: date | None = None,
                       sampled_to: date | None = None) -> pl.DataFrame:
    """One row per lot: the observation of one component at one site × product."""
    where, params = viewer.row_filter("certificate_number")
    where += " and site_id = ? and product = ? and component = ?"
    params += [site_id, product, component]
    if sampled_from is not None:
        where += " and sampled_on >= ?::date"
        params.append(sampled_from)
    if sampled_to is not None:
        where += " and sampled_on <= ?::date"
        params.append(sampled_to)
    sql = f"""
        select
            lot_id,
            sampled_on,
            observation,
            below_loq,
            limit_value,
            exceeds
        from lot_compliance
        where {where}
        order by sampled_on, lot_id
    """
    return _run(sql, params, as_of)


# --- one lot (the Lot page)


def find_lots(viewer: Viewer, as_of: date, lot_id: str,
              site_id: str | None = None) -> pl.DataFrame:
    """The lots with this id (a lot id is unique per site only), as of the date."""
    where, params = viewer.row_filter("certificate_number")
    where += " and lot_id = ?"
    params.append(lot_id)
    if site_id:
        where += " and site_id = ?"
        params.append(site_id)
    sql = f"""
        select certificate_number, site_id, product, lot_id, sampled_on, n_components,
               n_exceedances, compliant, is_admission, exceeding_components
        from lot_status
        where {where}
        order by site_id
    """
    return _run(sql, params, as_of)


def lot_observations(viewer: Viewer, as_of: date, site_id: str, lot_id: str) -> pl.DataFrame:
    """The lot's observations against the limits valid on its sampling date."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select component, sampled_on, observation, below_loq, limit_value, exceeds, status,
               n_analyses, source_file, source_lines
        from lot_compliance
        where {where} and site_id = ? and lot_id = ?
        order by exceeds desc, status = 'loq_above_limit' desc, component
    """
    return _run(sql, [*params, site_id, lot_id], as_of)


def lot_analyses(viewer: Viewer, as_of: date, site_id: str, lot_id: str) -> pl.DataFrame:
    """The analyses behind the lot's observations, as reported, with their provenance.
    Only for a lot first sampled on or before the date (as lot_compliance)."""
    where, params = viewer.row_filter("a.certificate_number")
    sql = f"""
        select a.component, a.sample_id, a.sampled_on, a.value_as_reported,
               a.unit_as_reported, a.value, a.below_loq, a.loq, a.lab, a.lab_report_id,
               coalesce(acc.accredited, false) as lab_accredited,
               a.purpose, a.source_file, a.source_line, a.ingested_at
        from analyses as a
        -- BRL 9341 §1.4: a result counts only from a lab accredited for it on the date
        left join process_lab_accreditation as acc
            on acc.site_id = a.site_id and acc.lot_id = a.lot_id
           and acc.lab_report_id = a.lab_report_id and acc.component = a.component
        where {where} and a.site_id = ? and a.lot_id = ?
          and (select min(sampled_on) from analyses as f
               where f.site_id = a.site_id and f.lot_id = a.lot_id)
              <= (select as_of from as_of_date)
        order by a.component, a.sample_id, a.source_line
    """
    return _run(sql, [*params, site_id, lot_id], as_of)


def lot_corrections(viewer: Viewer, as_of: date, site_id: str, lot_id: str) -> pl.DataFrame:
    """The lab's corrections of this lot's analyses (issue 22): per replaced analysis the
    old value, the new one, when and by which file. A correction shows on the lot of the
    replaced analysis and on the lot of the correcting one (a lab may correct the lot).
    Both certificates must be the viewer's."""
    old_where, old_params = viewer.row_filter("r.certificate_number")
    new_where, new_params = viewer.row_filter("n.certificate_number")
    sql = f"""
        with correcting as (
            select certificate_number, site_id, lot_id, lab_report_id, value,
                   value_as_reported, source_sha256, source_line
            from analyses
            union all
            select certificate_number, site_id, lot_id, lab_report_id, value,
                   value_as_reported, source_sha256, source_line
            from analyses_replaced
        )
        select r.component, r.sample_id, r.lab_report_id as replaced_report_id,
               r.value_as_reported as replaced_value_as_reported, r.value as replaced_value,
               n.lab_report_id as new_report_id,
               n.value_as_reported as new_value_as_reported, n.value as new_value,
               r.replaced_at, r.replaced_by_file, r.replaced_by_line,
               r.source_file, r.source_line
        from analyses_replaced as r
        join correcting as n
          on n.source_sha256 = r.replaced_by_sha256 and n.source_line = r.replaced_by_line
        where {old_where} and {new_where}
          and ((r.site_id = ? and r.lot_id = ?) or (n.site_id = ? and n.lot_id = ?))
        order by r.replaced_at, r.component, r.sample_id
    """
    params = [*old_params, *new_params, site_id, lot_id, site_id, lot_id]
    return _run(sql, params, as_of)


def lot_component_coverage(viewer: Viewer, as_of: date, site_id: str,
                           lot_id: str) -> pl.DataFrame:
    """Every component of bijlage III/IV with a limit on the lot's date: tested in this lot
    or not."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        with lot as (
            select component, min(sampled_on) as sampled_on
            from lot_compliance
            where {where} and site_id = ? and lot_id = ?
            group by component
        ),
        lot_date as (
            select min(sampled_on) as sampled_on from lot
        )
        select c.component, c.name_nl, c.table_kind, l.component is not null as tested
        from ref_components as c
        cross join lot_date as d
        left join lot as l using (component)
        where d.sampled_on is not null
          and exists (select 1 from ref_limits as r
                      where r.component = c.component and d.sampled_on >= r.valid_from
                        and (r.valid_to is null or d.sampled_on <= r.valid_to))
        order by tested, c.table_kind, c.component
    """
    return _run(sql, [*params, site_id, lot_id], as_of)


def lot_state(viewer: Viewer, as_of: date, site_id: str, lot_id: str) -> pl.DataFrame:
    """Per component: the series' k and class before and after this lot (view
    lot_series_state), changed classes first."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select component, k_before, test_class_before, rule_before, k_after,
               test_class_after, rule_after, class_changed, class_before, class_after,
               regime_before, regime_after, phase_before, phase_after
        from lot_series_state
        where {where} and site_id = ? and lot_id = ?
        order by class_changed desc, component
    """
    return _run(sql, [*params, site_id, lot_id], as_of)


def lot_sites(viewer: Viewer, as_of: date) -> list[str]:
    """The sites with a lot sampled on or before the date (read from the stored analyses,
    not the lot views, so the Lot page opens fast on a large store)."""
    where, params = viewer.row_filter("certificate_number")
    sql = f"""
        select distinct site_id
        from analyses
        where {where} and purpose <> 'complaint'
          and sampled_on <= (select as_of from as_of_date)
        order by site_id
    """
    return _run(sql, params, as_of)["site_id"].to_list()
