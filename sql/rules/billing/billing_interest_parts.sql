-- billing_interest_parts: one row per invoice × stretch of late days over which both the unpaid
-- amount (incl. VAT) and the legal interest rate are constant — the base of the late interest of
-- COPRO TAR 9201 §2.3.2: interest from the due date, per day, at the legal interest rate + 1
-- point, on the amount still unpaid that day. Index legal_interest, period 'YYYY-H1' / 'YYYY-H2'
-- (else 'YYYY'), value in percent per year; a day counts at rate / 365. A day is late when it lies
-- after the due date and the amount was not paid by the end of the previous day.
-- A part covers the days (part_start, part_end]: the unpaid amount changes on the due date and on
-- each payment day after it, the rate on 1 January and 1 July. Only invoices not fully paid by
-- their due date; parts with nothing unpaid are left out.
-- No horizon: after the last payment the unpaid amount runs on without end. The parts follow the
-- half-years up to the last one with a legal_interest index; from there on one open-ended part
-- (part_end null) with no rate (legal_rate_pct null: the as-of view flags interest_rate_missing),
-- so the stored rows depend on the data only, never on the refresh date, and an as-of date of
-- any year falls in a stored part (docs/readings.md "Horizon").
-- Running totals of the earlier parts of the invoice (numerator_before, days_before,
-- basis_before) let billing_invoice_status take, for its as-of date, one part per invoice: the
-- last one starting before the as-of date, cut at the as-of date.
-- As-of independent (payments after a day do not change the interest up to that day): stored as
-- a table by pipelines.store.refresh.
-- materialize: table
create or replace view billing_interest_parts as
with late as (
    select invoice_id, due_date, amount_due, paid_by_due
    from billing_invoice_totals
    where amount_due > paid_by_due
),
points as (
    -- the days the unpaid amount changes after the due date: the due date itself, then every
    -- payment day after it; cum_paid = paid up to and including that day
    select invoice_id, due_date as point_on, paid_by_due as cum_paid
    from late
    union all
    select p.invoice_id, p.paid_on, p.cum_paid
    from billing_payment_days as p
    join late as l using (invoice_id)
    where p.paid_on > l.due_date
),
segments as (
    -- (seg_start, seg_end]: up to the next payment day, else open-ended (seg_end null)
    select
        s.invoice_id,
        s.seg_start,
        s.next_point as seg_end,
        l.amount_due - s.cum_paid as unpaid
    from (
        select
            invoice_id,
            point_on as seg_start,
            lead(point_on) over (partition by invoice_id order by point_on) as next_point,
            cum_paid
        from points
    ) as s
    join late as l using (invoice_id)
    where l.amount_due - s.cum_paid > 0
      and (s.next_point is null or s.seg_start < s.next_point)
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
last_rated as (
    -- the last day a legal interest rate is known for: the end of the last half-year with one
    select max(hy_end) filter (where legal_rate_pct is not null) as last_rated_on
    from rates
),
rated_segments as (
    -- the stretch of a segment up to the last rated day (payments and rates are data: no horizon)
    select s.*, least(coalesce(s.seg_end, l.last_rated_on), l.last_rated_on) as rated_end
    from segments as s, last_rated as l
),
segment_half_years as (
    -- the half-years a segment touches up to the last rated day: day seg_start + 1 up to
    -- rated_end (equality join below)
    select
        s.*,
        unnest(range(
            year(s.seg_start + 1) * 2 + (month(s.seg_start + 1) > 6)::integer,
            year(s.rated_end) * 2 + (month(s.rated_end) > 6)::integer + 1)) as hy_key
    from rated_segments as s
    where s.rated_end > s.seg_start
),
parts as (
    select
        s.invoice_id,
        greatest(s.seg_start, r.hy_start - 1) as part_start,
        least(s.rated_end, r.hy_end) as part_end,
        r.period,
        r.legal_rate_pct,
        s.unpaid,
        -- unpaid in cents × (rate + 1) in millionths: the interest numerator per day, exact
        cast(s.unpaid * 100 as hugeint) * cast((r.legal_rate_pct + 1) * 1000000 as hugeint)
            as day_numerator
    from segment_half_years as s
    join rates as r using (hy_key)
    union all
    -- beyond the last rated day (or with no rate at all): one part without rate, open-ended
    -- when nothing more is paid; the as-of view cuts it and flags the missing rate
    select
        s.invoice_id,
        greatest(s.seg_start, coalesce(s.rated_end, s.seg_start)) as part_start,
        s.seg_end as part_end,
        'after ' || coalesce(strftime(s.rated_end, '%Y-%m-%d'), 'due date') as period,
        null::decimal(14, 6) as legal_rate_pct,
        s.unpaid,
        null::hugeint as day_numerator
    from rated_segments as s
    where s.rated_end is null or s.seg_end is null or s.seg_end > s.rated_end
),
with_days as (
    select
        *,
        -- null for the open-ended part: the as-of view counts its days up to the as-of date
        date_diff('day', part_start, part_end) as days,
        period || ' ' || (legal_rate_pct + 1) || '% ' || date_diff('day', part_start, part_end)
            || 'd on ' || unpaid as basis
    from parts
    where part_end is null or part_end > part_start
),
final as (
    select
        invoice_id,
        part_start,
        part_end,
        lead(part_start) over w as next_part_start,
        period,
        legal_rate_pct,
        unpaid,
        day_numerator,
        coalesce(sum(day_numerator * days) over earlier, 0) as numerator_before,
        coalesce(sum(days) over earlier, 0) as days_before,
        coalesce(bool_or(legal_rate_pct is null) over earlier, false) as rate_missing_before,
        string_agg(basis, '; ' order by part_start) over earlier as basis_before
    from with_days
    window
        w as (partition by invoice_id order by part_start),
        earlier as (partition by invoice_id order by part_start
                    rows between unbounded preceding and 1 preceding)
)
select * from final;
