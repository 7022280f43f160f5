-- process_findings: one row per finding of a procedural check, as of as_of_date
-- (docs/contract.md): check, article, certificate_number, subject (lot, sample, lab report,
-- person, audit), found_on, detail, severity (major, minor, info), status (open, resolved,
-- not_assessable). The checks of docs/rules.md §7, one view each under sql/rules/process/.
-- A finding disappears when the data no longer breaks the rule (a corrected record); a
-- renewal after a lapse stays visible as resolved.
create or replace view process_findings as
with findings as (
    select * from process_lot_size
    union all by name
    select * from process_sampling
    union all by name
    select * from process_lab_findings
    union all by name
    select * from process_staff
    union all by name
    select * from process_audit_times
    union all by name
    select * from process_loq_above_limit  -- BRL 9341 bijlage II (issue 22)
),
final as (
    select
        "check",
        article,
        certificate_number,
        subject,
        found_on,
        detail,
        severity,
        status,
        -- issue 27: subject and detail as message keys of pipelines/i18n/keys.py DETAILS
        -- and their values (JSON), for the reader's language; the English columns stay
        subject_key,
        subject_args,
        detail_key,
        detail_args
    from findings
    order by case severity when 'major' then 0 when 'minor' then 1 else 2 end,
             found_on, certificate_number, subject, detail
)
select * from final;
