-- process_lab_findings: one row per lab report with results from a lab that held no valid
-- ISO/IEC 17025 accreditation for them on the analysis date (BRL 9341 §1.4), in the shape
-- of process_findings. The detail names the components whose results do not count.
create or replace view process_lab_findings as
with unaccredited as (
    select *
    from process_lab_accreditation
    where not accredited
),
per_report as (
    select
        certificate_number,
        lab_report_id,
        any_value(lab) as lab,
        min(analysed_on) as analysed_on,
        list(distinct lot_id order by lot_id) as lots,
        list(distinct component order by component) as components
    from unaccredited
    group by certificate_number, lab_report_id
),
final as (
    select
        'lab_accreditation' as "check",
        'BRL 9341 §1.4' as article,
        certificate_number,
        'lab report ' || lab_report_id || ' (' || coalesce(lab, 'lab not named') || ')'
            as subject,
        analysed_on as found_on,
        'no ISO/IEC 17025 accreditation valid on ' || analysed_on || ' for '
            || array_to_string(components, ', ') || ' (lots '
            || array_to_string(lots, ', ') || '): these results do not count' as detail,
        'major' as severity,
        'open' as status
    from per_report
)
select * from final;
