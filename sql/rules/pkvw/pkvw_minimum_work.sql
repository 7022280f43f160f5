-- pkvw_minimum_work: one row per PKVW certificate × 12-month period since issuance started
-- on or before the as-of date. CCV PKVW §3.2.7 (minimum amount of work), computed for all
-- time in pkvw_minimum_work_periods (stored). Only periods ended on or before the as-of
-- date are judged (warning_on / withdrawal_on); the running period is shown with outcome
-- 'running' and the dwellings completed in it up to the as-of date.
create or replace view pkvw_minimum_work as
with as_of as (
    select as_of from as_of_date
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
        case when p.period_end <= as_of.as_of then p.outcome else 'running' end as outcome,
        case when p.period_end <= as_of.as_of then p.warning_on end as warning_on,
        case when p.period_end <= as_of.as_of then p.withdrawal_on end as withdrawal_on,
        p.article
    from pkvw_minimum_work_periods as p, as_of
    where p.period_start <= as_of.as_of
)
select * from final;
