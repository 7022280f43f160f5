-- materialize: table
-- refresh key: site_id
-- brl9341_lot_observations: one row per lot × component, every lot ever sampled (no as-of
-- date: the materialized BRL 9341 tables read it; lot_compliance is this table as of
-- as_of_date). Stored by refresh() (issue 26: the lot pages, the statement, the process
-- findings and the yearly report read it; averaging every analysis per render cost about
-- 1 s at scale 100); each row depends only on its own site's analyses.
-- BRL 9341 bijlage II: "Per partij kan er maar één analyseresultaat zijn" - duplicates and
-- repeats are averaged into one observation; below-LOQ analyses count at their LOQ in it
-- (observation: the value the k-value uses, bijlage II "Meetwaarden kleiner dan
-- bepalingsgrens").
-- Below LOQ is never an exceedance (docs/rules.md §1, issue 22): the true value lies below
-- the LOQ. observation_lower is the mean with below-LOQ analyses at 0 (the least the lot
-- can hold); the lot exceeds only when even that is above the limit. When the observation
-- at the LOQ is above the limit but the lower bound is not, the LOQ hides whether the lot
-- complies: status 'loq_above_limit', exceeds false, never compliant (a process finding
-- for the lab's method, process_loq_above_limit). status: 'exceeds', 'loq_above_limit',
-- 'compliant' or 'no_limit_known'.
-- BRL 9341 §4.2, bijlage III and IV: the observation is tested against the limit valid on
-- its sampling date (sulfate transition: ref_limits.valid_from / valid_to).
-- Complaint samples (§9.3) are tests on a delivered lot, not production observations.
-- lot_sampled_on: the lot's first sampling date (over its components); a lot and all its
-- observations are known from that date on (the as-of cut of lot_compliance, lot_status
-- and the bijlage II series).
-- Limits (docs/readings.md "Limit validity"): ref_limits hold the limits of the Besluit
-- bodemkwaliteit from 2008-01-01; a lot sampled on a date without a limit row gets
-- limit_value NULL, limit_known false and exceeds NULL ("no limit known", never compliant).
-- limit_provisional: the limit row's dates are a project assumption (the sulfate transition
-- of bijlage IV footnote 1, not in the sources); limit_note says why.
create or replace view brl9341_lot_observations as
with analyses as (
    select * from stg_analyses where purpose <> 'complaint'
),
observations as (
    select
        certificate_number,
        site_id,
        product,
        lot_id,
        component,
        min(sampled_on) as sampled_on,
        avg(value) as observation,
        -- below-LOQ analyses at 0: an exceedance must hold whatever lies under the LOQ
        avg(case when below_loq then 0 else value end) as observation_lower,
        bool_and(below_loq) as below_loq,
        count(*) as n_analyses,
        bool_or(purpose = 'admission') as is_admission,
        min(source_file) as source_file,
        list(source_line order by source_line) as source_lines
    from analyses
    group by all
),
with_limit as (
    select
        o.*,
        l.limit_value,
        coalesce(l.provisional, false) as limit_provisional,
        l.note as limit_note
    from observations as o
    left join ref_limits as l
        on l.component = o.component
        and o.sampled_on >= l.valid_from
        and (l.valid_to is null or o.sampled_on <= l.valid_to)
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
        observation_lower > limit_value as exceeds,
        case
            when limit_value is null then 'no_limit_known'
            when observation_lower > limit_value then 'exceeds'
            when observation > limit_value then 'loq_above_limit'
            else 'compliant'
        end as status,
        observation_lower,
        limit_value is not null as limit_known,
        limit_provisional,
        limit_note,
        n_analyses,
        is_admission,
        source_file,
        source_lines,
        min(sampled_on) over (partition by site_id, product, lot_id) as lot_sampled_on
    from with_limit
)
select * from final;
