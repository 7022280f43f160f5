-- billing_revenue_months: one row per side (expected / invoiced) × scheme × fee type × month
-- (YYYY-MM), excluding VAT (COPRO TAR 9201 fees). fee_type = the prefix of the fee code (see
-- data/reference/ref_tariffs.csv). Expected: billing_charges of every date, by month of the fee
-- date; invoiced: invoice_lines by month of the invoice date.
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
        count(*) as n_lines
    from billing_charges
    group by scheme, fee_type, period
),
invoiced as (
    select
        'invoiced' as side,
        c.scheme,
        split_part(coalesce(l.fee_code, '(none)'), '_', 1) as fee_type,
        strftime(i.invoice_date, '%Y-%m') as period,
        sum(l.amount_excl_vat) as amount_excl_vat,
        count(*) as n_lines
    from invoice_lines as l
    join invoices as i using (invoice_id)
    left join certificates as c using (certificate_number)
    group by all
),
final as (
    select * from expected
    union all
    select * from invoiced
)
select * from final;
