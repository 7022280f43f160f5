-- lifecycle_events: one row per certificate × lifecycle event or condition interval, on or
-- before the as-of date. CCV PKVW §3.2.4, §3.2.7, §4.3, bijlage 4; BRL 9341 §3.3 (the kinds
-- are listed in lifecycle_event_log, which computes them for all time and is stored).
-- An event starting after the as-of date is not shown; an end (ends_on, exclusive) after
-- the as-of date is not known yet (NULL = still holds).
create or replace view lifecycle_events as
with as_of as (
    select as_of from as_of_date
),
final as (
    select
        e.certificate_number,
        e.scheme,
        e.holder_id,
        e.event_kind,
        e.status,
        e.starts_on,
        case when e.ends_on <= as_of.as_of then e.ends_on end as ends_on,
        e.terminal,
        e.reason,
        e.source_kind,
        e.source_ref,
        e.article,
        e.reason_key,  -- issue 27: the reason as a message key and its values
        e.reason_args
    from lifecycle_event_log as e, as_of
    where e.starts_on <= as_of.as_of
)
select * from final;
