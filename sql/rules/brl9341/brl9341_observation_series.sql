-- brl9341_observation_series: one row per site × product × component × observation (lot)
-- sampled on or before as_of_date, with the state of BRL 9341 bijlage II
-- ("Keuringsfrequentie") and the regime of the site × product AFTER that observation.
-- The rows of the stored table brl9341_observation_history (readings there) whose lot was
-- first sampled on or before as_of: each row only looks back, so this is the series as it
-- stood on the as-of date.
create or replace view brl9341_observation_series as
with as_of as (
    select as_of from as_of_date
),
history as (
    select * from brl9341_observation_history
),
final as (
    select *
    from history
    where lot_sampled_on <= (select as_of from as_of)
)
select * from final;
