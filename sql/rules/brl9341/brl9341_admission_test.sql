-- brl9341_admission_test: one row per admission (site × product) × component.
-- BRL 9341 §9.1.2.1 "Toetsing emissie en samenstelling": the admission passes when for every
-- component ȳ + 0.69·s_y ≤ log(eis) on 5 lots, or ȳ + 0.44·s_y ≤ log(eis) on 10 lots
-- (y = log10 of the lot observation, s_y the sample standard deviation).
--
-- Readings: the admission lots are the lots with purpose = 'admission' analyses
-- (lot_compliance.is_admission; stored in brl9341_admission_lots), one observation per lot (duplicates averaged, below-LOQ at
-- the LOQ). The LAST 5 admission lots are used, or the last 10 when the site chose n = 10
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
with admission_lots as (
    select
        c.*,
        coalesce(s.n_window, 5) as n_window,
        row_number() over (partition by c.site_id, c.product, c.component
                           order by c.sampled_on desc, c.lot_id desc) as recency,
        count(*) over (partition by c.site_id, c.product, c.component) as n_admission_lots
    from brl9341_admission_lots as c
    left join sites as s using (site_id)
    -- as lot_compliance: the lots first sampled on or before the as-of date
    where c.lot_sampled_on <= (select as_of from as_of_date)
),
window_size as (
    select
        *,
        case when n_window = 10 and n_admission_lots >= 10 then 10 else 5 end as n_used
    from admission_lots
),
per_component as (
    select
        certificate_number,
        site_id,
        product,
        component,
        any_value(n_window) as n_window,
        any_value(n_used) as n_used,
        any_value(n_admission_lots) as n_admission_lots,
        count(*) as n_obs,
        min(sampled_on) as first_sampled_on,
        max(sampled_on) as last_sampled_on,
        avg(log10(observation)) as mean_log10,
        stddev_samp(log10(observation)) as sd_log10,
        arg_max(limit_value, sampled_on) as limit_value,
        bool_and(limit_value is not null) as limit_known,
        list(lot_id order by sampled_on, lot_id) as lot_ids
    from window_size
    where recency <= n_used
    group by certificate_number, site_id, product, component
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
