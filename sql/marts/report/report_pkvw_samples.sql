-- report_pkvw_samples: one row per year × step (trede) × sample indicator, PKVW only,
-- section "controls" of the yearly report (CCV PKVW bijlage 4, steekproeftabel).
-- From pkvw_sample_history: the sample inspections dated in the year, by the step in
-- force before the sample (step_before): samples, dwellings inspected
-- (dwellings_in_sample), dwellings with an A-deviation.
create or replace view report_pkvw_samples as
with periods as (
    select * from report_window where scheme = 'pkvw'
),
per_step as (
    select
        p.scheme,
        p.year,
        'step ' || h.step_before as step,
        count(*) as samples,
        coalesce(sum(h.dwellings_in_sample), 0) as dwellings_inspected,
        coalesce(sum(h.dwellings_with_deviation_a), 0) as dwellings_with_a
    from periods as p
    join pkvw_sample_history as h on h.audit_date between p.period_start and p.period_end
    group by all
),
final as (
    select
        s.scheme, s.year, 'controls' as section, x.measure, s.step as dimension,
        x.value::double as value, 'CCV PKVW bijlage 4' as article, 200 + x.ord as ord
    from per_step as s,
    lateral (values
        ('samples_by_step', s.samples, 1),
        ('sample_dwellings_by_step', s.dwellings_inspected, 2),
        ('sample_dwellings_with_a_by_step', s.dwellings_with_a, 3)
    ) as x(measure, value, ord)
)
select * from final;
