-- billing_invoiced_months: one row per certificate × period (YYYY-MM, month of the invoice date)
-- × fee code — the invoiced lines summed (COPRO TAR 9201 invoices monthly, §2.2.4.1, §2.2.6; the
-- yearly contribution at the start of the year, §2.2.3), excluding VAT, with the VAT of each line
-- rounded to €0.01 (§2.2.10). Invoice lines without fee code count under '(none)'.
-- A credit note's lines count in the month and for the certificate of the invoice they correct
-- (issue 22, billing_lines): they reduce what was invoiced for it.
-- As-of independent (every invoice): stored as a table by pipelines.store.refresh.
-- materialize: table
create or replace view billing_invoiced_months as
with lines as (
    select
        l.certificate_number,
        strftime(l.invoice_date, '%Y-%m') as period,
        coalesce(l.fee_code, '(none)') as fee_code,
        l.document_id as invoice_id,
        l.line_no,
        l.quantity,
        l.amount_excl_vat,
        l.vat_rate
    from billing_lines as l
),
final as (
    select
        certificate_number,
        period,
        fee_code,
        sum(amount_excl_vat) as invoiced_excl_vat,
        sum(cast(round(amount_excl_vat * vat_rate, 2) as decimal(12, 2))) as invoiced_vat,
        sum(quantity) as invoiced_quantity,
        count(*) as invoiced_lines,
        bool_and(vat_rate = 0.21) as vat_rate_ok,
        -- invoice:line when one line, else the first invoice and how many lines
        case when count(*) = 1 then min(invoice_id) || ':' || min(line_no)
             else min(invoice_id) || ' (+' || (count(*) - 1) || ' more lines)' end
            as invoice_lines
    from lines
    group by certificate_number, period, fee_code
)
select * from final;
