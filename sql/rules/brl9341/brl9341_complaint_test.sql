-- brl9341_complaint_test: one row per complaint lot × component.
-- BRL 9341 §9.3 "Klachten": 3 mixed samples of the delivered lot; the lot is rejected when
-- X₃ > 1,4 × T for any component (X₃ = arithmetic mean of the three determinations,
-- T = the limit; Regeling bodemkwaliteit art. 3.8.2 lid 3).
--
-- Readings: complaint determinations are the analyses with purpose = 'complaint'; each
-- analysis is one determination (below LOQ at the LOQ). X₃ is the mean of the
-- determinations found; complete = false when there are not exactly 3 (the rule still
-- uses the mean, the flag tells the reviewer). T is the limit valid on the first sampling
-- date of the complaint samples.
-- Below LOQ is never an exceedance (bijlage II: the LOQ stands in for the value only in the
-- k-value; issue 22): the rejection compares the mean with below-LOQ determinations at 0
-- (x3_lower), so a lot is rejected only when it is whatever lies under the LOQ. x3 (at the
-- LOQ) is still shown.
create or replace view brl9341_complaint_test as
with determinations as (
    select * from stg_analyses where purpose = 'complaint'
),
per_component as (
    select
        certificate_number,
        site_id,
        product,
        lot_id,
        component,
        min(sampled_on) as sampled_on,
        count(*) as n_determinations,
        avg(value) as x3,
        avg(case when below_loq then 0 else value end) as x3_lower,
        list(value order by sample_id) as determination_values,
        min(source_file) as source_file,
        list(source_line order by source_line) as source_lines
    from determinations
    group by certificate_number, site_id, product, lot_id, component
),
with_limit as (
    select
        p.*,
        l.limit_value,
        -- compared at 1e-9 mg/kg so that binary rounding of the mean (1.3, 1.4, 1.5 ->
        -- 1.4000000000000001) does not turn "equal to 1.4 T" into "above"
        round(p.x3_lower, 9) > round(1.4 * l.limit_value, 9) as rejected
    from per_component as p
    left join ref_limits as l
        on l.component = p.component
        and p.sampled_on >= l.valid_from
        and (l.valid_to is null or p.sampled_on <= l.valid_to)
),
final as (
    select
        certificate_number,
        site_id,
        product,
        lot_id,
        component,
        sampled_on,
        n_determinations,
        n_determinations = 3 as complete,
        x3,
        x3_lower,
        limit_value,
        1.4 * limit_value as rejection_value,
        rejected as component_rejected,
        coalesce(bool_or(rejected) over (partition by site_id, lot_id), false) as lot_rejected,
        determination_values,
        source_file,
        source_lines
    from with_limit
)
select * from final;
