-- invoice_check: one row per certificate × period, expected vs invoiced (COPRO TAR 9201)
-- PLACEHOLDER (foundation): the view exists with the contract's columns and no rows;
-- issue 5 replaces it with the rule.
create or replace view invoice_check as
with final as (
    select
        null::varchar as certificate_number, null::varchar as period,
        null::decimal(12, 2) as expected_excl_vat, null::decimal(12, 2) as invoiced_excl_vat,
        null::decimal(12, 2) as difference
    where false
)
select * from final;
