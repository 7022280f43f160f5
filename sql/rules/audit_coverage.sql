-- audit_coverage: one row per certificate × year (BRL 9341 §8.6, CCV PKVW §4.2.2)
-- PLACEHOLDER (foundation): the view exists with the contract's columns and no rows;
-- issue 4 replaces it with the rule.
create or replace view audit_coverage as
with final as (
    select
        null::varchar as certificate_number, null::integer as year, null::integer as required,
        null::integer as performed, null::integer as shortfall
    where false
)
select * from final;
