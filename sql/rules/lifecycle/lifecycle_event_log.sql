-- lifecycle_event_log: one row per certificate × lifecycle event or condition interval,
-- for all time (as-of independent, stored as a table by refresh). lifecycle_events reads
-- it for the as-of date; certificate_status_transitions is built from it.
-- materialize: table
-- Kinds (status they impose while they hold; ends_on is exclusive, NULL = holds for good):
--   application          in_admission  applied_on .. issued_on (article: CCV PKVW §3.2.4,
--                                      BRL 9341 §3.1, COPRO TAR 9201 §2.1.2 + the fee of
--                                      the application, §2.2.2.1 person / §2.2.2.2 process)
--   issued               active        issued_on (point; article: CCV PKVW §4.2.1 positive
--                                      close of the toelatingsonderzoek, BRL 9341 §3.2
--                                      certificaatverlening and §3.3 validity, COPRO TAR
--                                      9201 §2.1.3.2 "uitgereikt" / §2.1.4 "periode met
--                                      certificaat"; the register shows it, issue 26)
--   admission_expired    lapsed        CCV PKVW §3.2.4 "Bedrijven mogen 12 maanden in
--                                      toelating blijven": not issued within 12 months of
--                                      applied_on -> from applied_on + 12 months + 1 day
--                                      until a later issuance
--   deviation_suspension suspended     CCV PKVW §4.3.3, from deviation_deadlines
--   deviation_withdrawal withdrawn     CCV PKVW §4.3.4 (terminal)
--   sample_suspension    suspended     CCV PKVW bijlage 4, 2 or more dwellings with A
--   sample_withdrawal    withdrawn     §4.3.4 applied to a sample suspension (terminal)
--   sample_warning       (warning)     bijlage 4, 1 dwelling with A: verification by the CI
--                                      (whole sample; 50% at step 3)
--   verification_suspension suspended  bijlage 4, that verification found new faults
--   verification_withdrawal withdrawn  §4.3.4 applied to it (terminal)
--   minimum_work_warning (warning)     CCV PKVW §3.2.7, fewer than 3 dwellings in 12 months
--   minimum_work_withdrawal withdrawn  §3.2.7, fewer than 6 in the next 12 months (terminal)
--   production_suspension suspended    BRL 9341 §3.3, stop > 1 year without stock delivery,
--                                      until the extra periodic assessment after the
--                                      restart passes (not the restart itself)
--   production_lapse     lapsed        BRL 9341 §3.3, stop > 3 years (terminal)
--   ended                lapsed        certificates.ended_on recorded (terminal)
-- After the certificate's end (its first terminal event) nothing new is recorded: no
-- warning (minimum work, sample), suspension, withdrawal or lapse starts after that date
-- (issue 22; events on the end date itself stay, the transitions rank them).
-- Deviation- and sample-driven suspensions count only once the certificate is issued
-- (findings during admission block the issuance instead, CCV PKVW §4.1.1).
-- Each event's dates depend only on rows dated up to them (a closing after the start of a
-- suspension only sets its end), so cutting the log at an as-of date gives the events as
-- known on that date.
create or replace view lifecycle_event_log as
with certs as (
    select c.*
    from certificates as c
),
-- each input view is evaluated once
deviation_rows as materialized (
    select * from deviation_deadlines where suspension_from is not null
),
sample_rows as materialized (
    select * from pkvw_sample_history
    where suspends or full_verification or verification_suspends
),
minimum_work_rows as materialized (
    select * from pkvw_minimum_work_periods
    where warning_on is not null or withdrawal_on is not null
),
stop_rows as materialized (
    select * from production_stop_history
    where suspended_on is not null or lapsed_on is not null
),
application as (
    select
        certificate_number, 'application' as event_kind, 'in_admission' as status,
        applied_on as starts_on,
        issued_on as ends_on,
        false as terminal,
        'application received, in admission' as reason,
        'certificate' as source_kind, certificate_number as source_ref,
        case scheme when 'pkvw' then 'CCV PKVW §3.2.4' when 'brl9341' then 'BRL 9341 §3.1'
             when 'asbestos_person' then 'COPRO TAR 9201 §2.1.2, §2.2.2.1'
             when 'asbestos_process' then 'COPRO TAR 9201 §2.1.2, §2.2.2.2'
             else 'application (no article in the scheme''s sources)' end as article,
        -- issue 27: the reason as a message key of pipelines/i18n/keys.py DETAILS and its
        -- values (JSON), for the reader's language
        'reason_application' as reason_key,
        json_object() as reason_args
    from certs
    where applied_on is not null and (issued_on is null or applied_on < issued_on)
),
issued as (
    select
        certificate_number, 'issued', 'active', issued_on, null::date, false,
        'certificate issued', 'certificate', certificate_number,
        case scheme when 'pkvw' then 'CCV PKVW §4.2.1' when 'brl9341' then 'BRL 9341 §3.2, §3.3'
             when 'asbestos_person' then 'COPRO TAR 9201 §2.1.3.2, §2.1.4'
             when 'asbestos_process' then 'COPRO TAR 9201 §2.1.3.2, §2.1.4'
             else 'issuance (no article in the scheme''s sources)' end,
        'reason_issued', json_object()
    from certs
    where issued_on is not null
),
admission_expired as (
    select
        certificate_number, 'admission_expired', 'lapsed',
        (applied_on + interval 12 month + interval 1 day)::date,
        issued_on,
        false,
        'in admission for more than 12 months since ' || strftime(applied_on, '%Y-%m-%d'),
        'certificate', certificate_number, 'CCV PKVW §3.2.4',
        'reason_admission_expired', json_object('applied_on', applied_on)
    from certs
    where scheme = 'pkvw'
      and applied_on is not null
      and (issued_on is null
           or issued_on > (applied_on + interval 12 month)::date)
),
deviation_suspension as (
    select
        d.certificate_number, 'deviation_suspension', 'suspended',
        d.suspension_from, d.suspension_until, false,
        'deviation ' || d.deviation_id || ' (category ' || d.effective_category
            || case when d.escalated then ', B repeated from the previous assessment' else '' end
            || coalesce(', ' || d.requirement, '') || ') not corrected by '
            || strftime(d.deadline, '%Y-%m-%d'),
        'deviation', d.deviation_id, 'CCV PKVW §4.3.2-§4.3.3',
        'reason_deviation_suspension'
            || case when d.escalated then '_escalated' else '' end
            || case when d.requirement is null then '_no_requirement' else '' end,
        json_object('deviation', d.deviation_id, 'category', d.effective_category,
                    'requirement', d.requirement, 'deadline_on', d.deadline)
    from deviation_rows as d
    join certs as c using (certificate_number)
    where c.scheme = 'pkvw' and d.suspension_from is not null
      and c.issued_on <= d.suspension_from
),
deviation_withdrawal as (
    select
        d.certificate_number, 'deviation_withdrawal', 'withdrawn',
        d.withdrawal_on, null::date, true,
        'deviation ' || d.deviation_id || ' still open 6 months after the suspension of '
            || strftime(d.suspension_from, '%Y-%m-%d'),
        'deviation', d.deviation_id, 'CCV PKVW §4.3.4',
        'reason_deviation_withdrawal',
        json_object('deviation', d.deviation_id, 'suspension_on', d.suspension_from)
    from deviation_rows as d
    join certs as c using (certificate_number)
    where c.scheme = 'pkvw' and d.withdrawal_on is not null
      and c.issued_on <= d.suspension_from
),
sample_suspension as (
    select
        certificate_number, 'sample_suspension', 'suspended',
        audit_date, suspension_lifted_on, false,
        'sample ' || audit_id || ': ' || dwellings_with_deviation_a
            || ' dwellings with an A-deviation (step ' || step_before || ' -> '
            || step_after || ')',
        'audit', audit_id, 'CCV PKVW bijlage 4',
        'reason_sample_suspension',
        json_object('audit', audit_id, 'dwellings', dwellings_with_deviation_a,
                    'step_before', step_before, 'step_after', step_after)
    from sample_rows
    where suspends
),
sample_withdrawal as (
    select
        certificate_number, 'sample_withdrawal', 'withdrawn',
        withdrawal_on, null::date, true,
        'suspension after sample ' || audit_id || ' of ' || strftime(audit_date, '%Y-%m-%d')
            || ' not lifted within 6 months',
        'audit', audit_id, 'CCV PKVW bijlage 4, §4.3.4',
        'reason_sample_withdrawal', json_object('audit', audit_id, 'audit_on', audit_date)
    from sample_rows
    where withdrawal_on is not null
),
verification_suspension as (
    -- bijlage 4, N = 1: "wel nieuwe fouten dan schorsing" (the CI's verification found
    -- dwellings with new faults)
    select
        certificate_number, 'verification_suspension', 'suspended',
        verification_on, verification_suspension_lifted_on, false,
        'verification ' || verification_audit_id || ' after sample ' || audit_id || ': '
            || verification_new_faults || ' dwellings with new faults (step '
            || step_before || ')',
        'audit', verification_audit_id, 'CCV PKVW bijlage 4',
        'reason_verification_suspension',
        json_object('verification', verification_audit_id, 'audit', audit_id,
                    'dwellings', verification_new_faults, 'step_before', step_before)
    from sample_rows
    where verification_suspends
),
verification_withdrawal as (
    select
        certificate_number, 'verification_withdrawal', 'withdrawn',
        verification_withdrawal_on, null::date, true,
        'suspension after verification ' || verification_audit_id || ' of '
            || strftime(verification_on, '%Y-%m-%d') || ' not lifted within 6 months',
        'audit', verification_audit_id, 'CCV PKVW bijlage 4, §4.3.4',
        'reason_verification_withdrawal',
        json_object('verification', verification_audit_id, 'verification_on',
                    verification_on)
    from sample_rows
    where verification_withdrawal_on is not null
),
sample_warning as (
    select
        s.certificate_number, 'sample_warning', null::varchar,
        s.audit_date, s.audit_date, false,
        'sample ' || s.audit_id || ': 1 dwelling with an A-deviation, verification of '
            || case when s.step_before = 3 then '50% of ' else '' end || 'the sample by the CI',
        'audit', s.audit_id, 'CCV PKVW bijlage 4',
        case when s.step_before = 3 then 'reason_sample_warning_half'
             else 'reason_sample_warning' end,
        json_object('audit', s.audit_id)
    from sample_rows as s
    join certs as c using (certificate_number)
    where s.full_verification and c.issued_on <= s.audit_date
),
minimum_work_warning as (
    select
        certificate_number, 'minimum_work_warning', null::varchar,
        warning_on, warning_on, false,
        dwellings::bigint || ' dwellings from ' || strftime(period_start, '%Y-%m-%d') || ' to '
            || strftime((period_end - 1)::date, '%Y-%m-%d')
            || ' (at least 3 required); at least 6 required in the next 12 months',
        'minimum_work', certificate_number || '#' || period_no, 'CCV PKVW §3.2.7',
        'reason_minimum_work_warning',
        json_object('dwellings', dwellings::bigint, 'from_on', period_start,
                    'to_on', (period_end - 1)::date)
    from minimum_work_rows
    where warning_on is not null
),
minimum_work_withdrawal as (
    select
        certificate_number, 'minimum_work_withdrawal', 'withdrawn',
        withdrawal_on, null::date, true,
        dwellings::bigint || ' dwellings from ' || strftime(period_start, '%Y-%m-%d') || ' to '
            || strftime((period_end - 1)::date, '%Y-%m-%d')
            || ' after a missed period (at least 6 required)',
        'minimum_work', certificate_number || '#' || period_no, 'CCV PKVW §3.2.7',
        'reason_minimum_work_withdrawal',
        json_object('dwellings', dwellings::bigint, 'from_on', period_start,
                    'to_on', (period_end - 1)::date)
    from minimum_work_rows
    where withdrawal_on is not null
),
production_suspension as (
    select
        certificate_number, 'production_suspension', 'suspended',
        suspended_on, suspension_lifted_on, false,
        'production stopped since ' || strftime(stopped_on, '%Y-%m-%d')
            || ' for more than 1 year, no delivery from stock'
            || case when restarted_on is not null
                    then '; restarted ' || strftime(restarted_on, '%Y-%m-%d')
                         || ', suspended until an extra periodic assessment passes'
                    else '' end,
        'activity', certificate_number || '@' || strftime(stopped_on, '%Y-%m-%d'),
        'BRL 9341 §3.3',
        case when restarted_on is not null then 'reason_production_suspension_restarted'
             else 'reason_production_suspension' end,
        json_object('stopped_on', stopped_on, 'restarted_on', restarted_on)
    from stop_rows
    where suspended_on is not null
),
production_lapse as (
    select
        certificate_number, 'production_lapse', 'lapsed',
        lapsed_on, null::date, true,
        'production stopped since ' || strftime(stopped_on, '%Y-%m-%d')
            || ' for more than 3 years',
        'activity', certificate_number || '@' || strftime(stopped_on, '%Y-%m-%d'),
        'BRL 9341 §3.3',
        'reason_production_lapse', json_object('stopped_on', stopped_on)
    from stop_rows
    where lapsed_on is not null
),
ended as (
    select
        certificate_number, 'ended', 'lapsed', ended_on, null::date, true,
        'certificate ended (ended_on recorded)', 'certificate', certificate_number,
        'certificates.ended_on',
        'reason_ended', json_object()
    from certs
    where ended_on is not null
),
unioned as (
    select * from application
    union all select * from issued
    union all select * from admission_expired
    union all select * from deviation_suspension
    union all select * from deviation_withdrawal
    union all select * from sample_suspension
    union all select * from sample_withdrawal
    union all select * from verification_suspension
    union all select * from verification_withdrawal
    union all select * from sample_warning
    union all select * from minimum_work_warning
    union all select * from minimum_work_withdrawal
    union all select * from production_suspension
    union all select * from production_lapse
    union all select * from ended
),
first_end as (
    -- the certificate's end: its first terminal event (ended at the holder's request,
    -- withdrawn, lapsed after a production stop)
    select certificate_number, min(starts_on) as ended_on
    from unioned
    where terminal
    group by certificate_number
),
final as (
    select
        u.certificate_number,
        c.scheme,
        c.holder_id,
        u.event_kind,
        u.status,
        u.starts_on,
        u.ends_on,
        u.terminal,
        u.reason,
        u.source_kind,
        u.source_ref,
        u.article,
        u.reason_key,
        u.reason_args
    from unioned as u
    join certificates as c using (certificate_number)
    left join first_end as fe using (certificate_number)
    -- an ended certificate gets no warning, suspension or withdrawal after its end date
    -- (issue 22); the application and issuance records stay as they are
    where fe.ended_on is null
       or u.starts_on <= fe.ended_on
       or u.event_kind in ('application', 'issued')
)
select * from final;
