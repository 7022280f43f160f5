-- brl9341_regime_history: one row per site × product × lot with observations (an "event"),
-- the regime (steekproefregime = 'sampling' / partijkeuringsregime = 'lot_inspection') AFTER
-- that lot's results, as of as_of_date. BRL 9341 bijlage II, "Steekproefregime" and
-- "Partijkeuringsregime".
--
-- Reading (the regime is path-dependent):
-- * After each lot, every component of the site × product carries its latest window state
--   (brl9341_observation_series). entry_ok: every component's regime_k > 0.69 (n = 5) or
--   > 0.44 (n = 10) on the window in use; a component with fewer than 5 observations fails.
--   return_ok: every component's regime_k over the last 10 observations > 0.44.
-- * Before the first lot after which entry_ok holds the site is in admission (phase
--   'admission', regime lot_inspection: every lot is tested). That lot starts the sampling
--   regime (§9.1.2.1: admission passes when ȳ + 0.69·s ≤ log(eis), i.e. k ≥ 0.69).
-- * Sampling → lot_inspection at the first later lot after which entry_ok fails.
-- * lot_inspection → sampling at the first lot, at least 5 lots after the switch, after
--   which return_ok holds: "10 waarnemingen, waarvan de eerste vijf ... uit het
--   steekproefregime mogen worden meegenomen. De volgende vijf zijn verkregen gedurende het
--   partijkeuringsregime" - so at most 5 of the 10 predate the switch.
-- * Computed with a recursive CTE over the SWITCHES, not over the lots: each step jumps to
--   the next switch with precomputed "next failing lot" / "next passing lot" window columns,
--   so the recursion depth is the number of switches of the busiest site, not its lot count.
create or replace view brl9341_regime_history as
with recursive
series as (
    select * from brl9341_observation_series
),
events as (
    select
        site_id,
        product,
        lot_id,
        min(lot_sampled_on) as lot_sampled_on,
        row_number() over (partition by site_id, product
                           order by min(lot_sampled_on), lot_id) as event_seq
    from series
    group by site_id, product, lot_id
),
components as (
    select distinct site_id, product, component from series
),
grid as (
    -- every component's latest state after each event (components not analysed in a lot
    -- keep the state of their previous observation)
    select
        e.site_id,
        e.product,
        e.event_seq,
        c.component,
        last_value(s.regime_ok ignore nulls) over wc as regime_ok,
        last_value(s.regime_return_ok ignore nulls) over wc as regime_return_ok,
        last_value(s.regime_k ignore nulls) over wc as regime_k
    from events as e
    join components as c using (site_id, product)
    left join series as s
        on s.site_id = e.site_id and s.product = e.product and s.lot_id = e.lot_id
        and s.component = c.component
    window wc as (partition by e.site_id, e.product, c.component order by e.event_seq
                  rows between unbounded preceding and current row)
),
event_state as materialized (
    select
        site_id,
        product,
        event_seq,
        bool_and(coalesce(regime_ok, false)) as entry_ok,
        bool_and(coalesce(regime_return_ok, false)) as return_ok,
        min(regime_k) as min_k,
        arg_min(component, regime_k) as strictest_component
    from grid
    group by site_id, product, event_seq
),
lookups as materialized (
    select
        *,
        min(event_seq) filter (where not entry_ok) over (
            partition by site_id, product order by event_seq
            rows between 1 following and unbounded following) as next_fall_after,
        min(event_seq) filter (where return_ok) over (
            partition by site_id, product order by event_seq
            rows between current row and unbounded following) as next_return_from
    from event_state
),
switches as (
    select site_id, product, min(event_seq) as event_seq, 'sampling' as regime
    from lookups
    where entry_ok
    group by site_id, product
    union all
    select
        s.site_id,
        s.product,
        case when s.regime = 'sampling' then l.next_fall_after else l.next_return_from end,
        case when s.regime = 'sampling' then 'lot_inspection' else 'sampling' end
    from switches as s
    join lookups as l
        on l.site_id = s.site_id and l.product = s.product
        and l.event_seq = case when s.regime = 'sampling' then s.event_seq
                               else s.event_seq + 5 end
    where case when s.regime = 'sampling' then l.next_fall_after
               else l.next_return_from end is not null
),
with_regime as (
    select
        l.*,
        sw.regime as switched_to,
        last_value(sw.regime ignore nulls) over (
            partition by l.site_id, l.product order by l.event_seq
            rows between unbounded preceding and current row) as regime_after
    from lookups as l
    left join switches as sw using (site_id, product, event_seq)
),
final as (
    select
        w.site_id,
        w.product,
        e.lot_id,
        e.lot_sampled_on,
        w.event_seq,
        w.entry_ok,
        w.return_ok,
        w.min_k,
        w.strictest_component,
        w.switched_to,
        coalesce(w.regime_after, 'lot_inspection') as regime,
        case when w.regime_after is null then 'admission' else w.regime_after end as phase
    from with_regime as w
    join events as e using (site_id, product, event_seq)
)
select * from final;
