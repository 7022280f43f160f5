-- process_sampling: one row per finding of BRL 9341 §5.5.3 on a production sample's
-- sampling record, in the shape of process_findings.
--
-- §5.5.3: "Onder partijkeuringsregime worden 2 mengmonsters per partij genomen, bestaand uit
-- tenminste 6 grepen per monster. Onder steekproefregime wordt 1 mengmonster per partij
-- samengesteld bestaand uit tenminste 32 grepen. Nadat de eerste greep is genomen moeten de
-- overige grepen binnen 28 (kalender)dagen worden genomen. [...] Nadat de laatste greep is
-- genomen, moeten het monster binnen 7 dagen worden aangeboden aan het laboratorium."
--
-- Readings (docs/readings.md, "Process checks"):
-- * Within 28 days: last grab on or before first grab + 28 days (day 28 complies, 29 not);
--   at the lab on or before last grab + 7 days (day 7 complies, 8 not).
-- * A record without the date the sample reached the lab (received_at_lab_on empty) cannot
--   show the 7 days were kept: one finding per sample, status not_assessable, severity
--   minor (the record must be completed, like a missing record), found on the last grab;
--   never a pass (docs/rules.md §7). It is not on the worklist (open findings only) but
--   on the certificate's page and counted apart in the yearly report.
-- * The regime of a lot is the regime after the previous lot of its site × product
--   (brl9341_regime_events); the first lot is under admission = lot inspection.
-- * Samples are those of production results (analyses.purpose = 'production') sampled on
--   or before the as-of date (the per-sample facts: stored table process_sampling_samples). A sample without a sampling record is flagged only at sites
--   that report sampling records at all (one record is enough): a store that does not
--   record sampling yet is not flooded with findings it cannot act on.
create or replace view process_sampling as
with as_of as (
    select as_of from as_of_date
),
samples as (
    select *
    from process_sampling_samples
    where sampled_on <= (select as_of from as_of)
),
samples_with_record as (
    -- mixed samples of the lot known on the as-of date
    select *, count(*) over (partition by site_id, lot_id) as samples_of_lot
    from samples
),
findings as (
    select
        certificate_number,
        'sample ' || sample_id || ' (lot ' || lot_id || ', site ' || site_id || ')'
            as subject,
        last_grab_on as found_on,
        printf('grabs taken over %d days (first %s, last %s): more than 28 calendar days',
               date_diff('day', first_grab_on, last_grab_on), first_grab_on, last_grab_on)
            as detail,
        'major' as severity,
        'open' as status,
        -- issue 27: subject and detail as message keys of pipelines/i18n/keys.py DETAILS
        'subject_sample' as subject_key,
        json_object('sample', sample_id, 'lot', lot_id, 'site', site_id) as subject_args,
        'finding_grabs_spread' as detail_key,
        json_object('days', date_diff('day', first_grab_on, last_grab_on),
                    'first_on', first_grab_on, 'last_on', last_grab_on) as detail_args
    from samples_with_record
    where last_grab_on > first_grab_on + interval 28 day
    union all
    select
        certificate_number,
        'sample ' || sample_id || ' (lot ' || lot_id || ', site ' || site_id || ')',
        received_at_lab_on,
        printf('at the lab %d days after the last grab (%s → %s): more than 7 days',
               date_diff('day', last_grab_on, received_at_lab_on), last_grab_on,
               received_at_lab_on),
        'major',
        'open',
        'subject_sample',
        json_object('sample', sample_id, 'lot', lot_id, 'site', site_id),
        'finding_lab_late',
        json_object('days', date_diff('day', last_grab_on, received_at_lab_on),
                    'last_on', last_grab_on, 'lab_on', received_at_lab_on)
    from samples_with_record
    where received_at_lab_on > last_grab_on + interval 7 day
    union all
    select
        certificate_number,
        'sample ' || sample_id || ' (lot ' || lot_id || ', site ' || site_id || ')',
        last_grab_on,
        printf('no date at the lab on the sampling record (last grab %s): the 7 days after'
               || ' the last grab cannot be checked', last_grab_on),
        'minor',
        'not_assessable',
        'subject_sample',
        json_object('sample', sample_id, 'lot', lot_id, 'site', site_id),
        'finding_lab_date_missing',
        json_object('last_on', last_grab_on)
    from samples_with_record
    where has_record and received_at_lab_on is null
    union all
    select
        certificate_number,
        'sample ' || sample_id || ' (lot ' || lot_id || ', site ' || site_id || ')',
        sampled_on,
        printf('%d grabs in the mixed sample; the %s regime needs at least %d', grabs,
               case regime when 'sampling' then 'sampling' else 'lot-inspection' end,
               case regime when 'sampling' then 32 else 6 end),
        'major',
        'open',
        'subject_sample',
        json_object('sample', sample_id, 'lot', lot_id, 'site', site_id),
        case regime when 'sampling' then 'finding_grabs_sampling'
             else 'finding_grabs_lot_inspection' end,
        json_object('grabs', grabs, 'needed', case regime when 'sampling' then 32 else 6 end)
    from samples_with_record
    where grabs < case regime when 'sampling' then 32 else 6 end
    union all
    select distinct
        certificate_number,
        'lot ' || lot_id || ' (site ' || site_id || ')',
        sampled_on,
        printf('%d mixed sample(s) under the lot-inspection regime; 2 per lot are needed',
               samples_of_lot),
        'major',
        'open',
        'subject_lot',
        json_object('lot', lot_id, 'site', site_id),
        'finding_samples_per_lot',
        json_object('samples', samples_of_lot)
    from samples_with_record
    where regime = 'lot_inspection' and samples_of_lot < 2 and has_record
    union all
    select
        certificate_number,
        'sample ' || sample_id || ' (lot ' || lot_id || ', site ' || site_id || ')',
        sampled_on,
        'no sampling record (grabs, grab dates, date at the lab) for this production sample',
        'minor',
        'open',
        'subject_sample',
        json_object('sample', sample_id, 'lot', lot_id, 'site', site_id),
        'finding_no_sampling_record',
        json_object()
    from samples_with_record
    where not has_record and site_reports_sampling
),
final as (
    select 'sampling' as "check", 'BRL 9341 §5.5.3' as article, *
    from findings
)
select * from final;
