-- production_stop_history: one row per BRL 9341 certificate × production stop, for all
-- time (as-of independent, stored as a table by refresh; lifecycle_production_stops reads
-- it for the as-of date).
-- materialize: table
-- BRL 9341 §3.3 (geldigheidsduur): "bij een stop van langer dan 1 jaar [wordt] het
-- certificaat opgeschort, tenzij dan nog uit voorraad wordt geleverd. Bij een nieuwe
-- aanvang van de productie zal middels een extra periodieke beoordeling worden nagegaan of
-- het certificaat kan worden behouden. Bij een stop langer dan 3 jaar komt het certificaat
-- te vervallen."
-- Reading: a stop is an activity 'production_stop' (the first one after the previous
-- 'production_start'); it ends at the next 'production_start'. The stop is judged at its
-- anniversaries: at stop + 1 year and stop + 2 years it is "still delivering from stock"
-- when an activity 'delivery_from_stock' falls in the 12 months before that anniversary;
-- the certificate is suspended from the day after the first anniversary without such a
-- delivery. A stop longer than 3 years lapses the certificate on stop + 3 years + 1 day,
-- stock or not. A 'production_start' before those dates ends the stop. "Bij een nieuwe
-- aanvang van de productie zal middels een extra periodieke beoordeling worden nagegaan of
-- het certificaat kan worden behouden": the suspension is not lifted by the restart but by
-- that assessment - the first audit of type 'extra' or 'periodic' on or after the restart
-- with outcome 'pass' (suspension_lifted_on = its date). Until one passes the certificate
-- stays suspended (outcome 'deviations' or 'fail' does not lift it). A restarted stop does
-- not lapse.
-- Every date depends only on rows up to that date, so the as-of view can cut at any day.
create or replace view production_stop_history as
with events as (
    select
        a.certificate_number,
        a.activity_date,
        a.activity,
        lag(a.activity) over (
            partition by a.certificate_number order by a.activity_date, a.activity desc
        ) as previous_activity
    from activity as a
    join certificates as c using (certificate_number)
    where c.scheme = 'brl9341'
      and a.activity in ('production_stop', 'production_start')
),
stops as (
    -- a stop opens an episode unless production was already stopped
    select certificate_number, activity_date as stopped_on
    from events
    where activity = 'production_stop'
      and coalesce(previous_activity, 'production_start') = 'production_start'
),
ends as (
    select
        s.certificate_number,
        s.stopped_on,
        min(e.activity_date) as restarted_on
    from stops as s
    left join events as e
        on e.certificate_number = s.certificate_number
        and e.activity = 'production_start'
        and e.activity_date > s.stopped_on
    group by all
),
anniversaries as (
    select
        e.certificate_number,
        e.stopped_on,
        e.restarted_on,
        k.years,
        (e.stopped_on + to_years(k.years::integer))::date as anniversary
    from ends as e, range(1, 3) as k(years)
),
stock as (
    select
        an.certificate_number,
        an.stopped_on,
        an.restarted_on,
        an.years,
        an.anniversary,
        count(d.activity_date) as deliveries_from_stock
    from anniversaries as an
    left join activity as d
        on d.certificate_number = an.certificate_number
        and d.activity = 'delivery_from_stock'
        and d.activity_date > (an.anniversary - interval 12 month)::date
        and d.activity_date <= an.anniversary
    group by all
),
suspension as (
    select
        certificate_number,
        stopped_on,
        min(anniversary + 1) filter (where deliveries_from_stock = 0) as suspension_candidate,
        list({'day': anniversary, 'deliveries': deliveries_from_stock} order by anniversary)
            as stock_checks
    from stock
    group by certificate_number, stopped_on
),
assessments as (
    -- the extra periodic assessment after the restart (§3.3): first passing audit
    select
        e.certificate_number,
        e.stopped_on,
        min(a.audit_date) filter (where a.outcome = 'pass') as assessment_passed_on,
        arg_min(a.audit_id, a.audit_date) filter (where a.outcome = 'pass')
            as assessment_audit_id,
        min(a.audit_date) as first_assessment_on
    from ends as e
    join audits as a
        on a.certificate_number = e.certificate_number
        and a.audit_type in ('extra', 'periodic')
        and a.audit_date >= e.restarted_on
    group by all
),
final as (
    select
        e.certificate_number,
        e.stopped_on,
        e.restarted_on,
        s.stock_checks,
        case when e.restarted_on is null or e.restarted_on > s.suspension_candidate
             then s.suspension_candidate end as suspended_on,
        ax.first_assessment_on,
        ax.assessment_audit_id,
        ax.assessment_passed_on,
        -- §3.3: lifted when the extra periodic assessment after the restart passes
        case when e.restarted_on is null or e.restarted_on > s.suspension_candidate
             then ax.assessment_passed_on end as suspension_lifted_on,
        case when e.restarted_on is null
                  or e.restarted_on > (e.stopped_on + interval 3 year + interval 1 day)::date
             then (e.stopped_on + interval 3 year + interval 1 day)::date end as lapsed_on,
        'BRL 9341 §3.3' as article
    from ends as e
    join suspension as s using (certificate_number, stopped_on)
    left join assessments as ax using (certificate_number, stopped_on)
)
select * from final;
