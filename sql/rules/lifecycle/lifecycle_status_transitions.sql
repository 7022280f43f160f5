-- certificate_status_transitions: one row per certificate × status transition (every
-- change of status with its date and cause), for all time (as-of independent, stored as a
-- table by refresh). certificate_status_history and certificate_status read it for the
-- as-of date.
-- materialize: table
-- Built from lifecycle_event_log (CCV PKVW §3.2.4, §3.2.7, §4.3, bijlage 4; BRL 9341 §3.3).
-- The status on a day t is, in this order:
--   1. the first terminal event on or before t (withdrawn / lapsed; nothing follows it);
--   2. lapsed while an admission_expired interval holds (PKVW admission > 12 months);
--   3. in_admission before issued_on (or while not issued);
--   4. suspended while any suspension interval holds [starts_on, ends_on);
--   5. active otherwise.
-- It is evaluated at every date on which an event starts or ends; consecutive equal
-- statuses are collapsed, keeping the first date. The reason lists the events that
-- hold at the transition (for active: what ended the previous status), in a fixed order
-- (start, kind, source) so a refresh gives the same text.
-- The status on day t depends only on the events started by t and their ends up to t, so
-- the transitions up to an as-of date are those the as-of date would give.
create or replace view certificate_status_transitions as
with events as materialized (
    -- message: the event's reason as a message of pipelines/i18n/keys.py DETAILS (issue 27)
    select *, json_object('key', reason_key, 'args', reason_args) as message
    from lifecycle_event_log
),
first_terminal as (
    select certificate_number, min(starts_on) as terminal_on
    from events
    where terminal
    group by certificate_number
),
terminal_event as (
    select
        e.certificate_number,
        e.starts_on,
        -- withdrawal before lapse on the same day
        arg_min(e.status, case e.status when 'withdrawn' then 0 else 1 end) as status,
        string_agg(e.reason, '; ' order by e.event_kind, e.source_ref) as reason,
        string_agg(e.article, '; ' order by e.event_kind, e.source_ref) as article,
        list(e.message order by e.event_kind, e.source_ref) as messages
    from events as e
    join first_terminal as f
        on f.certificate_number = e.certificate_number and f.terminal_on = e.starts_on
    where e.terminal
    group by e.certificate_number, e.starts_on
),
change_points as (
    select distinct e.certificate_number, p.point_on
    from events as e,
        unnest([e.starts_on, e.ends_on]) as p(point_on)
    left join first_terminal as f on f.certificate_number = e.certificate_number
    where p.point_on is not null
      and e.status is not null
      and (f.terminal_on is null or p.point_on < f.terminal_on)
),
evaluated as (
    select
        cp.certificate_number,
        cp.point_on,
        c.issued_on,
        bool_or(e.event_kind = 'admission_expired') as admission_expired,
        bool_or(e.status = 'suspended') as suspended,
        string_agg(e.reason, '; ' order by e.starts_on, e.event_kind, e.source_ref)
            filter (where e.event_kind = 'admission_expired') as expired_reason,
        string_agg(e.article, '; ' order by e.starts_on, e.event_kind, e.source_ref)
            filter (where e.event_kind = 'admission_expired') as expired_article,
        string_agg(e.reason, '; ' order by e.starts_on, e.event_kind, e.source_ref)
            filter (where e.status = 'suspended') as suspended_reason,
        string_agg(distinct e.article, '; ' order by e.article)
            filter (where e.status = 'suspended') as suspended_article,
        list(e.message order by e.starts_on, e.event_kind, e.source_ref)
            filter (where e.event_kind = 'admission_expired') as expired_messages,
        list(e.message order by e.starts_on, e.event_kind, e.source_ref)
            filter (where e.status = 'suspended') as suspended_messages
    from change_points as cp
    join certificates as c using (certificate_number)
    left join events as e
        on e.certificate_number = cp.certificate_number
        and e.status in ('suspended', 'lapsed')
        and not e.terminal
        and e.starts_on <= cp.point_on
        and (e.ends_on is null or e.ends_on > cp.point_on)
    group by cp.certificate_number, cp.point_on, c.issued_on
),
ended_here as (
    -- what stopped holding on a change point (explains a return to active)
    select
        certificate_number,
        ends_on as point_on,
        string_agg('lifted: ' || reason, '; ' order by starts_on, event_kind, source_ref)
            as ended_reason,
        string_agg(distinct article, '; ' order by article) as ended_article,
        list(json_object('key', 'reason_lifted', 'args', json_object('reason', message))
             order by starts_on, event_kind, source_ref) as ended_messages
    from events
    where ends_on is not null and status in ('suspended', 'lapsed')
    group by certificate_number, ends_on
),
entry_articles as (
    -- the scheme's article of the application and of the issuance (lifecycle_event_log),
    -- named in the register instead of the bare words (issue 26)
    select
        certificate_number,
        any_value(article) filter (where event_kind = 'application') as applied_article,
        any_value(article) filter (where event_kind = 'issued') as issued_article
    from events
    where event_kind in ('application', 'issued')
    group by certificate_number
),
statused as (
    select
        v.certificate_number,
        v.point_on,
        case
            when v.admission_expired then 'lapsed'
            when v.issued_on is null or v.point_on < v.issued_on then 'in_admission'
            when v.suspended then 'suspended'
            else 'active'
        end as status,
        case
            when v.admission_expired then v.expired_reason
            when v.issued_on is null or v.point_on < v.issued_on
                then 'application received, in admission'
            when v.suspended then v.suspended_reason
            when v.point_on = v.issued_on then 'certificate issued'
            else coalesce(eh.ended_reason, 'certificate issued')
        end as reason,
        case
            when v.admission_expired then v.expired_article
            when v.issued_on is null or v.point_on < v.issued_on then ea.applied_article
            when v.suspended then v.suspended_article
            when v.point_on = v.issued_on then ea.issued_article
            else eh.ended_article
        end as article,
        -- the reason as a message key and its values (issue 27): a list of the events'
        -- messages where the English joins their reasons with '; '
        case
            when v.admission_expired or (v.suspended and v.issued_on <= v.point_on)
                then 'reason_list'
            when v.issued_on is null or v.point_on < v.issued_on then 'reason_application'
            when v.point_on = v.issued_on or eh.ended_messages is null then 'reason_issued'
            else 'reason_list'
        end as reason_key,
        case
            when v.admission_expired then json_object('items', v.expired_messages)
            when v.issued_on is null or v.point_on < v.issued_on then json_object()
            when v.suspended then json_object('items', v.suspended_messages)
            when v.point_on = v.issued_on or eh.ended_messages is null then json_object()
            else json_object('items', eh.ended_messages)
        end as reason_args
    from evaluated as v
    left join ended_here as eh using (certificate_number, point_on)
    left join entry_articles as ea using (certificate_number)
    union all
    select certificate_number, starts_on, status, reason, article, 'reason_list',
           json_object('items', messages)
    from terminal_event
),
collapsed as (
    select
        *,
        lag(status) over (partition by certificate_number order by point_on) as previous_status
    from statused
),
final as (
    select
        c.certificate_number,
        ce.scheme,
        ce.holder_id,
        c.point_on as status_since,
        c.status,
        c.previous_status,
        c.reason,
        c.article,
        c.reason_key,
        c.reason_args,
        lead(c.point_on) over (partition by c.certificate_number order by c.point_on)
            as status_until
    from collapsed as c
    join certificates as ce using (certificate_number)
    where c.previous_status is distinct from c.status
)
select * from final;
