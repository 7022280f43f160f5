-- certificate_status: one row per certificate (CCV PKVW §4.3, BRL 9341 §3.3)
-- PLACEHOLDER (foundation): the view exists with the contract's columns and no rows;
-- issue 4 replaces it with the rule.
create or replace view certificate_status as
with final as (
    select
        null::varchar as certificate_number, null::varchar as scheme, null::varchar as holder_id,
        null::varchar as status, null::date as status_since, null::varchar as reason
    where false
)
select * from final;
