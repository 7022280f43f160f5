-- pkvw_sample_requirement: one row per issued PKVW certificate, the sample inspection it
-- needs on the as-of date. CCV PKVW bijlage 4 (steekproeftabel), ref_ccv_steps.
-- current_step: step after the last sample (pkvw_sample_steps), 0 without samples.
-- Step 0: the first 10 completed dwellings (3 with a certified fitter) are all inspected:
--   sample_size_required = first_n - dwellings already inspected at step 0.
-- Steps 1-3: ceil(dwellings completed since the last sample / 1-in-N of the step).
-- Footnote (1): "altijd met een minimum van 3 woningen per 18 maanden": dwellings inspected
--   in samples in the 18 months up to the as-of date; minimum_missing = 3 - that (>= 0).
create or replace view pkvw_sample_requirement as
with as_of as (
    select as_of from as_of_date
),
certs as (
    select
        c.certificate_number,
        c.issued_on,
        case when c.certified_fitter then r0.first_n_with_fitter else r0.first_n_dwellings end
            as first_n,
        as_of.as_of
    from certificates as c
    cross join as_of
    cross join (select * from ref_ccv_steps where step = 0) as r0
    where c.scheme = 'pkvw' and c.issued_on <= as_of.as_of
),
steps as materialized (
    select * from pkvw_sample_steps
),
last_sample as (
    select
        certificate_number,
        max(audit_date) as last_sample_on,
        arg_max(step_after, seq) as current_step,
        arg_max(step0_inspected, seq) as step0_inspected
    from steps
    group by certificate_number
),
recent as (
    select
        c.certificate_number,
        coalesce(sum(s.dwellings_in_sample), 0) as inspected_last_18_months
    from certs as c
    left join steps as s
        on s.certificate_number = c.certificate_number
        and s.audit_date > (c.as_of - interval 18 month)::date
    group by c.certificate_number
),
since as (
    select
        c.certificate_number,
        coalesce(sum(a.quantity), 0) as dwellings_since_last_sample
    from certs as c
    left join last_sample as l using (certificate_number)
    left join activity as a
        on a.certificate_number = c.certificate_number
        and a.activity = 'dwelling_completed'
        and a.activity_date <= c.as_of
        and (l.last_sample_on is null or a.activity_date > l.last_sample_on)
    group by c.certificate_number
),
final as (
    select
        c.certificate_number,
        coalesce(l.current_step, 0) as current_step,
        r.sample_one_in,
        l.last_sample_on,
        s.dwellings_since_last_sample,
        case when coalesce(l.current_step, 0) = 0
             then greatest(c.first_n - coalesce(l.step0_inspected, 0), 0)
             else ceil(s.dwellings_since_last_sample / r.sample_one_in)
        end::integer as sample_size_required,
        rc.inspected_last_18_months,
        greatest(r.min_per_18_months - rc.inspected_last_18_months, 0)::integer
            as minimum_missing,
        'CCV PKVW bijlage 4' as article
    from certs as c
    left join last_sample as l using (certificate_number)
    join ref_ccv_steps as r on r.step = coalesce(l.current_step, 0)
    join since as s using (certificate_number)
    join recent as rc using (certificate_number)
)
select * from final;
