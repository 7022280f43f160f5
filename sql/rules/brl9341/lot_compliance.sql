-- lot_compliance: one row per lot × component, as of as_of_date.
-- BRL 9341 bijlage II: "Per partij kan er maar één analyseresultaat zijn" - duplicates and
-- repeats are averaged into one observation; below-LOQ analyses count at their LOQ in the
-- observation (the k-value's input) and never make an exceedance: exceeds compares the
-- mean with below-LOQ analyses at 0 (observation_lower). status: 'exceeds', 'compliant',
-- 'loq_above_limit' (the LOQ lies above the limit, so the observation shows neither
-- compliance nor exceedance; exceeds false) or 'no_limit_known' (readings in
-- brl9341_lot_observations).
-- BRL 9341 §4.2, bijlage III and IV: the observation is tested against the limit valid on
-- the lot's sampling date (sulfate transition: ref_limits.valid_from / valid_to).
-- Complaint samples (§9.3) are tests on a delivered lot, not production observations.
-- The observations are those of brl9341_lot_observations (same readings); as of a date only
-- the lots first sampled on or before it are shown (lot_sampled_on <= as_of), so the lots
-- pages agree with the sampling-frequency views for the same as-of date.
-- A lot sampled on a date for which ref_limits hold no limit: limit_value and exceeds NULL,
-- limit_known false. limit_provisional flags the sulfate limits whose dates are assumed.
create or replace view lot_compliance as
with as_of as (
    select as_of from as_of_date
),
observations as (
    select * from brl9341_lot_observations
),
final as (
    select
        certificate_number,
        site_id,
        product,
        lot_id,
        sampled_on,
        component,
        observation,
        below_loq,
        limit_value,
        exceeds,
        status,
        observation_lower,
        -- no limit row valid on the sampling date: "no limit known" (never compliant)
        limit_known,
        -- the limit's validity dates are a project assumption (sulfate transition, bijlage
        -- IV footnote 1: the period is not in the sources); pages say so
        limit_provisional,
        limit_note,
        n_analyses,
        is_admission,
        source_file,
        source_lines,
        lot_sampled_on
    from observations
    where lot_sampled_on <= (select as_of from as_of)
)
select * from final;
