-- pkvw_sample_history: one row per PKVW certificate × sample inspection (steekproef), in
-- date order, with the step (trede) before and after it, for all time (as-of independent,
-- stored as a table by refresh; pkvw_sample_steps reads it for the as-of date).
-- materialize: table
-- CCV PKVW bijlage 4 (steekproeftabel), ref_ccv_steps; docs/rules.md §4.
-- A sample is an audit of a PKVW certificate of type 'sample' or 'admission' with
-- dwellings_in_sample recorded. N = dwellings_with_deviation_a.
-- Transitions (bijlage 4, periodieke steekproef):
--   N = 0      -> one step up; 0 -> 1 only once the first 10 dwellings in total (3 with a
--                 certified fitter, §3.3.2 note 4) are inspected at step 0; 2 -> 3 only when
--                 this is the third consecutive sample without A taken at step 2 (note (2):
--                 "onder voorwaarde dat drie steekproeven achtereenvolgens zonder afwijkingen
--                 categorie A uitgevoerd zijn"; reading, issue 8: samples at step 0 or 1 do not
--                 count, the run starts at step 2); 3 stays 3.
--   N = 1      -> same step, verification by the CI (recorded as a warning): "volledige
--                 verificatie van gehele steekproef" at steps 1-2, "van 50% van de steekproef
--                 (20 woningen)" at step 3 (50% of the 1:40 group, so the steekproef is the
--                 group of dwellings the sample stands for): verification_size_required =
--                 dwellings completed since the previous sample (steps 0-2) or half of them,
--                 rounded up (step 3). "Geen nieuwe fouten dan onmiddellijk herstel ..., wel
--                 nieuwe fouten dan schorsing": the verification is recorded as an audit of
--                 type 'extra' (§4.2.3 extra beoordelingen) with dwellings_in_sample (verified)
--                 and dwellings_with_deviation_a (dwellings with new faults), the first one on
--                 or after the sample and before the next sample. New faults (>= 1) suspend
--                 from the verification date (verification_suspends), lifted and withdrawn as
--                 a sample suspension; the step is not changed by the verification.
--   2 <= N <= 5 -> suspension, one step down (0 and 1 stay, 2 -> 1, 3 -> 2).
--   N > 5      -> suspension, back to step 0.
-- At step 0 (admission) a sample with an A-deviation restarts the count of inspected
-- dwellings ("het toelatingsonderzoek dient opnieuw uitgevoerd te worden").
-- The step after a sample depends only on the samples before it, so a later sample never
-- changes an earlier row.
-- A suspension counts only once the certificate is issued (a company in admission is not
-- certified). It is lifted on the first day on which every deviation recorded on that
-- audit and found by then is closed (a closed_on), or, when none is found by then, at the
-- next sample without A-deviations; §4.3.4: not lifted 6 months after it started ->
-- withdrawal on audit_date + 6 months.
-- Formulation: a recursive CTE walks each certificate's samples in order (state: step,
-- consecutive clean samples, dwellings inspected at step 0); a window formulation cannot
-- carry the step-0 count and the 2 -> 3 condition together.
create or replace view pkvw_sample_history as
with recursive certs as (
    select
        c.certificate_number,
        c.issued_on,
        c.certified_fitter,
        case when c.certified_fitter then s.first_n_with_fitter else s.first_n_dwellings end
            as first_n
    from certificates as c
    cross join (select * from ref_ccv_steps where step = 0) as s
    where c.scheme = 'pkvw'
),
samples as (
    select
        a.audit_id,
        a.certificate_number,
        a.audit_date,
        a.audit_type,
        coalesce(a.dwellings_in_sample, 0) as dwellings_in_sample,
        coalesce(a.dwellings_with_deviation_a, 0) as n_a,
        c.first_n,
        c.issued_on,
        row_number() over (
            partition by a.certificate_number order by a.audit_date, a.audit_id
        ) as seq,
        a.source_file,
        a.source_line
    from audits as a
    join certs as c using (certificate_number)
    where a.audit_type in ('sample', 'admission')
      and a.dwellings_in_sample is not null
),
walk as (
    select
        certificate_number,
        0::bigint as seq,
        0 as step_after,
        0 as clean_run_after,
        0 as clean_at_step2_after,
        0 as step0_inspected_after
    from samples
    where seq = 1
    union all
    select
        s.certificate_number,
        s.seq,
        case
            when s.n_a = 0 then case w.step_after
                when 0 then case when w.step0_inspected_after + s.dwellings_in_sample >= s.first_n
                                 then 1 else 0 end
                when 1 then 2
                when 2 then case when w.clean_at_step2_after + 1 >= 3 then 3 else 2 end
                else 3 end
            when s.n_a = 1 then w.step_after
            when s.n_a <= 5 then case w.step_after when 0 then 0 when 1 then 1 when 2 then 1
                                 else 2 end
            else 0
        end as step_after,
        case when s.n_a = 0 then w.clean_run_after + 1 else 0 end as clean_run_after,
        -- note (2): clean samples taken at step 2, in a row
        case when s.n_a = 0 and w.step_after = 2 then w.clean_at_step2_after + 1 else 0 end
            as clean_at_step2_after,
        case when w.step_after = 0 and s.n_a = 0
             then w.step0_inspected_after + s.dwellings_in_sample else 0 end
            as step0_inspected_after
    from walk as w
    join samples as s
        on s.certificate_number = w.certificate_number
        and s.seq = w.seq + 1
),
stepped as (
    select
        s.*,
        lag(w.step_after, 1, 0) over (partition by s.certificate_number order by s.seq)
            as step_before,
        w.step_after,
        w.clean_run_after as consecutive_clean,
        w.clean_at_step2_after as consecutive_clean_at_step2,
        w.step0_inspected_after as step0_inspected,
        lag(w.step0_inspected_after, 1, 0) over (
            partition by s.certificate_number order by s.seq
        ) as step0_inspected_before,
        lag(s.audit_date) over (partition by s.certificate_number order by s.seq)
            as previous_sample_on,
        min(s.audit_date) filter (where s.n_a = 0) over (
            partition by s.certificate_number order by s.seq
            rows between 1 following and unbounded following
        ) as next_clean_sample_on
    from samples as s
    join walk as w using (certificate_number, seq)
),
dwellings as (
    -- dwellings completed since the previous sample, up to this one
    select
        st.certificate_number,
        st.seq,
        coalesce(sum(ac.quantity), 0) as dwellings_completed_since
    from stepped as st
    left join activity as ac
        on ac.certificate_number = st.certificate_number
        and ac.activity = 'dwelling_completed'
        and ac.activity_date <= st.audit_date
        and (st.previous_sample_on is null or ac.activity_date > st.previous_sample_on)
    group by all
),
verification_audits as (
    -- bijlage 4, N = 1: the CI's verification, an 'extra' audit with dwellings recorded
    select
        a.audit_id as verification_audit_id,
        a.certificate_number,
        a.audit_date as verification_on,
        a.dwellings_in_sample as verification_dwellings,
        coalesce(a.dwellings_with_deviation_a, 0) as verification_new_faults
    from audits as a
    join certs as c using (certificate_number)
    where a.audit_type = 'extra' and a.dwellings_in_sample is not null
),
verifications as (
    -- the first verification on or after an N = 1 sample and before the next sample
    select
        st.certificate_number,
        st.seq,
        v.verification_audit_id,
        v.verification_on,
        v.verification_dwellings,
        v.verification_new_faults,
        (select min(n.audit_date) from samples as n
         where n.certificate_number = st.certificate_number
           and n.n_a = 0 and n.audit_date > v.verification_on) as next_clean_after_verification
    from stepped as st
    join verification_audits as v
        on v.certificate_number = st.certificate_number
        and v.verification_on >= st.audit_date
    left join samples as nx
        on nx.certificate_number = st.certificate_number and nx.seq = st.seq + 1
    where st.n_a = 1
      and (nx.audit_date is null or v.verification_on < nx.audit_date)
    qualify row_number() over (
        partition by st.certificate_number, st.seq
        order by v.verification_on, v.verification_audit_id) = 1
),
linked as materialized (
    select d.audit_id, d.found_on, d.closed_on
    from deviations as d
    where d.audit_id in (select audit_id from stepped where n_a >= 2)
       or d.audit_id in (select verification_audit_id from verifications
                         where verification_new_faults >= 1)
),
closed_all_known as (
    -- a closed_on on which every deviation of the audit found by then is closed
    select c.audit_id, min(c.closed_on) as lifted_by_closing
    from linked as c
    where c.closed_on is not null
      and not exists (
          select 1 from linked as o
          where o.audit_id = c.audit_id
            and o.found_on <= c.closed_on
            and (o.closed_on is null or o.closed_on > c.closed_on)
      )
    group by c.audit_id
),
first_found as (
    select audit_id, min(found_on) as first_found_on
    from linked
    group by audit_id
),
with_sanction as (
    select
        st.*,
        d.dwellings_completed_since,
        rs.sample_one_in as step_one_in,
        case when st.step_before = 0
             then greatest(st.first_n - st.step0_inspected_before, 0)
             else ceil(d.dwellings_completed_since / rs.sample_one_in)::integer
        end as sample_size_required,
        st.n_a >= 2 and st.issued_on is not null and st.audit_date >= st.issued_on
            as suspends,
        st.n_a = 1 as full_verification,
        case when st.n_a = 1 then
            case when st.step_before = 3 then ceil(d.dwellings_completed_since / 2)::integer
                 else d.dwellings_completed_since::integer end
        end as verification_size_required,
        v.verification_audit_id,
        v.verification_on,
        v.verification_dwellings,
        v.verification_new_faults,
        v.verification_new_faults >= 1 and st.issued_on is not null
            and v.verification_on >= st.issued_on as verification_suspends,
        least(
            vc.lifted_by_closing,
            case when vf.first_found_on is null
                      or vf.first_found_on > v.next_clean_after_verification
                 then v.next_clean_after_verification end
        ) as verification_lifted_candidate,
        least(
            ca.lifted_by_closing,
            -- the next clean sample lifts only while no deviation of the audit is known
            case when ff.first_found_on is null or ff.first_found_on > st.next_clean_sample_on
                 then st.next_clean_sample_on end
        ) as lifted_candidate
    from stepped as st
    join dwellings as d using (certificate_number, seq)
    join ref_ccv_steps as rs on rs.step = st.step_before
    left join closed_all_known as ca using (audit_id)
    left join first_found as ff using (audit_id)
    left join verifications as v using (certificate_number, seq)
    left join closed_all_known as vc on vc.audit_id = v.verification_audit_id
    left join first_found as vf on vf.audit_id = v.verification_audit_id
),
final as (
    select
        w.certificate_number,
        w.audit_id,
        w.audit_type,
        w.seq,
        w.audit_date,
        w.step_before,
        w.dwellings_in_sample,
        w.n_a as dwellings_with_deviation_a,
        w.step_after,
        w.consecutive_clean,
        w.consecutive_clean_at_step2,
        w.step0_inspected,
        w.first_n,
        w.dwellings_completed_since,
        w.sample_size_required,
        w.dwellings_in_sample >= w.sample_size_required as sample_size_sufficient,
        w.full_verification,
        w.suspends,
        case when w.suspends then w.lifted_candidate end as suspension_lifted_on,
        case when w.suspends
                  and coalesce(w.lifted_candidate, date '9999-12-31')
                      >= (w.audit_date + interval 6 month)::date
             then (w.audit_date + interval 6 month)::date end as withdrawal_on,
        -- N = 1: the verification and its outcome (new faults -> suspension)
        w.verification_size_required,
        w.verification_audit_id,
        w.verification_on,
        w.verification_dwellings,
        w.verification_new_faults,
        w.verification_dwellings >= w.verification_size_required
            as verification_size_sufficient,
        coalesce(w.verification_suspends, false) as verification_suspends,
        case when w.verification_suspends then w.verification_lifted_candidate end
            as verification_suspension_lifted_on,
        case when w.verification_suspends
                  and coalesce(w.verification_lifted_candidate, date '9999-12-31')
                      >= (w.verification_on + interval 6 month)::date
             then (w.verification_on + interval 6 month)::date end
            as verification_withdrawal_on,
        'CCV PKVW bijlage 4; §4.3.3-§4.3.4' as article,
        w.source_file,
        w.source_line
    from with_sanction as w
)
select * from final;
