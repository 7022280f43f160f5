-- materialize: table
-- refresh key: site_id
-- brl9341_lot_order: one row per site × product × lot (registered in lots or tested), in
-- production order. BRL 9341 bijlage II "1 op N partijen": the lots counted between tests.
--
-- Readings (docs/rules.md §2): a lot is produced on lots.produced_on; a tested lot without
-- a registration (or without a production date) counts at its first sampling date. Order:
-- production date, then lot_id. lot_rank is the lot's place in that order among ALL lots of
-- the site × product; the lots produced on or before a date are a prefix of it, so as of
-- any date the number of lots produced = the highest lot_rank with lot_date <= as_of.
-- Tested lots: the lots with a usable observation (limit known, value > 0), the same as
-- brl9341_observation_history. Stored as a table (refresh), independent of the as-of date.
create or replace view brl9341_lot_order as
with tested_lots as (
    select site_id, product, lot_id, min(lot_sampled_on) as lot_sampled_on
    from brl9341_lot_observations
    where limit_value is not null and observation > 0
    group by site_id, product, lot_id
),
registered_lots as (
    select site_id, product, lot_id, produced_on
    from lots
),
all_lots as (
    select
        coalesce(l.site_id, t.site_id) as site_id,
        coalesce(l.product, t.product) as product,
        coalesce(l.lot_id, t.lot_id) as lot_id,
        coalesce(l.produced_on, t.lot_sampled_on) as lot_date,
        l.lot_id is not null as registered,
        t.lot_id is not null as tested
    from registered_lots as l
    full outer join tested_lots as t
        on t.site_id = l.site_id and t.lot_id = l.lot_id
),
final as (
    select
        site_id,
        product,
        lot_id,
        lot_date,
        registered,
        tested,
        row_number() over (partition by site_id, product order by lot_date, lot_id)
            as lot_rank
    from all_lots
    where lot_date is not null
)
select * from final;
