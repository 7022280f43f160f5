-- deviation_deadlines: one row per deviation (afwijking), for all time (as-of independent,
-- stored as a table by refresh; deviation_status reads it for the as-of date).
-- materialize: table
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
-- §4.3.3: closed after the deadline or never -> suspension from deadline + 1 day, until
--   closed_on (when closed).
-- §4.3.4: not closed before suspension + 6 months -> withdrawal on that day (closing on
--   that day is too late).
-- Every date here is fixed by the row itself; deviation_status shows a date only once the
-- as-of date reaches it (a closed_on after the as-of date is not known yet there).
create or replace view deviation_deadlines as
with assessment as (
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
sanctions as (
    select
        e.*,
        case when e.closed_on is null or e.closed_on > e.deadline
             then e.deadline + 1 end as suspension_from,
        case when e.closed_on > e.deadline then e.closed_on end as suspension_until,
        ((e.deadline + 1) + interval 6 month)::date as withdrawal_due
    from extended as e
),
final as (
    select
        s.deviation_id,
        s.audit_id,
        s.certificate_number,
        c.scheme,
        s.category,
        s.effective_category,
        s.escalated,
        s.requirement,
        s.assessed_on,
        s.previous_assessed_on,
        s.found_on,
        s.base_deadline,
        s.extended_until,
        s.extended,
        s.extension_capped,
        s.deadline,
        s.closed_on,
        s.suspension_from,
        s.suspension_until,
        case when s.closed_on is null or s.closed_on >= s.withdrawal_due
             then s.withdrawal_due end as withdrawal_on,
        s.source_file,
        s.source_line
    from sanctions as s
    left join certificates as c using (certificate_number)
)
select * from final;
