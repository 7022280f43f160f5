-- sampling_overdue: one row per BRL 9341 series (site × product × component) that is overdue
-- on the as-of date. THE list of "sampling series overdue" (docs/rules.md §2, issue 26): the
-- Overview's tile (kpi_overview), the worklist (kind sampling_overdue) and the Sampling plan
-- (sampling_plan.overdue, its "Series overdue" figure) all read this view, so they show the
-- same number and the same series.
-- The definition and the dates are computed in view sampling_due (overdue_now), which the
-- Sampling plan reads whole; this view is its overdue rows. Definition: the series'
-- keuringsfrequentie is not met (sampling_frequency.overdue: "1 in N lots" with N lots
-- produced since the last test, or fewer than M tests by the end of the period of "at
-- least M per P years"; BRL 9341 §4.2, bijlage II) AND its certificate is
-- active or suspended on the as-of date (a certificate in admission has no frequency yet, an
-- ended one none left: docs/readings.md "Certificates no longer in force").
-- due_on (docs/readings.md "Sampling overdue due date"): when too many lots went untested,
-- the date of the newest lot; else the date the period's tests were due by. days_overdue =
-- as_of - due_on (0 = due today); the worst is the largest.
create or replace view sampling_overdue as
with final as (
    select
        certificate_number,
        site_id,
        product,
        component,
        due_on,
        days_overdue,
        overdue_lots,
        overdue_period,
        lots_since_last_test,
        required_lots_per_test,
        tests_in_period,
        required_min_tests,
        required_min_tests_years,
        overdue_detail as detail,
        overdue_detail_key as detail_key,  -- issue 27: the detail as a message key
        overdue_detail_args as detail_args,
        'BRL 9341 §4.2, bijlage II' as article,
        as_of
    from sampling_due
    where overdue_now
)
select * from final;
