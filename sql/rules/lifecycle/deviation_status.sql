-- deviation_status: one row per deviation (afwijking) known on the as-of date.
-- CCV PKVW §4.3.1-§4.3.4: classification, deadlines and sanction dates are computed for
-- all time in deviation_deadlines (stored); this view reads them for the as-of date:
-- deviations found after it are left out, a closed_on after it is not known yet (the
-- deviation is open), and a suspension or withdrawal shows once its date is reached.
-- States: open (deadline not passed), overdue (deadline passed, not closed),
-- closed_in_time (closed_on <= deadline), closed_late.
create or replace view deviation_status as
with as_of as (
    select as_of from as_of_date
),
known as (
    select
        d.*,
        as_of.as_of,
        case when d.closed_on <= as_of.as_of then d.closed_on end as closed_known
    from deviation_deadlines as d, as_of
    where d.found_on <= as_of.as_of
),
final as (
    select
        k.deviation_id,
        k.audit_id,
        k.certificate_number,
        k.scheme,
        k.category,
        k.effective_category,
        k.escalated,
        k.requirement,
        k.assessed_on,
        k.previous_assessed_on,
        k.found_on,
        k.base_deadline,
        k.extended_until,
        k.extended,
        k.extension_capped,
        k.deadline,
        k.closed_known as closed_on,
        case
            when k.closed_known is not null and k.closed_known <= k.deadline then 'closed_in_time'
            when k.closed_known is not null then 'closed_late'
            when k.as_of > k.deadline then 'overdue'
            else 'open'
        end as state,
        case when k.closed_known is not null then greatest(k.closed_known - k.deadline, 0)
             else greatest(k.as_of - k.deadline, 0) end as days_late,
        -- §4.3.3: suspended from the day after the deadline while still open
        case when k.suspension_from <= k.as_of then k.suspension_from end as suspension_from,
        case when k.suspension_from <= k.as_of and k.suspension_until <= k.as_of
             then k.suspension_until end as suspension_until,
        -- §4.3.4: not remedied within 6 months of the suspension -> withdrawal
        case when k.withdrawal_on <= k.as_of then k.withdrawal_on end as withdrawal_on,
        'CCV PKVW §4.3.1-§4.3.4' as article,
        k.source_file,
        k.source_line
    from known as k
)
select * from final;
