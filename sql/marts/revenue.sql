-- revenue: one row per scheme × fee type × month (YYYY-MM), excluding VAT (COPRO TAR 9201 fees).
-- fee_type = the prefix of the fee code (APP, CERT, AUDIT, ATTEST, HOURLY, TRAVEL, TRANSPORT,
-- OVERNIGHT, TRANSFER, USELESS, ADMISSION; see data/reference/ref_tariffs.csv). Expected revenue
-- from expected_charges (month of the fee date), invoiced revenue from invoice_lines (month of
-- the invoice date).
create or replace view revenue as
with expected as (
    select scheme, fee_type, period, sum(amount_excl_vat) as expected_excl_vat,
        count(*) as expected_lines
    from expected_charges
    group by all
),
invoiced as (
    select
        c.scheme,
        split_part(coalesce(l.fee_code, '(none)'), '_', 1) as fee_type,
        strftime(i.invoice_date, '%Y-%m') as period,
        sum(l.amount_excl_vat) as invoiced_excl_vat,
        count(*) as invoiced_lines
    from invoice_lines as l
    join invoices as i using (invoice_id)
    left join certificates as c using (certificate_number)
    group by all
),
final as (
    select
        scheme,
        fee_type,
        period,
        cast(left(period, 4) as integer) as year,
        cast(coalesce(e.expected_excl_vat, 0) as decimal(14, 2)) as expected_excl_vat,
        cast(coalesce(v.invoiced_excl_vat, 0) as decimal(14, 2)) as invoiced_excl_vat,
        coalesce(e.expected_lines, 0) as expected_lines,
        coalesce(v.invoiced_lines, 0) as invoiced_lines
    from expected as e
    full outer join invoiced as v using (scheme, fee_type, period)
)
select * from final;
