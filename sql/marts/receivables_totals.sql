-- receivables_totals: one row per certificate with open invoices on the as-of date: the two
-- receivable figures of the Overview and the Billing page, defined once (issue 26).
-- COPRO TAR 9201 §2.3.2: an invoice is payable within 30 days (due_date in receivables).
--   outstanding  every unpaid invoice amount (incl. VAT), due or not yet due;
--   overdue      the part of it past its due date (days_overdue > 0): what needs a reminder;
--   not_yet_due  outstanding - overdue;
--   claimable    late interest and the 15 % forfait on top (also of invoices paid late).
-- Sum over the rows for the totals; the viewer's row filter applies per certificate.
create or replace view receivables_totals as
with open_invoices as (
    select * from receivables
),
final as (
    select
        certificate_number,
        coalesce(sum(open_amount) filter (where open_amount > 0), 0)::double as outstanding,
        coalesce(sum(open_amount) filter (where open_amount > 0 and days_overdue > 0), 0)
            ::double as overdue,
        coalesce(sum(open_amount) filter (where open_amount > 0 and days_overdue <= 0), 0)
            ::double as not_yet_due,
        coalesce(sum(late_interest + forfait), 0)::double as claimable,
        count(*) filter (where open_amount > 0) as n_open,
        count(*) filter (where open_amount > 0 and days_overdue > 0) as n_overdue
    from open_invoices
    group by certificate_number
)
select * from final;
