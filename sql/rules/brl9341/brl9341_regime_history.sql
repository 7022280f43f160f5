-- brl9341_regime_history: one row per site × product × lot with observations (an "event"),
-- the regime (steekproefregime = 'sampling' / partijkeuringsregime = 'lot_inspection') AFTER
-- that lot's results, as of as_of_date. BRL 9341 bijlage II, "Steekproefregime" and
-- "Partijkeuringsregime".
--
-- Reading (the regime is path-dependent):
-- * After each lot, every component of the site × product carries the state of its latest
--   observation (brl9341_observation_history). entry_ok: every component's regime_k > 0.69
--   (n = 5) or > 0.44 (n = 10) on the window in use; a component with fewer than 5
--   observations fails. return_ok: every component's regime_k over the last 10
--   observations > 0.44. Components count from their first observation on. (regime_k = k,
--   or +infinity where the gamma rule or all-below-LOQ lets the k determination be
--   omitted.)
-- * Before the first lot after which entry_ok holds the site is in admission (phase
--   'admission', regime lot_inspection: every lot is tested). That lot starts the sampling
--   regime (§9.1.2.1: admission passes when ȳ + 0.69·s ≤ log(eis), i.e. k ≥ 0.69).
-- * Sampling → lot_inspection at the first later lot after which entry_ok fails.
-- * lot_inspection → sampling at the first lot, at least 5 lots after the switch, after
--   which return_ok holds: "10 waarnemingen, waarvan de eerste vijf ... uit het
--   steekproefregime mogen worden meegenomen. De volgende vijf zijn verkregen gedurende het
--   partijkeuringsregime" - so at most 5 of the 10 predate the switch.
-- How (computed in the stored table brl9341_observation_history, site_* columns; one row
-- per lot in the stored table brl9341_regime_events; this view shows the lots sampled on
-- or before as_of, the regime after a lot only depending on the lots before it): the
-- number of failing components after each lot is a running sum of changes (a component's
-- state counts from its observation until its next one; a component not yet observed is
-- not part of the state, so a later as-of date never changes the regime after an earlier
-- lot), so no lots × components grid is built. The path dependence is a
-- recursive CTE over the SWITCHES, not over the lots: each step jumps to the next switch
-- with precomputed "next failing lot" / "next passing lot" columns, so the recursion depth is
-- the number of switches of the busiest site × product, not its number of lots.
create or replace view brl9341_regime_history as
with as_of as (
    select as_of from as_of_date
),
events as (
    select * from brl9341_regime_events
),
final as (
    select
        site_id,
        product,
        lot_id,
        lot_sampled_on,
        event_seq,
        n_failing_entry,
        n_failing_return,
        entry_ok,
        return_ok,
        switched_to,
        regime,
        phase,
        min_k_observed,
        components_observed,
        n_switches_to_lot_inspection,
        n_switches_to_sampling,
        regime_since
    from events
    where lot_sampled_on <= (select as_of from as_of)
)
select * from final;
