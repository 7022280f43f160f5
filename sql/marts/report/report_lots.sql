-- materialize: table
-- refresh key: site_id
-- report_lots: one row per site × product × lot of brl9341_lot_observations (every lot ever
-- sampled, production and admission; complaint samples are not observations), the lot facts
-- the yearly report counts (BRL 9341 §8.7; §4.2, bijlage II, III, IV), stored by refresh()
-- so the report does not recompute the observations of every lot for the two years it
-- shows (no as-of date: each row depends only on its own lot's analyses).
-- Columns: lot_sampled_on (the lot's first sampling date: the year it is reported in),
-- exceeds (bool_or over its components' exceeds; NULL when no component has a known
-- limit), production (some component was not an admission observation: the lot counts as
-- a performed production test), exceedances (list of component × observation / limit of
-- the components that exceed, for the per-component counts and the highest factor).
create or replace view report_lots as
with observations as (
    select * from brl9341_lot_observations
),
final as (
    select
        site_id,
        product,
        lot_id,
        min(lot_sampled_on) as lot_sampled_on,
        bool_or(exceeds) as exceeds,
        bool_or(not is_admission) as production,
        list({'component': component, 'factor': observation / limit_value}
             order by component) filter (where exceeds) as exceedances
    from observations
    group by site_id, product, lot_id
)
select * from final
order by lot_sampled_on, site_id, product, lot_id;
