-- sampling_frequency: one row per site × product × component that has observations, the
-- current state as of as_of_date. BRL 9341 bijlage II "Keuringsfrequentie": class and
-- frequency after the newest observation (brl9341_observation_series), the lots produced
-- since the last test, the tests in the current period and whether a test is overdue.
--
-- Readings (docs/rules.md §2):
-- * The frequency columns (rule, test_class, lots_per_test, min_tests, min_tests_years) are
--   the component's own outcome. What is REQUIRED also depends on the regime of the site ×
--   product (site_* columns of the series; reading in brl9341_regime_history): under the
--   lot-inspection regime every lot is tested, at least 10 per year ("overeenkomstig het
--   partijkeuringsregime, doch ten minste 10× per jaar"); required_* columns hold that, and `overdue` is judged against them.
-- * A lot is produced on lots.produced_on (a tested lot without a production date counts at
--   its first sampling date). lots_since_last_test: lots of the site × product produced on
--   or before as_of and after the newest lot tested for this component (order: production
--   date, lot_id). NULL when no lot of the site × product is registered at all.
-- * "1 op N partijen": overdue once N or more lots were produced since the last test.
-- * "ten minste M × per P jaar": tests_in_period counts tests sampled in (as_of − P years,
--   as_of]. next_test_due_by = the M-th most recent test + P years (when the count would
--   drop below M without a new test); with fewer than M tests ever: the first test + P
--   years (a young series is not judged before its first full period). Overdue when
--   next_test_due_by <= as_of.
-- * A result that is still at the lab is not in the store: `overdue` means "due and no
--   result recorded".
create or replace view sampling_frequency as
with as_of as (
    select as_of from as_of_date
),
series as materialized (
    select * from brl9341_observation_series
),
lot_inspection_minimum as (
    -- bijlage II, class 90/<50: every lot, at least 10 per year (same for n = 5 and n = 10)
    select lots_per_test, min_tests, min_tests_years
    from ref_k_classes
    where n_window = 5 and k_lower is null
),
tested_lots as (
    select site_id, product, lot_id, min(lot_sampled_on) as lot_sampled_on
    from series
    group by site_id, product, lot_id
),
all_lots as (
    select
        coalesce(l.site_id, t.site_id) as site_id,
        coalesce(l.product, t.product) as product,
        coalesce(l.lot_id, t.lot_id) as lot_id,
        coalesce(l.produced_on, t.lot_sampled_on) as lot_date,
        l.lot_id is not null as registered
    from lots as l
    full outer join tested_lots as t
        on t.site_id = l.site_id and t.lot_id = l.lot_id
),
lot_order as (
    select
        site_id,
        product,
        lot_id,
        row_number() over (partition by site_id, product order by lot_date, lot_id) as lot_rank,
        count(*) over (partition by site_id, product) as n_lots,
        bool_or(registered) over (partition by site_id, product) as any_registered
    from all_lots
    where lot_date <= (select as_of from as_of)
),
per_component as (
    select
        s.site_id,
        s.product,
        s.component,
        max(s.obs_seq) as last_seq,
        max(s.sampled_on) as last_sampled_on,
        min(s.sampled_on) as first_sampled_on,
        max(o.lot_rank) as last_tested_lot_rank,
        any_value(o.n_lots) as n_lots,
        bool_or(o.any_registered) as any_registered,
        count(*) filter (where s.sampled_on > (select as_of from as_of) - interval 1 year)
            as tests_1y,
        count(*) filter (where s.sampled_on > (select as_of from as_of) - interval 3 year)
            as tests_3y,
        count(*) filter (where s.sampled_on > (select as_of from as_of) - interval 5 year)
            as tests_5y
    from series as s
    left join lot_order as o
        on o.site_id = s.site_id and o.lot_id = s.lot_id
    group by s.site_id, s.product, s.component
),
current_regime as (
    -- the site × product's regime after its newest lot, and its switches so far
    select
        site_id,
        product,
        arg_max(site_regime, event_seq) as regime,
        arg_max(site_phase, event_seq) as phase,
        max(event_seq) as n_lots_observed,
        arg_max(lot_id, event_seq) as last_lot_id,
        max(lot_sampled_on) as last_lot_sampled_on,
        count(distinct event_seq) filter (where site_switched_to = 'lot_inspection')
            as n_switches_to_lot_inspection,
        count(distinct event_seq) filter (where site_switched_to = 'sampling')
            as n_switches_to_sampling,
        max(lot_sampled_on) filter (where site_switched_to is not null) as regime_since
    from series
    group by site_id, product
),
current_state as (
    select
        s.*,
        p.last_sampled_on,
        p.first_sampled_on,
        case when p.any_registered then p.n_lots - p.last_tested_lot_rank end
            as lots_since_last_test,
        p.tests_1y,
        p.tests_3y,
        p.tests_5y,
        r.regime,
        r.phase,
        r.n_lots_observed,
        r.last_lot_id,
        r.last_lot_sampled_on,
        r.n_switches_to_lot_inspection,
        r.n_switches_to_sampling,
        r.regime_since,
        case when r.regime = 'lot_inspection' then m.lots_per_test else s.lots_per_test end
            as required_lots_per_test,
        case when r.regime = 'lot_inspection' then m.min_tests else s.min_tests end
            as required_min_tests,
        case when r.regime = 'lot_inspection' then m.min_tests_years
             else s.min_tests_years end as required_min_tests_years
    from series as s
    join per_component as p
        on p.site_id = s.site_id and p.product = s.product and p.component = s.component
        and p.last_seq = s.obs_seq
    left join current_regime as r
        on r.site_id = s.site_id and r.product = s.product
    cross join lot_inspection_minimum as m
),
due as (
    select
        *,
        case required_min_tests_years when 1 then tests_1y when 3 then tests_3y
                                      when 5 then tests_5y end as tests_in_period,
        -- the M-th most recent test (M = 1, 5 or 10 in bijlage II) + P years
        coalesce(
            case required_min_tests when 1 then sampled_on when 5 then sampled_on_5th_last
                                    when 10 then sampled_on_10th_last end,
            first_sampled_on
        ) + to_years(required_min_tests_years) as next_test_due_by,
        case when required_lots_per_test is not null and lots_since_last_test is not null
             then greatest(required_lots_per_test - lots_since_last_test, 0) end
            as lots_until_next_test
    from current_state
),
final as (
    select
        site_id,
        product,
        component,
        n_window,
        n_obs,
        mean_log10,
        sd_log10,
        k_value,
        rule,
        test_class,
        lots_per_test,
        min_tests,
        min_tests_years,
        last_sampled_on,
        lots_since_last_test,
        coalesce(lots_until_next_test = 0, false)
            or next_test_due_by <= (select as_of from as_of) as overdue,
        certificate_number,
        n_window_used,
        obs_seq as n_obs_total,
        class_rank,
        gamma_ratio,
        limit_value,
        loq_rank,
        k_rank,
        gamma_rank,
        attribute_rank,
        k5,
        k10,
        regime_k,
        e7,
        e12,
        regime,
        phase,
        n_lots_observed,
        last_lot_id,
        last_lot_sampled_on,
        n_switches_to_lot_inspection,
        n_switches_to_sampling,
        regime_since,
        required_lots_per_test,
        required_min_tests,
        required_min_tests_years,
        tests_in_period,
        lots_until_next_test,
        next_test_due_by::date as next_test_due_by,
        coalesce(lots_until_next_test = 0, false) as overdue_lots,
        next_test_due_by <= (select as_of from as_of) as overdue_period,
        (select as_of from as_of) as as_of
    from due
)
select * from final;
