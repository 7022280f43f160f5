-- process_audit_times: one row per billed audit without a start or end time, in the shape
-- of process_findings. TAR 9201 §2.2.4.1 bills audits by duration and time of day; without
-- both times the audit is billed as 2 h in office hours, so someone must complete the
-- record. The audits are exactly those of billing_audits_without_times (the audits
-- billing_audit_fees bills), so the finding and the billing page never disagree.
create or replace view process_audit_times as
with audits_without_times as (
    select * from billing_audits_without_times
),
final as (
    select
        'audit_times' as "check",
        'TAR 9201 §2.2.4.1' as article,
        certificate_number,
        'audit ' || audit_id || ' (' || audit_type || ')' as subject,
        audit_date as found_on,
        case missing
            when 'start_time and end_time' then 'no start and no end time'
            when 'start_time' then 'no start time'
            else 'no end time'
        end || ': billed as 2 h in office hours until completed' as detail,
        'minor' as severity,
        'open' as status,
        -- issue 27: subject and detail as message keys of pipelines/i18n/keys.py DETAILS
        'subject_audit' as subject_key,
        json_object('audit', audit_id, 'type', audit_type) as subject_args,
        case missing
            when 'start_time and end_time' then 'finding_audit_no_times'
            when 'start_time' then 'finding_audit_no_start'
            else 'finding_audit_no_end'
        end as detail_key,
        json_object() as detail_args
    from audits_without_times
)
select * from final;
