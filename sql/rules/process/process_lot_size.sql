-- process_lot_size: one row per finding of BRL 9341 §5.5.2 ("De productstroom moet worden
-- opgedeeld in partijen van maximaal 1/10 deel van de jaarproductie"; §2 definition of
-- "partij"), in the shape of process_findings.
--
-- Readings (docs/rules.md §1, §7; docs/readings.md, "Process checks"):
-- * The yearly production is that of the lot's product stream: one product of one site
--   (§5.5.2 "de productstroom"), not of the whole site. It is the sum of lot_size_tonnes
--   of the site × product's lots produced in that calendar year (the lots register, lots
--   table). A lot breaks the rule when its size exceeds a tenth of that sum; exactly a
--   tenth complies ("maximaal").
-- * Only complete calendar years are assessed (31 December on or before the as-of date):
--   early in a year the production so far would make the first lot look like all of it.
-- * A stream-year with a lot of unknown size is "not assessable" (one finding per site ×
--   product × year, severity info), never a pass.
create or replace view process_lot_size as
with as_of as (
    select as_of from as_of_date
),
lots_in_complete_years as (
    select
        certificate_number,
        site_id,
        product,
        lot_id,
        lot_size_tonnes,
        year(produced_on) as production_year
    from lots
    where produced_on is not null
      and make_date(year(produced_on), 12, 31) <= (select as_of from as_of)
),
stream_years as (
    -- the product stream (site × product) of §5.5.2
    select
        site_id,
        product,
        production_year,
        any_value(certificate_number) as certificate_number,
        count(*) as n_lots,
        count(lot_size_tonnes) as n_lots_sized,
        sum(lot_size_tonnes) as production_tonnes
    from lots_in_complete_years
    group by site_id, product, production_year
),
too_large as (
    select
        l.certificate_number,
        'lot ' || l.lot_id || ' (site ' || l.site_id || ')' as subject,
        make_date(l.production_year, 12, 31) as found_on,
        printf('lot of %.1f t is more than 1/10 of the %d production of %s at site %s'
               || ' (%.1f t; at most %.1f t)', l.lot_size_tonnes, l.production_year,
               l.product, l.site_id, y.production_tonnes, y.production_tonnes / 10)
            as detail,
        'major' as severity,
        'open' as status,
        -- issue 27: subject and detail as message keys of pipelines/i18n/keys.py DETAILS
        'subject_lot' as subject_key,
        json_object('lot', l.lot_id, 'site', l.site_id) as subject_args,
        'finding_lot_size' as detail_key,
        json_object('lot_t', round(l.lot_size_tonnes, 1), 'year', l.production_year,
                    'product', l.product, 'site', l.site_id,
                    'production_t', round(y.production_tonnes, 1),
                    'most_t', round(y.production_tonnes / 10, 1)) as detail_args
    from lots_in_complete_years l
    join stream_years y using (site_id, product, production_year)
    where y.n_lots_sized = y.n_lots
      and l.lot_size_tonnes * 10 > y.production_tonnes
),
not_assessable as (
    select
        certificate_number,
        'site ' || site_id || ', ' || product || ', ' || production_year as subject,
        make_date(production_year, 12, 31) as found_on,
        printf('%d of %d lots of %s produced in %d have no size: the 1/10 rule cannot be'
               || ' assessed', n_lots - n_lots_sized, n_lots, product, production_year)
            as detail,
        'info' as severity,
        'not_assessable' as status,
        'subject_stream' as subject_key,
        json_object('site', site_id, 'product', product, 'year', production_year)
            as subject_args,
        'finding_lot_size_unknown' as detail_key,
        json_object('missing', n_lots - n_lots_sized, 'lots', n_lots, 'product', product,
                    'year', production_year) as detail_args
    from stream_years
    where n_lots_sized < n_lots
),
final as (
    select 'lot_size' as "check", 'BRL 9341 §5.5.2' as article, * from too_large
    union all
    select 'lot_size', 'BRL 9341 §5.5.2', * from not_assessable
)
select * from final;
