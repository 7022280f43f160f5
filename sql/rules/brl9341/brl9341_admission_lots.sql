-- materialize: table
-- refresh key: site_id
-- brl9341_admission_lots: one row per admission lot × component with an observation above
-- zero (BRL 9341 §9.1.2.1), the lot observations of brl9341_lot_observations (duplicates
-- averaged, below-LOQ at the LOQ, the limit valid on the lot's sampling date). Stored by
-- refresh(): nothing here depends on the as-of date; brl9341_admission_test keeps the lots
-- first sampled on or before it (as lot_compliance does).
create or replace view brl9341_admission_lots as
with observations as (
    select * from brl9341_lot_observations
),
final as (
    select *
    from observations
    where is_admission and observation > 0
)
select * from final;
