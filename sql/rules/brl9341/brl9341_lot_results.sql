-- materialize: table
-- refresh key: site_id
-- brl9341_lot_results: one row per lot (certificate × site × product × lot) of
-- brl9341_lot_observations, every lot ever sampled, judged by the rules of lot_status
-- (BRL 9341 §4.2, bijlage III/IV; the readings are in lot_status.sql). No as-of date: a
-- lot and all its observations are known from lot_sampled_on on, so lot_status is this
-- table cut at the as-of date. Stored by refresh() (issue 26: grouping every lot's
-- observations per render cost about 2 s at scale 100); each row depends only on its own
-- site's analyses.
create or replace view brl9341_lot_results as
with lot_components as (
    select * from brl9341_lot_observations
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
        min(lot_sampled_on) as lot_sampled_on,
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
keyed as (
    -- the status line as a message key and its values (issue 27), one key per case of
    -- status_text below
    select
        *,
        case
            when n_exceedances > 0 then 'lot_exceeds'
            when not limit_known then 'lot_no_limit'
            when n_loq_above_limit = 1 then 'lot_loq_above_limit_one'
            when n_loq_above_limit > 0 then 'lot_loq_above_limit'
            else 'lot_compliant'
        end as status_key,
        case
            when n_exceedances > 0
                then json_object('n', n_exceedances, 'total', n_components)
            when not limit_known
                then json_object('n', n_components_without_limit, 'total', n_components,
                                 'sampled_on', sampled_on)
            when n_loq_above_limit > 0
                then json_object('n', n_loq_above_limit, 'total', n_components)
            else json_object('n', n_components_tested, 'total', n_components_in_package)
        end as status_args
    from judged
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
            as status_text,
        -- issue 27: status_text as a message key of pipelines/i18n/keys.py DETAILS and its
        -- values (JSON), for the reader's language; a provisional limit wraps the message
        case when limit_provisional then 'lot_provisional' else status_key end
            as status_text_key,
        case when limit_provisional
             then json_object('status', json_object('key', status_key, 'args', status_args))
             else status_args end as status_text_args,
        lot_sampled_on
    from keyed
)
select * from final;
