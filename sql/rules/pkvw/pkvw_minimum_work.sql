-- pkvw_minimum_work: one row per PKVW certificate × 12-month period since issuance started
-- on or before the as-of date. CCV PKVW §3.2.7 (minimum amount of work), computed for all
-- time in pkvw_minimum_work_periods (stored). Only periods ended on or before the as-of
-- date are judged (warning_on / withdrawal_on); the running period is shown with outcome
-- 'running' and the dwellings completed in it up to the as-of date.
-- An ended certificate (first terminal lifecycle event on or before the as-of date: ended
-- at the holder's request, withdrawn, lapsed) gets no minimum-work warning (issue 22): no
-- period starting on or after its end is shown, the period running at its end has outcome
-- 'ended', and no warning_on or withdrawal_on after its end date is shown (one on or
-- before it stays: it was given while the certificate was in force).
create or replace view pkvw_minimum_work as
with as_of as (
    select as_of from as_of_date
),
ended as (
    -- the certificate's end (first terminal lifecycle event) as known on the as-of date
    select e.certificate_number, min(e.starts_on) as ended_on
    from lifecycle_event_log as e, as_of
    where e.terminal and e.starts_on <= as_of.as_of
    group by e.certificate_number
),
final as (
    select
        p.certificate_number,
        p.period_no,
        p.period_start,
        p.period_end,
        case when p.period_end <= as_of.as_of then p.dwellings
             else coalesce(list_sum(list_transform(
                      list_filter(p.dwelling_days, lambda x: x.day <= as_of.as_of),
                      lambda x: x.quantity)), 0)
        end as dwellings,
        p.required,
        case when e.ended_on < p.period_end then 'ended'
             when p.period_end <= as_of.as_of then p.outcome else 'running' end as outcome,
        case when p.period_end <= as_of.as_of
                  and (e.ended_on is null or p.warning_on <= e.ended_on)
             then p.warning_on end as warning_on,
        case when p.period_end <= as_of.as_of
                  and (e.ended_on is null or p.withdrawal_on <= e.ended_on)
             then p.withdrawal_on end as withdrawal_on,
        e.ended_on as certificate_ended_on,
        p.article
    from pkvw_minimum_work_periods as p
    cross join as_of
    left join ended as e on e.certificate_number = p.certificate_number
    where p.period_start <= as_of.as_of
      and (e.ended_on is null or p.period_start < e.ended_on)
)
select * from final;
