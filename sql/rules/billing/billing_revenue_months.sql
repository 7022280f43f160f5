-- billing_revenue_months: one row per side (expected / invoiced) × scheme × fee type × month
-- (YYYY-MM), excluding VAT (COPRO TAR 9201 fees). fee_type = the prefix of the fee code (see
-- data/reference/ref_tariffs.csv). Expected: billing_charges of every date, by month of the fee
-- date (a fee whose index is missing, §2.2.11, has no amount: counted in n_index_missing);
-- invoiced: invoice lines by month of the invoice date, a credit note's lines in the month of the
-- invoice they correct (issue 22, billing_lines).
-- As-of independent: stored as a table by pipelines.store.refresh; the mart revenue applies the
-- as-of date (expected months before the as-of month from here, the as-of month recomputed).
-- materialize: table
create or replace view billing_revenue_months as
with expected as (
    select
        'expected' as side,
        scheme,
        fee_type,
        period,
        sum(amount_excl_vat) as amount_excl_vat,
        count(*) as n_lines,
        count(*) filter (where index_missing) as n_index_missing
    from billing_charges
    group by scheme, fee_type, period
),
invoiced as (
    select
        'invoiced' as side,
        c.scheme,
        split_part(coalesce(l.fee_code, '(none)'), '_', 1) as fee_type,
        strftime(l.invoice_date, '%Y-%m') as period,
        sum(l.amount_excl_vat) as amount_excl_vat,
        count(*) as n_lines,
        0::bigint as n_index_missing
    from billing_lines as l
    left join certificates as c using (certificate_number)
    group by all
),
final as (
    select * from expected
    union all
    select * from invoiced
)
select * from final;
