-- site_regime: one row per site × product (BRL 9341 bijlage II, steekproef- / partijkeuringsregime)
-- PLACEHOLDER (foundation): the view exists with the contract's columns and no rows;
-- issue 3 replaces it with the rule.
create or replace view site_regime as
with final as (
    select
        null::varchar as site_id, null::varchar as product, null::varchar as regime,
        null::double as min_k, null::varchar as strictest_component
    where false
)
select * from final;
