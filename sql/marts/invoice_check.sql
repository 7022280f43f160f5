-- invoice_check: one row per certificate × period (YYYY-MM) — expected charges (COPRO TAR 9201,
-- view expected_charges) against invoiced amounts (invoice_lines by invoice month), excluding VAT,
-- difference = invoiced − expected. The fee-code level detail, with the rule that produced the
-- expected amount, is billing_invoice_check_lines.
create or replace view invoice_check as
with lines as (
    select * from billing_invoice_check_lines
),
final as (
    select
        certificate_number,
        period,
        cast(sum(expected_excl_vat) as decimal(14, 2)) as expected_excl_vat,
        cast(sum(invoiced_excl_vat) as decimal(14, 2)) as invoiced_excl_vat,
        cast(sum(invoiced_excl_vat) - sum(expected_excl_vat) as decimal(14, 2)) as difference,
        cast(sum(expected_vat) as decimal(14, 2)) as expected_vat,
        cast(sum(invoiced_vat) as decimal(14, 2)) as invoiced_vat,
        count(*) filter (where status <> 'ok') as n_line_differences,
        array_to_string(list_sort(
            list(fee_code || ' ' || status) filter (where status <> 'ok')), ', ')
            as line_differences
    from lines
    group by certificate_number, period
)
select * from final;
