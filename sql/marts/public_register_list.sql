-- public_register_list: one row per certificate in force (status active) on the as-of
-- date: the register's full list, the one place the public sees it whole.
-- Bouwbesluit 2012 art. 1.39 lid 2 (the body supplies "gegevens met betrekking tot
-- certificaathouders" for the register) and art. 1.40 lid 1 (an "openbaar register van
-- aangewezen certificerende instellingen, certificatieschema's en de door de certificerende
-- instelling verstrekte gegevens over certificaathouders"). Reading (docs/readings.md,
-- "Public register"): the fields that article names and nothing more: the scheme, the
-- holder and the certificate that makes it a holder. No status, dates, reasons or
-- sanctions (a suspended, withdrawn or lapsed certificate is not listed: its holder holds
-- no certificate in force; the Verify page answers its status to whoever asks by number).
create or replace view public_register_list as
with in_force as (
    select scheme_name, certificate_number, holder_name
    from public_register
    where status = 'active'
),
final as (
    select scheme_name, holder_name, certificate_number
    from in_force
    order by scheme_name, holder_name, certificate_number
)
select * from final;
