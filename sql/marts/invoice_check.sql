-- invoice_check: one row per certificate × period (YYYY-MM) — expected charges (COPRO TAR 9201,
-- view expected_charges) against invoiced amounts (invoice_lines by invoice month, a credit note's
-- lines with the invoice they correct), excluding VAT, difference = invoiced − expected. The
-- fee-code level detail, with the rule that produced the expected amount, is
-- billing_invoice_check_lines.
-- A fee code whose year has no index (§2.2.11, issue 22; line status index_missing) cannot be
-- checked: the month's expected_excl_vat and expected_vat are then null (not known), difference
-- sums the lines that can be checked only (null when none can), n_index_missing counts the lines
-- that cannot, unchecked_invoiced_excl_vat is what was invoiced on them, index_missing_lines
-- names them. n_line_differences / line_differences list the checked lines that differ.
create or replace view invoice_check as
with lines as (
    select *, status = 'index_missing' as unchecked from billing_invoice_check_lines
),
final as (
    select
        certificate_number,
        period,
        cast(case when bool_or(unchecked) then null else sum(expected_excl_vat) end
             as decimal(14, 2)) as expected_excl_vat,
        cast(sum(invoiced_excl_vat) as decimal(14, 2)) as invoiced_excl_vat,
        cast(sum(difference) filter (where not unchecked) as decimal(14, 2)) as difference,
        cast(case when bool_or(unchecked) then null else sum(expected_vat) end
             as decimal(14, 2)) as expected_vat,
        cast(sum(invoiced_vat) as decimal(14, 2)) as invoiced_vat,
        count(*) filter (where status not in ('ok', 'index_missing')) as n_line_differences,
        array_to_string(list_sort(
            list(fee_code || ' ' || status) filter (where status not in ('ok', 'index_missing'))),
            ', ') as line_differences,
        count(*) filter (where unchecked) as n_index_missing,
        cast(coalesce(sum(invoiced_excl_vat) filter (where unchecked), 0) as decimal(14, 2))
            as unchecked_invoiced_excl_vat,
        array_to_string(list_sort(
            list(fee_code || ' (' || missing_index || ')') filter (where unchecked)), ', ')
            as index_missing_lines,
        -- issue 27: line_differences as a message key of pipelines/i18n/keys.py DETAILS and
        -- its values (each line's fee code and status code), for the reader's language
        case when count(*) filter (where status not in ('ok', 'index_missing')) > 0
             then 'line_differences' end as line_differences_key,
        json_object('items', list(json_object('key', 'line_difference', 'args',
                                              json_object('fee_code', fee_code,
                                                          'status', status))
                                  order by fee_code || ' ' || status)
                             filter (where status not in ('ok', 'index_missing')))
            as line_differences_args
    from lines
    group by certificate_number, period
)
select * from final;
