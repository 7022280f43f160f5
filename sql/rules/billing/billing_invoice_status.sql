-- billing_invoice_status: one row per invoice — amount due, payments, due date, late interest and
-- forfait as of the as-of date (COPRO TAR 9201 §2.3.2 betalingsvoorwaarden):
--   * due date "30 dagen einde maand": the last day of the month in which invoice date + 30 days
--     falls;
--   * late interest from the due date, per day, at the legal interest rate + 1 point, on the amount
--     still unpaid that day (incl. VAT). Index legal_interest, period 'YYYY-H1' / 'YYYY-H2' (else
--     'YYYY'), value in percent per year (5.25 = 5,25 %); a day counts at rate / 365. A day is late
--     when it lies after the due date and the amount was not paid by the end of the previous day
--     (paid on the due date + 40 days = 40 days of interest). Rounded to €0.01 per invoice;
--   * registered reminder (payments.reminder_sent_on, the first one): when the amount is still
--     unpaid 8 days after it (we count from the sending date: receipt is not recorded), a forfait
--     of 15 % of the amount then due, at least €200, rounded to €0.01.
-- Payments count when paid_on <= as_of. Exact integer arithmetic for the interest.
-- The as-of independent parts are stored tables (pipelines.store.refresh): billing_invoice_totals
-- (amounts, due date, paid by the due date, first reminder), billing_payment_days (running totals)
-- and billing_interest_parts (stretches of constant unpaid amount and rate, with running totals);
-- this view applies the as-of date to them.
create or replace view billing_invoice_status as
with as_of as (
    select as_of from as_of_date
),
paid_to_date as (
    -- invoices with payments after the as-of date: the running total of the last payment day
    -- up to it (the others take their totals from billing_invoice_totals)
    select
        p.invoice_id,
        arg_max(p.cum_paid, p.paid_on) as paid_amount,
        max(p.paid_on) as last_paid_on
    from billing_payment_days as p, as_of as a
    where p.paid_on <= a.as_of and p.last_paid_on > a.as_of
    group by p.invoice_id
),
payments_known as (
    select
        t.*,
        case when t.last_paid_on > a.as_of then coalesce(p.paid_amount, 0)
             else t.paid_amount end as paid_to_date,
        case when t.last_paid_on > a.as_of then p.last_paid_on
             else t.last_paid_on end as last_paid_to_date,
        a.as_of
    from billing_invoice_totals as t
    cross join as_of as a
    left join paid_to_date as p using (invoice_id)
),
invoices_due as (
    select
        invoice_id,
        certificate_number,
        invoice_date,
        due_date,
        amount_excl_vat,
        vat,
        amount_due,
        paid_to_date as paid_amount,
        -- paid by the due date, counting only payments known on the as-of date
        case when due_date <= as_of then paid_by_due else paid_to_date end as paid_by_due,
        last_paid_to_date as last_paid_on,
        case when reminder_sent_on <= as_of then reminder_sent_on end as reminder_sent_on,
        paid_by_reminder_deadline
    from payments_known
),
interest_part as (
    -- per late invoice the last interest part starting before the as-of date, cut at it; the
    -- parts before it are summed in its running totals (billing_interest_parts)
    select
        p.*,
        -- part_end null: the open-ended last part (nothing paid since), up to the as-of date
        date_diff('day', p.part_start, least(coalesce(p.part_end, a.as_of), a.as_of)) as days
    from billing_interest_parts as p, as_of as a
    where p.part_start < a.as_of
      and (p.next_part_start is null or p.next_part_start >= a.as_of)
),
interest as (
    select
        invoice_id,
        days_before + days as interest_days,
        rate_missing_before or legal_rate_pct is null as interest_rate_missing,
        -- cents = Σ unpaid_cents × (rate + 1)_e6 × days / (36 500 × 10^6), half up, on integers
        numerator_before + coalesce(day_numerator * days, 0) as numerator,
        nullif(concat_ws('; ', basis_before,
                         period || ' ' || (legal_rate_pct + 1) || '% ' || days || 'd on '
                         || unpaid), '') as interest_basis
    from interest_part
),
forfait as (
    -- late invoices (not fully paid by the due date, as known on the as-of date) with a reminder;
    -- the forfait is due once the deadline is past the as-of date, so the payments up to the
    -- deadline are all known then
    select
        invoice_id,
        reminder_sent_on,
        reminder_sent_on + 8 as reminder_deadline,
        amount_due - coalesce(paid_by_reminder_deadline, 0) as unpaid_at_deadline
    from invoices_due
    where reminder_sent_on is not null and amount_due > paid_by_due
),
final as (
    select
        i.invoice_id,
        i.certificate_number,
        i.invoice_date,
        i.due_date,
        i.amount_excl_vat,
        i.vat,
        cast(i.amount_due as decimal(14, 2)) as amount_due,
        cast(i.paid_amount as decimal(14, 2)) as paid_amount,
        cast(i.amount_due - i.paid_amount as decimal(14, 2)) as open_amount,
        i.last_paid_on,
        case
            when i.amount_due - i.paid_amount > 0
                then greatest(0, date_diff('day', i.due_date, a.as_of))
            else greatest(0, coalesce(date_diff('day', i.due_date, i.last_paid_on), 0))
        end as days_overdue,
        coalesce(
            cast(cast((2 * n.numerator + 36500000000) // 73000000000 as decimal(18, 0)) * 0.01
                 as decimal(14, 2)),
            0.00) as late_interest,
        coalesce(n.interest_days, 0) as interest_days,
        coalesce(n.interest_rate_missing, false) as interest_rate_missing,
        n.interest_basis,
        f.reminder_sent_on,
        f.reminder_deadline,
        cast(case
            when f.reminder_deadline < a.as_of and f.unpaid_at_deadline > 0
                then greatest(200.00, round(f.unpaid_at_deadline * 0.15, 2))
            else 0.00
        end as decimal(14, 2)) as forfait,
        a.as_of
    from invoices_due as i
    cross join as_of as a
    left join interest as n using (invoice_id)
    left join forfait as f using (invoice_id)
)
select * from final;
