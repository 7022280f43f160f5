-- report_measures: one row per scheme × year × sanction (× reason), section "measures" of
-- the yearly report, shown as "Sanctions for shortcomings" (BRL 9341 §8.7: "Opgelegde
-- maatregelen bij tekortkomingen"; docs/rules.md §6): warnings, suspensions and
-- withdrawals imposed for a shortcoming, and (CCV PKVW) escalations B → A.
-- Readings:
-- * A sanction is an event of report_events with report_kind 'sanction' starting in the
--   year; its reason is the kind of event (e.g. deviation_suspension, CCV PKVW §4.3.3;
--   minimum_work_warning, §3.2.7; sample_warning, bijlage 4). An end at the holder's
--   request, an expired admission and a suspension or lapse for a production stop are
--   mutations (report_mutations), never sanctions (issue 22).
-- * escalations (PKVW only): deviations found in the year that count as A because the
--   same requirement had a deviation at the previous assessment (CCV PKVW §4.3.1), by
--   requirement. BRL 9341 has no such rule, so its report has no escalation row.
-- * Articles: PKVW its own (§3.2.7, §4.3, bijlage 4); BRL 9341 §8.7 and §8.9 (the body's
--   sanction policy: BRL 9341 itself names no sanction); each reason its event's article.
create or replace view report_measures as
with periods as (
    select * from report_window
),
events as (
    select
        p.scheme,
        p.year,
        e.measure,
        e.event_kind,
        e.article
    from periods as p
    join report_events as e
        on e.scheme = p.scheme and e.starts_on between p.period_start and p.period_end
    where e.report_kind = 'sanction'
),
kinds as (
    select * from (values
        ('warnings', 1), ('suspensions', 2), ('withdrawals', 3), ('escalations', 5)
    ) as k(measure, ord)
),
escalations as (
    select
        p.scheme,
        p.year,
        'escalations' as measure,
        coalesce(nullif(trim(d.requirement), ''), '(not recorded)') as event_kind,
        'CCV PKVW §4.3.1' as article
    from periods as p
    join deviation_deadlines as d
        on d.scheme = p.scheme and d.found_on between p.period_start and p.period_end
    where d.escalated and p.scheme = 'pkvw'
),
all_measures as (
    select * from events
    union all
    select * from escalations
),
totals as (
    select p.scheme, p.year, k.measure, k.ord, count(m.measure) as n
    from periods as p
    cross join kinds as k
    left join all_measures as m
        on m.scheme = p.scheme and m.year = p.year and m.measure = k.measure
    where k.measure <> 'escalations' or p.scheme = 'pkvw'
    group by all
),
by_reason as (
    select scheme, year, measure, event_kind, min(article) as article, count(*) as n
    from all_measures
    group by all
),
final as (
    select
        scheme, year, 'measures' as section, measure, null::varchar as dimension,
        n::double as value,
        case when measure = 'escalations' then 'CCV PKVW §4.3.1'
             when scheme = 'brl9341' then 'BRL 9341 §8.7, §8.9'
             when scheme = 'pkvw' then 'CCV PKVW §3.2.7, §4.3, bijlage 4'
             else 'certificate lifecycle' end as article,
        10 * ord as ord
    from totals
    union all
    select
        b.scheme, b.year, 'measures', b.measure || '_by_reason', b.event_kind,
        b.n::double, b.article, 10 * coalesce(k.ord, 4) + 1
    from by_reason as b
    left join kinds as k using (measure)
)
select * from final;
