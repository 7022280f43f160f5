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
--   year (or issued_on) + 5 years falls in or before that year.
-- CCV PKVW §4.2.2: an audit every 18 months (audit types admission, periodic): required in a
--   year when the last audit before the year (or issued_on) + 18 months falls in or before
--   that year; next_audit_due = last audit + 18 months.
-- CCV PKVW bijlage 4: dwellings to inspect in samples = the first 10 (3 with a certified
--   fitter) completed at step 0, else ceil(dwellings completed in the year / 1-in-N of the
--   step in force on 1 January); inspected = dwellings_in_sample of the year's samples.
--   (The minimum of 3 per 18 months is checked in pkvw_sample_requirement.)
-- required = sum of the components; performed = sum of the performed components, each
-- counted up to its requirement; shortfall = required - performed (per component, never
-- negative). For BRL 9341 next_audit_due = last control visit + 6 months (2 a year spread).
create or replace view audit_coverage as
with as_of as (
    select as_of from as_of_date
),
end_dates as (
    -- first withdrawal / lapse (terminal lifecycle event)
    select certificate_number, min(starts_on) as ended_on
    from lifecycle_events
    where terminal
    group by certificate_number
),
certs as (
    select
        c.certificate_number,
        c.scheme,
        c.issued_on,
        c.certified_fitter,
        least(coalesce(e.ended_on, as_of.as_of), as_of.as_of) as covered_until,
        as_of.as_of
    from certificates as c
    cross join as_of
    left join end_dates as e using (certificate_number)
    where c.scheme in ('brl9341', 'pkvw') and c.issued_on <= as_of.as_of
),
years as (
    select c.*, y.year::integer as year, make_date(y.year::integer, 12, 31) as year_end
    from certs as c,
        range(year(c.issued_on), year(c.covered_until) + 1) as y(year)
),
sample_steps as materialized (
    select certificate_number, seq, audit_date, step_after, dwellings_in_sample
    from pkvw_sample_steps
),
audits_known as materialized (
    select a.*
    from audits as a, as_of
    where a.audit_date <= as_of.as_of
),
-- BRL 9341 control visits ------------------------------------------------------------------
control_visits as (
    select
        y.certificate_number,
        y.year,
        case when y.year = year(y.issued_on)
             then ceil(2 * (12 - month(y.issued_on) + 1) / 12.0)::integer else 2 end
            as required_visits,
        count(a.audit_id) as performed_visits
    from years as y
    left join audits_known as a
        on a.certificate_number = y.certificate_number
        and a.audit_type in ('periodic', 'extra', 'process', 'field')
        and year(a.audit_date) = y.year
    where y.scheme = 'brl9341'
    group by all
),
depot_visits as (
    select
        y.certificate_number,
        y.year,
        count(distinct s.site_id) as required_depot_visits,
        count(distinct a.site_id) as performed_depot_visits,
        list(distinct s.site_id order by s.site_id) filter (where a.site_id is null)
            as depots_missing
    from years as y
    join sites as s
        on s.certificate_number = y.certificate_number and s.site_kind = 'depot'
    left join audits_known as a
        on a.certificate_number = y.certificate_number
        and a.audit_type = 'depot'
        and a.site_id = s.site_id
        and year(a.audit_date) = y.year
    where y.scheme = 'brl9341'
    group by all
),
-- "due when (last before the year, or issued_on) + period falls in or before the year" -----
periodic_kinds as (
    select
        y.certificate_number,
        y.year,
        y.year_end,
        y.scheme,
        y.issued_on,
        case when y.scheme = 'pkvw' then 'audit_18m' else 'supervised_sampling' end as kind
    from years as y
),
periodic_last as (
    select
        p.certificate_number,
        p.year,
        p.kind,
        coalesce(max(a.audit_date), p.issued_on) as last_before,
        case when p.kind = 'audit_18m'
             then (coalesce(max(a.audit_date), p.issued_on) + interval 18 month)::date
             else (coalesce(max(a.audit_date), p.issued_on) + interval 5 year)::date
        end as due_on,
        p.year_end
    from periodic_kinds as p
    left join audits_known as a
        on a.certificate_number = p.certificate_number
        and a.audit_date < make_date(p.year, 1, 1)
        and ((p.kind = 'audit_18m' and a.audit_type in ('admission', 'periodic'))
             or (p.kind = 'supervised_sampling' and a.audit_type = 'sample'))
    group by p.certificate_number, p.year, p.kind, p.issued_on, p.year_end
),
periodic_cov as (
    select
        l.certificate_number,
        l.year,
        l.kind,
        l.due_on,
        (l.due_on <= l.year_end)::integer as required_periodic,
        count(a.audit_id) as performed_periodic
    from periodic_last as l
    left join audits_known as a
        on a.certificate_number = l.certificate_number
        and year(a.audit_date) = l.year
        and ((l.kind = 'audit_18m' and a.audit_type in ('admission', 'periodic'))
             or (l.kind = 'supervised_sampling' and a.audit_type = 'sample'))
    group by all
),
-- PKVW sample dwellings ----------------------------------------------------------------------
step_at_year_start as (
    select
        y.certificate_number,
        y.year,
        coalesce(arg_max(s.step_after, s.seq), 0) as step
    from years as y
    left join sample_steps as s
        on s.certificate_number = y.certificate_number
        and s.audit_date < make_date(y.year, 1, 1)
    where y.scheme = 'pkvw'
    group by all
),
dwellings_year as (
    select
        y.certificate_number,
        y.year,
        coalesce(sum(ac.quantity), 0) as dwellings_completed
    from years as y
    left join activity as ac
        on ac.certificate_number = y.certificate_number
        and ac.activity = 'dwelling_completed'
        and year(ac.activity_date) = y.year
        and ac.activity_date <= y.as_of
    where y.scheme = 'pkvw'
    group by all
),
inspected_year as (
    select
        y.certificate_number,
        y.year,
        coalesce(sum(s.dwellings_in_sample), 0) as inspected_dwellings
    from years as y
    left join sample_steps as s
        on s.certificate_number = y.certificate_number
        and year(s.audit_date) = y.year
    where y.scheme = 'pkvw'
    group by all
),
sample_cov as (
    select
        st.certificate_number,
        st.year,
        st.step as step_at_year_start,
        d.dwellings_completed,
        case when st.step = 0
             then least(d.dwellings_completed,
                        case when y.certified_fitter then r0.first_n_with_fitter
                             else r0.first_n_dwellings end)
             else ceil(d.dwellings_completed / rs.sample_one_in)
        end::integer as required_sample_dwellings,
        i.inspected_dwellings::integer as inspected_dwellings
    from step_at_year_start as st
    join years as y using (certificate_number, year)
    join dwellings_year as d using (certificate_number, year)
    join inspected_year as i using (certificate_number, year)
    join ref_ccv_steps as rs on rs.step = st.step
    cross join (select * from ref_ccv_steps where step = 0) as r0
),
last_visits as (
    select
        certificate_number,
        max(audit_date) filter (where audit_type in ('admission', 'periodic')) as last_pkvw_audit,
        max(audit_date) filter (where audit_type in ('periodic', 'extra', 'process', 'field'))
            as last_control_visit
    from audits_known
    group by certificate_number
),
combined as (
    select
        y.certificate_number,
        y.scheme,
        y.year,
        coalesce(cv.required_visits, 0) as required_visits,
        coalesce(cv.performed_visits, 0) as performed_visits,
        coalesce(dv.required_depot_visits, 0) as required_depot_visits,
        coalesce(dv.performed_depot_visits, 0) as performed_depot_visits,
        dv.depots_missing,
        case when y.scheme = 'brl9341' then pc.required_periodic else 0 end
            as required_supervised_sampling,
        case when y.scheme = 'brl9341' then pc.performed_periodic else 0 end
            as performed_supervised_sampling,
        case when y.scheme = 'pkvw' then pc.required_periodic else 0 end as required_audits,
        case when y.scheme = 'pkvw' then pc.performed_periodic else 0 end as performed_audits,
        sc.step_at_year_start,
        sc.dwellings_completed,
        coalesce(sc.required_sample_dwellings, 0) as required_sample_dwellings,
        coalesce(sc.inspected_dwellings, 0) as inspected_dwellings,
        case when y.scheme = 'pkvw'
             then (coalesce(lv.last_pkvw_audit, y.issued_on) + interval 18 month)::date
             else (coalesce(lv.last_control_visit, y.issued_on) + interval 6 month)::date
        end as next_audit_due,
        y.year_end <= y.as_of as year_complete
    from years as y
    left join control_visits as cv using (certificate_number, year)
    left join depot_visits as dv using (certificate_number, year)
    left join periodic_cov as pc using (certificate_number, year)
    left join sample_cov as sc using (certificate_number, year)
    left join last_visits as lv using (certificate_number)
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
