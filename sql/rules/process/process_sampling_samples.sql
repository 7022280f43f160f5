-- materialize: table
-- refresh key: site_id
-- process_sampling_samples: one row per production sample (site × sample), with the regime
-- its lot was taken under and its sampling record (BRL 9341 §5.5.3), stored by refresh():
-- nothing here depends on the as-of date; process_sampling applies it and the limits.
-- The regime of a lot is the regime after the previous lot of its site × product
-- (brl9341_regime_events); the first lot is under admission = lot inspection.
create or replace view process_sampling_samples as
with samples as (
    select
        certificate_number,
        site_id,
        product,
        lot_id,
        sample_id,
        min(sampled_on) as sampled_on
    from analyses
    where purpose = 'production'
    group by all
),
lot_regimes as (
    select
        site_id,
        product,
        lot_id,
        coalesce(lag(regime) over (partition by site_id, product order by event_seq),
                 'lot_inspection') as regime
    from brl9341_regime_events
),
final as (
    select
        s.*,
        coalesce(r.regime, 'lot_inspection') as regime,
        rec.grabs,
        rec.first_grab_on,
        rec.last_grab_on,
        rec.received_at_lab_on,
        rec.sample_id is not null as has_record,
        s.site_id in (select site_id from sampling_records) as site_reports_sampling
    from samples s
    left join lot_regimes r using (site_id, product, lot_id)
    left join sampling_records rec using (site_id, sample_id)
)
select * from final;
