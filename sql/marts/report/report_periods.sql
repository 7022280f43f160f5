-- report_periods: one row per scheme × calendar year reported on (BRL 9341 §8.7, yearly
-- report to the College of Experts), up to the as-of year.
-- period_start = 1 January; period_end = 31 December, or the as-of date when the year is
-- not over yet (a report as of 31 December covers the whole year); previous_end = the day
-- before period_start (the state "at the start of the year").
-- Reading: a scheme has data in a year when one of its certificates was applied for or
-- issued on or before period_end and had not ended (terminal lifecycle event: withdrawn,
-- lapsed, ended) before period_start. Years without data are left out (the report refuses
-- them).
create or replace view report_periods as
with as_of as (
    select as_of from as_of_date
),
terminal as (
    select certificate_number, min(starts_on) as terminal_on
    from lifecycle_event_log
    where terminal
    group by certificate_number
),
certs as (
    select
        c.scheme,
        c.certificate_number,
        coalesce(c.applied_on, c.issued_on) as known_from,
        t.terminal_on
    from certificates as c
    left join terminal as t using (certificate_number)
    where coalesce(c.applied_on, c.issued_on) is not null
),
years as (
    -- every year from the scheme's first certificate to the as-of year (the union of the
    -- certificates' ranges, which share their end: one range per scheme, not one per
    -- certificate made distinct; issue 26: the yearly report reads this view a dozen times)
    select f.scheme, y.year::integer as year
    from (select scheme, min(known_from) as first_known from certs group by scheme) as f,
        as_of, range(year(f.first_known), year(as_of.as_of) + 1) as y(year)
),
bounded as (
    select
        y.scheme,
        y.year,
        make_date(y.year, 1, 1) as period_start,
        least(make_date(y.year, 12, 31), as_of.as_of) as period_end,
        make_date(y.year - 1, 12, 31) as previous_end
    from years as y, as_of
),
final as (
    select b.*
    from bounded as b
    where exists (
        select 1 from certs as c
        where c.scheme = b.scheme
          and c.known_from <= b.period_end
          and (c.terminal_on is null or c.terminal_on >= b.period_start)
    )
)
select * from final;
