-- site_regime: one row per site × product with observations, the current regime as of
-- as_of_date. BRL 9341 bijlage II "Steekproefregime" / "Partijkeuringsregime": sampling
-- while the lowest k over all components is > 0.69 (n = 5) / > 0.44 (n = 10), back from
-- lot inspection when k over the last 10 observations is > 0.44 (path-dependent; see
-- brl9341_regime_history for the reading). The frequency of a site × product is that of its
-- strictest component (docs/rules.md §2): the component with the highest class rank, ties
-- broken by the lowest k. Built on sampling_frequency only, so the series is computed once.
create or replace view site_regime as
with components as materialized (
    select * from sampling_frequency
),
per_site as (
    -- min_k: the lowest regime k over the components' current windows (k, or +infinity
    -- where the gamma rule / all-below-LOQ releases the component from the k determination)
    select
        site_id,
        product,
        any_value(regime) as regime,
        any_value(phase) as phase,
        min(regime_k) as min_k,
        arg_min(component, regime_k) as min_k_component,
        any_value(last_lot_id) as last_lot_id,
        any_value(last_lot_sampled_on) as last_lot_sampled_on,
        any_value(regime_since) as regime_since,
        any_value(n_switches_to_lot_inspection) as n_switches_to_lot_inspection,
        -- the first switch to sampling is the admission, not a return
        greatest(any_value(n_switches_to_sampling) - 1, 0) as n_returns_to_sampling,
        count(*) filter (where overdue) as n_components_overdue
    from components
    group by site_id, product
),
strictest as (
    select *
    from components
    qualify row_number() over (
        partition by site_id, product
        order by class_rank desc, k_value asc nulls first, component) = 1
),
final as (
    select
        p.site_id,
        p.product,
        p.regime,
        p.min_k,
        s.component as strictest_component,
        p.min_k_component,
        p.phase,
        p.last_lot_id,
        p.last_lot_sampled_on,
        p.regime_since,
        p.n_switches_to_lot_inspection,
        p.n_returns_to_sampling,
        s.n_window,
        s.test_class,
        s.rule as strictest_rule,
        s.required_lots_per_test as lots_per_test,
        s.required_min_tests as min_tests,
        s.required_min_tests_years as min_tests_years,
        p.n_components_overdue,
        p.n_components_overdue > 0 as overdue
    from per_site as p
    left join strictest as s using (site_id, product)
)
select * from final;
