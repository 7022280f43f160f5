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
create or replace view billing_invoice_status as
with as_of as (
    select as_of from as_of_date
),
line_totals as (
    select
        invoice_id,
        sum(amount_excl_vat) as amount_excl_vat,
        sum(round(amount_excl_vat * vat_rate, 2)) as vat
    from invoice_lines
    group by invoice_id
),
invoice_totals as (
    select
        i.invoice_id,
        i.certificate_number,
        i.invoice_date,
        last_day(i.invoice_date + interval 30 day)::date as due_date,
        cast(coalesce(l.amount_excl_vat, 0) as decimal(14, 2)) as amount_excl_vat,
        cast(coalesce(l.vat, 0) as decimal(14, 2)) as vat
    from invoices as i
    left join line_totals as l using (invoice_id)
),
paid_days as (
    select invoice_id, paid_on, sum(amount) as amount
    from payments
    where paid_on is not null and amount is not null
      and paid_on <= (select as_of from as_of)
    group by all
),
reminders as (
    select invoice_id, min(reminder_sent_on) as reminder_sent_on
    from payments
    where reminder_sent_on is not null and reminder_sent_on <= (select as_of from as_of)
    group by all
),
invoices_due as (
    select
        t.*,
        t.amount_excl_vat + t.vat as amount_due,
        coalesce(p.paid_amount, 0) as paid_amount,
        coalesce(p.paid_by_due, 0) as paid_by_due,
        p.last_paid_on
    from invoice_totals as t
    left join (
        select
            p.invoice_id,
            sum(p.amount) as paid_amount,
            sum(p.amount) filter (where p.paid_on <= t.due_date) as paid_by_due,
            max(p.paid_on) as last_paid_on
        from paid_days as p
        join invoice_totals as t using (invoice_id)
        group by p.invoice_id
    ) as p using (invoice_id)
),
late as (
    -- invoices not fully paid by their due date: only these can owe interest
    select invoice_id, due_date, amount_due, paid_by_due
    from invoices_due
    where amount_due > paid_by_due
),
paid as (
    -- payments of late invoices with the running total paid (window on the late ones only)
    select
        p.invoice_id,
        p.paid_on,
        sum(p.amount) over (partition by p.invoice_id order by p.paid_on) as cum_paid
    from paid_days as p
    semi join late as l using (invoice_id)
),
points as (
    -- the days the unpaid amount changes after the due date: the due date itself, then every
    -- payment day after it; cum_paid = paid up to and including that day
    select invoice_id, due_date as point_on, paid_by_due as cum_paid
    from late
    union all
    select p.invoice_id, p.paid_on, p.cum_paid
    from paid as p
    join late as l using (invoice_id)
    where p.paid_on > l.due_date
),
segments as (
    -- interest days (seg_start, seg_end], the unpaid amount constant over them
    select
        s.invoice_id,
        s.seg_start,
        s.seg_end,
        i.amount_due - s.cum_paid as unpaid
    from (
        select
            p.invoice_id,
            p.point_on as seg_start,
            coalesce(lead(p.point_on) over (partition by p.invoice_id order by p.point_on),
                     a.as_of) as seg_end,
            p.cum_paid
        from points as p, as_of as a
        where p.point_on < a.as_of
    ) as s
    join late as i using (invoice_id)
    where s.seg_end > s.seg_start and i.amount_due - s.cum_paid > 0
),
half_years as (
    select
        y.range::integer * 2 + h.half - 1 as hy_key,
        make_date(y.range::integer, h.first_month, 1) as hy_start,
        last_day(make_date(y.range::integer, h.first_month + 5, 1)) as hy_end,
        y.range::varchar as year,
        y.range::varchar || '-H' || h.half as period
    from range(2000, 2101) as y
    cross join (values (1, 1), (2, 7)) as h(half, first_month)
),
rates as (
    select
        hy.*,
        coalesce(hi.value, yi.value) as legal_rate_pct
    from half_years as hy
    left join indices as hi on hi.index_name = 'legal_interest' and hi.period = hy.period
    left join indices as yi on yi.index_name = 'legal_interest' and yi.period = hy.year
),
segment_half_years as (
    -- the half-years a segment touches: day seg_start + 1 up to seg_end (equality join below)
    select
        s.*,
        unnest(range(
            year(s.seg_start + 1) * 2 + (month(s.seg_start + 1) > 6)::integer,
            year(s.seg_end) * 2 + (month(s.seg_end) > 6)::integer + 1)) as hy_key
    from segments as s
),
interest_parts as (
    select
        s.invoice_id,
        r.period,
        r.legal_rate_pct,
        s.unpaid,
        -- days of (seg_start, seg_end] inside [hy_start, hy_end]
        date_diff('day', greatest(s.seg_start, r.hy_start - 1), least(s.seg_end, r.hy_end))
            as days
    from segment_half_years as s
    join rates as r using (hy_key)
),
interest as (
    select
        invoice_id,
        sum(days) as interest_days,
        bool_or(legal_rate_pct is null) as interest_rate_missing,
        -- cents = Σ unpaid_cents × (rate + 1)_e6 × days / (36 500 × 10^6), half up, on integers
        sum(cast(unpaid * 100 as hugeint)
            * cast((legal_rate_pct + 1) * 1000000 as hugeint) * days)
            filter (where legal_rate_pct is not null) as numerator,
        string_agg(period || ' ' || (legal_rate_pct + 1) || '% ' || days || 'd on ' || unpaid,
                   '; ' order by period) as interest_basis
    from interest_parts
    where days > 0
    group by invoice_id
),
forfait as (
    select
        r.invoice_id,
        r.reminder_sent_on,
        r.reminder_sent_on + 8 as reminder_deadline,
        i.amount_due - coalesce((
            select max(p.cum_paid) from paid as p
            where p.invoice_id = r.invoice_id and p.paid_on <= r.reminder_sent_on + 8), 0)
            as unpaid_at_deadline
    from reminders as r
    join late as i using (invoice_id)
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
