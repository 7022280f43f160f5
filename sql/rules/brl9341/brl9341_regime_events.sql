-- materialize: table
-- refresh key: site_id
-- brl9341_regime_events: one row per site × product × lot with observations (an "event"),
-- the regime (steekproefregime = 'sampling' / partijkeuringsregime = 'lot_inspection') AFTER
-- that lot's results and the switches up to it. BRL 9341 bijlage II, "Steekproefregime"
-- and "Partijkeuringsregime"; the reading is in brl9341_regime_history, the computation in
-- brl9341_observation_history (site_* columns).
-- Every lot ever sampled, no as-of date: the regime after a lot only depends on the lots up
-- to it, so this is stored as a table by refresh(); brl9341_regime_history and
-- sampling_frequency take the rows / the newest row with lot_sampled_on <= as_of.
-- Running columns (up to and including this event): n_switches_to_lot_inspection,
-- n_switches_to_sampling (the first is the admission), regime_since (the sampling date of
-- the lot of the latest switch). next_lot_sampled_on: the next event's date (NULL for the
-- newest), so the current event as of a date is the one with lot_sampled_on <= as_of <
-- next_lot_sampled_on.
create or replace view brl9341_regime_events as
with per_lot as (
    select
        site_id,
        product,
        lot_id,
        any_value(lot_sampled_on) as lot_sampled_on,
        any_value(event_seq) as event_seq,
        any_value(site_n_failing_entry) as n_failing_entry,
        any_value(site_n_failing_return) as n_failing_return,
        any_value(site_entry_ok) as entry_ok,
        any_value(site_return_ok) as return_ok,
        any_value(site_switched_to) as switched_to,
        any_value(site_regime) as regime,
        any_value(site_phase) as phase,
        min(regime_k) as min_k_observed,
        list(component order by component) as components_observed
    from brl9341_observation_history
    group by site_id, product, lot_id
),
final as (
    select
        *,
        count(*) filter (where switched_to = 'lot_inspection') over w
            as n_switches_to_lot_inspection,
        count(*) filter (where switched_to = 'sampling') over w as n_switches_to_sampling,
        max(lot_sampled_on) filter (where switched_to is not null) over w as regime_since,
        lead(lot_sampled_on) over (partition by site_id, product order by event_seq)
            as next_lot_sampled_on
    from per_lot
    window w as (partition by site_id, product order by event_seq
                 rows between unbounded preceding and current row)
)
select * from final;
