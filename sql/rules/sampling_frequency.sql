-- sampling_frequency: one row per site × product × component (BRL 9341 bijlage II)
-- PLACEHOLDER (foundation): the view exists with the contract's columns and no rows;
-- issue 3 replaces it with the rule.
create or replace view sampling_frequency as
with final as (
    select
        null::varchar as site_id, null::varchar as product, null::varchar as component,
        null::integer as n_window, null::integer as n_obs, null::double as mean_log10,
        null::double as sd_log10, null::double as k_value, null::varchar as rule,
        null::varchar as test_class, null::integer as lots_per_test, null::integer as min_tests,
        null::integer as min_tests_years, null::date as last_sampled_on,
        null::integer as lots_since_last_test, null::boolean as overdue
    where false
)
select * from final;
