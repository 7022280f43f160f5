-- lot_status: one row per lot, as of as_of_date: the stored verdicts of brl9341_lot_results
-- (the rules below, over the observations lot_compliance shows), cut as lot_compliance
-- cuts, so a lot first sampled after the as-of date is not shown.
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
with as_of as (
    select as_of from as_of_date
),
final as (
    -- the stored per-lot verdicts (brl9341_lot_results, computed by the rules above from
    -- the same observations as lot_compliance), cut as lot_compliance cuts: a lot is
    -- known from its first sampling date on
    select
        certificate_number,
        site_id,
        product,
        lot_id,
        sampled_on,
        n_components,
        n_exceedances,
        compliant,
        is_admission,
        exceeding_components,
        limit_known,
        n_components_without_limit,
        n_loq_above_limit,
        loq_above_limit_components,
        limit_provisional,
        n_components_tested,
        n_components_in_package,
        full_package,
        status,
        status_text,
        status_text_key,  -- issue 27: status_text as a message key and its values
        status_text_args
    from brl9341_lot_results
    where lot_sampled_on <= (select as_of from as_of)
)
select * from final;
