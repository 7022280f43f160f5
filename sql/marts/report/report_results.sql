-- report_results: one row per year × result indicator (× component / class / regime),
-- BRL 9341 only, section "results" of the yearly report (BRL 9341 §8.7).
-- Readings:
-- * A lot is reported in the year of its first sampling date (lot_sampled_on); lots are
--   those of brl9341_lot_observations (production and admission; complaint samples are
--   the complaint tests). A lot complies when no component exceeds its limit (§4.2,
--   bijlage III/IV).
-- * lots_exceeding:<component>: lots of the year whose observation of that component
--   exceeds the limit; max_exceedance_factor:<component>: the highest observation / limit
--   among them.
-- * admission_tests / _passed: admissions (site × product, brl9341_admission_test, §9.1.2.1)
--   whose newest admission lot was sampled in the year; passed when every component
--   passed. complaint_tests / _rejected: complaint lots (§9.3) first sampled in the year.
-- * k_class:<class> at the end of the year: site × product × component series by the
--   class after their newest observation on or before 31 December (bijlage II; no class
--   yet: "insufficient"). regime:<regime>: site × product by regime the same way.
create or replace view report_results as
with periods as (
    select * from report_window where scheme = 'brl9341'
),
lot_rows as (
    -- report_lots: the lot facts stored by refresh() (one row per site × product × lot,
    -- exceeds = bool_or over its components)
    select o.*, p.scheme, p.year
    from report_lots as o
    join periods as p on o.lot_sampled_on between p.period_start and p.period_end
),
lots_of_year as (
    select
        scheme,
        year,
        site_id,
        lot_id,
        bool_or(exceeds) as exceeds
    from lot_rows
    group by all
),
lot_counts as (
    select
        p.scheme,
        p.year,
        count(l.lot_id) as lots_tested,
        count(l.lot_id) filter (where not l.exceeds) as lots_compliant,
        count(l.lot_id) filter (where l.exceeds) as lots_exceeding
    from periods as p
    left join lots_of_year as l using (scheme, year)
    group by all
),
exceedances as (
    select
        l.scheme,
        l.year,
        e.component,
        count(distinct (l.site_id, l.lot_id)) as lots_exceeding,
        round(max(e.factor), 2) as max_factor
    from lot_rows as l, unnest(l.exceedances) as x(e)
    group by all
),
admissions as (
    select
        site_id,
        product,
        max(last_sampled_on) as assessed_on,
        bool_and(component_passed) as passed
    from brl9341_admission_test
    group by site_id, product
),
complaints as (
    select site_id, lot_id, min(sampled_on) as sampled_on, bool_or(lot_rejected) as rejected
    from brl9341_complaint_test
    group by site_id, lot_id
),
tests as (
    select
        p.scheme,
        p.year,
        (select count(*) from admissions as a
         where a.assessed_on between p.period_start and p.period_end) as admission_tests,
        (select count(*) from admissions as a
         where a.assessed_on between p.period_start and p.period_end and a.passed)
            as admission_tests_passed,
        (select count(*) from complaints as c
         where c.sampled_on between p.period_start and p.period_end) as complaint_tests,
        (select count(*) from complaints as c
         where c.sampled_on between p.period_start and p.period_end and c.rejected)
            as complaint_tests_rejected
    from periods as p
),
classes as (
    -- listed from the most lenient class (class_rank 1) to the strictest, then
    -- "insufficient" (every lot)
    select p.scheme, p.year, coalesce(h.test_class, 'insufficient') as test_class,
        10 + coalesce(min(h.class_rank), 9) / 100 as ord,
        count(*) as n
    from periods as p
    join brl9341_observation_history as h
        on h.lot_sampled_on <= p.period_end and h.state_until > p.period_end
    group by all
),
regimes as (
    select p.scheme, p.year, r.regime, count(*) as n
    from periods as p
    join brl9341_regime_events as r
        on r.lot_sampled_on <= p.period_end
        and (r.next_lot_sampled_on is null or r.next_lot_sampled_on > p.period_end)
    group by all
),
unioned as (
    select l.scheme, l.year, x.measure, null::varchar as dimension, x.value::double as value,
        x.ord::double as ord, x.article
    from lot_counts as l
    join tests as t using (scheme, year),
    lateral (values
        ('lots_tested', l.lots_tested, 1, 'BRL 9341 §4.2'),
        ('lots_compliant', l.lots_compliant, 2, 'BRL 9341 §4.2'),
        ('lots_exceeding', l.lots_exceeding, 3, 'BRL 9341 §4.2'),
        ('admission_tests', t.admission_tests, 6, 'BRL 9341 §9.1.2.1'),
        ('admission_tests_passed', t.admission_tests_passed, 7, 'BRL 9341 §9.1.2.1'),
        ('complaint_tests', t.complaint_tests, 8, 'BRL 9341 §9.3'),
        ('complaint_tests_rejected', t.complaint_tests_rejected, 9, 'BRL 9341 §9.3')
    ) as x(measure, value, ord, article)
    union all
    select scheme, year, 'component_lots_exceeding', component, lots_exceeding, 4,
        'BRL 9341 bijlage III, IV'
    from exceedances
    union all
    select scheme, year, 'max_exceedance_factor', component, max_factor, 5,
        'BRL 9341 bijlage III, IV'
    from exceedances
    union all
    select scheme, year, 'k_class_end', test_class, n, ord, 'BRL 9341 bijlage II'
    from classes
    union all
    select scheme, year, 'regime_end', regime, n, 11, 'BRL 9341 bijlage II'
    from regimes
),
final as (
    select scheme, year, 'results' as section, measure, dimension, value, article, ord
    from unioned
)
select * from final;
