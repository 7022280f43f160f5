-- yearly_report: one row per scheme × year × indicator (BRL 9341 §8.7: the yearly report
-- of the certification body to the College of Experts; the same figures serve the yearly
-- report of its work to the Minister, Bbl art. 1.39 lid 4), for the as-of year. Compute it as of 31 December of the year (set variable as_of): the year's
-- rows then cover the whole year and the year before sits next to it. The helper views
-- compute only those two years (report_window); another year is read as of its own
-- 31 December.
-- Columns: scheme, year, indicator (section.measure, or section.measure:dimension), value (contract);
-- section (holders, mutations, controls, results, deviations, measures (the sanctions),
-- complaints, process), measure,
-- dimension (component, requirement, product, step, reason, class ...), article,
-- previous_value (the same indicator one year earlier; 0 when the indicator is a count by
-- dimension that did not occur that year, NULL when the year before has no data for the
-- scheme), ord (display order within the section).
-- Only counts and aggregates: no row names or identifies a single holder.
-- The helper views report_* hold the readings (one section each).
create or replace view yearly_report as
with unioned as (
    select * from report_holders
    union all select * from report_mutations
    union all select * from report_controls
    union all select * from report_lot_tests
    union all select * from report_pkvw_samples
    union all select * from report_results
    union all select * from report_deviations
    union all select * from report_measures
    union all select * from report_complaints
    union all select * from report_process
),
keyed as (
    select
        *,
        section || '.' || measure || coalesce(':' || dimension, '') as indicator
    from unioned
),
-- a dimensioned count seen only the year before still shows (value 0) next to it
carried as (
    select
        k.scheme, p.year, k.section, k.measure, k.dimension,
        case when k.measure in ('max_exceedance_factor') then null else 0 end::double
            as value,
        k.article, k.ord, k.indicator
    from keyed as k
    join report_periods as p on p.scheme = k.scheme and p.year = k.year + 1
    where k.dimension is not null
      and not exists (
          select 1 from keyed as n
          where n.scheme = k.scheme and n.year = k.year + 1 and n.indicator = k.indicator)
),
rows as (
    select * from keyed
    union all
    select * from carried
),
final as (
    select
        r.scheme,
        r.year,
        r.indicator,
        r.value,
        r.section,
        r.measure,
        r.dimension,
        r.article,
        case when prev_period.year is null then null
             when r.dimension is not null and r.measure <> 'max_exceedance_factor'
                 then coalesce(prev.value, 0)
             else prev.value end as previous_value,
        r.ord
    from rows as r
    left join report_periods as prev_period
        on prev_period.scheme = r.scheme and prev_period.year = r.year - 1
    left join keyed as prev
        on prev.scheme = r.scheme and prev.year = r.year - 1 and prev.indicator = r.indicator
    -- the year before is computed only as the comparison column (report_window)
    where r.year = (select year(as_of) from as_of_date)
)
select * from final;
