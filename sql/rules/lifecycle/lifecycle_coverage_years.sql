-- audit_coverage_years: one row per BRL 9341 / PKVW certificate × calendar year, from the
-- year of issuance to the lifecycle_horizon, for all time (as-of independent, stored as a
-- table by refresh; audit_coverage reads it for the as-of date).
-- materialize: table
-- Articles and readings: see audit_coverage (BRL 9341 §8.6, §7.2, §5.5; CCV PKVW §4.2.2,
-- bijlage 4). What depends only on the time before the year is stored as a value:
-- the requirement of control visits and depot visits, the date the 18-month audit or the
-- 5-yearly supervised sampling falls due (last one before the year, or issued_on), the
-- sample step on 1 January, the last audit / control visit before the year. What happens
-- inside the year is stored as the list of its dates (with the site or quantity), so the
-- as-of view counts the part of the year up to the as-of date.
create or replace view audit_coverage_years as
with certs as (
    select
        c.certificate_number,
        c.scheme,
        c.issued_on,
        case when c.certified_fitter then r0.first_n_with_fitter else r0.first_n_dwellings end
            as first_n,
        t.terminal_on,
        h.horizon_on
    from certificates as c
    cross join lifecycle_horizon as h
    cross join (select * from ref_ccv_steps where step = 0) as r0
    left join (
        -- first withdrawal / lapse (terminal lifecycle event)
        select certificate_number, min(starts_on) as terminal_on
        from lifecycle_event_log
        where terminal
        group by certificate_number
    ) as t using (certificate_number)
    where c.scheme in ('brl9341', 'pkvw') and c.issued_on <= h.horizon_on
),
audit_facts as materialized (
    -- the audits that count for some component, with the components they count for
    select
        a.certificate_number,
        year(a.audit_date)::integer as year,
        a.audit_date,
        a.site_id,
        c.scheme = 'brl9341' and a.audit_type in ('periodic', 'extra', 'process', 'field')
            as control_visit,
        c.scheme = 'brl9341' and a.audit_type = 'depot' as depot_visit,
        (c.scheme = 'pkvw' and a.audit_type in ('admission', 'periodic'))
            or (c.scheme = 'brl9341' and a.audit_type = 'sample') as periodic
    from audits as a
    join certs as c using (certificate_number)
),
audit_years as (
    select
        certificate_number,
        year,
        list(audit_date order by audit_date) filter (where control_visit) as visit_days,
        list({'day': audit_date, 'site_id': site_id} order by audit_date)
            filter (where depot_visit) as depot_visit_days,
        list(audit_date order by audit_date) filter (where periodic) as periodic_days,
        max(audit_date) filter (where periodic) as last_periodic,
        max(audit_date) filter (where control_visit) as last_control
    from audit_facts
    group by certificate_number, year
),
sample_years as (
    select
        certificate_number,
        year(audit_date)::integer as year,
        arg_max(step_after, seq) as last_step,
        arg_max(step0_inspected, seq) as last_step0_inspected,
        list({'day': audit_date, 'quantity': dwellings_in_sample} order by audit_date)
            as sample_days
    from pkvw_sample_history
    group by all
),
dwelling_years as (
    select
        a.certificate_number,
        year(a.activity_date)::integer as year,
        list({'day': a.activity_date, 'quantity': a.quantity} order by a.activity_date)
            as dwelling_days
    from activity as a
    semi join certs as c on c.certificate_number = a.certificate_number and c.scheme = 'pkvw'
    where a.activity = 'dwelling_completed'
    group by all
),
outsourced as (
    -- BRL 9341 §5.5: "Bij uitbesteding van de monsterneming aan een externe voor deze
    -- verrichting erkende monsternemer vervalt de externe controle op de monsterneming".
    -- Reading: the certificate needs no supervised sampling when every production site of
    -- it outsources its sampling (sites.outsourced_sampling; master data without dates, so
    -- it holds for every year).
    select certificate_number, bool_and(coalesce(outsourced_sampling, false))
        as outsourced_sampling
    from sites
    where site_kind = 'production'
    group by certificate_number
),
depots as (
    select certificate_number, list(site_id order by site_id) as depot_sites
    from sites
    where site_kind = 'depot'
    group by certificate_number
),
first_years as (
    -- years before issuance are kept while walking (an admission audit or sample counts
    -- as "the last one before the year") and dropped at the end
    select
        c.certificate_number,
        least(year(c.issued_on), min(f.year), min(s.year))::integer as first_year
    from certs as c
    left join audit_facts as f using (certificate_number)
    left join sample_years as s using (certificate_number)
    group by c.certificate_number, c.issued_on
),
grid as (
    select c.*, y.year::integer as year, make_date(y.year::integer, 12, 31) as year_end
    from certs as c
    join first_years as f using (certificate_number),
        range(f.first_year, year(c.horizon_on) + 1) as y(year)
),
walked as (
    select
        g.*,
        ay.visit_days,
        ay.depot_visit_days,
        ay.periodic_days,
        sy.sample_days,
        dy.dwelling_days,
        max(ay.last_periodic) over before_year as last_periodic_before,
        max(ay.last_control) over before_year as last_control_before,
        coalesce(last_value(sy.last_step ignore nulls) over before_year, 0) as step_at_year_start,
        -- bijlage 4 step 0: the first 10 dwellings in total, so those inspected at step 0
        -- before the year count against them
        coalesce(last_value(sy.last_step0_inspected ignore nulls) over before_year, 0)
            as step0_inspected_at_year_start
    from grid as g
    left join audit_years as ay using (certificate_number, year)
    left join sample_years as sy using (certificate_number, year)
    left join dwelling_years as dy using (certificate_number, year)
    window before_year as (
        partition by g.certificate_number order by g.year
        rows between unbounded preceding and 1 preceding
    )
),
final as (
    select
        w.certificate_number,
        w.scheme,
        w.year,
        w.year_end,
        w.issued_on,
        w.terminal_on,
        -- BRL 9341 §8.6 / §7.2: 2 control visits a year, prorated in the year of issuance
        case when w.scheme <> 'brl9341' then 0
             when w.year = year(w.issued_on)
                 then ceil(2 * (12 - month(w.issued_on) + 1) / 12.0)::integer
             else 2 end as required_visits,
        coalesce(w.visit_days, []) as visit_days,
        -- BRL 9341 §7.2: one visit per depot a year
        case when w.scheme = 'brl9341' then d.depot_sites end as depot_sites,
        coalesce(w.depot_visit_days, []) as depot_visit_days,
        -- CCV PKVW §4.2.2 (18 months) / BRL 9341 §5.5 (5 years)
        case when w.scheme = 'pkvw' then 'audit_18m' else 'supervised_sampling' end
            as periodic_kind,
        case when w.scheme = 'pkvw'
             then (coalesce(w.last_periodic_before, w.issued_on) + interval 18 month)::date
             when coalesce(o.outsourced_sampling, false) then null
             else (coalesce(w.last_periodic_before, w.issued_on) + interval 5 year)::date
        end as periodic_due_on,
        w.scheme = 'brl9341' and coalesce(o.outsourced_sampling, false)
            as outsourced_sampling,
        coalesce(w.periodic_days, []) as periodic_days,
        w.last_periodic_before,
        w.last_control_before,
        -- CCV PKVW bijlage 4
        case when w.scheme = 'pkvw' then w.step_at_year_start end as step_at_year_start,
        case when w.scheme = 'pkvw' then w.step0_inspected_at_year_start end
            as step0_inspected_at_year_start,
        case when w.scheme = 'pkvw' then w.first_n end as first_n,
        case when w.scheme = 'pkvw' then rs.sample_one_in end as step_one_in,
        coalesce(w.dwelling_days, []) as dwelling_days,
        coalesce(w.sample_days, []) as sample_days
    from walked as w
    left join depots as d using (certificate_number)
    left join outsourced as o using (certificate_number)
    join ref_ccv_steps as rs on rs.step = w.step_at_year_start
    where w.year >= year(w.issued_on)
)
select * from final;
