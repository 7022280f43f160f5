-- billing_invoice_check_lines: one row per certificate × period (YYYY-MM) × fee code where the
-- expected charges (expected_charges, COPRO TAR 9201) and the invoiced lines meet, with the
-- difference and the rule (article) that produced the expected amount.
-- Period: the month of fee_date for expected charges and the month of invoice_date for invoice
-- lines: TAR 9201 invoices monthly (§2.2.4.1, §2.2.6), yearly contributions at the start of the
-- year (§2.2.3), so an invoice carries the fees of its own month.
-- status: ok / missing (expected, not invoiced) / not_expected (invoiced, no rule produced it) /
-- amount_differs / vat_differs (amounts equal, VAT rate not 21 % §2.2.10 or VAT amount off).
create or replace view billing_invoice_check_lines as
with expected as (
    select
        certificate_number,
        period,
        fee_code,
        sum(amount_excl_vat) as expected_excl_vat,
        sum(vat) as expected_vat,
        sum(quantity) as expected_quantity,
        count(*) as expected_lines,
        any_value(rule) as rule,
        -- the first source row (lowest) and how many more: cheap on large stores, deterministic
        min(source) || case when count(*) > 1 then ' (+' || (count(*) - 1) || ' more)' else '' end
            as expected_source
    from expected_charges
    group by all
),
invoiced as (
    select
        i.certificate_number,
        strftime(i.invoice_date, '%Y-%m') as period,
        coalesce(l.fee_code, '(none)') as fee_code,
        sum(l.amount_excl_vat) as invoiced_excl_vat,
        sum(cast(round(l.amount_excl_vat * l.vat_rate, 2) as decimal(12, 2))) as invoiced_vat,
        sum(l.quantity) as invoiced_quantity,
        count(*) as invoiced_lines,
        bool_and(l.vat_rate = 0.21) as vat_rate_ok,
        -- invoice:line when one line, else the first invoice and how many lines
        case when count(*) = 1 then min(l.invoice_id) || ':' || min(l.line_no)
             else min(l.invoice_id) || ' (+' || (count(*) - 1) || ' more lines)' end
            as invoice_lines
    from invoice_lines as l
    join invoices as i using (invoice_id)
    group by i.certificate_number, strftime(i.invoice_date, '%Y-%m'), coalesce(l.fee_code, '(none)')
),
joined as (
    select
        coalesce(e.certificate_number, v.certificate_number) as certificate_number,
        coalesce(e.period, v.period) as period,
        coalesce(e.fee_code, v.fee_code) as fee_code,
        coalesce(e.expected_excl_vat, 0)::decimal(14, 2) as expected_excl_vat,
        coalesce(v.invoiced_excl_vat, 0)::decimal(14, 2) as invoiced_excl_vat,
        coalesce(e.expected_vat, 0)::decimal(14, 2) as expected_vat,
        coalesce(v.invoiced_vat, 0)::decimal(14, 2) as invoiced_vat,
        e.expected_quantity,
        v.invoiced_quantity,
        coalesce(e.expected_lines, 0) as expected_lines,
        coalesce(v.invoiced_lines, 0) as invoiced_lines,
        v.vat_rate_ok,
        coalesce(e.rule, t.source) as rule,
        e.expected_source,
        v.invoice_lines
    from expected as e
    full outer join invoiced as v using (certificate_number, period, fee_code)
    left join ref_tariffs as t on t.fee_code = coalesce(e.fee_code, v.fee_code)
),
final as (
    select
        certificate_number,
        period,
        fee_code,
        expected_excl_vat,
        invoiced_excl_vat,
        invoiced_excl_vat - expected_excl_vat as difference,
        expected_vat,
        invoiced_vat,
        invoiced_vat - expected_vat as vat_difference,
        expected_quantity,
        invoiced_quantity,
        expected_lines,
        invoiced_lines,
        case
            when invoiced_lines = 0 then 'missing'
            when expected_lines = 0 then 'not_expected'
            when invoiced_excl_vat <> expected_excl_vat then 'amount_differs'
            when not vat_rate_ok or invoiced_vat <> expected_vat then 'vat_differs'
            else 'ok'
        end as status,
        rule,
        expected_source,
        invoice_lines
    from joined
)
select * from final;
