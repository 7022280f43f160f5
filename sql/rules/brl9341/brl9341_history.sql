-- brl9341_history: one row per site × product × component × observation: k, class and
-- frequency of the component and the regime of the site × product after that observation,
-- as of as_of_date (for a chart). BRL 9341 bijlage II; see brl9341_observation_history and
-- brl9341_regime_history for the readings. The rows of the stored table
-- brl9341_observation_history whose lot was first sampled on or before as_of.
create or replace view brl9341_history as
with as_of as (
    select as_of from as_of_date
),
series as (
    select *
    from brl9341_observation_history
    where lot_sampled_on <= (select as_of from as_of)
),
final as (
    select
        s.site_id,
        s.product,
        s.component,
        s.lot_id,
        s.sampled_on,
        s.obs_seq,
        s.event_seq,
        s.observation,
        s.limit_value,
        s.exceeds,
        s.is_admission,
        s.n_window,
        s.n_window_used,
        s.mean_log10,
        s.sd_log10,
        s.k_value,
        s.k5,
        s.k10,
        s.rule,
        s.test_class,
        s.class_rank,
        s.lots_per_test,
        s.min_tests,
        s.min_tests_years,
        s.site_regime as regime,
        s.site_phase as phase,
        s.site_n_failing_entry as site_n_failing_components,
        s.site_switched_to as switched_to
    from series as s
)
select * from final;
