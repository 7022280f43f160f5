-- materialize: table
-- refresh key: site_id
-- brl9341_admission_series: one row per admission series (certificate × site × product ×
-- component) with its admission lots (BRL 9341 §9.1.2.1) as one list, newest first: the
-- order in which the admission test picks its last 5 or 10 lots (sampling date, then
-- lot id, both descending), each with the date from which the lot is known
-- (lot_sampled_on), log10 of its observation and its limit.
--
-- No as-of date: brl9341_admission_test keeps the lots known on the as-of date (a filter
-- of each list) and takes the first 5 or 10, instead of a window over every admission lot
-- in each as-of query (the yearly report reads the test for each year).
-- Readings: as brl9341_admission_test (its header). A site belongs to one certificate
-- (ingestion refuses rows of a site under another), so the certificate is part of the
-- series; the site's n_window is the one in sites now (a change of it refreshes the site).
create or replace view brl9341_admission_series as
with lots as (
    select
        c.certificate_number,
        c.site_id,
        c.product,
        c.component,
        c.lot_id,
        c.lot_sampled_on,
        c.sampled_on,
        c.observation,
        c.limit_value,
        coalesce(s.n_window, 5) as n_window
    from brl9341_admission_lots as c
    left join sites as s using (site_id)
),
final as (
    select
        certificate_number,
        site_id,
        product,
        component,
        any_value(n_window) as n_window,
        list({'sampled_on': sampled_on, 'lot_id': lot_id, 'known_from': lot_sampled_on,
              'y': log10(observation), 'limit_value': limit_value}
             order by sampled_on desc, lot_id desc) as lots
    from lots
    group by certificate_number, site_id, product, component
)
select * from final;
