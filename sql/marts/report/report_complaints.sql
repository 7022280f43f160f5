-- report_complaints: one row per scheme × year × complaint indicator, section
-- "complaints" of the yearly report (BRL 9341 §8.7: "Ontvangen klachten van derden over
-- gecertificeerde producten"; CCV PKVW §3.3.1: "een klacht wordt in elk geval binnen twee
-- maanden behandeld").
-- Readings (as complaint_status): a complaint is an activity 'complaint_received'; it is
-- handled by the first 'complaint_closed' of the same certificate with the same reference
-- on or after the day received. Counted over the complaints received in the year, with
-- what was known on 31 December.
-- * CCV PKVW (its own two months, §3.3.1): handled_in_time (closed within 2 months),
--   handled_late (closed by 31 December, after 2 months), overdue_end (not closed by 31
--   December and the 2 months passed), open_end (not closed, still within the 2 months).
-- * Other schemes: BRL 9341 sets no term for handling a complaint (§6.3 item 11 asks the
--   holder for a written complaint procedure; §8.7 for the complaints received), so its
--   report does not borrow CCV PKVW's two months (issue 22): handled (closed by 31
--   December) and not_handled_end (not closed by then), citing BRL 9341's own articles.
--   The asbestos schemes' sources set no term either: the same figures, the article
--   column saying "no term in the sources" rather than borrowing another scheme's.
create or replace view report_complaints as
with periods as (
    select * from report_window
),
received as (
    select
        c.scheme,
        a.certificate_number,
        a.reference,
        a.activity_date as received_on,
        (a.activity_date + interval 2 month)::date as deadline
    from activity as a
    join certificates as c using (certificate_number)
    where a.activity = 'complaint_received'
),
matched as (
    select
        r.scheme,
        r.certificate_number,
        r.reference,
        r.received_on,
        r.deadline,
        min(x.activity_date) as closed_on
    from received as r
    left join activity as x
        on x.activity = 'complaint_closed'
        and x.certificate_number = r.certificate_number
        and x.reference = r.reference
        and x.activity_date >= r.received_on
    group by all
),
counts as (
    select
        p.scheme,
        p.year,
        count(m.received_on) as received,
        count(m.received_on) filter (where m.closed_on <= least(m.deadline, p.period_end))
            as handled_in_time,
        count(m.received_on) filter (where m.closed_on > m.deadline
                                       and m.closed_on <= p.period_end) as handled_late,
        count(m.received_on) filter (where (m.closed_on is null or m.closed_on > p.period_end)
                                       and m.deadline < p.period_end) as overdue_end,
        count(m.received_on) filter (where (m.closed_on is null or m.closed_on > p.period_end)
                                       and m.deadline >= p.period_end) as open_end
    from periods as p
    left join matched as m
        on m.scheme = p.scheme and m.received_on between p.period_start and p.period_end
    group by all
),
final as (
    select
        c.scheme, c.year, 'complaints' as section, x.measure, null::varchar as dimension,
        x.value::double as value,
        case when c.scheme = 'pkvw' then 'CCV PKVW §3.3.1'
             when c.scheme = 'brl9341' and x.measure = 'received' then 'BRL 9341 §8.7'
             when c.scheme = 'brl9341' then 'BRL 9341 §6.3 (11), §8.7'
             else 'no term in the sources' end as article,
        x.ord
    from counts as c,
    lateral (values
        ('received', c.received, 1, true),
        ('handled_in_time', c.handled_in_time, 2, false),
        ('handled_late', c.handled_late, 3, false),
        ('overdue_end', c.overdue_end, 4, false),
        ('open_end', c.open_end, 5, false),
        ('handled', c.handled_in_time + c.handled_late, 2, true),
        ('not_handled_end', c.overdue_end + c.open_end, 3, true)
    ) as x(measure, value, ord, without_term)
    -- CCV PKVW's measures need its 2-month term; the others only what was done by 31 December
    where x.measure = 'received' or (c.scheme = 'pkvw') <> x.without_term
)
select * from final;
