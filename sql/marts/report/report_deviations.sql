-- report_deviations: one row per scheme × year × deviation indicator (× category /
-- requirement), section "deviations" of the yearly report (BRL 9341 §8.7: the College
-- reads the results of the controls and the deviations per requirement of the scheme).
-- Readings:
-- * found / found_category:<A|B> / found_requirement:<requirement>: deviations found in the
--   year (found_on), by category, by the requirement recorded on the deviation
--   (deviations.requirement; "(not recorded)" when empty).
-- * closed: closed_on in the year; handling_days_mean / _max: closed_on − found_on of those.
-- * open_end: open at the end of the year (closed_on after 31 December or none).
-- * CCV PKVW only (its own terms, §4.3.1-§4.3.2, as computed in deviation_deadlines): the
--   category after escalation (§4.3.1); past_deadline: deviations whose deadline fell in
--   the year and that were not closed by it; overdue_end: open at the end of the year with
--   the deadline passed.
-- * BRL 9341 (and the other schemes) set no correction term and no escalation: the
--   category as recorded, no deadline figures, and the articles of the scheme itself
--   (BRL 9341 §8.6: the findings of each control are recorded; §8.7) - never CCV PKVW's
--   (issue 22). The asbestos schemes' sources name none: "no term in the sources".
create or replace view report_deviations as
with periods as (
    select * from report_window
),
deviations as (
    select
        *,
        coalesce(nullif(trim(requirement), ''), '(not recorded)') as requirement_label,
        -- the escalation B -> A is CCV PKVW §4.3.1's rule
        case when scheme = 'pkvw' then effective_category else category end
            as report_category
    from deviation_deadlines
),
counts as (
    select
        p.scheme,
        p.year,
        count(d.deviation_id) filter (where d.found_on between p.period_start and p.period_end)
            as found,
        count(d.deviation_id) filter (where d.closed_on between p.period_start and p.period_end)
            as closed,
        round(avg(d.closed_on - d.found_on)
              filter (where d.closed_on between p.period_start and p.period_end), 1)
            as handling_days_mean,
        max(d.closed_on - d.found_on)
            filter (where d.closed_on between p.period_start and p.period_end)
            as handling_days_max,
        count(d.deviation_id) filter (
            where d.deadline between p.period_start and p.period_end
              and (d.closed_on is null or d.closed_on > d.deadline)) as past_deadline,
        count(d.deviation_id) filter (
            where d.found_on <= p.period_end
              and (d.closed_on is null or d.closed_on > p.period_end)) as open_end,
        count(d.deviation_id) filter (
            where d.found_on <= p.period_end and d.deadline < p.period_end
              and (d.closed_on is null or d.closed_on > p.period_end)) as overdue_end
    from periods as p
    left join deviations as d on d.scheme = p.scheme
    group by all
),
found as (
    select p.scheme, p.year, d.report_category, d.requirement_label
    from periods as p
    join deviations as d
        on d.scheme = p.scheme and d.found_on between p.period_start and p.period_end
),
unioned as (
    select c.scheme, c.year, x.measure, null::varchar as dimension, x.value::double as value,
        x.ord
    from counts as c,
    lateral (values
        ('found', c.found, 1),
        ('closed', c.closed, 4),
        ('handling_days_mean', c.handling_days_mean, 5),
        ('handling_days_max', c.handling_days_max, 6),
        ('past_deadline', c.past_deadline, 7),
        ('open_end', c.open_end, 8),
        ('overdue_end', c.overdue_end, 9)
    ) as x(measure, value, ord)
    union all
    select scheme, year, 'found_category', report_category, count(*), 2
    from found
    group by all
    union all
    select scheme, year, 'found_requirement', requirement_label, count(*), 3
    from found
    group by all
),
final as (
    select
        scheme,
        year,
        'deviations' as section,
        measure,
        dimension,
        value,
        case when measure = 'found_requirement' then dimension
             when scheme = 'pkvw' then 'CCV PKVW §4.3.1-§4.3.2'
             when scheme = 'brl9341' then 'BRL 9341 §8.6, §8.7'
             else 'no term in the sources' end as article,
        ord
    from unioned
    -- the deadlines are CCV PKVW's terms: not reported for a scheme without them
    where scheme = 'pkvw' or measure not in ('past_deadline', 'overdue_end')
)
select * from final;
