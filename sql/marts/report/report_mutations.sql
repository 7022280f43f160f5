-- report_mutations: one row per scheme × year × mutation indicator (× reason), section
-- "mutations" of the yearly report (BRL 9341 §8.7: "Mutaties in aantal certificaten
-- (nieuw/vervallen)"; docs/rules.md §6). A mutation is no sanction: an end at the holder's
-- request, an admission that expired and a suspension for a production stop are listed
-- here, not among the sanctions (report_measures).
-- Readings:
-- * issued: certificates with issued_on in the year (new).
-- * ended:<event kind>: certificates whose first terminal lifecycle event (ended_on at the
--   holder's request, a lapse after a production stop of 3 years, a withdrawal) falls in
--   the year, by its kind (vervallen). A withdrawal is also a sanction (report_measures):
--   the certificate ended, and it ended for a shortcoming.
-- * admissions_expired (CCV PKVW §3.2.4): admissions that passed 12 months in the year;
--   production_suspensions (BRL 9341 §3.3): suspensions for a production stop of more
--   than a year starting in the year (report_events).
create or replace view report_mutations as
with periods as (
    select * from report_window
),
kinds as (
    -- the mutations each scheme reports, shown also when none occurred
    select * from (values
        ('pkvw', 'admissions_expired', 3, 'CCV PKVW §3.2.4'),
        ('brl9341', 'production_suspensions', 4, 'BRL 9341 §3.3')
    ) as k(scheme, measure, ord, article)
),
issued as (
    select p.scheme, p.year, count(c.certificate_number) as n
    from periods as p
    left join certificates as c
        on c.scheme = p.scheme and c.issued_on between p.period_start and p.period_end
    group by p.scheme, p.year
),
first_terminal as (
    select
        certificate_number,
        any_value(scheme) as scheme,
        min(starts_on) as ended_on,
        arg_min(event_kind, starts_on) as event_kind,
        arg_min(article, starts_on) as article
    from lifecycle_event_log
    where terminal
    group by certificate_number
),
ended as (
    select p.scheme, p.year, f.event_kind, min(f.article) as article, count(*) as n
    from periods as p
    join first_terminal as f
        on f.scheme = p.scheme and f.ended_on between p.period_start and p.period_end
    group by all
),
events as (
    -- the mutations that do not end a certificate (those are in ended)
    select p.scheme, p.year, e.measure, min(e.article) as article, count(*) as n
    from periods as p
    join report_events as e
        on e.scheme = p.scheme and e.starts_on between p.period_start and p.period_end
    where e.report_kind = 'mutation' and not e.terminal
    group by all
),
scheme_article as (
    select scheme, case scheme when 'brl9341' then 'BRL 9341 §8.7'
                               when 'pkvw' then 'CCV PKVW §3.2.4, §3.2.7, §4.3'
                               else 'certificate lifecycle' end as article
    from (select distinct scheme from periods)
),
unioned as (
    select i.scheme, i.year, 'issued' as measure, null::varchar as dimension, i.n as value,
        a.article, 1 as ord
    from issued as i
    join scheme_article as a using (scheme)
    union all
    -- an end date is recorded at the holder's request: the scheme's own article, not the
    -- column's name
    select e.scheme, e.year, 'ended', e.event_kind, e.n,
        case when e.event_kind = 'ended' then a.article else e.article end, 2
    from ended as e
    join scheme_article as a using (scheme)
    union all
    select p.scheme, p.year, k.measure, null, coalesce(e.n, 0), k.article, k.ord
    from periods as p
    join kinds as k using (scheme)
    left join events as e using (scheme, year, measure)
    union all
    -- a mutation of a kind not listed above (a new rule) still shows
    select e.scheme, e.year, e.measure, null, e.n, e.article, 5
    from events as e
    anti join kinds as k using (scheme, measure)
),
final as (
    select scheme, year, 'mutations' as section, measure, dimension, value::double as value,
        article, ord
    from unioned
)
select * from final;
