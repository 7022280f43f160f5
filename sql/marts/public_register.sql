-- public_register: one row per certificate holder × certificate, as published on the
-- as-of date. Bouwbesluit 2012 art. 1.39 lid 2 / art. 1.40 (openbaar register of data on
-- certificate holders) and, in its spirit, art. 1.55 lid c / 1.56: "de datum van de ...
-- gegeven waarschuwing, de datum en de termijn van de schorsing of intrekking ... met
-- vermelding van de reden". CCV PKVW §4.3.3-§4.3.4: suspensions and withdrawals are published.
-- Sanctions are the lifecycle_events of kind warning / suspension / withdrawal / lapse
-- (a list of structs: kind, date, until, reason, article), with the current status of
-- certificate_status. Only certificates that were ever issued are published.
create or replace view public_register as
with status as (
    select * from certificate_status
),
sanctions as (
    select
        certificate_number,
        count(*) filter (where event_kind like '%warning') as n_warnings,
        count(*) filter (where event_kind like '%suspension') as n_suspensions,
        count(*) filter (where event_kind like '%withdrawal') as n_withdrawals,
        list({
            'kind': case when event_kind like '%warning' then 'warning'
                         when event_kind like '%suspension' then 'suspension'
                         when event_kind like '%withdrawal' then 'withdrawal'
                         else 'lapse' end,
            'date': starts_on,
            'until': ends_on,
            'reason': reason,
            'article': article
        } order by starts_on, event_kind, source_ref) as sanctions,
        max(starts_on) filter (where event_kind like '%warning') as last_warning_on,
        max(starts_on) filter (where event_kind like '%suspension') as last_suspension_on,
        max(starts_on) filter (where event_kind like '%withdrawal') as withdrawn_on
    from lifecycle_events
    where event_kind like '%warning'
       or event_kind like '%suspension'
       or event_kind like '%withdrawal'
       or event_kind in ('production_lapse', 'ended')
    group by certificate_number
),
final as (
    select
        s.holder_id,
        h.holder_name,
        s.scheme,
        sc.name as scheme_name,
        s.certificate_number,
        s.status,
        s.status_since,
        s.reason as status_reason,
        s.reason_key as status_reason_key,  -- issue 27: the reason as a message key
        s.reason_args as status_reason_args,
        s.issued_on,
        coalesce(x.n_warnings, 0) as n_warnings,
        coalesce(x.n_suspensions, 0) as n_suspensions,
        coalesce(x.n_withdrawals, 0) as n_withdrawals,
        x.last_warning_on,
        x.last_suspension_on,
        x.withdrawn_on,
        x.sanctions
    from status as s
    left join certificate_holders as h using (holder_id)
    left join schemes as sc using (scheme)
    left join sanctions as x using (certificate_number)
    where s.issued_on is not null and s.issued_on <= (select as_of from as_of_date)
)
select * from final;
