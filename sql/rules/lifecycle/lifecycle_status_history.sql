-- certificate_status_history: one row per certificate × status transition on or before the
-- as-of date (CCV PKVW §3.2.4, §3.2.7, §4.3, bijlage 4; BRL 9341 §3.3). The transitions
-- are computed for all time in certificate_status_transitions (stored); status_until is
-- shown only once the as-of date reaches it.
create or replace view certificate_status_history as
with as_of as (
    select as_of from as_of_date
),
final as (
    select
        t.certificate_number,
        t.scheme,
        t.holder_id,
        t.status_since,
        t.status,
        t.previous_status,
        t.reason,
        t.article,
        t.reason_key,  -- issue 27: the reason as a message key and its values
        t.reason_args,
        case when t.status_until <= as_of.as_of then t.status_until end as status_until
    from certificate_status_transitions as t, as_of
    where t.status_since <= as_of.as_of
)
select * from final;
