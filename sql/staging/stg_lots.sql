-- stg_lots: one row per lot (partij) of a production site, BRL 9341 §2.1 / §5.5.2.
create or replace view stg_lots as
with lots as (
    select * from lots
),
final as (
    select
        l.certificate_number,
        l.site_id,
        l.product,
        l.lot_id,
        l.produced_on,
        l.lot_size_tonnes,
        s.n_window,
        s.site_kind,
        l.source_file,
        l.source_line
    from lots as l
    left join sites as s using (site_id)
)
select * from final;
