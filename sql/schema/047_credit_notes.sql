-- Issue 22: a credit note (creditnota) is an invoice that names the invoice it corrects; its
-- lines may be negative and count for that invoice (docs/rules.md §5, docs/readings.md
-- "Credit notes"). Null for an ordinary invoice. Stores created before keep working.
alter table invoices add column if not exists corrects_invoice_id varchar;
