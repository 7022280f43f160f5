-- report_controls: one row per scheme × year × control type × (required | performed |
-- shortfall), section "controls" of the yearly report (BRL 9341 §8.7).
-- From audit_coverage (one row per certificate × year, its readings): BRL 9341 §8.6 / §7.2
-- control visits, §7.2 depot visits, §5.5 supervised sampling; CCV PKVW §4.2.2 audits
-- (every 18 months) and bijlage 4 sample dwellings.
-- performed = what was done (not capped at the requirement); shortfall = the sum over the
-- certificates of max(required − performed, 0), so one certificate's extra visits do not
-- hide another's missing ones.
create or replace view report_controls as
with periods as (
    select * from report_window
),
coverage as (
    select * from audit_coverage
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
        ('control_visits', c.required_visits, c.performed_visits),
        ('depot_visits', c.required_depot_visits, c.performed_depot_visits),
        ('supervised_sampling', c.required_supervised_sampling,
            c.performed_supervised_sampling),
        ('audits', c.required_audits, c.performed_audits),
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
