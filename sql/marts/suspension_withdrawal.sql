-- suspension_withdrawal: one row per certificate suspended on the as-of date, with the day
-- the suspension turns into a withdrawal or lapse unless lifted (NULL when no rule gives
-- one) and the article of that rule.
-- Sources, the first date wins: an afwijking still open 6 months after its suspension
-- (CCV PKVW §4.3.3, deviation_deadlines.withdrawal_on); a sample suspension not lifted
-- (CCV PKVW bijlage 4, pkvw_sample_history.withdrawal_on); a production stop of more than
-- 3 years (BRL 9341 §3.3, production_stop_history.lapsed_on). Each counts only while its
-- cause stands on the as-of date (not closed, lifted or restarted). Used by the worklist
-- and the overview's KPIs.
create or replace view suspension_withdrawal as
with as_of as (
    select as_of from as_of_date
),
suspended as (
    select s.certificate_number, s.status_since, s.reason, s.article, s.reason_key,
           s.reason_args
    from certificate_status as s
    where s.status = 'suspended'
),
withdrawal_dates as (
    select d.certificate_number, d.withdrawal_on as ends_on, 'CCV PKVW §4.3.3' as article
    from deviation_deadlines as d, as_of as a
    where d.suspension_from <= a.as_of and d.withdrawal_on > a.as_of
      and (d.closed_on is null or d.closed_on > a.as_of)
      and (d.suspension_until is null or d.suspension_until > a.as_of)
    union all
    select h.certificate_number, h.withdrawal_on, h.article
    from pkvw_sample_history as h, as_of as a
    where h.suspends and h.audit_date <= a.as_of and h.withdrawal_on > a.as_of
      and (h.suspension_lifted_on is null or h.suspension_lifted_on > a.as_of)
    union all
    select p.certificate_number, p.lapsed_on, p.article
    from production_stop_history as p, as_of as a
    where p.suspended_on <= a.as_of and p.lapsed_on > a.as_of
      and (p.restarted_on is null or p.restarted_on > a.as_of)
),
final as (
    select
        s.certificate_number,
        s.status_since as suspended_since,
        s.reason,
        min(w.ends_on) as withdrawal_on,
        (min(w.ends_on) - a.as_of)::integer as days_to_withdrawal,
        coalesce(arg_min(w.article, w.ends_on), s.article) as article,
        -- issue 27: the reason as a message key and its values
        any_value(s.reason_key) as reason_key,
        any_value(s.reason_args) as reason_args
    from suspended as s
    cross join as_of as a
    left join withdrawal_dates as w using (certificate_number)
    group by s.certificate_number, s.status_since, s.reason, s.article, a.as_of
)
select * from final;
