-- billing_invoice_totals: one row per invoice — amounts, due date and the payment facts that do
-- not depend on the as-of date (COPRO TAR 9201 §2.3.2 betalingsvoorwaarden):
--   * amount due = Σ lines excl. VAT + Σ VAT per line rounded to €0.01 (§2.2.10);
--   * due date "30 dagen einde maand": the last day of the month in which invoice date + 30 days
--     falls;
--   * paid_by_due: paid up to and including the due date (a payment on the due date is on time);
--   * paid_amount and last_paid_on: every payment (as of a date on or after last_paid_on);
--   * the first registered reminder (payments.reminder_sent_on) and the most paid up to 8 days
--     after it (the forfait deadline, counted from the sending date: receipt is not recorded).
-- A credit note (issue 22, billing_lines) is no invoice of its own: its lines reduce the amount
-- of the invoice it corrects (so no interest or forfait runs on the part credited: it was never
-- owed), and reminders and refunds booked on it count for that invoice.
-- As-of independent: stored as a table by pipelines.store.refresh; billing_invoice_status applies
-- the as-of date (these facts are used only once the as-of date is past the day they describe).
-- materialize: table
create or replace view billing_invoice_totals as
with line_totals as (
    select
        invoice_id,
        sum(amount_excl_vat) as amount_excl_vat,
        sum(round(amount_excl_vat * vat_rate, 2)) as vat
    from billing_lines
    group by invoice_id
),
reminders as (
    select coalesce(i.corrects_invoice_id, p.invoice_id) as invoice_id,
        min(p.reminder_sent_on) as reminder_sent_on
    from payments as p
    left join invoices as i on i.invoice_id = p.invoice_id
    where p.reminder_sent_on is not null
    group by all
),
invoice_rows as (
    select
        i.invoice_id,
        i.certificate_number,
        i.invoice_date,
        last_day(i.invoice_date + interval 30 day)::date as due_date,
        cast(coalesce(l.amount_excl_vat, 0) as decimal(14, 2)) as amount_excl_vat,
        cast(coalesce(l.vat, 0) as decimal(14, 2)) as vat,
        r.reminder_sent_on
    from invoices as i
    left join line_totals as l using (invoice_id)
    left join reminders as r using (invoice_id)
    where i.corrects_invoice_id is null
),
paid as (
    select
        p.invoice_id,
        arg_max(p.cum_paid, p.paid_on) filter (where p.paid_on <= r.due_date) as paid_by_due,
        max(p.cum_paid) filter (where p.paid_on <= r.reminder_sent_on + 8)
            as paid_by_reminder_deadline,
        arg_max(p.cum_paid, p.paid_on) as paid_amount,
        max(p.paid_on) as last_paid_on
    from billing_payment_days as p
    join invoice_rows as r using (invoice_id)
    group by p.invoice_id
),
final as (
    select
        r.*,
        r.amount_excl_vat + r.vat as amount_due,
        coalesce(p.paid_by_due, 0) as paid_by_due,
        p.paid_by_reminder_deadline,
        coalesce(p.paid_amount, 0) as paid_amount,
        p.last_paid_on
    from invoice_rows as r
    left join paid as p using (invoice_id)
)
select * from final;
