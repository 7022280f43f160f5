-- report_measures: one row per scheme × year × measure (× reason), section "measures" of
-- the yearly report (BRL 9341 §8.7): warnings, suspensions, withdrawals, lapses and
-- escalations B → A decided in the year.
-- Readings: a measure is a lifecycle event (lifecycle_event_log) starting in the year;
-- its reason is the kind of event (e.g. deviation_suspension, CCV PKVW §4.3.3;
-- production_suspension, BRL 9341 §3.3; minimum_work_warning, CCV PKVW §3.2.7;
-- sample_warning, bijlage 4). Warnings are the events without a status of their own
-- (*_warning). Lapses include the end of an admission past 12 months (CCV PKVW §3.2.4)
-- and a recorded end date. escalations: deviations found in the year that count as A
-- because the same requirement had a deviation at the previous assessment (CCV PKVW
-- §4.3.1), by requirement.
create or replace view report_measures as
with periods as (
    select * from report_window
),
events as (
    select
        p.scheme,
        p.year,
        case
            when e.status is null then 'warnings'
            when e.status = 'suspended' then 'suspensions'
            when e.status = 'withdrawn' then 'withdrawals'
            when e.status = 'lapsed' then 'lapses'
        end as measure,
        e.event_kind,
        e.article
    from periods as p
    join lifecycle_event_log as e
        on e.scheme = p.scheme and e.starts_on between p.period_start and p.period_end
    where e.status is null or e.status in ('suspended', 'withdrawn', 'lapsed')
),
kinds as (
    select * from (values
        ('warnings', 1), ('suspensions', 2), ('withdrawals', 3), ('lapses', 4),
        ('escalations', 5)
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
    where d.escalated
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
             when scheme = 'brl9341' then 'BRL 9341 §3.3'
             when scheme = 'pkvw' then 'CCV PKVW §3.2.7, §4.3, bijlage 4'
             else 'certificate lifecycle' end as article,
        10 * ord as ord
    from totals
    union all
    select
        b.scheme, b.year, 'measures', b.measure || '_by_reason', b.event_kind,
        b.n::double, b.article, 10 * k.ord + 1
    from by_reason as b
    join kinds as k using (measure)
)
select * from final;
