-- kpi_monthly: one row per month × indicator for the 24 months up to the as-of month, the
-- overview's trend charts. month = the first day of the month; a stock figure is taken at
-- the month's end (the as-of date for the as-of month), a flow figure sums the month.
-- Indicators:
--   certificates_active, certificates_suspended   stock: status transitions in force at the
--        month's end (certificate_status_transitions; CCV PKVW §4.3, BRL 9341 §3.3)
--   deviations_open                               stock: afwijkingen found and not closed at
--        the month's end (deviation_deadlines; CCV PKVW §4.3)
--   lots_tested, lots_compliant_share             flow: lots sampled in the month and the share
--        that complies (BRL 9341 §4.2, lot_status's rule over brl9341_observation_history)
--   invoiced, expected                            flow: invoiced and expected revenue excl. VAT
--        (billing_revenue_months, COPRO TAR 9201); the as-of month counts what is known on
--        the as-of date.
create or replace view kpi_monthly as
with as_of as (
    select as_of from as_of_date
),
months as (
    select
        m::date as month,
        least(last_day(m::date), a.as_of) as month_end
    from as_of as a,
        range(date_trunc('month', a.as_of) - interval 23 month,
              date_trunc('month', a.as_of) + interval 1 month, interval 1 month) as r(m)
),
statuses as (
    select
        m.month,
        'certificates_' || t.status as indicator,
        count(*)::double as value
    from months as m
    join certificate_status_transitions as t
        on t.status_since <= m.month_end
        and (t.status_until is null or t.status_until > m.month_end)
    where t.status in ('active', 'suspended')
    group by m.month, t.status
),
deviations as (
    select m.month, 'deviations_open' as indicator, count(d.deviation_id)::double as value
    from months as m
    left join deviation_deadlines as d
        on d.found_on <= m.month_end
        and (d.closed_on is null or d.closed_on > m.month_end)
    group by m.month
),
lot_results as (
    -- lot_status's rule over the stored per-observation history (see kpi_overview)
    select h.site_id, h.lot_id, min(h.lot_sampled_on) as sampled_on,
        -- an LOQ above the limit is not an exceedance but not compliance either (issue 22)
        bool_and(not h.exceeds and not h.loq_above_limit) as compliant
    from brl9341_observation_history as h, as_of as a
    where h.lot_sampled_on >= (select min(month) from months) and h.lot_sampled_on <= a.as_of
    group by h.site_id, h.lot_id
),
lots as (
    select
        date_trunc('month', sampled_on)::date as month,
        count(*)::double as n_lots,
        count(*) filter (where compliant)::double as n_compliant
    from lot_results
    group by 1
),
lot_rows as (
    select m.month, 'lots_tested' as indicator, coalesce(l.n_lots, 0) as value
    from months as m
    left join lots as l using (month)
    union all
    select l.month, 'lots_compliant_share', l.n_compliant / l.n_lots
    from lots as l
),
revenue_rows as (
    select
        (r.period || '-01')::date as month,
        r.side as indicator,
        sum(r.amount_excl_vat)::double as value
    from billing_revenue_months as r, as_of as a
    where r.period < strftime(a.as_of, '%Y-%m')
    group by all
    union all
    select (r.period || '-01')::date, 'expected', sum(r.expected_excl_vat)::double
    from revenue as r, as_of as a
    where r.period = strftime(a.as_of, '%Y-%m')
    group by all
    union all
    -- invoice lines by the invoice's date (a credit note's with the invoice it corrects, as
    -- billing_lines counts them; the invoices are picked first, the lines read by id)
    select date_trunc('month', a.as_of)::date, 'invoiced', sum(l.amount_excl_vat)::double
    from invoice_lines as l, as_of as a
    where l.invoice_id in (
        select i.invoice_id
        from invoices as i, as_of as a
        where i.corrects_invoice_id is null
          and i.invoice_date between date_trunc('month', a.as_of) and a.as_of
        union all
        select d.invoice_id
        from invoices as d
        join invoices as c on c.invoice_id = d.corrects_invoice_id
        cross join as_of as a
        where c.invoice_date between date_trunc('month', a.as_of) and a.as_of
    )
    group by all
),
final as (
    select * from statuses
    union all select * from deviations
    union all select * from lot_rows
    union all
    select r.* from revenue_rows as r
    where r.month >= (select min(month) from months)
)
select month, indicator, value from final
order by indicator, month;
