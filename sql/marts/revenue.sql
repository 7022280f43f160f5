-- revenue: one row per scheme × fee type × month (YYYY-MM), excluding VAT (COPRO TAR 9201 fees).
-- fee_type = the prefix of the fee code (APP, CERT, AUDIT, ATTEST, HOURLY, TRAVEL, TRANSPORT,
-- OVERNIGHT, TRANSFER, USELESS, ADMISSION; see data/reference/ref_tariffs.csv). Expected revenue
-- from expected_charges (month of the fee date, fees up to the as-of date), invoiced revenue from
-- invoice_lines (month of the invoice date; a credit note's lines in the month of the invoice
-- they correct, billing_lines). A fee of a year whose index is missing (§2.2.11, issue 22) has no
-- amount: it adds nothing to expected_excl_vat and is counted in expected_index_missing.
-- The monthly sums are stored (billing_revenue_months, as-of independent); here the months before
-- the as-of month are taken from it and the as-of month is summed from the fees dated up to the
-- as-of date; the yearly fees after the stored years come from billing_charges_beyond.
create or replace view revenue as
with as_of as (
    select as_of, strftime(as_of, '%Y-%m') as as_of_period from as_of_date
),
expected as (
    select m.scheme, m.fee_type, m.period, m.amount_excl_vat as expected_excl_vat,
        m.n_lines as expected_lines, m.n_index_missing as expected_index_missing
    from billing_revenue_months as m, as_of as a
    where m.side = 'expected' and m.period < a.as_of_period
    union all
    select c.scheme, c.fee_type, c.period, sum(c.amount_excl_vat), count(*),
        count(*) filter (where c.index_missing)
    from billing_charges as c, as_of as a
    where c.period = a.as_of_period and c.fee_date <= a.as_of
    group by c.scheme, c.fee_type, c.period
),
beyond as (
    -- the yearly fees after the stored years (billing_charges_beyond; empty up to them)
    select scheme, fee_type, period, sum(amount_excl_vat) as expected_excl_vat,
        count(*) as expected_lines, count(*) filter (where index_missing) as expected_index_missing
    from billing_charges_beyond
    group by scheme, fee_type, period
),
expected_all as (
    select scheme, fee_type, period, sum(expected_excl_vat) as expected_excl_vat,
        cast(sum(expected_lines) as bigint) as expected_lines,
        cast(sum(expected_index_missing) as bigint) as expected_index_missing
    from (select * from expected union all select * from beyond)
    group by scheme, fee_type, period
),
invoiced as (
    select scheme, fee_type, period, amount_excl_vat as invoiced_excl_vat,
        n_lines as invoiced_lines
    from billing_revenue_months
    where side = 'invoiced'
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
        coalesce(v.invoiced_lines, 0) as invoiced_lines,
        coalesce(e.expected_index_missing, 0) as expected_index_missing
    from expected_all as e
    full outer join invoiced as v using (scheme, fee_type, period)
)
select * from final;
