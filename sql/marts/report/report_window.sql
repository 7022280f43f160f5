-- report_window: one row per scheme × year of report_periods that the yearly report as of
-- as_of_date shows (BRL 9341 §8.7): the as-of year and the year before (its comparison
-- column). The report_* helper views compute only these periods, not every year since the
-- first certificate: the report is read as of 31 December of its year (set variable as_of),
-- and yearly_report keeps the as-of year's rows.
create or replace view report_window as
with as_of as (
    select as_of from as_of_date
),
final as (
    select p.*
    from report_periods as p, as_of
    where p.year between year(as_of.as_of) - 1 and year(as_of.as_of)
)
select * from final;
