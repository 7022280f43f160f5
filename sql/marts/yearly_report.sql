-- yearly_report: one row per scheme × year × indicator (BRL 9341 §8.7)
-- PLACEHOLDER (foundation): the view exists with the contract's columns and no rows;
-- the yearly-report issue replaces it with the rule.
create or replace view yearly_report as
with final as (
    select
        null::varchar as scheme, null::integer as year, null::varchar as indicator,
        null::double as value
    where false
)
select * from final;
