-- complaint_status: one row per complaint received (activity 'complaint_received') on or
-- before the as-of date.
-- CCV PKVW §3.3.1: "een klacht wordt in elk geval binnen twee maanden behandeld".
-- A complaint is closed by the first activity 'complaint_closed' of the same certificate
-- with the same `reference`, on or after the day received and on or before the as-of date.
-- Deadline = received_on + 2 months (last day in time). States: handled_in_time,
-- handled_late, open (deadline not passed), overdue (deadline passed, not closed).
-- A complaint_received without a reference cannot be matched and stays open.
create or replace view complaint_status as
with as_of as (
    select as_of from as_of_date
),
received as (
    select
        a.certificate_number,
        a.reference,
        a.activity_date as received_on,
        a.source_file,
        a.source_line
    from activity as a, as_of
    where a.activity = 'complaint_received' and a.activity_date <= as_of.as_of
),
closed as (
    select a.certificate_number, a.reference, a.activity_date as closed_on
    from activity as a, as_of
    where a.activity = 'complaint_closed' and a.activity_date <= as_of.as_of
),
matched as (
    select
        r.certificate_number,
        r.reference,
        r.received_on,
        min(c.closed_on) as closed_on,
        r.source_file,
        r.source_line
    from received as r
    left join closed as c
        on c.certificate_number = r.certificate_number
        and c.reference = r.reference
        and c.closed_on >= r.received_on
    group by all
),
final as (
    select
        m.certificate_number,
        ce.scheme,
        m.reference,
        m.received_on,
        (m.received_on + interval 2 month)::date as deadline,
        m.closed_on,
        case
            when m.closed_on <= (m.received_on + interval 2 month)::date then 'handled_in_time'
            when m.closed_on is not null then 'handled_late'
            when as_of.as_of > (m.received_on + interval 2 month)::date then 'overdue'
            else 'open'
        end as state,
        m.closed_on is null and as_of.as_of > (m.received_on + interval 2 month)::date
            as overdue,
        'CCV PKVW §3.3.1' as article,
        m.source_file,
        m.source_line
    from matched as m
    left join certificates as ce using (certificate_number)
    cross join as_of
)
select * from final;
