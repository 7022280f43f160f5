-- billing_charges: one row per fee the COPRO TAR 9201 tariff rules generate from the data, for
-- every date (no as-of cut). Grain: certificate × fee date × fee code × source.
-- The lines come from billing_certificate_fees (§2.2.2 application and transfers, §2.2.3 yearly
-- contribution, §2.2.5 hourly work, §2.2.8 useless trips), billing_audit_fees (§2.2.4 audits,
-- §2.2.5 travel, §2.2.9 off-hours) and billing_attest_fees (§2.2.4.1 / §2.2.6 attests, monthly
-- and year-end balance). Unit rates indexed per billing_rates (§2.2.11).
-- VAT 21 % on every fee (§2.2.10), rounded to €0.01 per line; amounts are rounded to €0.01 per
-- line (quantity × unit price), the invoice unit.
-- A fee of a year whose index is missing (billing_rates.index_missing, §2.2.11; issue 22) keeps
-- its line with unit_price, amount_excl_vat, vat and amount_incl_vat null and index_missing
-- true: shown as `index missing`, never priced at the unindexed 2023 base rates.
-- A fee is a fact of its own date, so this is as-of independent and stored as a table by
-- pipelines.store.refresh; expected_charges keeps the fees dated up to the as-of date.
-- materialize: table
create or replace view billing_charges as
with fee_lines as (
    select certificate_number, fee_date, fee_code, description, quantity, unit_price,
        amount_excl_vat, multiplier, indexed_rate, rate_basis, index_missing, rule, source
    from billing_certificate_fees
    union all
    select certificate_number, fee_date, fee_code, description, quantity, unit_price,
        amount_excl_vat, multiplier, indexed_rate, rate_basis, index_missing, rule, source
    from billing_audit_fees
    union all
    select certificate_number, fee_date, fee_code, description, quantity, unit_price,
        amount_excl_vat, multiplier, indexed_rate, rate_basis, index_missing, rule, source
    from billing_attest_fees
),
vat as (
    select 0.21::decimal(5, 4) as vat_rate  -- TAR 9201 §2.2.10: BTW voor prestaties in België
),
final as (
    select
        f.certificate_number,
        f.fee_date,
        f.fee_code,
        f.description,
        f.quantity,
        f.unit_price,
        f.amount_excl_vat,
        cast(round(f.amount_excl_vat * v.vat_rate, 2) as decimal(12, 2)) as vat,
        cast(f.amount_excl_vat + round(f.amount_excl_vat * v.vat_rate, 2) as decimal(12, 2))
            as amount_incl_vat,
        f.source,
        v.vat_rate,
        c.scheme,
        strftime(f.fee_date, '%Y-%m') as period,
        year(f.fee_date) as fee_year,
        split_part(f.fee_code, '_', 1) as fee_type,
        f.multiplier,
        f.indexed_rate,
        f.rate_basis,
        f.index_missing,
        f.rule
    from fee_lines as f
    cross join vat as v
    left join certificates as c using (certificate_number)
    -- stored in date order: the as-of cut of expected_charges then skips whole row groups
    order by f.fee_date
)
select * from final;
