-- untested_lots_summary: one row per site × product with lots registered on or before the
-- as-of date: lots produced, tested and not tested, next to the required keuringsfrequentie
-- and what the untested lots mean for it (issue 26: "lots produced, not tested" said against
-- what). BRL 9341 bijlage II: "1 op N partijen" lets N - 1 of every N lots go untested; what
-- can make a series overdue is the number of lots since its last test, judged per component
-- (sampling_frequency), never the total of untested lots.
-- Readings:
-- * required_*: the frequency of the site × product, that of its strictest component
--   (site_regime; under the partijkeuringsregime every lot, at least 10 per year).
-- * lots_until_next_test: the fewest lots any component may still go untested before its
--   next test is due (0: the next lot must be tested); NULL when no component is due by lots.
-- * n_series_overdue: its series in view sampling_overdue (the one definition of overdue).
-- * meaning: one line in words, from those columns; required_frequency_key/_args and
--   meaning_key/_args the same as message keys (issue 27, pipelines/i18n/keys.py DETAILS).
create or replace view untested_lots_summary as
with as_of as (
    select as_of from as_of_date
),
lots as (
    select
        o.site_id,
        o.product,
        count(*) as n_lots,
        count(*) filter (where o.tested) as n_tested,
        count(*) filter (where not o.tested) as n_untested
    from brl9341_lot_order as o, as_of as a
    where o.lot_date <= a.as_of
    group by o.site_id, o.product
),
series as (
    select
        site_id,
        product,
        min(lots_until_next_test) as lots_until_next_test,
        count(*) filter (where overdue_now) as n_series_overdue
    -- sampling_plan's overdue is sampling_due's overdue_now: read without the plan's wording
    from sampling_due
    group by site_id, product
),
joined as (
    select
        s.certificate_number,
        l.site_id,
        l.product,
        l.n_lots,
        l.n_tested,
        l.n_untested,
        r.regime,
        r.lots_per_test as required_lots_per_test,
        r.min_tests as required_min_tests,
        r.min_tests_years as required_min_tests_years,
        p.lots_until_next_test,
        coalesce(p.n_series_overdue, 0) as n_series_overdue
    from lots as l
    join sites as s using (site_id)
    left join site_regime as r using (site_id, product)
    left join series as p using (site_id, product)
),
final as (
    select
        *,
        concat_ws(', ',
            case when required_lots_per_test = 1 then 'every lot'
                 when required_lots_per_test is not null
                     then '1 in ' || required_lots_per_test || ' lots' end,
            case when required_min_tests_years = 1
                     then 'at least ' || required_min_tests || ' per year'
                 when required_min_tests is not null
                     then 'at least ' || required_min_tests || ' per '
                          || required_min_tests_years || ' years' end
        ) as required_frequency,
        case
            when regime is null
                then 'no lot tested yet: the admission tests every lot (BRL 9341 bijlage II)'
            when n_series_overdue > 0
                then n_series_overdue || ' series overdue: test the next lot for them'
            when required_lots_per_test = 1
                then 'every lot must be tested; untested lots before the class applied '
                     || 'do not count'
            when lots_until_next_test = 0
                then 'within the frequency; the next lot must be tested'
            when required_lots_per_test is not null
                then 'within the frequency: 1 in ' || required_lots_per_test
                     || ' lets ' || (required_lots_per_test - 1) || ' of every '
                     || required_lots_per_test || ' lots go untested'
                     || coalesce('; next test due within ' || lots_until_next_test
                                 || ' lot(s)', '')
            else 'time-based frequency: untested lots do not make a series overdue'
        end as meaning,
        -- issue 27: required_frequency and meaning as message keys of
        -- pipelines/i18n/keys.py DETAILS and their values (JSON), for the reader's language
        frequency_key(required_lots_per_test, required_min_tests,
                      required_min_tests_years) as required_frequency_key,
        json_object('lots', required_lots_per_test, 'tests', required_min_tests,
                    'years', required_min_tests_years) as required_frequency_args,
        case
            when regime is null then 'meaning_no_lot_tested'
            when n_series_overdue > 0 then 'meaning_overdue'
            when required_lots_per_test = 1 then 'meaning_every_lot'
            when lots_until_next_test = 0 then 'meaning_next_lot'
            when required_lots_per_test is not null and lots_until_next_test is not null
                then 'meaning_one_in_next'
            when required_lots_per_test is not null then 'meaning_one_in'
            else 'meaning_time_based'
        end as meaning_key,
        json_object('n', n_series_overdue, 'lots', required_lots_per_test,
                    'untested', required_lots_per_test - 1,
                    'next', lots_until_next_test) as meaning_args
    from joined
)
select * from final;
