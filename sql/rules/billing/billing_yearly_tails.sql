-- billing_yearly_tails: one row per certificate × fee code of a yearly fee that runs on without
-- end (COPRO TAR 9201) — the last stored line of a certificate without end date (ended_on null),
-- from which the same fee recurs every later calendar year:
--   * §2.2.3.2 yearly certification contribution of a process certificate, dated 1 January
--     (CERT_ONE / CERT_1_6 / CERT_GT6): the stored years reach past the last change of the ADI
--     count (billing_certificate_fees), so the fee code of the last one holds for later years;
--   * §2.2.4.1 / §2.2.6 year-end minima of a person certificate, dated 31 December
--     (AUDIT_ATTEST_MIN, ATTEST_MIN): the stored years reach past the last attest
--     (billing_attest_fees), so the last one is a full year without attests, as is every later.
-- Only the date and the rate of the year (billing_rates, §2.2.11) change later on:
-- billing_charges_beyond applies them for the years after last_fee_date up to the as-of date.
-- As-of independent: stored as a table by pipelines.store.refresh.
-- materialize: table
create or replace view billing_yearly_tails as
with open_certs as (
    select certificate_number, scheme
    from certificates
    where scheme in ('asbestos_person', 'asbestos_process')
      and issued_on is not null and ended_on is null
),
yearly_lines as (
    select certificate_number, fee_date, fee_code, quantity, multiplier, rule, source
    from billing_certificate_fees
    where fee_code in ('CERT_ONE', 'CERT_1_6', 'CERT_GT6')
    union all
    select certificate_number, fee_date, fee_code, quantity, multiplier, rule, source
    from billing_attest_fees
    where fee_code in ('AUDIT_ATTEST_MIN', 'ATTEST_MIN')
),
last_year as (
    select certificate_number, max(year(fee_date)) as last_fee_year
    from yearly_lines
    group by all
),
final as (
    select
        l.certificate_number,
        o.scheme,
        l.fee_code,
        l.fee_date as last_fee_date,
        l.quantity,
        l.multiplier,
        l.rule,
        l.source
    from yearly_lines as l
    join open_certs as o using (certificate_number)
    join last_year as y
        on y.certificate_number = l.certificate_number and y.last_fee_year = year(l.fee_date)
)
select * from final;
