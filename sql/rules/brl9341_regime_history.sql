-- brl9341_regime_history: one row per site × product × lot with observations (an "event"),
-- the regime (steekproefregime = 'sampling' / partijkeuringsregime = 'lot_inspection') AFTER
-- that lot's results, as of as_of_date. BRL 9341 bijlage II, "Steekproefregime" and
-- "Partijkeuringsregime".
--
-- Reading (the regime is path-dependent):
-- * After each lot, every component of the site × product carries the state of its latest
--   observation (brl9341_observation_series). entry_ok: every component's regime_k > 0.69
--   (n = 5) or > 0.44 (n = 10) on the window in use; a component with fewer than 5
--   observations fails. return_ok: every component's regime_k over the last 10
--   observations > 0.44. (regime_k = k, or +infinity where the gamma rule or all-below-LOQ
--   lets the k determination be omitted.)
-- * Before the first lot after which entry_ok holds the site is in admission (phase
--   'admission', regime lot_inspection: every lot is tested). That lot starts the sampling
--   regime (§9.1.2.1: admission passes when ȳ + 0.69·s ≤ log(eis), i.e. k ≥ 0.69).
-- * Sampling → lot_inspection at the first later lot after which entry_ok fails.
-- * lot_inspection → sampling at the first lot, at least 5 lots after the switch, after
--   which return_ok holds: "10 waarnemingen, waarvan de eerste vijf ... uit het
--   steekproefregime mogen worden meegenomen. De volgende vijf zijn verkregen gedurende het
--   partijkeuringsregime" - so at most 5 of the 10 predate the switch.
-- How: the number of failing components after each lot is a running sum of changes (a
-- component's state counts from its observation until its next one; components not yet
-- observed fail), so no lots × components grid is built. The path dependence is a
-- recursive CTE over the SWITCHES, not over the lots: each step jumps to the next switch
-- with precomputed "next failing lot" / "next passing lot" columns, so the recursion depth is
-- the number of switches of the busiest site × product, not its number of lots.
create or replace view brl9341_regime_history as
with recursive
series as (
    select * from brl9341_observation_series
),
n_components as (
    select site_id, product, count(distinct component) as n_components
    from series
    group by site_id, product
),
changes as (
    -- the state of a row starts at its own lot ...
    select
        site_id, product, lot_sampled_on, lot_id,
        (not regime_ok)::integer - (obs_seq = 1)::integer as d_entry_fail,
        (not regime_return_ok)::integer - (obs_seq = 1)::integer as d_return_fail
    from series
    union all
    -- ... and ends at the component's next lot
    select
        site_id, product, next_lot_sampled_on, next_lot_id,
        -((not regime_ok)::integer),
        -((not regime_return_ok)::integer)
    from series
    where next_lot_id is not null
),
per_lot as (
    select
        site_id, product, lot_sampled_on, lot_id,
        sum(d_entry_fail) as d_entry_fail,
        sum(d_return_fail) as d_return_fail
    from changes
    group by site_id, product, lot_sampled_on, lot_id
),
event_state as materialized (
    select
        p.site_id,
        p.product,
        p.lot_id,
        p.lot_sampled_on,
        row_number() over w as event_seq,
        n.n_components + sum(p.d_entry_fail) over w as n_failing_entry,
        n.n_components + sum(p.d_return_fail) over w as n_failing_return
    from per_lot as p
    join n_components as n using (site_id, product)
    window w as (partition by p.site_id, p.product order by p.lot_sampled_on, p.lot_id
                 rows between unbounded preceding and current row)
),
lookups as materialized (
    select
        *,
        n_failing_entry = 0 as entry_ok,
        n_failing_return = 0 as return_ok,
        min(event_seq) filter (where n_failing_entry > 0) over (
            partition by site_id, product order by event_seq
            rows between 1 following and unbounded following) as next_fall_after,
        min(event_seq) filter (where n_failing_return = 0) over (
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
        coalesce(regime_after, 'lot_inspection') as regime,
        case when regime_after is null then 'admission' else regime_after end as phase
    from with_regime
)
select * from final;
