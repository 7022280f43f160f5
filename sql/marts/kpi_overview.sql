-- kpi_overview: one row per indicator × breakdown, the management overview's figures on the
-- as-of date. Query it twice (the as-of date and a year earlier) for the change.
-- Indicators (breakdown in brackets):
--   certificates (scheme|status)       certificate_status (CCV PKVW §3.2, §4.3; BRL 9341 §3.3)
--   lots_tested_12m, lots_compliant_12m, lots_compliant_share_12m: lots sampled in the 12
--                                      months up to the as-of date (BRL 9341 §4.2: lot_status's
--                                      rule, read from brl9341_observation_history)
--   sampling_overdue                   BRL 9341 series whose keuringsfrequentie is not met:
--                                      the rows of view sampling_overdue (bijlage II; the
--                                      worklist and the Sampling plan read the same view)
--   audits_due_30d, audits_overdue     next audit due within 30 days / before the as-of date,
--                                      certificate active or suspended (audit_coverage of the
--                                      as-of year; BRL 9341 §8.6, CCV PKVW §4.2.2)
--   deviations_open (category), deviations_past_deadline: afwijkingen open / overdue
--                                      (deviation_status, CCV PKVW §4.3)
--   certificates_suspended, suspension_min_days_to_withdrawal: suspended certificates and
--                                      the fewest days until one is withdrawn or lapses
--                                      (suspension_withdrawal)
--   complaints_open, complaints_overdue complaint_status (CCV PKVW §3.3.1)
--   invoiced_ytd                       invoice lines excl. VAT dated 1 January .. as-of date
--   receivables_outstanding, receivables_overdue: every open amount / the part past its due
--                                      date (view receivables_totals, TAR 9201 §2.3.2)
--   invoice_check_differences, invoice_check_difference_amount: certificate × month (the 12
--                                      months before the as-of month) where invoiced ≠
--                                      expected, and the sum of |difference| (invoice_check)
--                                      over the lines that can be checked
--   invoice_check_index_missing        certificate × month (the same 12 months) with lines that
--                                      cannot be checked: their year has no index (TAR 9201
--                                      §2.2.11, issue 22), counted apart, never as differences
-- value is a double; amounts in euro excl. VAT.
create or replace view kpi_overview as
with as_of as (
    select
        as_of,
        strftime(as_of, '%Y-%m') as as_of_period,
        strftime(as_of - interval 12 month, '%Y-%m') as first_period
    from as_of_date
),
statuses as materialized (
    -- every certificate's status and whether it is in force (view certificate_in_force)
    select certificate_number, scheme, status, in_force from certificate_in_force
),
certificates as (
    select 'certificates' as indicator, scheme || '|' || status as breakdown,
        count(*)::double as value
    from statuses
    group by scheme, status
),
lot_results as (
    -- lot_status's rule (a lot complies when no component exceeds) over the stored
    -- per-observation history: the same lots and verdicts, without recomputing every
    -- observation from the analyses
    select h.site_id, h.lot_id, min(h.lot_sampled_on) as sampled_on,
        -- an LOQ above the limit is not an exceedance but not compliance either (issue 22)
        bool_and(not h.exceeds and not h.loq_above_limit) as compliant
    from brl9341_observation_history as h
    -- the date as a scalar, not a join: the cut then filters the scan (issue 26)
    where h.lot_sampled_on > (select as_of - interval 12 month from as_of)
      and h.lot_sampled_on <= (select as_of from as_of)
    group by h.site_id, h.lot_id
),
lots as materialized (
    select
        count(*)::double as n_lots,
        count(*) filter (where compliant)::double as n_compliant
    from lot_results
),
lot_rows as (
    select 'lots_tested_12m' as indicator, null as breakdown, n_lots as value from lots
    union all
    select 'lots_compliant_12m', null, n_compliant from lots
    union all
    select 'lots_compliant_share_12m', null, n_compliant / nullif(n_lots, 0) from lots
),
sampling as (
    -- the one list of overdue series (view sampling_overdue), as the worklist and the
    -- Sampling plan count it
    select 'sampling_overdue' as indicator, null as breakdown, count(*)::double as value
    from sampling_overdue
),
audit_dues as materialized (
    select
        count(*) filter (where c.next_audit_due between a.as_of and a.as_of + 30)::double
            as due_30d,
        count(*) filter (where c.next_audit_due < a.as_of)::double as overdue
    from audit_coverage as c
    join statuses as s using (certificate_number)
    cross join as_of as a
    where c.year = year(a.as_of) and s.in_force
),
audits as (
    select 'audits_due_30d' as indicator, null as breakdown, due_30d as value from audit_dues
    union all
    select 'audits_overdue', null, overdue from audit_dues
),
deviations as materialized (
    select 'deviations_open' as indicator, effective_category as breakdown,
        count(*)::double as value
    from deviation_status
    where state in ('open', 'overdue')
    group by effective_category
    union all
    select 'deviations_past_deadline', null, count(*)::double
    from deviation_status
    where state = 'overdue'
),
suspension_items as materialized (
    select days_to_withdrawal as days from suspension_withdrawal
),
suspensions as (
    select 'certificates_suspended' as indicator, null as breakdown,
        count(*)::double as value
    from suspension_items
    union all
    select 'suspension_min_days_to_withdrawal', null, min(days)::double
    from suspension_items
),
complaint_counts as materialized (
    select
        count(*) filter (where state in ('open', 'overdue'))::double as n_open,
        count(*) filter (where state = 'overdue')::double as n_overdue
    from complaint_status
),
complaints as (
    select 'complaints_open' as indicator, null as breakdown, n_open as value
    from complaint_counts
    union all
    select 'complaints_overdue', null, n_overdue from complaint_counts
),
invoiced_parts as (
    -- the months of the year before the as-of month from the stored monthly sums, the
    -- as-of month from its invoices dated up to the as-of date
    select sum(m.invoiced_excl_vat) as amount
    from billing_invoiced_months as m, as_of as a
    where m.period >= strftime(a.as_of, '%Y-01') and m.period < a.as_of_period
    union all
    -- (a credit note's lines with the invoice they correct, as billing_lines counts them;
    -- the invoices are picked first so the lines are read by invoice id)
    select sum(l.amount_excl_vat)
    from invoice_lines as l
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
),
invoiced as (
    select 'invoiced_ytd' as indicator, null as breakdown,
        coalesce(sum(amount), 0)::double as value
    from invoiced_parts
),
receivable_sums as materialized (
    -- the two figures as defined once in view receivables_totals (the Billing page's too)
    select
        coalesce(sum(outstanding), 0)::double as outstanding,
        coalesce(sum(overdue), 0)::double as overdue
    from receivables_totals
),
receivable_rows as (
    select 'receivables_outstanding' as indicator, null as breakdown, outstanding as value
    from receivable_sums
    union all
    select 'receivables_overdue', null, overdue from receivable_sums
),
check_sums as materialized (
    select
        count(*) filter (where c.difference <> 0)::double as n_differences,
        coalesce(sum(abs(c.difference)), 0)::double as amount,
        count(*) filter (where c.n_index_missing > 0)::double as n_index_missing
    from invoice_check as c
    -- scalars, not a join: the period cut reaches the lines before invoice_check groups
    -- every certificate × month of the history (issue 26)
    where c.period >= (select first_period from as_of)
      and c.period < (select as_of_period from as_of)
),
check_rows as (
    select 'invoice_check_differences' as indicator, null as breakdown,
        n_differences as value
    from check_sums
    union all
    select 'invoice_check_difference_amount', null, amount from check_sums
    union all
    select 'invoice_check_index_missing', null, n_index_missing from check_sums
),
final as (
    select * from certificates
    union all select * from lot_rows
    union all select * from sampling
    union all select * from audits
    union all select * from deviations
    union all select * from suspensions
    union all select * from complaints
    union all select * from invoiced
    union all select * from receivable_rows
    union all select * from check_rows
)
select indicator, breakdown, value from final;
