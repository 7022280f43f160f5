-- lot_status: one row per lot, as of as_of_date. BRL 9341 §4.2: a lot complies when no
-- component exceeds its limit (bijlage III/IV). Built on lot_compliance, so a lot first
-- sampled after the as-of date is not shown.
create or replace view lot_status as
with lot_components as (
    select * from lot_compliance
),
final as (
    select
        certificate_number,
        site_id,
        product,
        lot_id,
        min(sampled_on) as sampled_on,
        count(*) as n_components,
        count(*) filter (where exceeds) as n_exceedances,
        count(*) filter (where exceeds) = 0 as compliant,
        bool_or(is_admission) as is_admission,
        -- an empty list, not NULL, for a compliant lot (shown as an empty cell, not "None")
        coalesce(list(component order by component) filter (where exceeds), [])
            as exceeding_components
    from lot_components
    group by certificate_number, site_id, product, lot_id
)
select * from final;
