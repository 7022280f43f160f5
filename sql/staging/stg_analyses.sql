-- stg_analyses: one row per analysis (lab result) as stored, values in mg/kg d.s.,
-- below-LOQ results already at their LOQ (BRL 9341 bijlage II, "Meetwaarden kleiner dan
-- bepalingsgrens"). Adds the component's table (composition / emission).
create or replace view stg_analyses as
with analyses as (
    select * from analyses
),
final as (
    select
        a.certificate_number,
        a.site_id,
        a.product,
        a.lot_id,
        a.sample_id,
        a.sampled_on,
        a.component,
        c.table_kind,
        a.value,
        a.below_loq,
        a.loq,
        a.lab,
        a.lab_report_id,
        a.purpose,
        a.source_file,
        a.source_line
    from analyses as a
    left join ref_components as c using (component)
)
select * from final;
