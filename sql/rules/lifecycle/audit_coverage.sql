-- audit_coverage: one row per certificate × calendar year (BRL 9341 and PKVW certificates),
-- from the year of issuance to the as-of year (or the year the certificate was withdrawn,
-- lapsed or ended), audits on or before the as-of date.
-- BRL 9341 §8.6 / §7.2: 2 control visits per year (audit types periodic, extra, process,
--   field); reading: prorated in the year of issuance, ceil(2 × months left / 12).
-- BRL 9341 §7.2: "Ingeval er wordt geleverd vanuit een opslag of depot ... jaarlijks een
--   bezoek": +1 visit per depot site (sites.site_kind = 'depot') per year, performed by an
--   audit of type 'depot' with that site_id. Every recorded depot counts as delivering.
-- BRL 9341 §5.5: sampling under supervision of the CI at least once per 5 years (audit type
--   'sample' on a BRL 9341 certificate): required in a year when the last one before the
--   year (or issued_on) + 5 years falls in or before that year. §5.5: not required when the
--   sampling is outsourced to a recognised sampler (every production site has
--   sites.outsourced_sampling).
-- CCV PKVW §4.2.2: an audit every 18 months (audit types admission, periodic): required in a
--   year when the last audit before the year (or issued_on) + 18 months falls in or before
--   that year; next_audit_due = last audit + 18 months.
-- CCV PKVW bijlage 4: dwellings to inspect in samples = the first 10 (3 with a certified
--   fitter) completed at step 0 - in total, not per year: the dwellings inspected at step 0
--   before the year count against them (issue 8) - else ceil(dwellings completed in the year / 1-in-N of the
--   step in force on 1 January); inspected = dwellings_in_sample of the year's samples.
--   (The minimum of 3 per 18 months is checked in pkvw_sample_requirement.)
-- required = sum of the components; performed = sum of the performed components, each
-- counted up to its requirement; shortfall = required - performed (per component, never
-- negative). For BRL 9341 next_audit_due = last control visit + 6 months (2 a year spread).
-- The per-year facts are computed for all time in audit_coverage_years (stored); this view
-- counts what happened in each year up to the as-of date.
create or replace view audit_coverage as
with as_of as (
    select as_of from as_of_date
),
years as (
    select y.*, as_of.as_of
    from audit_coverage_years as y, as_of
    where y.issued_on <= as_of.as_of
      and y.year <= year(least(coalesce(y.terminal_on, as_of.as_of), as_of.as_of))
),
last_known as (
    -- the last audit / control visit on or before the as-of date, from the as-of year's row
    select
        y.certificate_number,
        coalesce(
            greatest(y.last_periodic_before,
                     list_max(list_filter(y.periodic_days, lambda d: d <= as_of.as_of))),
            y.issued_on) as last_periodic,
        coalesce(
            greatest(y.last_control_before,
                     list_max(list_filter(y.visit_days, lambda d: d <= as_of.as_of))),
            y.issued_on) as last_control
    from audit_coverage_years as y, as_of
    where y.year = year(as_of.as_of) and y.issued_on <= as_of.as_of
),
counted as (
    select
        y.certificate_number,
        y.scheme,
        y.year,
        y.year_end,
        y.as_of,
        y.required_visits,
        len(list_filter(y.visit_days, lambda d: d <= y.as_of)) as performed_visits,
        coalesce(len(y.depot_sites), 0) as required_depot_visits,
        list_distinct(list_transform(
            list_filter(y.depot_visit_days,
                        lambda v: v.day <= y.as_of and list_contains(y.depot_sites, v.site_id)),
            lambda v: v.site_id)) as depots_visited,
        y.depot_sites,
        -- NULL due date: none required (BRL 9341 §5.5, sampling outsourced)
        coalesce((y.periodic_due_on <= y.year_end)::integer, 0) as required_periodic,
        len(list_filter(y.periodic_days, lambda d: d <= y.as_of)) as performed_periodic,
        y.step_at_year_start,
        y.first_n,
        y.step0_inspected_at_year_start,
        y.step_one_in,
        case when y.scheme = 'pkvw'
             then coalesce(list_sum(list_transform(
                      list_filter(y.dwelling_days, lambda x: x.day <= y.as_of),
                      lambda x: x.quantity)), 0) end as dwellings_completed,
        coalesce(list_sum(list_transform(
            list_filter(y.sample_days, lambda x: x.day <= y.as_of),
            lambda x: x.quantity)), 0)::integer as inspected_dwellings
    from years as y
),
combined as (
    select
        c.certificate_number,
        c.scheme,
        c.year,
        c.required_visits,
        c.performed_visits,
        c.required_depot_visits,
        len(c.depots_visited) as performed_depot_visits,
        case when c.required_depot_visits > len(c.depots_visited)
             then list_filter(c.depot_sites, lambda s: not list_contains(c.depots_visited, s))
        end as depots_missing,
        case when c.scheme = 'brl9341' then c.required_periodic else 0 end
            as required_supervised_sampling,
        case when c.scheme = 'brl9341' then c.performed_periodic else 0 end
            as performed_supervised_sampling,
        case when c.scheme = 'pkvw' then c.required_periodic else 0 end as required_audits,
        case when c.scheme = 'pkvw' then c.performed_periodic else 0 end as performed_audits,
        c.step_at_year_start,
        c.dwellings_completed,
        case when c.scheme <> 'pkvw' then 0
             when c.step_at_year_start = 0
                 then least(c.dwellings_completed,
                            greatest(c.first_n - c.step0_inspected_at_year_start, 0))
             else ceil(c.dwellings_completed / c.step_one_in)
        end::integer as required_sample_dwellings,
        case when c.scheme = 'pkvw' then c.inspected_dwellings else 0 end
            as inspected_dwellings,
        case when c.scheme = 'pkvw' then (l.last_periodic + interval 18 month)::date
             else (l.last_control + interval 6 month)::date
        end as next_audit_due,
        c.year_end <= c.as_of as year_complete
    from counted as c
    left join last_known as l using (certificate_number)
),
final as (
    select
        certificate_number,
        year,
        (required_visits + required_depot_visits + required_supervised_sampling
            + required_audits + required_sample_dwellings)::integer as required,
        (least(performed_visits, required_visits)
            + least(performed_depot_visits, required_depot_visits)
            + least(performed_supervised_sampling, required_supervised_sampling)
            + least(performed_audits, required_audits)
            + least(inspected_dwellings, required_sample_dwellings))::integer as performed,
        (greatest(required_visits - performed_visits, 0)
            + greatest(required_depot_visits - performed_depot_visits, 0)
            + greatest(required_supervised_sampling - performed_supervised_sampling, 0)
            + greatest(required_audits - performed_audits, 0)
            + greatest(required_sample_dwellings - inspected_dwellings, 0))::integer
            as shortfall,
        scheme,
        required_visits,
        performed_visits,
        required_depot_visits,
        performed_depot_visits,
        depots_missing,
        required_supervised_sampling,
        performed_supervised_sampling,
        required_audits,
        performed_audits,
        step_at_year_start,
        dwellings_completed,
        required_sample_dwellings,
        inspected_dwellings,
        next_audit_due,
        year_complete,
        case scheme when 'pkvw' then 'CCV PKVW §4.2.2, bijlage 4'
             else 'BRL 9341 §8.6, §7.2, §5.5' end as article
    from combined
)
select * from final;
