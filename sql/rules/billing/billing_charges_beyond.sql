-- billing_charges_beyond: one row per yearly fee dated after the stored years and up to the
-- as-of date (COPRO TAR 9201 §2.2.3.2 yearly contribution, §2.2.4.1 / §2.2.6 year-end minima),
-- with the columns of billing_charges. Grain: certificate × fee date × fee code.
-- The stored tables (billing_charges) hold the yearly fees up to a horizon set at refresh time
-- (31 December of the year after, or later where the data needs it); a certificate without end
-- date owes them every later year too. Its last stored line (billing_yearly_tails) recurs each
-- calendar year after it, on the same day (1 January, 31 December), at the rate of that year
-- (billing_rates, §2.2.11) with VAT 21 % per line (§2.2.10). Empty for any as-of date up to the
-- horizon; expected_charges, revenue and billing_invoice_check_lines add it to the stored lines.
-- Rates exist up to 2100 (billing_rates).
create or replace view billing_charges_beyond as
with as_of as (
    select as_of from as_of_date
),
tails as (
    select t.*, year(t.last_fee_date) as last_fee_year
    from billing_yearly_tails as t, as_of as a
    where year(t.last_fee_date) < year(a.as_of)
),
years as (
    select
        t.*,
        make_date(y.fee_year, month(t.last_fee_date), day(t.last_fee_date)) as fee_date
    from tails as t
    cross join lateral (
        select unnest(range(t.last_fee_year + 1, (select year(as_of) from as_of) + 1))
            as fee_year
    ) as y
),
lines as (
    select
        y.*,
        r.rate,
        r.rate_basis,
        r.index_missing,
        cast(round(y.quantity * r.rate * y.multiplier, 2) as decimal(12, 2)) as amount_excl_vat,
        -- the stored source names the year of its line (ADI at <date> / year-end balance <year>)
        replace(replace(y.source, 'ADI at ' || y.last_fee_date, 'ADI at ' || y.fee_date),
                'year-end balance ' || y.last_fee_year || ':',
                'year-end balance ' || year(y.fee_date) || ':') as line_source
    from years as y
    join billing_rates as r on r.fee_code = y.fee_code and r.fee_year = year(y.fee_date)
    where y.fee_date <= (select as_of from as_of)
),
vat as (
    select 0.21::decimal(5, 4) as vat_rate  -- TAR 9201 §2.2.10: BTW voor prestaties in België
),
final as (
    select
        l.certificate_number,
        l.fee_date,
        l.fee_code,
        t.description,
        l.quantity,
        cast(l.rate * l.multiplier as decimal(12, 4)) as unit_price,
        l.amount_excl_vat,
        cast(round(l.amount_excl_vat * v.vat_rate, 2) as decimal(12, 2)) as vat,
        cast(l.amount_excl_vat + round(l.amount_excl_vat * v.vat_rate, 2) as decimal(12, 2))
            as amount_incl_vat,
        l.line_source as source,
        v.vat_rate,
        l.scheme,
        strftime(l.fee_date, '%Y-%m') as period,
        year(l.fee_date) as fee_year,
        split_part(l.fee_code, '_', 1) as fee_type,
        l.multiplier,
        l.rate as indexed_rate,
        l.rate_basis,
        l.index_missing,
        l.rule
    from lines as l
    cross join vat as v
    join ref_tariffs as t on t.fee_code = l.fee_code
)
select * from final;
