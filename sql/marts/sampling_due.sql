-- sampling_due: one row per BRL 9341 series (site × product × component) of
-- sampling_frequency on the as-of date, with the one definition of "overdue" (docs/rules.md
-- §2, issue 26) in overdue_now, and for an overdue series its due_on, days_overdue and
-- detail. View sampling_overdue is its overdue rows (the Overview, the worklist); the
-- Sampling plan reads it whole. One view computes both, so a page reading the plan does
-- not compute sampling_frequency a second time for the overdue list (issue 26: that
-- doubled the plan's cost at scale 100).
-- Definition (overdue_now): the series' keuringsfrequentie is not met
-- (sampling_frequency.overdue: "1 in N lots" with N lots produced since the last test, or
-- fewer than M tests by the end of the period of "at least M per P years"; BRL 9341 §4.2,
-- bijlage II) AND its certificate is active or suspended on the as-of date (a certificate
-- in admission has no frequency yet, an ended one none left: docs/readings.md
-- "Certificates no longer in force").
-- due_on (docs/readings.md "Sampling overdue due date"): when too many lots went untested,
-- the date of the newest lot; else the date the period's tests were due by. days_overdue =
-- as_of - due_on (0 = due today); the worst is the largest. NULL when not overdue_now.
create or replace view sampling_due as
with as_of as (
    select as_of from as_of_date
),
in_force as (
    -- the one definition of "in force" (view certificate_in_force): active or suspended
    select certificate_number from certificate_in_force where in_force
),
flagged as (
    select
        f.*,
        f.overdue and i.certificate_number is not null as overdue_now
    from sampling_frequency as f
    left join in_force as i using (certificate_number)
),
dated as (
    select
        *,
        case when not overdue_now then null
             when overdue_lots then coalesce(last_lot_sampled_on, last_sampled_on)
             else coalesce(next_test_due_by, last_sampled_on) end as due_on
    from flagged
),
final as (
    select
        d.*,
        (a.as_of - d.due_on)::integer as days_overdue,
        case
            when not d.overdue_now then null
            when d.overdue_lots then d.lots_since_last_test || ' lots since the last test, '
                || '1 in ' || d.required_lots_per_test || ' required'
            else d.tests_in_period || ' tests in the period, at least '
                || d.required_min_tests || ' per ' || d.required_min_tests_years
                || case when d.required_min_tests_years = 1 then ' year'
                    else ' years' end || ' required'
        end as overdue_detail,
        -- issue 27: the same as a message key of pipelines/i18n/keys.py DETAILS and its
        -- values, for the reader's language
        case
            when not d.overdue_now then null
            when d.overdue_lots then 'overdue_lots'
            when d.required_min_tests_years = 1 then 'overdue_period_year'
            else 'overdue_period_years'
        end as overdue_detail_key,
        case
            when not d.overdue_now then null
            when d.overdue_lots then json_object('lots', d.lots_since_last_test,
                                                 'required', d.required_lots_per_test)
            else json_object('tests', d.tests_in_period, 'required', d.required_min_tests,
                             'years', d.required_min_tests_years)
        end as overdue_detail_args
    from dated as d
    cross join as_of as a
)
select * from final;
