-- billing_audits_without_times: one row per billed audit of an asbestos certificate (COPRO
-- TAR 9201) that lacks its start or end time, for someone to complete.
-- TAR 9201 §2.2.4.1 / §2.2.4.3: "Er wordt uitgegaan van een auditduur van 2 uur ter plaatse,
-- tijdens de normale kantooruren"; beyond 2 h from the start +€70 per started 30 minutes;
-- §2.2.9: outside normal working hours (18h-6h) a factor applies. Without both times
-- billing_audit_fees bills the audit as 2 h in office hours, so an overtime supplement or a
-- night factor may be missed.
-- The audits are those billing_audit_fees bills: audits of asbestos_person /
-- asbestos_process certificates of type field, periodic, process, extra, complaint or
-- admission (same classification). As-of: audits dated on or before the as-of date.
create or replace view billing_audits_without_times as
with as_of as (
    select as_of from as_of_date
),
billed as (
    select a.*, c.scheme
    from audits as a
    join certificates as c using (certificate_number)
    where c.scheme in ('asbestos_person', 'asbestos_process')
      and (a.audit_type in ('extra', 'complaint', 'field', 'admission')
           or (a.audit_type = 'periodic')
           or (a.audit_type = 'process' and c.scheme = 'asbestos_process'))
),
final as (
    select
        b.certificate_number,
        b.audit_id,
        b.audit_date,
        b.audit_type,
        b.scheme,
        case
            when b.start_time is null and b.end_time is null then 'start_time and end_time'
            when b.start_time is null then 'start_time'
            else 'end_time'
        end as missing,
        'billed as 2 h in normal office hours until the times are completed' as consequence,
        'TAR 9201 §2.2.4.1, §2.2.4.3, §2.2.9' as article,
        b.source_file,
        b.source_line
    from billed as b, as_of
    where (b.start_time is null or b.end_time is null)
      and b.audit_date <= as_of.as_of
)
select * from final;
