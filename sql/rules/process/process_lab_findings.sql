-- process_lab_findings: one row per lab report with results from a lab that held no valid
-- ISO/IEC 17025 accreditation for them on the analysis date (BRL 9341 §1.4), in the shape
-- of process_findings. The detail names the components whose results do not count.
create or replace view process_lab_findings as
with results as not materialized (  -- read twice, 700 k rows at scale 100: not stored
    select * from process_lab_accreditation
),
flagged as (
    -- the reports with a result not covered: only these are grouped (a few of the 700 k
    -- results at scale 100, where grouping every report cost about 0.2 s of each yearly
    -- report)
    select distinct certificate_number, lab_report_id
    from results
    where not accredited
),
per_report as (
    select
        r.certificate_number,
        r.lab_report_id,
        any_value(r.lab) as lab,
        min(r.analysed_on) filter (where not r.accredited) as analysed_on,
        list(distinct r.lot_id order by r.lot_id) filter (where not r.accredited) as lots,
        list(distinct r.component order by r.component) filter (where not r.accredited)
            as components,
        count(distinct r.component) as n_components
    from results as r
    semi join flagged using (certificate_number, lab_report_id)
    group by r.certificate_number, r.lab_report_id
),
final as (
    select
        'lab_accreditation' as "check",
        'BRL 9341 §1.4' as article,
        certificate_number,
        'lab report ' || lab_report_id || ' ('
            || coalesce(nullif(trim(lab), ''), 'lab not named') || ')'
            as subject,
        analysed_on as found_on,
        'no ISO/IEC 17025 accreditation valid on ' || analysed_on || ' for '
            || case when len(components) = n_components and n_components > 3
                    then 'any of its ' || n_components || ' components'
                    else array_to_string(components, ', ') end
            || ' (lots ' || array_to_string(lots, ', ') || '): these results do not count'
            as detail,
        'major' as severity,
        'open' as status,
        -- issue 27: subject and detail as message keys of pipelines/i18n/keys.py DETAILS
        case when nullif(trim(lab), '') is null then 'subject_lab_report_unnamed'
             else 'subject_lab_report' end as subject_key,
        json_object('report', lab_report_id, 'lab', trim(lab)) as subject_args,
        case when len(components) = n_components and n_components > 3
             then 'finding_lab_not_accredited_all' else 'finding_lab_not_accredited' end
            as detail_key,
        json_object('analysed_on', analysed_on, 'n', n_components, 'components', components,
                    'lots', array_to_string(lots, ', ')) as detail_args
    from per_report
)
select * from final;
