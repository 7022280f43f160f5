-- sampling_overdue: one row per BRL 9341 series (site × product × component) that is overdue
-- on the as-of date. THE list of "sampling series overdue" (docs/rules.md §2, issue 26): the
-- Overview's tile (kpi_overview), the worklist (kind sampling_overdue) and the Sampling plan
-- (sampling_plan.overdue, its "Series overdue" figure) all read this view, so they show the
-- same number and the same series.
-- Definition: the series' keuringsfrequentie is not met (sampling_frequency.overdue: "1 in N
-- lots" with N lots produced since the last test, or fewer than M tests by the end of the
-- period of "at least M per P years"; BRL 9341 §4.2, bijlage II) AND its certificate is
-- active or suspended on the as-of date (a certificate in admission has no frequency yet, an
-- ended one none left: docs/readings.md "Certificates no longer in force").
-- due_on (docs/readings.md "Sampling overdue due date"): when too many lots went untested,
-- the date of the newest lot; else the date the period's tests were due by. days_overdue =
-- as_of - due_on (0 = due today); the worst is the largest.
create or replace view sampling_overdue as
with as_of as (
    select as_of from as_of_date
),
in_force as (
    select certificate_number
    from certificate_status
    where status in ('active', 'suspended')
),
series as (
    select f.*
    from sampling_frequency as f
    join in_force as c using (certificate_number)
    where f.overdue
),
dated as (
    select
        *,
        case when overdue_lots then coalesce(last_lot_sampled_on, last_sampled_on)
             else coalesce(next_test_due_by, last_sampled_on) end as due_on
    from series
),
final as (
    select
        d.certificate_number,
        d.site_id,
        d.product,
        d.component,
        d.due_on,
        (a.as_of - d.due_on)::integer as days_overdue,
        d.overdue_lots,
        d.overdue_period,
        d.lots_since_last_test,
        d.required_lots_per_test,
        d.tests_in_period,
        d.required_min_tests,
        d.required_min_tests_years,
        case
            when d.overdue_lots then d.lots_since_last_test || ' lots since the last test, '
                || '1 in ' || d.required_lots_per_test || ' required'
            else d.tests_in_period || ' tests in the period, at least '
                || d.required_min_tests || ' per ' || d.required_min_tests_years
                || case when d.required_min_tests_years = 1 then ' year'
                    else ' years' end || ' required'
        end as detail,
        'BRL 9341 §4.2, bijlage II' as article,
        a.as_of
    from dated as d
    cross join as_of as a
)
select * from final;
