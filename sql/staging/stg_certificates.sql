-- stg_certificates: one row per certificate with its holder's name and scheme name.
create or replace view stg_certificates as
with certificates as (
    select * from certificates
),
final as (
    select
        c.certificate_number,
        c.scheme,
        s.name as scheme_name,
        c.holder_id,
        h.holder_name,
        c.issued_on,
        c.applied_on,
        c.ended_on,
        c.country,
        c.adi_count,
        c.one_person_firm,
        c.uses_copro_template,
        c.parent_certificate_number,
        c.certified_fitter,
        c.source_file,
        c.source_line
    from certificates as c
    left join certificate_holders as h using (holder_id)
    left join schemes as s using (scheme)
)
select * from final;
