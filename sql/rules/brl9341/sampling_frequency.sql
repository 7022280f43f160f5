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
-- * "ten minste M × per P jaar" (docs/rules.md §2, issue 22): tests_in_period counts tests
--   sampled in (as_of − P years, as_of]. The minimum runs from the day the REQUIRED class
--   took effect (required_since), not from the start of the history: the test date of the
--   observation that gave the component its class (brl9341_observation_history.class_since)
--   or, when the site × product's regime sets the requirement or changed it later, the
--   regime switch (regime_since); never before the series' first test. The period is
--   anchored on the later of the M-th most recent test and required_since (with fewer than
--   M tests ever, the first test: a young series is not judged before its first full
--   period), so a class that tightens makes nothing overdue before required_since + P.
-- * Production time only (BRL 9341 §3.3 production stops; activity production_stop /
--   production_start, lifecycle_production_stops as of the date): nothing falls due during
--   a stop. next_test_due_by = anchor + P years, moved by the days of every stop that
--   starts before the (moved) due date, counted from the anchor on (a three-month stop
--   moves it three months). A stop still running on the as-of date that the due date falls
--   into leaves the due date unknown until the restart: next_test_due_by NULL, not
--   overdue, production_stopped_since says why. A stop that starts on or after the due
--   date does not move it (the test was due before the stop).
--   Overdue when next_test_due_by <= as_of.
-- * A certificate that has ended (its first terminal lifecycle event - ended at the
--   holder's request, withdrawn, lapsed - on or before the as-of date, lifecycle_event_log)
--   has no overdue series (issue 22): overdue false, and no due date on or after its end
--   (certificate_ended_on says so).
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
since as (
    select
        *,
        -- the day the required class took effect: the component's class, or the regime
        -- that overrides it (lot inspection) or changed it later; never before the series
        greatest(
            first_sampled_on,
            case when regime = 'lot_inspection' then coalesce(regime_since, first_sampled_on)
                 else greatest(class_since, coalesce(regime_since, class_since)) end
        ) as required_since
    from current_state
),
anchored as (
    select
        *,
        case required_min_tests_years when 1 then tests_1y when 3 then tests_3y
                                      when 5 then tests_5y end as tests_in_period,
        -- the later of the M-th most recent test (M = 1, 5 or 10 in bijlage II) and the
        -- day the class took effect
        greatest(
            coalesce(
                case required_min_tests when 1 then sampled_on
                                        when 5 then sampled_on_5th_last
                                        when 10 then sampled_on_10th_last end,
                first_sampled_on),
            required_since) as period_anchor
    from since
),
base_due as (
    select
        *,
        (period_anchor + to_years(required_min_tests_years))::date as base_due_by
    from anchored
),
stops as (
    -- production stops of the series' certificate that run past the anchor, in order; the
    -- days each adds from the anchor on (NULL: still running on the as-of date)
    select
        b.series_id,
        p.stopped_on,
        p.restarted_on,
        b.base_due_by,
        datediff('day', greatest(p.stopped_on, b.period_anchor), p.restarted_on) as stop_days
    from base_due as b
    join lifecycle_production_stops as p
        on p.certificate_number = b.certificate_number
        and (p.restarted_on is null or p.restarted_on > b.period_anchor)
    where b.required_min_tests_years is not null
),
stops_counted as (
    -- a stop moves the due date when it starts before the due date as moved by the stops
    -- before it (stops do not overlap, so once one starts after it no later one counts)
    select
        series_id,
        stopped_on,
        stop_days,
        stopped_on < base_due_by + to_days(coalesce(sum(stop_days) over (
            partition by series_id order by stopped_on
            rows between unbounded preceding and 1 preceding), 0)::integer) as moves
    from stops
),
stop_shift as (
    select
        series_id,
        sum(stop_days) filter (where moves) as stop_days,
        max(stopped_on) filter (where moves and stop_days is null) as stopped_since
    from stops_counted
    group by series_id
),
ended as (
    -- the first terminal lifecycle event (ended, withdrawn, lapsed) on or before as_of
    select certificate_number, min(starts_on) as ended_on
    from lifecycle_event_log
    where terminal and starts_on <= (select as_of from as_of)
    group by certificate_number
),
due as (
    select
        b.*,
        st.stopped_since as production_stopped_since,
        st.stop_days as production_stop_days,
        e.ended_on as certificate_ended_on,
        case
            when st.stopped_since is not null then null  -- the stop's end is not known yet
            else b.base_due_by + to_days(coalesce(st.stop_days, 0)::integer)
        end as due_by_production,
        case when b.required_lots_per_test is not null and b.lots_since_last_test is not null
             then greatest(b.required_lots_per_test - b.lots_since_last_test, 0) end
            as lots_until_next_test
    from base_due as b
    left join stop_shift as st using (series_id)
    left join ended as e on e.certificate_number = b.certificate_number
),
ended_cut as (
    select
        *,
        -- nothing falls due on or after the certificate's end
        case when certificate_ended_on is null or due_by_production < certificate_ended_on
             then due_by_production end as next_test_due_by,
        certificate_ended_on is null as in_force
    from due
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
        in_force and (coalesce(lots_until_next_test = 0, false)
                      or coalesce(next_test_due_by <= (select as_of from as_of), false))
            as overdue,
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
        in_force and coalesce(lots_until_next_test = 0, false) as overdue_lots,
        in_force and coalesce(next_test_due_by <= (select as_of from as_of), false)
            as overdue_period,
        required_since,
        production_stopped_since,
        production_stop_days,
        certificate_ended_on,
        (select as_of from as_of) as as_of
    from ended_cut
)
select * from final;
