-- billing_payment_days: one row per invoice × payment day — the amount paid that day and the
-- running total paid up to and including it (COPRO TAR 9201 §2.3.2: interest runs on the amount
-- still unpaid each day). Payments without date or amount are not payments (a reminder row).
-- A payment booked on a credit note (a refund: negative) counts for the invoice the credit note
-- corrects (issue 22, billing_lines).
-- As-of independent (every payment; a running total up to a day does not depend on later days):
-- stored as a table by pipelines.store.refresh; billing_invoice_status keeps paid_on <= as_of.
-- materialize: table
create or replace view billing_payment_days as
with booked as (
    select coalesce(i.corrects_invoice_id, p.invoice_id) as invoice_id, p.paid_on, p.amount
    from payments as p
    left join invoices as i on i.invoice_id = p.invoice_id
),
days as (
    select invoice_id, paid_on, sum(amount) as amount
    from booked
    where paid_on is not null and amount is not null
    group by invoice_id, paid_on
),
final as (
    select
        d.invoice_id,
        d.paid_on,
        d.amount,
        sum(d.amount) over w as cum_paid,
        lead(d.paid_on) over w as next_paid_on,
        -- the invoice's last payment day: an as-of date on or after it knows every payment
        max(d.paid_on) over (partition by d.invoice_id) as last_paid_on
    from days as d
    window w as (partition by d.invoice_id order by d.paid_on)
)
select * from final;
