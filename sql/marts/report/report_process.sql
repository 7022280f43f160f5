-- report_process: one row per scheme × year × process-check indicator, section "process"
-- of the yearly report (BRL 9341 §8.7; the procedural checks of docs/rules.md §7, view
-- process_findings), so the College reads per article which procedural requirement fails.
-- Readings: a finding counts in the year it was found (found_on); the findings are those
-- process_findings gives on the report's as-of date (31 December of the report year), so a
-- finding the data no longer shows (a corrected record) is not counted, and a resolved one
-- (a VOG renewed late) is. Not-assessable findings (a site × product year without lot
-- sizes, a sampling record without the date at the lab) count apart. dimension = the article. The totals cite the articles of the scheme's own checks
-- (process_findings: BRL 9341 §1.4, §5.5.2, §5.5.3; CCV PKVW §2.1, §3.3.2; TAR 9201
-- §2.2.4.1 for the asbestos schemes).
create or replace view report_process as
with periods as (
    select * from report_window
),
findings as (
    select f.*, c.scheme
    from process_findings as f
    join certificates as c using (certificate_number)
),
per_year as (
    select
        p.scheme,
        p.year,
        f.article,
        count(*) filter (where f.status <> 'not_assessable') as found,
        count(*) filter (where f.status = 'open') as open_end,
        count(*) filter (where f.status = 'not_assessable') as not_assessable
    from periods as p
    join findings as f
        on f.scheme = p.scheme and f.found_on between p.period_start and p.period_end
    group by all
),
totals as (
    select
        p.scheme,
        p.year,
        coalesce(sum(y.found), 0) as found,
        coalesce(sum(y.open_end), 0) as open_end
    from periods as p
    left join per_year as y using (scheme, year)
    group by all
),
final as (
    select t.scheme, t.year, 'process' as section, x.measure, null::varchar as dimension,
           x.value::double as value,
           case t.scheme when 'brl9341' then 'BRL 9341 §1.4, §5.5.2, §5.5.3'
                         when 'pkvw' then 'CCV PKVW §2.1, §3.3.2'
                         else 'COPRO TAR 9201 §2.2.4.1' end as article,
           x.ord
    from totals as t,
    lateral (values ('findings', t.found, 1), ('findings_open_end', t.open_end, 2))
        as x(measure, value, ord)
    union all
    select scheme, year, 'process', 'findings_by_article', article, found::double,
           article, 3
    from per_year
    where found > 0
    union all
    select scheme, year, 'process', 'not_assessable_by_article', article,
           not_assessable::double, article, 4
    from per_year
    where not_assessable > 0
)
select * from final;
