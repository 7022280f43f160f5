-- deviation_status: one row per deviation (afwijking) known on the as-of date.
-- CCV PKVW §4.3.1: a B-deviation on a requirement that had a deviation at the previous
--   assessment ("bij de laatste beoordeling") of the same certificate counts as A.
--   Reading: an assessment is an audit date of the certificate (deviations without an
--   audit count on their found_on); the previous assessment is the latest one strictly
--   before this deviation's assessment date; escalation needs the same, non-empty
--   requirement code (case-insensitive).
-- CCV PKVW §4.3.2: correction deadline A 2 months, B 3 months after found_on; the CI may
--   extend once by 2 months: a recorded extended_until moves the deadline to that date,
--   at most base deadline + 2 months (a later date is capped and flagged).
--   The deadline is the last day on which closing is in time.
-- §4.3.3: the deadline passed with the deviation open -> suspension from deadline + 1 day.
-- §4.3.4: still open 6 months after the suspension -> withdrawal on suspension + 6 months
--   (closing before that day avoids it; closing on that day is too late).
-- States as of the as-of date: open (deadline not passed), overdue (deadline passed, not
-- closed), closed_in_time (closed_on <= deadline), closed_late. A closed_on after the
-- as-of date is not known yet and counts as open; deviations found after it are left out.
create or replace view deviation_status as
with as_of as (
    select as_of from as_of_date
),
deviations as (
    select d.*
    from deviations as d, as_of
    where d.found_on <= as_of.as_of
),
assessment as (
    -- the assessment date each deviation belongs to
    select
        d.*,
        coalesce(a.audit_date, d.found_on) as assessed_on
    from deviations as d
    left join audits as a using (audit_id)
),
assessment_dates as (
    select a.certificate_number, a.audit_date as assessed_on
    from audits as a
    semi join deviations as d using (certificate_number)
    union
    select certificate_number, assessed_on from assessment
),
previous_assessment_dates as (
    -- window formulation: the assessment before each assessment date of a certificate
    select
        certificate_number,
        assessed_on,
        lag(assessed_on) over (partition by certificate_number order by assessed_on)
            as previous_assessed_on
    from assessment_dates
),
previous_assessment as (
    select d.deviation_id, p.previous_assessed_on
    from assessment as d
    join previous_assessment_dates as p using (certificate_number, assessed_on)
),
repeated as (
    -- a deviation on the same requirement at the previous assessment
    select distinct d.deviation_id
    from assessment as d
    join previous_assessment as pa using (deviation_id)
    join assessment as prior
        on prior.certificate_number = d.certificate_number
        and prior.assessed_on = pa.previous_assessed_on
        and lower(trim(prior.requirement)) = lower(trim(d.requirement))
    where d.requirement is not null and trim(d.requirement) <> ''
),
classified as (
    select
        d.*,
        pa.previous_assessed_on,
        r.deviation_id is not null and d.category = 'B' as escalated,
        case when d.category = 'B' and r.deviation_id is not null then 'A'
             else d.category end as effective_category
    from assessment as d
    left join previous_assessment as pa using (deviation_id)
    left join repeated as r using (deviation_id)
),
deadlines as (
    select
        c.*,
        case when c.effective_category = 'A' then c.found_on + interval 2 month
             else c.found_on + interval 3 month end::date as base_deadline
    from classified as c
),
extended as (
    select
        d.*,
        case
            when d.extended_until is null or d.extended_until <= d.base_deadline
                then d.base_deadline
            else least(d.extended_until, (d.base_deadline + interval 2 month)::date)
        end as deadline,
        d.extended_until is not null and d.extended_until > d.base_deadline as extended,
        d.extended_until > (d.base_deadline + interval 2 month)::date as extension_capped
    from deadlines as d
),
known as (
    select
        e.*,
        as_of.as_of,
        case when e.closed_on <= as_of.as_of then e.closed_on end as closed_known
    from extended as e, as_of
),
final as (
    select
        k.deviation_id,
        k.audit_id,
        k.certificate_number,
        c.scheme,
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
        case when coalesce(k.closed_known, k.as_of + 1) > k.deadline
                  and k.deadline + 1 <= k.as_of
             then k.deadline + 1 end as suspension_from,
        case when k.closed_known > k.deadline then k.closed_known end as suspension_until,
        -- §4.3.4: not remedied within 6 months of the suspension -> withdrawal
        case when k.deadline + 1 <= k.as_of
                  and coalesce(k.closed_known, k.as_of + 1)
                      >= ((k.deadline + 1) + interval 6 month)::date
                  and ((k.deadline + 1) + interval 6 month)::date <= k.as_of
             then ((k.deadline + 1) + interval 6 month)::date end as withdrawal_on,
        'CCV PKVW §4.3.1-§4.3.4' as article,
        k.source_file,
        k.source_line
    from known as k
    left join certificates as c using (certificate_number)
)
select * from final;
