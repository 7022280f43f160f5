-- report_events: one row per lifecycle event (lifecycle_event_log) the yearly report lists,
-- with what it is to the College (BRL 9341 §8.7; docs/rules.md §6):
-- * sanction: a measure imposed for a shortcoming ("Opgelegde maatregelen bij
--   tekortkomingen"): warnings, suspensions and withdrawals for deviations not corrected
--   (CCV PKVW §4.3.3-§4.3.4), samples and verifications with A-deviations (bijlage 4) and
--   missed minimum work (§3.2.7);
-- * mutation: a change in the number or standing of certificates that is no shortcoming
--   ("Mutaties in aantal certificaten (nieuw/vervallen)"): an end at the holder's request
--   (certificates.ended_on), an admission that expired (CCV PKVW §3.2.4), a suspension and
--   a lapse for a production stop (BRL 9341 §3.3).
-- measure: the report's measure for the event (sanctions: warnings, suspensions,
-- withdrawals; mutations: ended_on_request, admissions_expired, production_suspensions,
-- production_lapses). An event kind not listed here (a new rule) is read by its status: a
-- lapse is a mutation, a suspension or withdrawal a sanction, no status a warning, so it
-- shows rather than disappears. Applications and issuances are not events here
-- (report_mutations counts issuances from certificates).
create or replace view report_events as
with kinds as (
    select * from (values
        ('deviation_suspension', 'sanction', 'suspensions'),
        ('deviation_withdrawal', 'sanction', 'withdrawals'),
        ('sample_suspension', 'sanction', 'suspensions'),
        ('sample_withdrawal', 'sanction', 'withdrawals'),
        ('sample_warning', 'sanction', 'warnings'),
        ('verification_suspension', 'sanction', 'suspensions'),
        ('verification_withdrawal', 'sanction', 'withdrawals'),
        ('minimum_work_warning', 'sanction', 'warnings'),
        ('minimum_work_withdrawal', 'sanction', 'withdrawals'),
        ('ended', 'mutation', 'ended_on_request'),
        ('admission_expired', 'mutation', 'admissions_expired'),
        ('production_suspension', 'mutation', 'production_suspensions'),
        ('production_lapse', 'mutation', 'production_lapses')
    ) as k(event_kind, report_kind, measure)
),
events as (
    select * from lifecycle_event_log
    where event_kind not in ('application', 'issued')
),
final as (
    select
        e.scheme,
        e.certificate_number,
        e.holder_id,
        e.event_kind,
        e.status,
        e.starts_on,
        e.terminal,
        e.reason,
        e.article,
        coalesce(k.report_kind,
                 case when e.status = 'lapsed' then 'mutation' else 'sanction' end)
            as report_kind,
        coalesce(k.measure,
                 case e.status when 'suspended' then 'suspensions'
                               when 'withdrawn' then 'withdrawals'
                               when 'lapsed' then 'lapses'
                               else 'warnings' end) as measure
    from events as e
    left join kinds as k using (event_kind)
)
select * from final;
