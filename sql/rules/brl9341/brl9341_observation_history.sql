-- materialize: table
-- refresh key: site_id
-- brl9341_observation_history: one row per site × product × component × observation (lot;
-- obs_seq = its place in the series), with the state of BRL 9341 bijlage II ("Keuringsfrequentie") AFTER
-- that observation: rolling mean / sample sd of log10 over the last 5 and the last 10
-- observations, k, gamma ratio, all-below-LOQ, attribute-rule exceedance counts, the class
-- each rule gives and the most lenient permitted one (the site's chosen n_window is used),
-- and the regime of the site × product after that lot.
--
-- Every lot ever sampled, no as-of date: each row only looks BACKWARD (at the observations
-- before it in the series), so it is stored as a table by refresh() and the as-of views
-- (brl9341_observation_series, sampling_frequency, site_regime, brl9341_history) take, per
-- series, the newest row whose lot was sampled on or before as_of: the same state as a
-- series computed from the observations known on that date.
--
-- Readings (docs/rules.md §2):
-- * An observation is one lot × component of brl9341_lot_observations (duplicates
--   averaged, below-LOQ at the LOQ, complaint samples excluded; exceeds never because of
--   a below-LOQ result, see brl9341_lot_observations). Admission lots count
--   (bijlage II: "de meest recente waarnemingen uit het toelatingsonderzoek").
-- * Order of the series: the lot's first sampling date (lot_sampled_on), then lot_id. A lot
--   is known from lot_sampled_on on, which is the as-of cut.
-- * k uses the limit valid on the sampling date of the row's (= newest) observation: the
--   frequency predicts compliance with the limit that applies now (sulfate transition,
--   bijlage IV tabel 2 voetnoot 1). The same limit is used for the gamma ratio. The
--   attribute rule counts lot exceedances as lot_compliance judges them (own-date limit).
-- * s_y = 0: k = +infinity when ȳ < log10(limit) (most lenient), else -infinity.
-- * Fewer than 5 observations: 'insufficient' (every lot). A site that chose n = 10 but has
--   5..9 observations is judged on the n = 5 table until it has 10 (column n_window_used).
-- * All n observations below LOQ: no k (bijlage II, "Meetwaarden kleiner dan
--   bepalingsgrens"), 1 test per 5 years.
-- * Gamma rule: all n observations < gamma × limit, i.e. max / limit < gamma.
-- * Attribute rule ("Toetsing op attributen"): exceedances in the last 7, 12, 22, 38, 229,
--   387 observations; a rule of ref_attribute_rule applies only when the series is at least
--   its n_obs long. With 7+ observations and no rule satisfied: every lot (class 6).
-- * The most lenient permitted class applies ("Het is toegestaan beide methoden te
--   gebruiken"); ties are labelled in the order all_below_loq, k, gamma, attributes.
-- * regime_k (for the regime test, steekproef-/partijkeuringsregime): k, or +infinity when
--   the gamma rule or all-below-LOQ lets the k determination be omitted ("kan de bepaling
--   van de k-waarde achterwege worden gelaten").
-- * site_* columns: the regime of the site × product after this row's lot (event_seq =
--   the lot's place in the site × product's lots). The reading is documented in
--   brl9341_regime_history; the regime only depends on the lots up to this one: a
--   component is part of the site × product's state from its first observation on (a
--   component first analysed later does not make the earlier lots fail afterwards).
-- * lot_rank: the lot's place in production order (brl9341_lot_order);
--   max_tested_lot_rank: the highest lot_rank tested for this component so far (for "1 op
--   N partijen": the lots produced after it have not been tested for the component);
--   first_sampled_on / last_sampled_on: the earliest / latest test date of the series so far;
--   class_since: the test date from which the series has had its current class_rank (the
--   observation that changed it; the first test for a series whose class never changed).
create or replace view brl9341_observation_history as
with recursive
k_rules as (
    -- one row: the bijlage II tables as lists, so each observation is classified without a join
    select
        list({'lo': k_lower, 'hi': k_upper, 'rk': class_rank})
            filter (where n_window = 5) as k5_rules,
        list({'lo': k_lower, 'hi': k_upper, 'rk': class_rank})
            filter (where n_window = 10) as k10_rules,
        max(k_upper) filter (where n_window = 5 and k_lower is null) as regime_k5,   -- 0.69
        max(k_upper) filter (where n_window = 10 and k_lower is null) as regime_k10  -- 0.44
    from ref_k_classes
),
gamma_rules as (
    select
        list({'g': gamma, 'rk': class_rank}) filter (where n_window = 5) as g5_rules,
        list({'g': gamma, 'rk': class_rank}) filter (where n_window = 10) as g10_rules
    from ref_gamma
),
attribute_rules as (
    select list({'n': n_obs, 'e': max_exceedances, 'rk': class_rank}) as a_rules
    from ref_attribute_rule
),
observations as (
    select
        c.certificate_number,
        c.site_id,
        c.product,
        c.component,
        c.lot_id,
        c.lot_sampled_on,
        c.sampled_on,
        c.observation,
        c.below_loq,
        c.limit_value,
        c.exceeds,
        -- the LOQ above the limit: not an exceedance (attribute rule), not compliant either
        c.status = 'loq_above_limit' as loq_above_limit,
        c.is_admission,
        coalesce(s.n_window, 5) as n_window,
        o.lot_rank,
        log10(c.observation) as y,
        -- an integer per series, so the as-of views group and join on one integer column; a
        -- hash of the series, not a global numbering, so a refresh of some sites (refresh key)
        -- leaves the other series' ids as they are
        hash(c.site_id, c.product, c.component) as series_id
    from brl9341_lot_observations as c
    left join sites as s using (site_id)
    left join brl9341_lot_order as o
        on o.site_id = c.site_id and o.product = c.product and o.lot_id = c.lot_id
    where c.limit_value is not null
      and c.observation > 0      -- log10 needs a positive value; ingestion quarantines others
),
windowed as (
    select
        *,
        row_number() over w as obs_seq,
        -- the last 10 values, newest first, as lists: lags are far cheaper than ten framed
        -- aggregates (segment trees); list_* aggregates ignore the NULLs of a short series
        [y, lag(y, 1) over w, lag(y, 2) over w, lag(y, 3) over w, lag(y, 4) over w,
         lag(y, 5) over w, lag(y, 6) over w, lag(y, 7) over w, lag(y, 8) over w,
         lag(y, 9) over w] as last_y,
        [observation, lag(observation, 1) over w, lag(observation, 2) over w,
         lag(observation, 3) over w, lag(observation, 4) over w, lag(observation, 5) over w,
         lag(observation, 6) over w, lag(observation, 7) over w, lag(observation, 8) over w,
         lag(observation, 9) over w] as last_observation,
        [below_loq, lag(below_loq, 1) over w, lag(below_loq, 2) over w,
         lag(below_loq, 3) over w, lag(below_loq, 4) over w, lag(below_loq, 5) over w,
         lag(below_loq, 6) over w, lag(below_loq, 7) over w, lag(below_loq, 8) over w,
         lag(below_loq, 9) over w] as last_below_loq,
        count(*) filter (where exceeds) over (w rows between 6 preceding and current row) as e7,
        count(*) filter (where exceeds) over (w rows between 11 preceding and current row) as e12,
        count(*) filter (where exceeds) over (w rows between 21 preceding and current row) as e22,
        count(*) filter (where exceeds) over (w rows between 37 preceding and current row) as e38,
        count(*) filter (where exceeds) over (w rows between 228 preceding and current row)
            as e229,
        count(*) filter (where exceeds) over (w rows between 386 preceding and current row)
            as e387,
        -- the 5th and 10th most recent test dates (for "at least M per P years", M in 1/5/10)
        lag(sampled_on, 4) over w as sampled_on_5th_last,
        lag(sampled_on, 9) over w as sampled_on_10th_last,
        -- the next lot of this component (until then this row is the component's state)
        lead(lot_sampled_on) over w as next_lot_sampled_on,
        lead(lot_id) over w as next_lot_id,
        max(lot_rank) over (w rows between unbounded preceding and current row)
            as max_tested_lot_rank,
        min(sampled_on) over (w rows between unbounded preceding and current row)
            as first_sampled_on,
        max(sampled_on) over (w rows between unbounded preceding and current row)
            as last_sampled_on
    from observations
    window w as (partition by site_id, product, component order by lot_sampled_on, lot_id)
),
window_stats as (
    select
        * exclude (last_y, last_observation, last_below_loq),
        least(obs_seq, 5) as n5,
        list_avg(last_y[1:5]) as mean5,
        list_stddev_samp(last_y[1:5]) as sd5,
        list_max(last_observation[1:5]) as max5,
        list_bool_and(last_below_loq[1:5]) as all_loq5,
        least(obs_seq, 10) as n10,
        list_avg(last_y) as mean10,
        list_stddev_samp(last_y) as sd10,
        list_max(last_observation) as max10,
        list_bool_and(last_below_loq) as all_loq10
    from windowed
),
k_values as (
    select
        *,
        log10(limit_value) as log_limit,
        case
            when n5 < 5 then null
            when sd5 = 0 then case when mean5 < log10(limit_value) then 'infinity'::double
                                   else '-infinity'::double end
            else (log10(limit_value) - mean5) / sd5
        end as k5,
        case
            when n10 < 10 then null
            when sd10 = 0 then case when mean10 < log10(limit_value) then 'infinity'::double
                                    else '-infinity'::double end
            else (log10(limit_value) - mean10) / sd10
        end as k10,
        case when n5 = 5 then max5 / limit_value end as gamma_ratio5,
        case when n10 = 10 then max10 / limit_value end as gamma_ratio10,
        case when obs_seq >= 5 and n_window = 10 and obs_seq >= 10 then 10
             when obs_seq >= 5 then 5 end as n_window_used
    from window_stats
),
ranked as (
    select
        v.*,
        case when n5 = 5 and all_loq5 then 1 end as loq_rank5,
        case when n10 = 10 and all_loq10 then 1 end as loq_rank10,
        list_min([r.rk for r in k.k5_rules
                  if (r.lo is null or v.k5 > r.lo)
                     and (r.hi is null or v.k5 <= r.hi)]) as k_rank5,
        list_min([r.rk for r in k.k10_rules
                  if (r.lo is null or v.k10 > r.lo)
                     and (r.hi is null or v.k10 <= r.hi)]) as k_rank10,
        list_min([r.rk for r in g.g5_rules if v.gamma_ratio5 < r.g]) as gamma_rank5,
        list_min([r.rk for r in g.g10_rules if v.gamma_ratio10 < r.g]) as gamma_rank10,
        case
            when obs_seq < 7 then null
            else coalesce(
                list_min([r.rk for r in a.a_rules
                          if v.obs_seq >= r.n
                             and (case r.n when 7 then v.e7 when 12 then v.e12
                                           when 22 then v.e22 when 38 then v.e38
                                           when 229 then v.e229 when 387 then v.e387
                                  end) <= r.e]),
                6)  -- ">= 2 van 7 en >= 4 van 12: elke partij"
        end as attribute_rank,
        k.regime_k5 as regime_threshold5,
        k.regime_k10 as regime_threshold10
    from k_values as v
    cross join k_rules as k
    cross join gamma_rules as g
    cross join attribute_rules as a
),
chosen as (
    select
        *,
        case n_window_used when 10 then n10 when 5 then n5 else obs_seq end as n_obs,
        -- below 5 observations the 5-window holds the whole series
        case n_window_used when 10 then mean10 else mean5 end as mean_log10,
        case n_window_used when 10 then sd10 else sd5 end as sd_log10,
        case n_window_used when 10 then k10 when 5 then k5 end as k_raw,
        case n_window_used when 10 then gamma_ratio10 when 5 then gamma_ratio5 end
            as gamma_ratio,
        case n_window_used when 10 then loq_rank10 when 5 then loq_rank5 end as loq_rank,
        case n_window_used when 10 then k_rank10 when 5 then k_rank5 end as k_rank,
        case n_window_used when 10 then gamma_rank10 when 5 then gamma_rank5 end as gamma_rank,
        -- regime test per component (bijlage II, steekproefregime / partijkeuringsregime)
        case when loq_rank5 is not null or gamma_rank5 is not null then 'infinity'::double
             else k5 end as regime_k5,
        case when loq_rank10 is not null or gamma_rank10 is not null then 'infinity'::double
             else k10 end as regime_k10
    from ranked
),
final_rank as (
    select
        *,
        case when n_window_used is null then 6
             else least(loq_rank, k_rank, gamma_rank, attribute_rank) end as class_rank
    from chosen
),
class_runs as (
    -- class_since: the test date of the observation that gave the series its current class
    -- (the start of the run of equal classes); the per-period minimum runs from it
    -- (docs/rules.md §2, issue 22: a class that tightens is not backdated)
    select
        *,
        max(case when class_changed then sampled_on end) over (
            partition by site_id, product, component order by obs_seq
            rows between unbounded preceding and current row) as class_since
    from (
        select
            *,
            class_rank is distinct from lag(class_rank) over (
                partition by site_id, product, component order by obs_seq) as class_changed
        from final_rank
    )
),
classified as materialized (
    select
        f.certificate_number,
        f.site_id,
        f.product,
        f.component,
        f.series_id,
        f.lot_id,
        f.lot_sampled_on,
        f.sampled_on,
        f.obs_seq,
        f.observation,
        f.y as log10_observation,
        f.below_loq,
        f.limit_value,
        f.exceeds,
        f.loq_above_limit,
        f.is_admission,
        f.n_window,
        f.n_window_used,
        f.n_obs,
        f.mean_log10,
        f.sd_log10,
        case when f.loq_rank is null then f.k_raw end as k_value,
        f.gamma_ratio,
        case
            when f.n_window_used is null then 'insufficient'
            when f.loq_rank = f.class_rank then 'all_below_loq'
            when f.k_rank = f.class_rank then 'k'
            when f.gamma_rank = f.class_rank then 'gamma'
            else 'attributes'
        end as rule,
        f.class_rank,
        case when f.n_window_used is not null then kc.test_class end as test_class,
        kc.lots_per_test,
        kc.min_tests,
        kc.min_tests_years,
        f.loq_rank,
        f.k_rank,
        f.gamma_rank,
        f.attribute_rank,
        f.n5, f.mean5, f.sd5, f.k5, f.gamma_ratio5, f.all_loq5,
        f.n10, f.mean10, f.sd10, f.k10, f.gamma_ratio10, f.all_loq10,
        f.e7, f.e12, f.e22, f.e38, f.e229, f.e387,
        f.regime_k5,
        f.regime_k10,
        -- entry / stay test of the sampling regime on the window in use; return test on 10
        coalesce(case f.n_window_used when 10 then f.regime_k10 > f.regime_threshold10
                                      when 5 then f.regime_k5 > f.regime_threshold5 end,
                 false) as regime_ok,
        coalesce(f.regime_k10 > f.regime_threshold10, false) as regime_return_ok,
        case f.n_window_used when 10 then f.regime_k10 when 5 then f.regime_k5 end as regime_k,
        f.sampled_on_5th_last,
        f.sampled_on_10th_last,
        f.next_lot_sampled_on,
        f.next_lot_id,
        f.lot_rank,
        f.max_tested_lot_rank,
        f.first_sampled_on,
        f.last_sampled_on,
        f.class_since
    from class_runs as f
    left join ref_k_classes as kc
        on kc.n_window = coalesce(f.n_window_used, 5) and kc.class_rank = f.class_rank
),
changes as (
    -- the state of a row starts at its own lot ...
    select
        site_id, product, lot_sampled_on, lot_id,
        (not regime_ok)::integer as d_entry_fail,
        (not regime_return_ok)::integer as d_return_fail
    from classified
    union all
    -- ... and ends at the component's next lot
    select
        site_id, product, next_lot_sampled_on, next_lot_id,
        -((not regime_ok)::integer),
        -((not regime_return_ok)::integer)
    from classified
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
        sum(p.d_entry_fail) over w as n_failing_entry,
        sum(p.d_return_fail) over w as n_failing_return
    from per_lot as p
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
        -- stored: what the as-of views, the tests and the charts read (the per-window
        -- intermediates n5 .. all_loq10, e22 .. e387 stay in the computation; fewer columns
        -- keep the refresh and the table small)
        c.* exclude (log10_observation, n5, mean5, sd5, gamma_ratio5, all_loq5, n10, mean10,
                     sd10, gamma_ratio10, all_loq10, e22, e38, e229, e387, regime_k5,
                     regime_k10, regime_ok, regime_return_ok, next_lot_id, lot_rank),
        r.event_seq,
        r.n_failing_entry as site_n_failing_entry,
        r.n_failing_return as site_n_failing_return,
        r.entry_ok as site_entry_ok,
        r.return_ok as site_return_ok,
        r.switched_to as site_switched_to,
        coalesce(r.regime_after, 'lot_inspection') as site_regime,
        case when r.regime_after is null then 'admission' else r.regime_after end
            as site_phase,
        -- the row is the series' current state for as_of in [lot_sampled_on, state_until)
        coalesce(c.next_lot_sampled_on, 'infinity'::date) as state_until
    from classified as c
    join with_regime as r using (site_id, product, lot_id)
    -- not sorted: an `order by state_until` here took a third of this table's refresh, and
    -- the as-of views read the table as fast without it (sampling_frequency about 0.06 s
    -- either way at scale 100)
)
select * from final;
