-- receivables: one row per open invoice as of the as-of date (COPRO TAR 9201 §2.3.2): an invoice
-- with an unpaid amount, or paid late with late interest / forfait still claimable. Due date,
-- days overdue, late interest and the 15 % forfait come from billing_invoice_status; the ageing
-- bucket is by days overdue of the unpaid amount ('paid_late' when only interest/forfait remain).
create or replace view receivables as
with invoice_status as (
    select * from billing_invoice_status
),
final as (
    select
        invoice_id,
        certificate_number,
        due_date,
        open_amount,
        days_overdue,
        late_interest,
        forfait,
        case
            when open_amount <= 0 then 'paid_late'
            when days_overdue = 0 then 'not_due'
            when days_overdue <= 30 then '1-30'
            when days_overdue <= 60 then '31-60'
            when days_overdue <= 90 then '61-90'
            else '90+'
        end as ageing_bucket,
        open_amount + late_interest + forfait as total_claim,
        invoice_date,
        amount_due,
        paid_amount,
        last_paid_on,
        interest_days,
        interest_rate_missing,
        interest_basis,
        reminder_sent_on,
        as_of
    from invoice_status
    -- an invoice sent after the as-of date was not a receivable on that date
    where (open_amount > 0 or late_interest > 0 or forfait > 0)
      and invoice_date <= as_of
)
select * from final;
