-- process_audit_times: one row per audit of a certificate billed under TAR 9201 that has no
-- start or end time, in the shape of process_findings. TAR 9201 §2.2.4.1 bills audits by
-- duration and time of day; without both times the audit is billed as 2 h in office hours
-- (docs/readings.md), so someone must complete the record.
create or replace view process_audit_times as
with as_of as (
    select as_of from as_of_date
),
audits_without_times as (
    select a.*
    from audits a
    join certificates c using (certificate_number)
    where c.scheme in ('asbestos_person', 'asbestos_process', 'copro_exe')
      and (a.start_time is null or a.end_time is null)
      and a.audit_date <= (select as_of from as_of)
),
final as (
    select
        'audit_times' as "check",
        'TAR 9201 §2.2.4.1' as article,
        certificate_number,
        'audit ' || audit_id || ' (' || audit_type || ')' as subject,
        audit_date as found_on,
        case when start_time is null and end_time is null then 'no start and no end time'
             when start_time is null then 'no start time'
             else 'no end time' end
            || ': billed as 2 h in office hours until completed' as detail,
        'minor' as severity,
        'open' as status
    from audits_without_times
)
select * from final;
