-- process_staff: one row per finding on the qualifications of a PKVW company's staff, in
-- the shape of process_findings. CCV PKVW §2.1 (a certificate of conduct, VOG, "niet ouder
-- dan 5 jaar"), §3.3.2 and bijlage 3 (diploma preventieadviseur or monteur PKVW), and the
-- adviser's refresher every 18 months (docs/rules.md §7; the 18 months are the rules'
-- reading, the source text names no refresher period).
--
-- Readings (docs/readings.md, "Process checks"):
-- * Staff: the persons of a pkvw certificate. A VOG obtained on D is valid through D + 5
--   years; out of date when the as-of date is later. The refresher is due 18 months after
--   the adviser's diploma or the last refresher, whichever is later.
-- * Out of date or missing: severity major. Runs out within 60 days (as-of date + 60 days
--   on or after the end date): severity minor. Both status open.
-- * A VOG that expired and was renewed later is a resolved finding (found on its expiry).
create or replace view process_staff as
with as_of as (
    select as_of from as_of_date
),
staff as (
    select
        p.person_id,
        p.certificate_number,
        coalesce(p.name, p.person_id) as person_name
    from persons p
    join certificates c using (certificate_number)
    where c.scheme = 'pkvw'
),
qualifications as (
    select *
    from staff_qualifications
    where obtained_on <= (select as_of from as_of)
),
per_person as (
    select
        s.*,
        max(q.obtained_on) filter (where q.qualification = 'vog') as last_vog,
        max(q.obtained_on) filter (where q.qualification in ('diploma_adviser',
                                                             'diploma_fitter'))
            as last_diploma,
        max(q.obtained_on) filter (where q.qualification = 'diploma_adviser')
            as adviser_diploma,
        max(q.obtained_on) filter (where q.qualification in ('diploma_adviser', 'refresher'))
            as last_training
    from staff s
    left join qualifications q using (person_id)
    group by all
),
due as (
    select
        *,
        cast(last_vog + interval 5 year as date) as vog_valid_until,
        cast(last_training + interval 18 month as date) as refresher_due
    from per_person
),
open_findings as (
    select certificate_number, person_id, person_name, (select as_of from as_of) as found_on,
           'no certificate of conduct (VOG) on record' as detail, 'major' as severity,
           'CCV PKVW §2.1' as article,
           -- issue 27: the detail as a message key of pipelines/i18n/keys.py DETAILS
           'finding_no_vog' as detail_key, json_object() as detail_args
    from due where last_vog is null
    union all
    select certificate_number, person_id, person_name, vog_valid_until,
           'certificate of conduct (VOG) of ' || last_vog || ' is older than 5 years since '
               || vog_valid_until, 'major', 'CCV PKVW §2.1',
           'finding_vog_expired', json_object('vog_on', last_vog, 'until_on', vog_valid_until)
    from due where vog_valid_until < (select as_of from as_of)
    union all
    select certificate_number, person_id, person_name, (select as_of from as_of),
           'certificate of conduct (VOG) of ' || last_vog || ' runs out on '
               || vog_valid_until, 'minor', 'CCV PKVW §2.1',
           'finding_vog_expiring',
           json_object('vog_on', last_vog, 'until_on', vog_valid_until)
    from due
    where vog_valid_until >= (select as_of from as_of)
      and vog_valid_until <= (select as_of from as_of) + interval 60 day
    union all
    select certificate_number, person_id, person_name, (select as_of from as_of),
           'no diploma preventieadviseur or monteur PKVW on record', 'major',
           'CCV PKVW §3.3.2, bijlage 3', 'finding_no_diploma', json_object()
    from due where last_diploma is null
    union all
    select certificate_number, person_id, person_name, refresher_due,
           'adviser''s refresher overdue since ' || refresher_due || ' (last training '
               || last_training || ')', 'major', 'CCV PKVW §3.3.2, bijlage 3',
           'finding_refresher_overdue',
           json_object('due_on', refresher_due, 'training_on', last_training)
    from due
    where adviser_diploma is not null and refresher_due < (select as_of from as_of)
    union all
    select certificate_number, person_id, person_name, (select as_of from as_of),
           'adviser''s refresher due on ' || refresher_due, 'minor',
           'CCV PKVW §3.3.2, bijlage 3', 'finding_refresher_due',
           json_object('due_on', refresher_due)
    from due
    where adviser_diploma is not null
      and refresher_due >= (select as_of from as_of)
      and refresher_due <= (select as_of from as_of) + interval 60 day
),
vog_history as (
    select
        s.certificate_number,
        s.person_id,
        s.person_name,
        q.obtained_on,
        cast(q.obtained_on + interval 5 year as date) as valid_until,
        lead(q.obtained_on) over (partition by q.person_id order by q.obtained_on)
            as renewed_on
    from qualifications q
    join staff s using (person_id)
    where q.qualification = 'vog'
),
resolved as (
    select certificate_number, person_id, person_name, valid_until as found_on,
           'certificate of conduct (VOG) of ' || obtained_on || ' ran out on ' || valid_until
               || '; renewed on ' || renewed_on as detail,
           'major' as severity, 'CCV PKVW §2.1' as article,
           'finding_vog_renewed_late' as detail_key,
           json_object('vog_on', obtained_on, 'until_on', valid_until,
                       'renewed_on', renewed_on) as detail_args
    from vog_history
    where renewed_on > valid_until
),
final as (
    select 'staff_qualification' as "check", article, certificate_number,
           'person ' || person_id || ' (' || person_name || ')' as subject,
           found_on, detail, severity, 'open' as status,
           'subject_person' as subject_key,
           json_object('person', person_id, 'name', person_name) as subject_args,
           detail_key, detail_args
    from open_findings
    union all
    select 'staff_qualification', article, certificate_number,
           'person ' || person_id || ' (' || person_name || ')',
           found_on, detail, severity, 'resolved',
           'subject_person', json_object('person', person_id, 'name', person_name),
           detail_key, detail_args
    from resolved
)
select * from final;
