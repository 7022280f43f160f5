-- lifecycle_production_stops: one row per BRL 9341 certificate × production stop on or
-- before the as-of date. BRL 9341 §3.3 (stop > 1 year without delivery from stock ->
-- suspended; > 3 years -> lapsed), computed for all time in production_stop_history
-- (stored); this view shows a restart, suspension or lapse once the as-of date reaches it.
-- deliveries_from_stock counts the deliveries in the 12 months before each anniversary
-- reached by the as-of date. suspension_lifted_on: the date the extra periodic assessment
-- after the restart passed (§3.3), not the restart itself.
create or replace view lifecycle_production_stops as
with as_of as (
    select as_of from as_of_date
),
final as (
    select
        h.certificate_number,
        h.stopped_on,
        case when h.restarted_on <= as_of.as_of then h.restarted_on end as restarted_on,
        coalesce(list_sum(list_transform(
            list_filter(h.stock_checks, lambda x: x.day <= as_of.as_of),
            lambda x: x.deliveries)), 0)::bigint as deliveries_from_stock,
        case when h.suspended_on <= as_of.as_of then h.suspended_on end as suspended_on,
        case when h.lapsed_on <= as_of.as_of then h.lapsed_on end as lapsed_on,
        -- §3.3: the extra periodic assessment after the restart that lifts the suspension
        case when h.assessment_passed_on <= as_of.as_of then h.assessment_audit_id end
            as assessment_audit_id,
        case when h.suspension_lifted_on <= as_of.as_of then h.suspension_lifted_on end
            as suspension_lifted_on,
        h.article
    from production_stop_history as h, as_of
    where h.stopped_on <= as_of.as_of
)
select * from final;
