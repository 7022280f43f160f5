-- materialize: table
-- refresh key: site_id
-- process_lab_results: one row per lab report × lot × component of the analyses, with
-- whether the lab held an ISO/IEC 17025 accreditation covering that component on the
-- analysis date (BRL 9341 §1.4). Stored by refresh(): nothing here depends on the as-of
-- date; process_lab_accreditation applies it.
--
-- Readings (docs/readings.md, "Process checks"):
-- * The analysis date is the sampling date (the lab files carry no separate analysis date).
-- * An accreditation covers a component when its scope names that component (any alias of
--   ref_component_aliases) or is '*' (the whole package), and valid_from <= date <=
--   valid_until (an empty valid_until is open-ended). One that ended the day before the
--   analysis does not cover it.
-- * Lab names are compared without regard to case and surrounding spaces (docs/rules.md
--   §7): 'Eurofins ' and 'eurofins' are one lab. The result keeps the name as reported.
-- * A result without a lab name (empty or spaces only) cannot be traced to an
--   accreditation: not accredited.
create or replace view process_lab_results as
with results as (
    select
        certificate_number,
        site_id,
        product,
        lot_id,
        lab_report_id,
        lab,
        component,
        min(sampled_on) as analysed_on,
        lower(trim(lab)) as lab_key
    from analyses
    group by all
),
scopes as (
    select
        lower(trim(a.lab)) as lab_key,
        a.accreditation_number,
        case when a.scope = '*' then '*'
             else coalesce(c.component, lower(trim(a.scope))) end as component,
        a.valid_from,
        coalesce(a.valid_until, date '9999-12-31') as valid_until
    from lab_accreditations a
    left join ref_component_aliases c on c.alias = lower(trim(a.scope))
),
matched as (
    select
        r.*,
        min(s.accreditation_number) as accreditation_number
    from results r
    left join scopes s
        on s.lab_key = r.lab_key and r.lab_key <> ''
       and (s.component = '*' or s.component = r.component)
       and r.analysed_on between s.valid_from and s.valid_until
    group by all
),
final as (
    select
        * exclude (lab_key),
        accreditation_number is not null as accredited
    from matched
)
select * from final;
