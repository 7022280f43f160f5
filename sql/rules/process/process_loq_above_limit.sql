-- process_loq_above_limit: one row per lot × component whose result was reported below an
-- LOQ that lies above the component's limit, as of as_of_date, in the shape of
-- process_findings (issue 22).
-- BRL 9341 bijlage II, "Meetwaarden kleiner dan bepalingsgrens": the LOQ stands in for a
-- below-LOQ value "voor de berekening van de betreffende k-waarde" only. Below the LOQ is
-- never an exceedance; but when the LOQ itself is above the limit (bijlage III/IV) the
-- result shows neither compliance nor exceedance (lot_compliance.status
-- 'loq_above_limit'). The lot cannot be judged on that component: a finding for the lab's
-- method (its LOQ must lie below the limit), severity major, status open. The detail
-- names the lab(s), report(s) and highest LOQ of the below-LOQ analyses behind the
-- observation, and the range the observation lies in (below-LOQ analyses at 0 .. at their
-- LOQ): with other, quantified analyses in the mean, that range can straddle the limit
-- although each LOQ is below it; the verdict is just as open, and the same finding applies.
create or replace view process_loq_above_limit as
with flagged as (
    select * from lot_compliance where status = 'loq_above_limit'
),
analyses as (
    -- the below-LOQ analyses behind a flagged observation (complaint samples are no part
    -- of it)
    select
        a.site_id,
        a.lot_id,
        a.component,
        string_agg(distinct coalesce(a.lab, 'lab not named'), ', ') as labs,
        string_agg(distinct a.lab_report_id, ', ') as reports,
        max(coalesce(a.loq, a.value)) as max_loq
    from stg_analyses as a
    semi join flagged as f
        on f.site_id = a.site_id and f.lot_id = a.lot_id and f.component = a.component
    where a.below_loq and a.purpose <> 'complaint'
    group by a.site_id, a.lot_id, a.component
),
final as (
    select
        'loq_above_limit' as "check",
        'BRL 9341 bijlage II, bijlage III/IV' as article,
        f.certificate_number,
        'partij ' || f.lot_id || ' at ' || f.site_id || ': ' || f.component as subject,
        f.sampled_on as found_on,
        'reported below an LOQ of up to ' || printf('%g', a.max_loq) || ' mg/kg d.s. ('
            || a.labs || ', report ' || a.reports || '): the observation lies between '
            || printf('%g', f.observation_lower) || ' and ' || printf('%g', f.observation)
            || ', the limit ' || printf('%g', f.limit_value) || ' in between, so neither'
            || ' compliance nor an exceedance can be shown; the lab''s method needs an LOQ'
            || ' below the limit' as detail,
        'major' as severity,
        'open' as status,
        -- issue 27: subject and detail as message keys of pipelines/i18n/keys.py DETAILS
        'subject_lot_component' as subject_key,
        json_object('lot', f.lot_id, 'site', f.site_id, 'component', f.component)
            as subject_args,
        'finding_loq_above_limit' as detail_key,
        json_object('loq', a.max_loq, 'labs', a.labs, 'reports', a.reports,
                    'lower', f.observation_lower, 'upper', f.observation,
                    'limit', f.limit_value) as detail_args
    from flagged as f
    left join analyses as a
        on a.site_id = f.site_id and a.lot_id = f.lot_id and a.component = f.component
)
select * from final;
