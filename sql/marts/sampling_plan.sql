-- sampling_plan: one row per site × product × component with observations, as of
-- as_of_date: the state of sampling_frequency (BRL 9341 bijlage II "Keuringsfrequentie")
-- with what a producer reads: the frequency in words and one plain-language line saying
-- why, e.g. "1 in 4 lots, at least 10 per 3 years: k = 1.93 over the last 5 lots (class 4,
-- 90/70-90; BRL 9341 bijlage II)".
--
-- Readings (docs/rules.md §2; the rules themselves are in sampling_frequency):
-- * frequency_text is the REQUIRED frequency (required_*): under the lot-inspection regime
--   of the site × product (partijkeuringsregime) every lot, at least 10 per year, whatever
--   the component's own class; the line then says so and gives the component's own
--   outcome after it.
-- * The reason names the rule that gave the (most lenient permitted) class: k over the
--   window in use, the gamma ratio (highest observation / limit) against the gamma of the
--   class (ref_gamma), all observations of the window below LOQ, or the attribute counts
--   (exceedances in the last 7 and 12 lots); fewer than 5 observations: every lot.
-- * k = +infinity (all values equal and below the limit) is written ∞.
-- * frequency_key/_args and reason_key/_args (issue 27): frequency_text and reason as a
--   message key of pipelines/i18n/keys.py DETAILS and its values (JSON), for the reader's
--   language; reason_args of the lot-inspection regime nest two messages.
--   explanation_key/_args and own_frequency_key/_args likewise (explanation: the frequency
--   message, then the reason's).
-- * overdue / days_overdue: the series is in view sampling_overdue (the one definition,
--   docs/rules.md §2: frequency not met and certificate active or suspended; computed in
--   view sampling_due, read here whole); days_overdue is NULL for a series that is not
--   overdue.
create or replace view sampling_plan as
with frequency as (
    -- overdue: the one definition of overdue series (view sampling_due, whose overdue rows
    -- are view sampling_overdue, issue 26), so the plan's figure is the Overview's and the
    -- worklist's
    select
        f.* exclude (overdue, overdue_now, due_on, overdue_detail, overdue_detail_key,
                   overdue_detail_args),
        f.overdue_now as overdue
    from sampling_due as f
),
gamma_limits as (
    select n_window, class_rank, gamma
    from ref_gamma
),
worded as (
    select
        f.*,
        g.gamma as gamma_threshold,
        -- the required frequency (regime included) and the component's own outcome
        concat_ws(', ',
            case when f.required_lots_per_test = 1 then 'every lot'
                 when f.required_lots_per_test is not null
                     then '1 in ' || f.required_lots_per_test || ' lots' end,
            case when f.required_min_tests_years = 1
                     then 'at least ' || f.required_min_tests || ' per year'
                 when f.required_min_tests is not null
                     then 'at least ' || f.required_min_tests || ' per '
                          || f.required_min_tests_years || ' years' end
        ) as frequency_text,
        concat_ws(', ',
            case when f.lots_per_test = 1 then 'every lot'
                 when f.lots_per_test is not null
                     then '1 in ' || f.lots_per_test || ' lots' end,
            case when f.min_tests_years = 1
                     then 'at least ' || f.min_tests || ' per year'
                 when f.min_tests is not null
                     then 'at least ' || f.min_tests || ' per ' || f.min_tests_years
                          || ' years' end
        ) as own_frequency_text,
        case
            when f.k_value is null then null
            when isinf(f.k_value) and f.k_value > 0 then '∞'
            when isinf(f.k_value) then '-∞'
            else printf('%.2f', f.k_value)
        end as k_text
    from frequency as f
    left join gamma_limits as g
        on g.n_window = f.n_window_used and g.class_rank = f.class_rank
),
reasons as (
    select
        *,
        case rule
            when 'insufficient'
                then 'fewer than 5 observations (' || n_obs_total || ' so far)'
            when 'k'
                then 'k = ' || k_text || ' over the last ' || n_obs || ' lots'
            when 'gamma'
                then 'highest / limit = ' || printf('%.2f', gamma_ratio) || ' < γ '
                     || printf('%.2f', gamma_threshold) || ' over the last ' || n_obs
                     || ' lots'
            when 'all_below_loq'
                then 'all of the last ' || n_obs || ' lots below the LOQ'
            when 'attributes'
                then e7 || ' exceedance(s) in the last 7 lots, ' || e12
                     || ' in the last 12 (attribute test)'
        end as reason_text,
        case when rule = 'insufficient' then 'class 6, every lot'
             else 'class ' || class_rank || ', ' || test_class end as class_text
    from worded
),
keyed as (
    -- issue 27: the same texts as a message key and its values (pipelines/i18n/keys.py
    -- DETAILS), so a page shows them in the reader's language; the English columns above
    -- stay what the CLI's `sql` and the contract read
    select
        *,
        frequency_key(required_lots_per_test, required_min_tests,
                      required_min_tests_years) as frequency_key,
        json_object('lots', required_lots_per_test, 'tests', required_min_tests,
                    'years', required_min_tests_years) as frequency_args,
        frequency_key(lots_per_test, min_tests, min_tests_years) as own_frequency_key,
        json_object('lots', lots_per_test, 'tests', min_tests,
                    'years', min_tests_years) as own_frequency_args,
        'plan_' || rule as rule_key,
        case rule
            when 'insufficient' then json_object('n_total', n_obs_total)
            -- k and the ratios as numbers (shown with 2 decimals in the reader's
            -- notation), an infinite k as its sign
            when 'k' then json_object('k', case when isinf(k_value) then to_json(k_text)
                                                else to_json(round(k_value, 2)) end,
                                      'n', n_obs,
                                      'class_rank', class_rank, 'test_class', test_class)
            when 'gamma' then json_object('ratio', round(gamma_ratio, 2),
                                          'gamma', round(gamma_threshold, 2), 'n', n_obs,
                                          'class_rank', class_rank, 'test_class', test_class)
            when 'all_below_loq' then json_object('n', n_obs, 'class_rank', class_rank,
                                                  'test_class', test_class)
            when 'attributes' then json_object('e7', e7, 'e12', e12, 'class_rank', class_rank,
                                               'test_class', test_class)
        end as rule_args
    from reasons
),
final as (
    select
        certificate_number,
        site_id,
        product,
        component,
        regime,
        rule,
        k_value,
        gamma_ratio,
        gamma_threshold,
        class_rank,
        test_class,
        n_window_used,
        n_obs,
        required_lots_per_test,
        required_min_tests,
        required_min_tests_years,
        frequency_text,
        own_frequency_text,
        case
            when rule = 'insufficient'
                then frequency_text || ': ' || reason_text || ' (BRL 9341 bijlage II)'
            when regime = 'lot_inspection'
                then frequency_text || ' (lot-inspection regime of the site × product); '
                     || 'on its own: ' || own_frequency_text || ': ' || reason_text
                     || ' (' || class_text || '; BRL 9341 bijlage II)'
            else frequency_text || ': ' || reason_text
                 || ' (' || class_text || '; BRL 9341 bijlage II)'
        end as explanation,
        -- the explanation without the frequency in front: a table shows the two side by
        -- side (issue 26: one long line was cut at ~60 characters)
        case
            when rule = 'insufficient' then reason_text || ' (BRL 9341 bijlage II)'
            when regime = 'lot_inspection'
                then 'lot-inspection regime of the site × product; on its own: '
                     || own_frequency_text || ': ' || reason_text || ' (' || class_text
                     || '; BRL 9341 bijlage II)'
            else reason_text || ' (' || class_text || '; BRL 9341 bijlage II)'
        end as reason,
        frequency_key,
        frequency_args,
        -- the reason's key: under the lot-inspection regime the rule's reason after the
        -- component's own frequency, both messages of their own
        case when rule <> 'insufficient' and regime = 'lot_inspection'
             then 'plan_lot_inspection' else rule_key end as reason_key,
        case when rule <> 'insufficient' and regime = 'lot_inspection'
             then json_object(
                 'own_frequency', json_object('key', own_frequency_key,
                                              'args', own_frequency_args),
                 'reason', json_object('key', rule_key, 'args', rule_args))
             else rule_args end as reason_args,
        -- the explanation (frequency, then why) as a message of the two messages above
        case when rule <> 'insufficient' and regime = 'lot_inspection'
             then 'plan_explanation_lot_inspection' else 'plan_explanation' end
            as explanation_key,
        case when rule <> 'insufficient' and regime = 'lot_inspection'
             then json_object(
                 'frequency', json_object('key', frequency_key, 'args', frequency_args),
                 'own_frequency', json_object('key', own_frequency_key,
                                              'args', own_frequency_args),
                 'reason', json_object('key', rule_key, 'args', rule_args))
             else json_object(
                 'frequency', json_object('key', frequency_key, 'args', frequency_args),
                 'reason', json_object('key', rule_key, 'args', rule_args)) end
            as explanation_args,
        own_frequency_key,
        own_frequency_args,
        lots_since_last_test,
        lots_until_next_test,
        tests_in_period,
        last_sampled_on,
        next_test_due_by,
        overdue,
        days_overdue,
        overdue_lots,
        overdue_period,
        -- why a due date moved, is unknown or nothing is overdue (issue 22, readings in
        -- sampling_frequency)
        required_since,
        production_stopped_since,
        production_stop_days,
        certificate_ended_on,
        n_obs_total,
        as_of
    from keyed
)
select * from final;
