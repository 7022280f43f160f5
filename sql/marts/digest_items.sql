-- digest_items: what the daily digest (python -m pipelines digest, pipelines/digest.py) may
-- tell each role, as of the as-of date. Grain: one row per worklist item × role that
-- receives it. The items, their rules and articles are the worklist's (sql/marts/
-- worklist.sql: deviations CCV PKVW §4.3, suspensions, sampling frequency BRL 9341 bijlage
-- II, audits, receivables COPRO TAR 9201 §2.3.2, the invoice check, process findings); this
-- view adds only the readings of the digest (issue 26 point 13, docs/readings.md "Digest"):
-- * audience (column role):
--     management  every kind, as on the Overview's worklist;
--     finance     the billing kinds: invoice_unpaid, invoice_mismatch,
--                 invoice_index_missing (the Billing page's receivables and invoice check);
--     producer    what it must act on for its own certificates: deviation, suspension,
--                 sampling_overdue, audit_overdue, invoice_unpaid, process_finding (what
--                 My certificates and the Sampling plan show it). Never the body's invoice
--                 check. Which holder gets which row is the caller's filter on holder_id,
--                 taken from the users table (a producer user's holder ids), never a name.
--     college and admin get none: the College sees aggregates only, and every item names a
--     certificate.
-- * state: 'found' for the kinds that are findings without a deadline of their own
--   (process_finding, invoice_mismatch, invoice_index_missing); else 'overdue' when due_on
--   lies before the as-of date (days < 0), else 'due' (due on or after it, or no date yet).
-- * item_key = kind | certificate_number | subject: the item whatever its state. A digest
--   lists an item when its (item_key, state) was not in the recipient's previous digest, so
--   an item due soon is told again the day it becomes overdue.
create or replace view digest_items as
with items as (
    select
        w.priority,
        w.kind,
        w.certificate_number,
        w.scheme,
        w.subject,
        w.due_on,
        w.days,
        w.detail,
        w.rule,
        w.detail_key,  -- issue 27: the mail shows them in its recipient's language
        w.detail_args,
        w.rule_key,
        w.rule_args,
        w.article,
        w.site_id,
        w.product,
        w.period
    from worklist as w
),
keyed as (
    select
        i.*,
        i.kind || '|' || i.certificate_number || '|' || i.subject as item_key,
        case
            when i.kind in ('process_finding', 'invoice_mismatch', 'invoice_index_missing')
                then 'found'
            when i.days < 0 then 'overdue'
            else 'due'
        end as state,
        c.holder_id,
        h.holder_name
    from items as i
    left join certificates as c using (certificate_number)
    left join certificate_holders as h on h.holder_id = c.holder_id
),
audience as (
    select 'management' as role, k.* from keyed as k
    union all by name
    select 'finance' as role, k.* from keyed as k
    where k.kind in ('invoice_unpaid', 'invoice_mismatch', 'invoice_index_missing')
    union all by name
    select 'producer' as role, k.* from keyed as k
    where k.kind in ('deviation', 'suspension', 'sampling_overdue', 'audit_overdue',
                     'invoice_unpaid', 'process_finding')
),
final as (
    select
        role, item_key, state, priority, kind, certificate_number, scheme, holder_id,
        holder_name, subject, due_on, days, detail, rule, article, site_id, product, period,
        detail_key, detail_args, rule_key, rule_args
    from audience
)
select * from final
order by role, priority, due_on nulls last, certificate_number, subject;
