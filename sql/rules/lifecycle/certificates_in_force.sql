-- certificates_in_force: one row per certificate in force on the as-of date: status active
-- or suspended (view certificate_status; CCV PKVW §4.3, BRL 9341 §3.3: a suspended
-- certificate is still in force, its obligations run on). The one definition of "in
-- force" for the work lists: the worklist's audits and process findings, the overdue
-- sampling series (sampling_due) and the Overview's audit tiles (kpi_overview) read it.
-- Reading (docs/readings.md "Certificates no longer in force"): a certificate in admission
-- has no sampling, audit or procedural obligation yet, a withdrawn or lapsed one none left.
create or replace view certificates_in_force as
with final as (
    select certificate_number, scheme, status
    from certificate_status
    where status in ('active', 'suspended')
)
select * from final;
