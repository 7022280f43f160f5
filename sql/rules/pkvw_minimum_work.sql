-- pkvw_minimum_work: one row per PKVW certificate × 12-month period since issuance.
-- CCV PKVW §3.2.7 (minimale hoeveelheid werk): at least 3 dwellings under certificate in
-- 12 consecutive months; if the 3 are not reached, the obligation moves to the next 12
-- months, in which at least 6 are needed; otherwise the recognition is withdrawn.
-- Reading: the periods are consecutive 12-month periods anchored on issued_on
-- ([issued_on + 12k months, issued_on + 12(k+1) months)); dwellings are the quantity of
-- activity 'dwelling_completed' in the period. A normal period needs 3; a period after a
-- missed normal period is a catch-up period and needs 6; a catch-up period met returns to
-- normal. A missed normal period is a warning dated on its end; a missed catch-up period
-- is a withdrawal dated on its end (the first day after it). Only periods ended on or
-- before the as-of date are judged; the running period is shown with outcome 'running'.
-- Formulation: recursive CTE over the periods (the required number depends on the
-- previous period's outcome).
create or replace view pkvw_minimum_work as
with recursive as_of as (
    select as_of from as_of_date
),
certs as (
    select c.certificate_number, c.issued_on, as_of.as_of
    from certificates as c, as_of
    where c.scheme = 'pkvw' and c.issued_on is not null and c.issued_on <= as_of.as_of
),
periods as (
    select
        c.certificate_number,
        p.period_no,
        (c.issued_on + to_months(12 * p.period_no))::date as period_start,
        (c.issued_on + to_months(12 * (p.period_no + 1)))::date as period_end,
        c.as_of
    from certs as c,
        range(0, (datediff('month', c.issued_on, c.as_of) // 12 + 1)::bigint) as p(period_no)
),
dwellings as (
    select
        p.certificate_number,
        p.period_no,
        p.period_start,
        p.period_end,
        p.period_end <= p.as_of as judged,
        coalesce(sum(a.quantity), 0) as dwellings
    from periods as p
    left join activity as a
        on a.certificate_number = p.certificate_number
        and a.activity = 'dwelling_completed'
        and a.activity_date >= p.period_start
        and a.activity_date < p.period_end
        and a.activity_date <= p.as_of
    group by all
),
walk as (
    select
        d.certificate_number,
        d.period_no,
        3 as required,
        case when not d.judged then 'running'
             when d.dwellings >= 3 then 'met'
             else 'missed' end as outcome
    from dwellings as d
    where d.period_no = 0
    union all
    select
        d.certificate_number,
        d.period_no,
        case when w.outcome = 'missed' then 6 else 3 end as required,
        case when not d.judged then 'running'
             when d.dwellings >= case when w.outcome = 'missed' then 6 else 3 end
                 then case when w.outcome = 'missed' then 'recovered' else 'met' end
             when w.outcome = 'missed' then 'withdrawn'
             else 'missed' end as outcome
    from walk as w
    join dwellings as d
        on d.certificate_number = w.certificate_number
        and d.period_no = w.period_no + 1
    where w.outcome in ('met', 'missed', 'recovered')
),
final as (
    select
        d.certificate_number,
        d.period_no,
        d.period_start,
        d.period_end,
        d.dwellings,
        w.required,
        w.outcome,
        case when w.outcome = 'missed' then d.period_end end as warning_on,
        case when w.outcome = 'withdrawn' then d.period_end end as withdrawal_on,
        'CCV PKVW §3.2.7' as article
    from walk as w
    join dwellings as d using (certificate_number, period_no)
)
select * from final;
