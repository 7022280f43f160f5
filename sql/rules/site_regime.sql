-- site_regime: one row per site × product with observations, the current regime as of
-- as_of_date. BRL 9341 bijlage II "Steekproefregime" / "Partijkeuringsregime": sampling
-- while the lowest k over all components is > 0.69 (n = 5) / > 0.44 (n = 10), back from
-- lot inspection when k over the last 10 observations is > 0.44 (path-dependent; see
-- brl9341_regime_history for the reading). The frequency of a site × product is that of its
-- strictest component (docs/rules.md §2): the component with the highest class rank, ties
-- broken by the lowest k.
create or replace view site_regime as
with history as (
    select * from brl9341_regime_history
),
current_event as (
    select *
    from history
    qualify row_number() over (partition by site_id, product order by event_seq desc) = 1
),
switch_counts as (
    select
        site_id,
        product,
        count(*) filter (where switched_to = 'lot_inspection') as n_switches_to_lot_inspection,
        count(*) filter (where switched_to = 'sampling') - 1 as n_returns_to_sampling,
        max(lot_sampled_on) filter (where switched_to is not null) as regime_since
    from history
    group by site_id, product
),
strictest as (
    select *
    from sampling_frequency
    qualify row_number() over (
        partition by site_id, product
        order by class_rank desc, k_value asc nulls first, component) = 1
),
per_site as (
    -- min_k: the lowest regime k over the components' current windows (k, or +infinity
    -- where the gamma rule / all-below-LOQ releases the component from the k determination)
    select
        site_id,
        product,
        min(regime_k) as min_k,
        arg_min(component, regime_k) as min_k_component,
        count(*) filter (where overdue) as n_components_overdue
    from sampling_frequency
    group by site_id, product
),
final as (
    select
        c.site_id,
        c.product,
        c.regime,
        o.min_k,
        s.component as strictest_component,
        o.min_k_component,
        c.phase,
        c.lot_id as last_lot_id,
        c.lot_sampled_on as last_lot_sampled_on,
        w.regime_since,
        w.n_switches_to_lot_inspection,
        greatest(w.n_returns_to_sampling, 0) as n_returns_to_sampling,
        s.n_window,
        s.test_class,
        s.rule as strictest_rule,
        s.required_lots_per_test as lots_per_test,
        s.required_min_tests as min_tests,
        s.required_min_tests_years as min_tests_years,
        o.n_components_overdue,
        o.n_components_overdue > 0 as overdue
    from current_event as c
    left join switch_counts as w using (site_id, product)
    left join strictest as s using (site_id, product)
    left join per_site as o using (site_id, product)
)
select * from final;
