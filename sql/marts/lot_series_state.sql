-- lot_series_state: one row per lot × component with an observation in the bijlage II
-- series, as of as_of_date: the state of the component's series (k, rule, class,
-- frequency) just BEFORE this lot's observation and just AFTER it, and the regime of the
-- site × product before and after the lot. BRL 9341 bijlage II "Keuringsfrequentie",
-- "Steekproefregime" / "Partijkeuringsregime".
--
-- Readings: the state after an observation is the stored row of
-- brl9341_observation_history (readings there); the state before it is the series' previous
-- row (obs_seq - 1; none for the first observation). The regime before the lot is the regime
-- after the site × product's previous lot (brl9341_regime_events, event_seq - 1; the
-- admission phase before the first). Lots first sampled after as_of are not shown.
create or replace view lot_series_state as
with as_of as (
    select as_of from as_of_date
),
history as (
    select * from brl9341_observation_history
),
events as (
    select site_id, product, event_seq, regime, phase
    from brl9341_regime_events
),
final as (
    select
        h.certificate_number,
        h.site_id,
        h.product,
        h.lot_id,
        h.component,
        h.lot_sampled_on,
        h.obs_seq,
        p.k_value as k_before,
        p.rule as rule_before,
        p.class_rank as class_before,
        p.test_class as test_class_before,
        p.lots_per_test as lots_per_test_before,
        h.k_value as k_after,
        h.rule as rule_after,
        h.class_rank as class_after,
        h.test_class as test_class_after,
        h.lots_per_test as lots_per_test_after,
        h.class_rank is distinct from p.class_rank as class_changed,
        coalesce(e.regime, 'lot_inspection') as regime_before,
        coalesce(e.phase, 'admission') as phase_before,
        h.site_regime as regime_after,
        h.site_phase as phase_after
    from history as h
    left join history as p
        on p.series_id = h.series_id and p.obs_seq = h.obs_seq - 1
        and p.site_id = h.site_id
    left join events as e
        on e.site_id = h.site_id and e.product = h.product and e.event_seq = h.event_seq - 1
    where h.lot_sampled_on <= (select as_of from as_of)
)
select * from final;
