-- pkvw_minimum_work_periods: one row per issued PKVW certificate × 12-month period since
-- issuance, up to the lifecycle_horizon, for all time (as-of independent, stored as a
-- table by refresh; pkvw_minimum_work reads it for the as-of date).
-- materialize: table
-- CCV PKVW §3.2.7 (minimale hoeveelheid werk): at least 3 dwellings under certificate in
-- 12 consecutive months; if the 3 are not reached, the obligation moves to the next 12
-- months, in which at least 6 are needed; otherwise the recognition is withdrawn.
-- Reading: the periods are consecutive 12-month periods anchored on issued_on
-- ([issued_on + 12k months, issued_on + 12(k+1) months)); dwellings are the quantity of
-- activity 'dwelling_completed' in the period. A normal period needs 3; a period after a
-- missed normal period is a catch-up period and needs 6; a catch-up period met returns to
-- normal. A missed normal period is a warning dated on its end; a missed catch-up period
-- is a withdrawal dated on its end (the first day after it). Nothing follows a withdrawal.
-- A period is judged on its end with the dwellings inside it, so the outcome never depends
-- on later rows; dwelling_days (date, quantity) lets the as-of view count the running
-- period up to the as-of date.
-- Formulation: window functions (see judged); equivalent to walking the periods with
-- the state normal / catch-up / withdrawn.
create or replace view pkvw_minimum_work_periods as
with certs as (
    select c.certificate_number, c.issued_on, h.horizon_on
    from certificates as c, lifecycle_horizon as h
    where c.scheme = 'pkvw' and c.issued_on is not null and c.issued_on <= h.horizon_on
),
periods as (
    select
        c.certificate_number,
        p.period_no,
        (c.issued_on + to_months(12 * p.period_no))::date as period_start,
        (c.issued_on + to_months(12 * (p.period_no + 1)))::date as period_end
    from certs as c,
        range(0, (datediff('month', c.issued_on, c.horizon_on) // 12 + 1)::bigint)
            as p(period_no)
    where (c.issued_on + to_months(12 * p.period_no))::date <= c.horizon_on
),
dwellings as (
    select
        p.certificate_number,
        p.period_no,
        p.period_start,
        p.period_end,
        coalesce(sum(a.quantity), 0) as dwellings,
        list({'day': a.activity_date, 'quantity': a.quantity} order by a.activity_date)
            filter (where a.activity_date is not null) as dwelling_days
    from periods as p
    left join activity as a
        on a.certificate_number = p.certificate_number
        and a.activity = 'dwelling_completed'
        and a.activity_date >= p.period_start
        and a.activity_date < p.period_end
    group by all
),
judged as (
    -- window formulation of the state machine: a period is a catch-up period exactly when
    -- the previous period had fewer than 3 (a missed catch-up period, < 6, withdraws the
    -- certificate before anything else follows, and a recovered one had >= 6 >= 3)
    select
        d.*,
        case when lag(d.dwellings) over w < 3 then 6 else 3 end as required
    from dwellings as d
    window w as (partition by d.certificate_number order by d.period_no)
),
outcomes as (
    select
        j.*,
        case when j.required = 6 and j.dwellings >= 6 then 'recovered'
             when j.required = 6 then 'withdrawn'
             when j.dwellings >= 3 then 'met'
             else 'missed' end as outcome
    from judged as j
),
walk as (
    -- nothing after the first withdrawal
    select o.*
    from outcomes as o
    qualify coalesce(
        sum((o.outcome = 'withdrawn')::integer) over (
            partition by o.certificate_number order by o.period_no
            rows between unbounded preceding and 1 preceding
        ), 0) = 0
),
final as (
    select
        w.certificate_number,
        w.period_no,
        w.period_start,
        w.period_end,
        w.dwellings,
        coalesce(w.dwelling_days, []) as dwelling_days,
        w.required,
        w.outcome,
        case when w.outcome = 'missed' then w.period_end end as warning_on,
        case when w.outcome = 'withdrawn' then w.period_end end as withdrawal_on,
        'CCV PKVW §3.2.7' as article
    from walk as w
)
select * from final;
