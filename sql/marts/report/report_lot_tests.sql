-- report_lot_tests: one row per year × product × (lots_produced | tests_required |
-- tests_performed | tests_shortfall), BRL 9341 only, section "controls" of the yearly
-- report (BRL 9341 §8.7; frequency per bijlage II "Keuringsfrequentie").
-- Readings (docs/readings.md, yearly report):
-- * The frequency in force during a year is the state on 31 December of the year before:
--   per site × product × component the newest row of brl9341_observation_history sampled
--   on or before that date, and the regime of brl9341_regime_events the same way.
-- * lots_produced: lots of the site × product with a lot_date (brl9341_lot_order) in the
--   year. tests_performed: production lots (not admission) first sampled in the year.
-- * Required tests of a site × product in a year with L lots produced (0 when L = 0):
--   - no state yet (no observation before the year), the lot-inspection regime, or a
--     component that has to be tested every lot (insufficient, class 6): L;
--   - else per component max(ceil(L / N), ceil(M × months / (12 × P))) for "1 op N
--     partijen, ten minste M per P jaar", ceil(M × months / (12 × P)) for a time-based
--     class; the strictest (largest) component counts. months = the calendar months of
--     the year the site's certificate was in force (from issued_on to the day before its
--     first terminal lifecycle event, as report_controls): the minimum is pro-rated to the
--     part of the year in force and rounded up to whole tests (docs/rules.md §6, issue
--     22: "at least 5 per 3 years" asks 2 tests in a full year, not 1.7).
--   Summed per product over the sites (whole tests); the shortfall is summed per site:
--   max(required − performed, 0).
create or replace view report_lot_tests as
with periods as (
    select * from report_window where scheme = 'brl9341'
),
lot_years as (
    select
        o.site_id,
        o.product,
        p.year,
        count(*) as lots_produced
    from brl9341_lot_order as o
    join periods as p on o.lot_date between p.period_start and p.period_end
    group by all
),
tested as (
    -- report_lots: the lot facts stored by refresh() (one row per site × product × lot)
    select
        o.site_id,
        o.product,
        p.year,
        count(distinct o.lot_id) as tests_performed
    from report_lots as o
    join periods as p on o.lot_sampled_on between p.period_start and p.period_end
    where o.production
    group by all
),
site_years as (
    select site_id, product, year from lot_years
    union
    select site_id, product, year from tested
),
in_force as (
    -- the months of each year the certificate of each site was in force
    select
        s.site_id,
        y.year,
        case when least(coalesce(y.terminal_on - 1, y.year_end), y.year_end)
                  < greatest(y.issued_on, make_date(y.year, 1, 1)) then 0
             else month(least(coalesce(y.terminal_on - 1, y.year_end), y.year_end))
                  - month(greatest(y.issued_on, make_date(y.year, 1, 1))) + 1
        end as months_in_force
    from sites as s
    join audit_coverage_years as y using (certificate_number)
),
component_state as (
    -- the frequency of each component at the start of the year
    select
        s.site_id,
        s.product,
        s.year,
        h.component,
        h.lots_per_test,
        h.min_tests,
        h.min_tests_years
    from site_years as s
    join periods as p using (year)
    join brl9341_observation_history as h
        on h.site_id = s.site_id and h.product = s.product
        and h.lot_sampled_on <= p.previous_end and h.state_until > p.previous_end
),
regime_state as (
    select s.site_id, s.product, s.year, r.regime
    from site_years as s
    join periods as p using (year)
    join brl9341_regime_events as r
        on r.site_id = s.site_id and r.product = s.product
        and r.lot_sampled_on <= p.previous_end
        and (r.next_lot_sampled_on is null or r.next_lot_sampled_on > p.previous_end)
),
per_site as (
    select
        s.site_id,
        s.product,
        s.year,
        coalesce(l.lots_produced, 0) as lots_produced,
        coalesce(t.tests_performed, 0) as tests_performed,
        r.regime,
        count(c.component) as n_components,
        bool_or(c.lots_per_test = 1) as every_lot,
        -- ceil(M × months / (12 × P)) in whole numbers
        max(greatest(
                case when c.lots_per_test is null then 0
                     else ceil(coalesce(l.lots_produced, 0) / c.lots_per_test) end,
                (c.min_tests * coalesce(f.months_in_force, 0) + 12 * c.min_tests_years - 1)
                    // (12 * c.min_tests_years)))::bigint as component_required
    from site_years as s
    left join in_force as f using (site_id, year)
    left join lot_years as l using (site_id, product, year)
    left join tested as t using (site_id, product, year)
    left join regime_state as r using (site_id, product, year)
    left join component_state as c using (site_id, product, year)
    group by all
),
required as (
    select
        *,
        case when lots_produced = 0 then 0
             when n_components = 0 or regime = 'lot_inspection' or every_lot
                 then lots_produced
             else component_required end as tests_required
    from per_site
),
per_product as (
    select
        p.scheme,
        p.year,
        r.product,
        sum(r.lots_produced) as lots_produced,
        sum(r.tests_required) as tests_required,
        sum(r.tests_performed) as tests_performed,
        sum(greatest(r.tests_required - r.tests_performed, 0)) as tests_shortfall
    from required as r
    join periods as p using (year)
    group by all
),
final as (
    select
        pp.scheme,
        pp.year,
        'controls' as section,
        m.measure,
        pp.product as dimension,
        m.value::double as value,
        'BRL 9341 bijlage II' as article,
        100 + m.ord as ord
    from per_product as pp,
    lateral (values
        ('lots_produced', pp.lots_produced, 1),
        ('lot_tests_required', pp.tests_required, 2),
        ('lot_tests_performed', pp.tests_performed, 3),
        ('lot_tests_shortfall', pp.tests_shortfall, 4)
    ) as m(measure, value, ord)
)
select * from final;
