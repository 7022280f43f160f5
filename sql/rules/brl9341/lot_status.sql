-- lot_status: one row per lot, as of as_of_date. Built on lot_compliance, so a lot first
-- sampled after the as-of date is not shown.
-- BRL 9341 §4.2: a lot complies when no component exceeds its limit (bijlage III/IV).
-- Readings (docs/readings.md, "Lot status"):
--   * no limit known: a component sampled on a date for which ref_limits hold no limit
--     (before 2008-01-01, the Besluit bodemkwaliteit) cannot be judged; such a lot is never
--     compliant (limit_known false, compliant false, status 'no_limit_known'), unless
--     another component exceeds (status 'exceeds').
--   * package: the components of bijlage III (tabel 1) and IV (tabel 2), ref_components,
--     27 for both products (the BRL sets one package for steenachtige substraten). A lot
--     tested on part of it and without exceedance is 'compliant_partial' ("compliant on 2
--     of 27 components"); 'compliant' is kept for the full package.
--   * compliant (contract column): no tested component exceeds and every tested component
--     has a known limit. status / status_text say whether that covers the whole package.
--   * LOQ above limit (bijlage II, "Meetwaarden kleiner dan bepalingsgrens"; issue 22): a
--     component reported below an LOQ that lies above its limit is neither an exceedance
--     (n_exceedances does not count it) nor shown to comply: the lot is not compliant on
--     it. compliant false, status 'loq_above_limit' (after 'exceeds' and 'no_limit_known'),
--     status_text "LOQ above the limit for 1 of 3 components tested", and
--     n_loq_above_limit / loq_above_limit_components say which.
create or replace view lot_status as
with lot_components as (
    select * from lot_compliance
),
package as (
    -- bijlage III and IV: every component with a limit table, for every product
    select p.product, count(*) as n_components_in_package, list(c.component) as components
    from products as p
    cross join ref_components as c
    group by p.product
),
lots as (
    select
        certificate_number,
        site_id,
        product,
        lot_id,
        min(sampled_on) as sampled_on,
        count(*) as n_components,
        count(*) filter (where exceeds) as n_exceedances,
        count(*) filter (where not limit_known) as n_components_without_limit,
        count(*) filter (where status = 'loq_above_limit') as n_loq_above_limit,
        coalesce(list(component order by component) filter (where status = 'loq_above_limit'),
                 []) as loq_above_limit_components,
        bool_or(limit_provisional) as limit_provisional,
        bool_or(is_admission) as is_admission,
        -- an empty list, not NULL, for a compliant lot (shown as an empty cell, not "None")
        coalesce(list(component order by component) filter (where exceeds), [])
            as exceeding_components,
        list(component order by component) as tested_components
    from lot_components
    group by certificate_number, site_id, product, lot_id
),
judged as (
    select
        l.*,
        l.n_components_without_limit = 0 as limit_known,
        len(list_intersect(l.tested_components, pk.components)) as n_components_tested,
        coalesce(pk.n_components_in_package, 0) as n_components_in_package
    from lots as l
    left join package as pk using (product)
),
final as (
    select
        certificate_number,
        site_id,
        product,
        lot_id,
        sampled_on,
        n_components,
        n_exceedances,
        n_exceedances = 0 and limit_known and n_loq_above_limit = 0 as compliant,
        is_admission,
        exceeding_components,
        limit_known,
        n_components_without_limit,
        n_loq_above_limit,
        loq_above_limit_components,
        limit_provisional,
        n_components_tested,
        n_components_in_package,
        n_components_tested >= n_components_in_package as full_package,
        case
            when n_exceedances > 0 then 'exceeds'
            when not limit_known then 'no_limit_known'
            when n_loq_above_limit > 0 then 'loq_above_limit'
            when n_components_tested >= n_components_in_package then 'compliant'
            else 'compliant_partial'
        end as status,
        case
            when n_exceedances > 0
                then 'exceeds on ' || n_exceedances || ' of ' || n_components
                     || ' components tested'
            when not limit_known
                then 'no limit known for ' || n_components_without_limit || ' of '
                     || n_components || ' components on ' || strftime(sampled_on, '%Y-%m-%d')
            when n_loq_above_limit > 0
                then 'LOQ above the limit for ' || n_loq_above_limit || ' of ' || n_components
                     || ' components tested: neither compliant nor exceeding on '
                     || case when n_loq_above_limit = 1 then 'it' else 'them' end
            else 'compliant on ' || n_components_tested || ' of ' || n_components_in_package
                 || ' components'
        end || case when limit_provisional then ' (provisional limit)' else '' end
            as status_text
    from judged
)
select * from final;
