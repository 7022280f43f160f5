-- billing_rates: one row per fee code × fee year — the unit rate in force on 1 January of that year.
-- COPRO TAR 9201 §2.2.1 (base rates of 2023) and §2.2.11 (indexering van de tarieven):
--   * indexation = 'salary': base × S_n / S_r, S_r = index `salary_q3` of 2022, S_n = `salary_q3`
--     of the year before the fee year, rounded to €0.01 at the rate level;
--   * indexation = 'travel': the yearly table of FOD BOSA. Index `travel_fee` (period 'YYYY') is
--     the Belgian trip fee in € of that year; the per-hour travel fee abroad moves in the same
--     proportion (base 125.82 × travel_fee / 234.35, rounded to €0.01). Index `car_km` is the
--     €/km car rate of that year (not rounded, §2.2.11: only the car total is rounded);
--   * the base year of the rates (ref_tariffs.base_year, 2023) needs no index: its rates are the
--     base rates (S_n = S_r = Q3 2022, and the travel base rates are the 2023 table);
--   * any other year whose index is missing (salary: S_n or S_r; travel: travel_fee of the year;
--     car: car_km of the year) → rate null, index_missing true, rate_basis 'index missing: <index>'
--     (issue 22, docs/rules.md §5: never priced at the unindexed 2023 base rates). Every charge
--     the missing index touches shows `index missing` with no amount.
-- As-of independent: stored as a table by pipelines.store.refresh.
-- materialize: table
-- Divisions are done on integers (exact half-up rounding) so no amount passes through DOUBLE.
create or replace view billing_rates as
with tariffs as (
    select * from ref_tariffs
),
years as (
    select range::integer as fee_year from range(2000, 2101)
),
yearly_index as (
    select index_name, cast(period as integer) as index_year, value
    from indices
    where regexp_full_match(period, '[0-9]{4}')
),
salary_ref as (
    select value as s_r from yearly_index where index_name = 'salary_q3' and index_year = 2022
),
travel_base as (
    select base_rate as travel_be_base from tariffs where fee_code = 'TRAVEL_BE'
),
joined as (
    select
        t.fee_code,
        t.unit,
        t.indexation,
        t.base_rate,
        t.base_year,
        y.fee_year,
        sn.value as s_n,
        (select s_r from salary_ref) as s_r,
        tf.value as travel_fee,
        ck.value as car_km,
        (select travel_be_base from travel_base) as travel_be_base
    from tariffs as t
    cross join years as y
    left join yearly_index as sn
        on sn.index_name = 'salary_q3' and sn.index_year = y.fee_year - 1
    left join yearly_index as tf
        on tf.index_name = 'travel_fee' and tf.index_year = y.fee_year
    left join yearly_index as ck
        on ck.index_name = 'car_km' and ck.index_year = y.fee_year
),
as_integers as (
    -- base in 1/10 000 €, indices in millionths: exact integers
    select
        *,
        cast(base_rate * 10000 as hugeint) as base_e4,
        cast(s_n * 1000000 as hugeint) as s_n_e6,
        cast(s_r * 1000000 as hugeint) as s_r_e6,
        cast(travel_fee * 1000000 as hugeint) as travel_fee_e6,
        cast(travel_be_base * 10000 as hugeint) as travel_be_base_e4
    from joined
),
indexed as (
    select
        *,
        case
            when indexation = 'salary' and s_n is not null and s_r is not null and s_r > 0
                -- cents = base_e4 × S_n_e6 / (S_r_e6 × 100), rounded half up
                then (2 * base_e4 * s_n_e6 + s_r_e6 * 100) // (2 * s_r_e6 * 100)
        end as salary_cents,
        case
            when indexation = 'travel' and unit <> 'km' and fee_code <> 'TRAVEL_BE'
                 and travel_fee is not null and travel_be_base_e4 > 0
                -- cents = base_e4 × travel_fee_e6 / (travel_be_base_e4 × 10 000)
                then (2 * base_e4 * travel_fee_e6 + travel_be_base_e4 * 10000)
                     // (2 * travel_be_base_e4 * 10000)
        end as travel_scaled_cents
    from as_integers
),
resolved as (
    select
        *,
        -- the index this year's rate needs, when it is missing (null: the rate is known)
        case
            when fee_year = base_year then null
            when indexation = 'salary' and s_r is null then 'salary_q3 2022'
            when indexation = 'salary' and s_n is null then 'salary_q3 ' || (fee_year - 1)
            when indexation = 'travel' and unit = 'km' and car_km is null
                then 'car_km ' || fee_year
            when indexation = 'travel' and unit <> 'km' and travel_fee is null
                then 'travel_fee ' || fee_year
        end as missing_index
    from indexed
),
final as (
    select
        fee_code,
        fee_year,
        unit,
        indexation,
        base_rate,
        cast(case
            when missing_index is not null then null
            when salary_cents is not null then cast(salary_cents as decimal(18, 0)) * 0.01
            when indexation = 'travel' and fee_code = 'TRAVEL_BE' and travel_fee is not null
                then round(travel_fee, 2)
            when travel_scaled_cents is not null
                then cast(travel_scaled_cents as decimal(18, 0)) * 0.01
            when indexation = 'travel' and unit = 'km' and car_km is not null then car_km
            else base_rate
        end as decimal(12, 4)) as rate,
        case
            when missing_index is not null then 'index missing: ' || missing_index
            when salary_cents is not null then 'salary_q3 ' || (fee_year - 1) || ' / 2022'
            when indexation = 'travel' and unit <> 'km' and travel_fee is not null
                then 'travel_fee ' || fee_year
            when indexation = 'travel' and unit = 'km' and car_km is not null
                then 'car_km ' || fee_year
            else 'base rate 2023'
        end as rate_basis,
        missing_index is not null as index_missing
    from resolved
)
select * from final;
