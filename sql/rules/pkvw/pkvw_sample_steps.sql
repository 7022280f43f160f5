-- pkvw_sample_steps: one row per PKVW certificate × sample inspection (steekproef) on or
-- before the as-of date, in date order, with the step (trede) before and after it.
-- CCV PKVW bijlage 4 (steekproeftabel); §4.3.3-§4.3.4. The walk over the samples and the
-- sanction dates are computed for all time in pkvw_sample_history (stored); a sample's
-- step depends only on earlier samples, so this view keeps the samples up to the as-of
-- date and shows a lifting or withdrawal date once the as-of date reaches it.
create or replace view pkvw_sample_steps as
with as_of as (
    select as_of from as_of_date
),
final as (
    select
        h.certificate_number,
        h.audit_id,
        h.audit_type,
        h.seq,
        h.audit_date,
        h.step_before,
        h.dwellings_in_sample,
        h.dwellings_with_deviation_a,
        h.step_after,
        h.consecutive_clean,
        h.consecutive_clean_at_step2,
        h.step0_inspected,
        h.first_n,
        h.dwellings_completed_since,
        h.sample_size_required,
        h.sample_size_sufficient,
        h.full_verification,
        h.suspends,
        case when h.suspension_lifted_on <= as_of.as_of then h.suspension_lifted_on end
            as suspension_lifted_on,
        case when h.withdrawal_on <= as_of.as_of then h.withdrawal_on end as withdrawal_on,
        -- N = 1: the verification by the CI, shown once the as-of date reaches it
        h.verification_size_required,
        case when h.verification_on <= as_of.as_of then h.verification_audit_id end
            as verification_audit_id,
        case when h.verification_on <= as_of.as_of then h.verification_on end
            as verification_on,
        case when h.verification_on <= as_of.as_of then h.verification_dwellings end
            as verification_dwellings,
        case when h.verification_on <= as_of.as_of then h.verification_new_faults end
            as verification_new_faults,
        case when h.verification_on <= as_of.as_of then h.verification_size_sufficient end
            as verification_size_sufficient,
        coalesce(h.verification_suspends and h.verification_on <= as_of.as_of, false)
            as verification_suspends,
        case when h.verification_suspension_lifted_on <= as_of.as_of
             then h.verification_suspension_lifted_on end as verification_suspension_lifted_on,
        case when h.verification_withdrawal_on <= as_of.as_of
             then h.verification_withdrawal_on end as verification_withdrawal_on,
        h.article,
        h.source_file,
        h.source_line
    from pkvw_sample_history as h, as_of
    where h.audit_date <= as_of.as_of
)
select * from final;
