-- billing_lines: one row per stored invoice line, with the invoice it counts for (COPRO TAR 9201
-- §2.3 facturatie; issue 22). An ordinary invoice's line counts for that invoice. A credit note
-- (invoices.corrects_invoice_id set) corrects the invoice it names: its lines (negative to take
-- off) count for that invoice — its certificate, its date and so its month — so the invoice
-- check, receivables and revenue see the invoice as corrected. Reading (docs/readings.md
-- "Credit notes"): the correction counts from the corrected invoice's own date, for every as-of
-- date, as any correction of a stored fact does; the credit note is no invoice of its own (no
-- due date, never a receivable). The ingestion refuses a credit note that names an unknown
-- invoice, one of another certificate or another credit note, so one step resolves it.
create or replace view billing_lines as
with documents as (
    select
        d.invoice_id as document_id,
        d.invoice_date as document_date,
        d.corrects_invoice_id is not null and c.invoice_id is not null as credit_note,
        coalesce(c.invoice_id, d.invoice_id) as invoice_id,
        coalesce(c.certificate_number, d.certificate_number) as certificate_number,
        coalesce(c.invoice_date, d.invoice_date) as invoice_date
    from invoices as d
    left join invoices as c on c.invoice_id = d.corrects_invoice_id
),
final as (
    select
        d.invoice_id,
        d.certificate_number,
        d.invoice_date,
        d.document_id,
        d.document_date,
        d.credit_note,
        l.line_no,
        l.fee_code,
        l.description,
        l.quantity,
        l.unit_price,
        l.amount_excl_vat,
        l.vat_rate
    from invoice_lines as l
    join documents as d on d.document_id = l.invoice_id
)
select * from final;
