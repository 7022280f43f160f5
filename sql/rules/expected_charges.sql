-- expected_charges: one row per fee the tariff rules generate (COPRO TAR 9201)
-- PLACEHOLDER (foundation): the view exists with the contract's columns and no rows;
-- issue 5 replaces it with the rule.
create or replace view expected_charges as
with final as (
    select
        null::varchar as certificate_number, null::date as fee_date, null::varchar as fee_code,
        null::varchar as description, null::decimal(12, 4) as quantity,
        null::decimal(12, 2) as unit_price, null::decimal(12, 2) as amount_excl_vat,
        null::decimal(12, 2) as vat, null::decimal(12, 2) as amount_incl_vat,
        null::varchar as source
    where false
)
select * from final;
