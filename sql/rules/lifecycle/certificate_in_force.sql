-- certificate_in_force: one row per certificate, its status on the as-of date (view
-- certificate_status) and whether it is in force then: active or suspended (CCV PKVW §4.3,
-- BRL 9341 §3.3: a suspended certificate is still in force, its obligations run on).
-- The one definition of "in force" for the work lists: the worklist's audits and process
-- findings, the overdue sampling series (sampling_due) and the Overview's audit tiles
-- (kpi_overview) read it. A flag rather than a filter, so a view that also needs every
-- status (kpi_overview counts certificates by status) computes certificate_status once.
-- Reading (docs/readings.md "Certificates no longer in force"): a certificate in admission
-- has no sampling, audit or procedural obligation yet, a withdrawn or lapsed one none left.
create or replace view certificate_in_force as
with final as (
    select
        certificate_number,
        scheme,
        status,
        status in ('active', 'suspended') as in_force
    from certificate_status
)
select * from final;
