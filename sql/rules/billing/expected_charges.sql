-- expected_charges: one row per fee the COPRO TAR 9201 tariff rules generate from the data, up to
-- the as-of date (fee_date <= as_of). Grain: certificate × fee date × fee code × source.
-- The fees of every date are computed once (as-of independent) in the stored table
-- billing_charges (§2.2.2-§2.2.11, VAT §2.2.10 per line; see there); this view only applies the
-- as-of date, so each dashboard session's own date costs a filtered scan. The stored table holds
-- the yearly fees up to a horizon set at refresh time; beyond it billing_charges_beyond continues
-- the yearly fees of the certificates without end date (§2.2.3.2, §2.2.4.1, §2.2.6).
-- fee_code values are stable and documented in data/reference/ref_tariffs.csv; `rule` is the
-- article; `source` names the rows (audit:<audit_id>, file:line of activity/certificate rows).
create or replace view expected_charges as
with charges as (
    select * from billing_charges
),
final as (
    select c.*
    from charges as c
    where c.fee_date <= (select as_of from as_of_date)
    union all by name
    -- the yearly fees of a certificate without end, after the stored years (empty up to them)
    select * from billing_charges_beyond
)
select * from final;
