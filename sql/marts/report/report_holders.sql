-- report_holders: one row per scheme × year × holder indicator (section "holders" of the
-- yearly report, BRL 9341 §8.7; statuses per CCV PKVW §3.2.4, §3.2.7, §4.3, BRL 9341 §3.3).
-- Readings:
-- * A certificate counts as held ("certificates_start/end") while its status is active or
--   suspended (a suspended certificate is still held); status on a date = the last
--   transition of certificate_status_transitions on or before it. Start of the year = the
--   status on 31 December of the year before. holders_* count distinct holder_id.
-- * in_admission_end: status in_admission at the end of the year. admission_days_mean /
--   _max: issued_on − applied_on (days) of the certificates issued in the year
--   (NULL when none was issued).
-- * New and ended certificates are mutations (report_mutations); suspensions and
--   withdrawals for shortcomings are sanctions (report_measures). Counting them here by
--   status would put a suspension for a production stop among the sanctions (issue 22).
create or replace view report_holders as
with periods as (
    select * from report_window
),
transitions as (
    select * from certificate_status_transitions
),
status_on as (
    -- the status of each certificate at the start and at the end of each period
    select
        p.scheme,
        p.year,
        w.moment,
        t.certificate_number,
        t.holder_id,
        arg_max(t.status, t.status_since) as status
    from periods as p
    cross join (values ('start'), ('end')) as w(moment)
    join transitions as t
        on t.scheme = p.scheme
        and t.status_since <= case w.moment when 'start' then p.previous_end else p.period_end end
    group by all
),
status_counts as (
    select
        p.scheme,
        p.year,
        count(s.certificate_number) filter (where s.moment = 'start'
            and s.status in ('active', 'suspended')) as certificates_start,
        count(s.certificate_number) filter (where s.moment = 'end'
            and s.status in ('active', 'suspended')) as certificates_end,
        count(distinct s.holder_id) filter (where s.moment = 'start'
            and s.status in ('active', 'suspended')) as holders_start,
        count(distinct s.holder_id) filter (where s.moment = 'end'
            and s.status in ('active', 'suspended')) as holders_end,
        count(s.certificate_number) filter (where s.moment = 'end'
            and s.status = 'in_admission') as in_admission_end
    from periods as p
    left join status_on as s using (scheme, year)
    group by p.scheme, p.year
),
issued as (
    select
        p.scheme,
        p.year,
        avg(c.issued_on - c.applied_on) as admission_days_mean,
        max(c.issued_on - c.applied_on) as admission_days_max
    from periods as p
    left join certificates as c
        on c.scheme = p.scheme
        and c.issued_on between p.period_start and p.period_end
    group by p.scheme, p.year
),
unpivoted as (
    select scheme, year, measure, null::varchar as dimension, value::double as value, ord
    from (
        select s.scheme, s.year, x.*
        from status_counts as s
        join issued as i using (scheme, year),
        lateral (values
            ('holders_start', s.holders_start, 1),
            ('holders_end', s.holders_end, 2),
            ('certificates_start', s.certificates_start, 3),
            ('certificates_end', s.certificates_end, 4),
            ('in_admission_end', s.in_admission_end, 10),
            ('admission_days_mean', round(i.admission_days_mean, 1), 11),
            ('admission_days_max', i.admission_days_max, 12)
        ) as x(measure, value, ord)
    )
),
final as (
    select
        scheme,
        year,
        'holders' as section,
        measure,
        dimension,
        value,
        case when scheme = 'pkvw' then 'CCV PKVW §3.2.4, §3.2.7, §4.3'
             when scheme = 'brl9341' then 'BRL 9341 §3.3, §8.7'
             else 'certificate lifecycle' end as article,
        ord
    from unpivoted
)
select * from final;
