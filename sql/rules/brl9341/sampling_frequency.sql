-- sampling_frequency: one row per site × product × component that has observations, the
-- current state as of as_of_date. BRL 9341 bijlage II "Keuringsfrequentie": class and
-- frequency after the newest observation, the lots produced since the last test, the tests
-- in the current period and whether a test is overdue.
--
-- How: the state after every observation is stored (table brl9341_observation_history,
-- readings there; it only looks back, so it does not depend on the as-of date). This view
-- takes per series the newest row whose lot was sampled on or before as_of (lot_sampled_on
-- <= as_of < the next row's lot_sampled_on: a filter, no sort), the regime after the
-- site × product's newest lot the same way (table brl9341_regime_events), and adds what
-- depends on the as-of date: lots since the last test, tests in the period, due date.
--
-- Readings (docs/rules.md §2):
-- * The frequency columns (rule, test_class, lots_per_test, min_tests, min_tests_years) are
--   the component's own outcome. What is REQUIRED also depends on the regime of the site ×
--   product (reading in brl9341_regime_history): under the lot-inspection regime every lot
--   is tested, at least 10 per year ("overeenkomstig het partijkeuringsregime, doch ten
--   minste 10× per jaar"); required_* columns hold that, and `overdue` is judged against
--   them.
-- * A lot is produced on lots.produced_on (a tested lot without a production date counts at
--   its first sampling date). lots_since_last_test: lots of the site × product produced on
--   or before as_of and after the newest lot tested for this component (order: production
--   date, lot_id; table brl9341_lot_order). NULL when no lot of the site × product is
--   registered at all. The newest tested lot is the highest in production order among
--   the lots tested so far (brl9341_observation_history.max_tested_lot_rank); when that lot
--   is produced after as_of (sampled during production) no lot is counted (0).
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
    -- the date and the starts of the periods of bijlage II (1, 3, 5 years), as dates
    select
        as_of,
        (as_of - interval 1 year)::date as minus_1y,
        (as_of - interval 3 year)::date as minus_3y,
        (as_of - interval 5 year)::date as minus_5y
    from as_of_date
),
current_rows as (
    -- the newest observation of each series as of as_of
    select *
    from brl9341_observation_history
    where state_until > (select as_of from as_of)
      and lot_sampled_on <= (select as_of from as_of)
),
recent_tests as (
    -- tests in the last 1, 3 and 5 years (the periods of bijlage II)
    select
        series_id,
        count(*) filter (where sampled_on > (select minus_1y from as_of)) as tests_1y,
        count(*) filter (where sampled_on > (select minus_3y from as_of)) as tests_3y,
        count(*) as tests_5y
    from brl9341_observation_history
    where lot_sampled_on <= (select as_of from as_of)
      and sampled_on > (select minus_5y from as_of)
    group by series_id
),
lot_counts as (
    -- lots produced on or before as_of: a prefix of the production order
    select
        site_id,
        product,
        max(lot_rank) as n_lots,
        bool_or(registered) as any_registered
    from brl9341_lot_order
    where lot_date <= (select as_of from as_of)
    group by site_id, product
),
current_regime as (
    -- the site × product's regime after its newest lot as of as_of, and its switches so far
    select
        site_id,
        product,
        regime,
        phase,
        event_seq as n_lots_observed,
        lot_id as last_lot_id,
        lot_sampled_on as last_lot_sampled_on,
        n_switches_to_lot_inspection,
        n_switches_to_sampling,
        regime_since
    from brl9341_regime_events
    where lot_sampled_on <= (select as_of from as_of)
      and (next_lot_sampled_on is null or next_lot_sampled_on > (select as_of from as_of))
),
site_state as (
    select r.*, c.n_lots, c.any_registered
    from current_regime as r
    left join lot_counts as c using (site_id, product)
),
lot_inspection_minimum as (
    -- bijlage II, class 90/<50: every lot, at least 10 per year (same for n = 5 and n = 10)
    select lots_per_test, min_tests, min_tests_years
    from ref_k_classes
    where n_window = 5 and k_lower is null
),
current_state as (
    select
        s.*,
        case when r.any_registered
             then r.n_lots - least(s.max_tested_lot_rank, r.n_lots) end
            as lots_since_last_test,
        coalesce(t.tests_1y, 0) as tests_1y,
        coalesce(t.tests_3y, 0) as tests_3y,
        coalesce(t.tests_5y, 0) as tests_5y,
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
    from current_rows as s
    left join recent_tests as t using (series_id)
    left join site_state as r
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
