-- brl9341_admission_test: one row per admission (site × product) × component.
-- BRL 9341 §9.1.2.1 "Toetsing emissie en samenstelling": the admission passes when for every
-- component ȳ + 0.69·s_y ≤ log(eis) on 5 lots, or ȳ + 0.44·s_y ≤ log(eis) on 10 lots
-- (y = log10 of the lot observation, s_y the sample standard deviation).
--
-- Readings: the admission lots are the lots with purpose = 'admission' analyses
-- (lot_compliance.is_admission; stored in brl9341_admission_lots, and per series as one
-- list in brl9341_admission_series), one observation per lot (duplicates averaged,
-- below-LOQ at the LOQ). The LAST 5 admission lots are used, or the last 10 when the site chose n = 10
-- and has at least 10 ("ten minste de laatste 5 partijen"; "5 tot 10 partijkeuringen").
-- "Het product voldoet als voor alle meetwaarden van de onderzochte componenten voldaan wordt
-- aan de toetsingseis": every component examined must meet the test on at least 5 lots. A
-- component with fewer than 5 admission lots (or no limit on its dates) is not assessable
-- (component_passed NULL) and so is the admission unless another component fails:
-- admission_status 'failed' (a component with >= 5 lots fails; admission_passed false),
-- 'not_assessable' (none fails, one has fewer than 5 lots; admission_passed NULL, never
-- true), 'passed' (every component examined passes on >= 5 lots).
-- The limit is the one valid on the newest admission lot's sampling date. s_y = 0 passes
-- when ȳ ≤ log(eis).
-- The joint admission of a cluster (§9.1.2.2, clusterregeling) is not implemented.
create or replace view brl9341_admission_test as
with known as (
    -- the series' admission lots first sampled on or before the as-of date (as
    -- lot_compliance cuts them), newest first (brl9341_admission_series)
    select
        certificate_number,
        site_id,
        product,
        component,
        n_window,
        list_filter(lots, lambda x: x.known_from <= a.as_of) as known_lots
    from brl9341_admission_series
    cross join as_of_date as a
),
window_size as (
    select
        * exclude (known_lots),
        len(known_lots) as n_admission_lots,
        case when n_window = 10 and len(known_lots) >= 10 then 10 else 5 end as n_used,
        known_lots
    from known
    where len(known_lots) > 0
),
used as (
    select *, known_lots[1:n_used] as used_lots
    from window_size
),
per_component as (
    select
        * exclude (known_lots, used_lots),
        len(used_lots) as n_obs,
        list_min([x.sampled_on for x in used_lots]) as first_sampled_on,
        list_max([x.sampled_on for x in used_lots]) as last_sampled_on,
        list_avg([x.y for x in used_lots]) as mean_log10,
        list_stddev_samp([x.y for x in used_lots]) as sd_log10,
        -- the newest lot's limit (the lots of one date share the limit valid on it)
        used_lots[1].limit_value as limit_value,
        list_bool_and([x.limit_value is not null for x in used_lots]) as limit_known,
        list_reverse([x.lot_id for x in used_lots]) as lot_ids
    from used
),
tested as (
    select
        *,
        -- §9.1.2.1: 0.69 for 5 observations, 0.44 for 10
        case n_used when 10 then 0.44 else 0.69 end as factor,
        mean_log10 + (case n_used when 10 then 0.44 else 0.69 end) * sd_log10
            as upper_log10,
        log10(limit_value) as log_limit
    from per_component
),
judged as (
    select
        *,
        case when n_obs >= 5 and limit_known then upper_log10 <= log_limit end
            as component_passed
    from tested
),
final as (
    select
        certificate_number,
        site_id,
        product,
        component,
        n_window,
        n_used,
        n_admission_lots,
        n_obs,
        first_sampled_on,
        last_sampled_on,
        mean_log10,
        sd_log10,
        factor,
        upper_log10,
        limit_value,
        log_limit,
        case when sd_log10 > 0 then (log_limit - mean_log10) / sd_log10 end as k_value,
        component_passed,
        case when component_passed then 'passed'
             when not component_passed then 'failed'
             else 'not_assessable' end as component_status,
        case when bool_or(component_passed = false) over admission then false
             when bool_and(coalesce(component_passed, false)) over admission then true
        end as admission_passed,
        case when bool_or(component_passed = false) over admission then 'failed'
             when bool_and(coalesce(component_passed, false)) over admission then 'passed'
             else 'not_assessable' end as admission_status,
        count(*) filter (where component_passed is null) over admission
            as n_components_not_assessable,
        'BRL 9341 §9.1.2.1' as article,
        lot_ids
    from judged
    window admission as (partition by certificate_number, site_id, product)
)
select * from final;
