-- site_regime: one row per site × product with observations, the current regime as of
-- as_of_date. BRL 9341 bijlage II "Steekproefregime" / "Partijkeuringsregime": sampling
-- while the lowest k over all components is > 0.69 (n = 5) / > 0.44 (n = 10), back from
-- lot inspection when k over the last 10 observations is > 0.44 (path-dependent; see
-- brl9341_regime_history for the reading). The frequency of a site × product is that of its
-- strictest component (docs/rules.md §2): the component with the highest class rank, ties
-- broken by the lowest k, then the component name. One aggregate over sampling_frequency, so
-- it is read once and only for the columns used here.
create or replace view site_regime as
with components as (
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
        count(*) filter (where overdue) as n_components_overdue,
        -- the strictest component: highest class rank, then lowest k, then name
        first({'component': component, 'n_window': n_window, 'test_class': test_class,
               'rule': rule, 'lots_per_test': required_lots_per_test,
               'min_tests': required_min_tests,
               'min_tests_years': required_min_tests_years}
              order by class_rank desc, k_value asc nulls first, component) as strictest
    from components
    group by site_id, product
),
final as (
    select
        site_id,
        product,
        regime,
        min_k,
        strictest.component as strictest_component,
        min_k_component,
        phase,
        last_lot_id,
        last_lot_sampled_on,
        regime_since,
        n_switches_to_lot_inspection,
        n_returns_to_sampling,
        strictest.n_window as n_window,
        strictest.test_class as test_class,
        strictest.rule as strictest_rule,
        strictest.lots_per_test as lots_per_test,
        strictest.min_tests as min_tests,
        strictest.min_tests_years as min_tests_years,
        n_components_overdue,
        n_components_overdue > 0 as overdue
    from per_site
)
select * from final;
