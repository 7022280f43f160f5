-- process_lab_findings: one row per lab report with results from a lab that held no valid
-- ISO/IEC 17025 accreditation for them on the analysis date (BRL 9341 §1.4), in the shape
-- of process_findings. The detail names the components whose results do not count.
create or replace view process_lab_findings as
with per_report as (
    select
        certificate_number,
        lab_report_id,
        any_value(lab) as lab,
        min(analysed_on) filter (where not accredited) as analysed_on,
        list(distinct lot_id order by lot_id) filter (where not accredited) as lots,
        list(distinct component order by component) filter (where not accredited)
            as components,
        count(distinct component) as n_components
    from process_lab_accreditation
    group by certificate_number, lab_report_id
    having bool_or(not accredited)
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
            || case when len(components) = n_components and n_components > 3
                    then 'any of its ' || n_components || ' components'
                    else array_to_string(components, ', ') end
            || ' (lots ' || array_to_string(lots, ', ') || '): these results do not count'
            as detail,
        'major' as severity,
        'open' as status
    from per_report
)
select * from final;
