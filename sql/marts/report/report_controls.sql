-- report_controls: one row per scheme × year × control type × (required | performed |
-- shortfall), section "controls" of the yearly report (BRL 9341 §8.7).
-- From audit_coverage (one row per certificate × year, its readings): BRL 9341 §8.6 / §7.2
-- control visits, §7.2 depot visits, §5.5 supervised sampling; CCV PKVW §4.2.2 audits
-- (every 18 months) and bijlage 4 sample dwellings.
-- performed = what was done (not capped at the requirement); shortfall = the sum over the
-- certificates of max(required − performed, 0), so one certificate's extra visits do not
-- hide another's missing ones.
-- Required is pro-rated to the part of the year the certificate was in force and rounded
-- up to whole controls (docs/rules.md §6; issue 22). In force: from issued_on to the day
-- before its first terminal lifecycle event (withdrawal, lapse, end), counted in calendar
-- months touched as audit_coverage counts the year of issuance (issued 20 July: July to
-- December, 6 months). A suspended certificate is still in force.
-- * control visits (BRL 9341 §8.6): ceil(2 × months / 12) (= audit_coverage in the year of
--   issuance; 1 instead of 2 for a certificate ended in April);
-- * depot visits (§7.2): one per depot when the certificate was in force in the year;
-- * supervised sampling (§5.5, once per 5 years) and PKVW audits (§4.2.2, every 18
--   months): required when they fell due on or before the last day in force (not for a
--   certificate that ended before its due date);
-- * sample dwellings (bijlage 4): as audit_coverage (they follow the dwellings completed,
--   so they are pro rata already).
create or replace view report_controls as
with periods as (
    select * from report_window
),
in_force as (
    select
        y.certificate_number,
        y.year,
        y.periodic_due_on,
        greatest(y.issued_on, make_date(y.year, 1, 1)) as first_day,
        least(coalesce(y.terminal_on - 1, y.year_end), y.year_end) as last_day
    from audit_coverage_years as y
),
coverage as (
    select
        c.*,
        f.periodic_due_on,
        f.last_day,
        case when f.last_day < f.first_day then 0
             else month(f.last_day) - month(f.first_day) + 1 end as months_in_force
    from audit_coverage as c
    join in_force as f using (certificate_number, year)
),
kinds as (
    select * from (values
        ('brl9341', 'control_visits', 1, 'BRL 9341 §8.6, §7.2'),
        ('brl9341', 'depot_visits', 2, 'BRL 9341 §7.2'),
        ('brl9341', 'supervised_sampling', 3, 'BRL 9341 §5.5'),
        ('pkvw', 'audits', 4, 'CCV PKVW §4.2.2'),
        ('pkvw', 'sample_dwellings', 5, 'CCV PKVW bijlage 4')
    ) as k(scheme, control, ord, article)
),
per_certificate as (
    select
        c.scheme,
        c.year,
        x.control,
        x.required,
        x.performed
    from coverage as c,
    lateral (values
        ('control_visits',
            case when c.scheme = 'brl9341'
                 then (2 * c.months_in_force + 11) // 12 else 0 end,
            c.performed_visits),
        ('depot_visits',
            case when c.months_in_force > 0 then c.required_depot_visits else 0 end,
            c.performed_depot_visits),
        ('supervised_sampling',
            case when c.required_supervised_sampling > 0
                      and c.periodic_due_on <= c.last_day then 1 else 0 end,
            c.performed_supervised_sampling),
        ('audits',
            case when c.required_audits > 0 and c.periodic_due_on <= c.last_day
                 then 1 else 0 end,
            c.performed_audits),
        ('sample_dwellings', c.required_sample_dwellings, c.inspected_dwellings)
    ) as x(control, required, performed)
),
summed as (
    select
        p.scheme,
        p.year,
        k.control,
        k.ord,
        k.article,
        coalesce(sum(c.required), 0) as required,
        coalesce(sum(c.performed), 0) as performed,
        coalesce(sum(greatest(c.required - c.performed, 0)), 0) as shortfall
    from periods as p
    join kinds as k using (scheme)
    left join per_certificate as c
        on c.scheme = p.scheme and c.year = p.year and c.control = k.control
    group by all
),
final as (
    select
        s.scheme,
        s.year,
        'controls' as section,
        m.measure,
        s.control as dimension,
        m.value::double as value,
        s.article,
        10 * s.ord + m.ord as ord
    from summed as s,
    lateral (values
        ('required', s.required, 1),
        ('performed', s.performed, 2),
        ('shortfall', s.shortfall, 3)
    ) as m(measure, value, ord)
)
select * from final;
