-- receivables: one row per open invoice (COPRO TAR 9201 betalingsvoorwaarden)
-- PLACEHOLDER (foundation): the view exists with the contract's columns and no rows;
-- issue 5 replaces it with the rule.
create or replace view receivables as
with final as (
    select
        null::varchar as invoice_id, null::varchar as certificate_number, null::date as due_date,
        null::decimal(12, 2) as open_amount, null::integer as days_overdue,
        null::decimal(12, 2) as late_interest, null::decimal(12, 2) as forfait
    where false
)
select * from final;
