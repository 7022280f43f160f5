-- certificate_status: one row per certificate, its status on the as-of date.
-- The last transition of certificate_status_transitions (stored, all time) on or before the
-- as-of date (CCV PKVW §3.2.4, §3.2.7, §4.3, bijlage 4; BRL 9341 §3.3). A certificate
-- without any transition yet (no applied_on / issued_on on or before the as-of date) is
-- shown in_admission since its applied_on, with the reason saying so.
create or replace view certificate_status as
with as_of as (
    select as_of from as_of_date
),
latest as (
    select t.*
    from certificate_status_transitions as t, as_of
    where t.status_since <= as_of.as_of
    qualify row_number() over (
        partition by t.certificate_number order by t.status_since desc
    ) = 1
),
final as (
    select
        c.certificate_number,
        c.scheme,
        c.holder_id,
        coalesce(l.status, 'in_admission') as status,
        coalesce(l.status_since, c.applied_on) as status_since,
        coalesce(l.reason, 'no lifecycle event on or before the as-of date') as reason,
        l.article,
        l.previous_status,
        c.issued_on,
        c.applied_on,
        c.ended_on,
        -- issue 27: the reason as a message key of pipelines/i18n/keys.py DETAILS and its
        -- values (JSON), for the reader's language
        case when l.reason is null then 'reason_no_event' else l.reason_key end
            as reason_key,
        case when l.reason is null then json_object() else l.reason_args end as reason_args
    from certificates as c
    left join latest as l using (certificate_number)
)
select * from final;
