-- worklist: one row per concrete item that needs someone's action on the as-of date, with
-- the rule and article behind it. Grain: one row per item (deviation, suspended certificate,
-- sampling series, certificate's next audit, unpaid invoice, certificate × month × fee code
-- not matching the tariff).
-- Kinds, in the order of `priority` (1 = most urgent), each sorted by due_on within it:
--   1 deviation          open afwijking whose correction deadline has passed or falls within
--                        14 days (CCV PKVW §4.3.1-§4.3.4, view deviation_status);
--   2 suspension         suspended certificate and the day it is withdrawn / lapses unless
--                        lifted (view suspension_withdrawal: CCV PKVW §4.3.3, bijlage 4;
--                        BRL 9341 §3.3); due_on NULL when no withdrawal date follows;
--   3 sampling_overdue   BRL 9341 series whose keuringsfrequentie is not met: the rows of
--                        view sampling_overdue (certificate active or suspended; its due_on);
--   4 audit_overdue      next audit due before the as-of date, certificate active or suspended
--                        (view audit_coverage, BRL 9341 §8.6 / CCV PKVW §4.2.2);
--   5 invoice_unpaid     invoice with an open amount past its due date (view receivables,
--                        COPRO TAR 9201 §2.3.2);
--   6 invoice_mismatch   certificate × month × fee code of a month before the as-of month
--                        whose invoice differs from the tariff (billing_invoice_check_lines,
--                        COPRO TAR 9201); due_on = the last day of that month. Kind
--                        invoice_index_missing instead when the line cannot be checked because
--                        its year has no index (TAR 9201 §2.2.11, issue 22): counted apart.
--   7 process_finding    open major or minor finding of a procedural check (view
--                        process_findings: BRL 9341 §5.5.2, §5.5.3, §1.4; CCV PKVW §2.1,
--                        §3.3.2; TAR 9201 §2.2.4.1), certificate active or suspended;
--                        due_on = the day it was found.
-- A withdrawn or lapsed certificate has no sampling, audit or procedural obligation left:
-- its series and findings are history, not work (its deviations, suspension and invoices
-- still are).
-- days = due_on - as_of (negative: that many days past); days_overdue = as_of - due_on when
-- the due date has passed, else NULL (pages say "overdue for N days", never a negative count);
-- NULL for a process finding (its due_on is the day it was found). site_id, product (sampling) and
-- period (YYYY-MM of the invoice / invoice check) locate the item for a link. Readings: docs/readings.md
-- ("Worklist").
create or replace view worklist as
with as_of as (
    select as_of, strftime(as_of, '%Y-%m') as as_of_period from as_of_date
),
deviations as (
    select
        1 as priority,
        'deviation' as kind,
        d.certificate_number,
        d.deviation_id as subject,
        d.deadline as due_on,
        'category ' || d.effective_category
            || case when d.escalated then ' (B counted as A: repeated requirement)' else '' end
            || ', ' || d.requirement
            || case when d.extended then ', deadline extended' else '' end as detail,
        'detail_deviation' || case when d.escalated then '_escalated' else '' end
            || case when d.extended then '_extended' else '' end as detail_key,
        json_object('category', d.effective_category, 'requirement', d.requirement)
            as detail_args,
        'correction deadline: A 2 months, B 3 months after the finding; suspended the day '
            || 'after a missed deadline' as rule,
        'rule_deviation' as rule_key,
        d.article
    from deviation_status as d, as_of as a
    where d.state in ('open', 'overdue') and d.deadline <= a.as_of + 14
),
in_force as materialized (
    -- the one definition of "in force" (view certificate_in_force): active or suspended
    select certificate_number from certificate_in_force where in_force
),
suspensions as (
    select
        2 as priority,
        'suspension' as kind,
        w.certificate_number,
        'withdrawal / lapse' as subject,
        'subject_withdrawal' as subject_key,
        w.withdrawal_on as due_on,
        'suspended since ' || strftime(w.suspended_since, '%Y-%m-%d') || ': ' || w.reason
            as detail,
        'detail_suspension' as detail_key,
        -- the reason: the lifecycle's message (certificate_status.reason_key/_args)
        json_object('since_on', strftime(w.suspended_since, '%Y-%m-%d'),
                    'reason', json_object('key', w.reason_key, 'args', w.reason_args))
            as detail_args,
        'a suspension not lifted in time ends in withdrawal (lapse for a production stop)'
            as rule,
        'rule_suspension' as rule_key,
        w.article
    from suspension_withdrawal as w
),
sampling as (
    -- the one list of overdue series (view sampling_overdue), as the Overview and the
    -- Sampling plan count it
    select
        3 as priority,
        'sampling_overdue' as kind,
        o.certificate_number,
        o.site_id || ' · ' || o.product || ' · ' || o.component as subject,
        'subject_series' as subject_key,
        json_object('site', o.site_id, 'product', o.product, 'component', o.component)
            as subject_args,
        o.site_id,
        o.product,
        o.due_on,
        o.detail,
        o.detail_key,
        o.detail_args,
        'sampling frequency by the k-value class of the series' as rule,
        'rule_sampling' as rule_key,
        o.article
    from sampling_overdue as o
),
audits as (
    select
        4 as priority,
        'audit_overdue' as kind,
        c.certificate_number,
        'audits ' || c.year as subject,
        'subject_audits' as subject_key,
        json_object('year', c.year) as subject_args,
        c.next_audit_due as due_on,
        c.performed || ' of ' || c.required || ' required visits/audits performed in '
            || c.year as detail,
        'detail_audits' as detail_key,
        json_object('performed', c.performed, 'required', c.required, 'year', c.year)
            as detail_args,
        case c.scheme when 'pkvw' then 'an audit every 18 months'
             else '2 control visits a year, spread (next within 6 months)' end as rule,
        case c.scheme when 'pkvw' then 'rule_audit_pkvw' else 'rule_audit' end as rule_key,
        c.article
    from audit_coverage as c
    join in_force as s using (certificate_number)
    cross join as_of as a
    where c.year = year(a.as_of) and c.next_audit_due < a.as_of
),
unpaid as (
    select
        5 as priority,
        'invoice_unpaid' as kind,
        r.certificate_number,
        r.invoice_id as subject,
        strftime(r.invoice_date, '%Y-%m') as period,
        r.due_date as due_on,
        'open € ' || format('{:.2f}', r.open_amount) || ', interest € '
            || format('{:.2f}', r.late_interest) || ', forfait € '
            || format('{:.2f}', r.forfait) as detail,
        'detail_unpaid' as detail_key,
        -- amounts named *_eur: shown as money in the reader's notation (€ 1.234,50)
        json_object('open_eur', round(r.open_amount, 2), 'interest_eur',
                    round(r.late_interest, 2), 'forfait_eur', round(r.forfait, 2))
            as detail_args,
        'payment within 30 days; late interest at the legal rate and a forfait of 15 %' as rule,
        'rule_unpaid' as rule_key,
        'COPRO TAR 9201 §2.3.2' as article
    from receivables as r
    where r.open_amount > 0 and r.days_overdue > 0
),
mismatches as (
    select
        6 as priority,
        -- a line whose year has no index cannot be checked (TAR 9201 §2.2.11, issue 22): an
        -- item of its own (enter the index), never an amount difference
        case when l.status = 'index_missing' then 'invoice_index_missing'
             else 'invoice_mismatch' end as kind,
        l.certificate_number,
        l.period || ' · ' || l.fee_code as subject,
        l.period,
        last_day((l.period || '-01')::date) as due_on,
        case when l.status = 'index_missing'
             then l.missing_index || ': cannot check, invoiced € '
                  || format('{:.2f}', l.invoiced_excl_vat)
             else l.status || ': expected € ' || format('{:.2f}', l.expected_excl_vat)
                  || ', invoiced € ' || format('{:.2f}', l.invoiced_excl_vat) end as detail,
        case when l.status = 'index_missing' then 'detail_index_missing'
             else 'detail_mismatch' end as detail_key,
        case when l.status = 'index_missing'
             then json_object('index', l.missing_index,
                              'invoiced_eur', round(l.invoiced_excl_vat, 2))
             else json_object('status', l.status,
                              'expected_eur', round(l.expected_excl_vat, 2),
                              'invoiced_eur', round(l.invoiced_excl_vat, 2)) end
            as detail_args,
        case when l.status = 'index_missing'
             then 'the rate of a year is known once its index is (TAR 9201 §2.2.11)'
             else 'invoice lines must match the tariff (expected charges of the month)' end
            as rule,
        case when l.status = 'index_missing' then 'rule_index_missing'
             else 'rule_mismatch' end as rule_key,
        coalesce(l.rule, 'COPRO TAR 9201') as article
    from billing_invoice_check_lines as l, as_of as a
    where l.period < a.as_of_period and l.status <> 'ok'
),
findings as (
    select
        7 as priority,
        'process_finding' as kind,
        f.certificate_number,
        f.subject,
        f.subject_key,
        f.subject_args,
        f.found_on as due_on,
        f.detail,
        f.detail_key,
        f.detail_args,
        'procedural check ' || replace(f."check", '_', ' ') || ' (' || f.severity || ')'
            as rule,
        'rule_process_finding' as rule_key,
        json_object('check', replace(f."check", '_', ' '), 'severity', f.severity)
            as rule_args,
        f.article
    from process_findings as f
    join in_force as s using (certificate_number)
    where f.status = 'open' and f.severity in ('major', 'minor')
),
items as (
    select * from deviations
    union all by name
    select * from suspensions
    union all by name
    select * from sampling
    union all by name
    select * from audits
    union all by name
    select * from unpaid
    union all by name
    select * from mismatches
    union all by name
    select * from findings
),
final as (
    select
        i.priority,
        i.kind,
        i.certificate_number,
        c.scheme,
        i.subject,
        i.due_on,
        (i.due_on - a.as_of)::integer as days,
        -- a process finding's date is the day it was found, not a deadline
        case when i.due_on < a.as_of and i.kind <> 'process_finding'
             then (a.as_of - i.due_on)::integer end as days_overdue,
        i.detail,
        i.rule,
        -- issue 27: detail and rule as a message key of pipelines/i18n/keys.py DETAILS and
        -- its values (JSON), for the reader's language; NULL key: the English as it is
        i.detail_key,
        i.detail_args,
        i.rule_key,
        i.rule_args,
        -- the subject likewise where it has words (NULL key: a code, shown as it is)
        i.subject_key,
        i.subject_args,
        i.article,
        i.site_id,
        i.product,
        i.period
    from items as i
    cross join as_of as a
    left join certificates as c using (certificate_number)
)
select * from final
order by priority, due_on nulls last, certificate_number, subject;
