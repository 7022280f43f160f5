-- billing_invoice_check_lines: one row per certificate × period (YYYY-MM) × fee code where the
-- expected charges (expected_charges, COPRO TAR 9201, fees dated up to the as-of date) and the
-- invoiced lines meet, with the difference and the rule (article) that produced the expected
-- amount.
-- Period: the month of fee_date for expected charges and the month of invoice_date for invoice
-- lines: TAR 9201 invoices monthly (§2.2.4.1, §2.2.6), yearly contributions at the start of the
-- year (§2.2.3), so an invoice carries the fees of its own month.
-- status: ok / missing (expected, not invoiced) / not_expected (invoiced, no rule produced it) /
-- amount_differs / vat_differs (amounts equal, VAT rate not 21 % §2.2.10 or VAT amount off) /
-- index_missing: the fee's year has no index (§2.2.11, issue 22): no expected amount, so the line
-- cannot be checked — expected_excl_vat, expected_vat and difference are null (never a difference
-- against the unindexed 2023 base rates); missing_index names the index.
-- The as-of date only cuts the expected side (as expected_charges does): the months before the
-- as-of month are taken whole from the stored billing_invoice_comparison, the as-of month is
-- recomputed with the fees dated up to the as-of date, and in later months no fee is expected
-- yet (their invoice lines show as not_expected). The yearly fees after the stored years
-- (billing_charges_beyond, §2.2.3.2, §2.2.4.1, §2.2.6) are recomputed with the as-of month.
create or replace view billing_invoice_check_lines as
with as_of as (
    select as_of, strftime(as_of, '%Y-%m') as as_of_period from as_of_date
),
beyond as (
    -- the yearly fees after the stored years (billing_charges_beyond; empty up to them)
    select * from billing_charges_beyond
),
beyond_keys as (
    select distinct certificate_number, period, fee_code from beyond
),
before_as_of_month as (
    -- keys with a yearly fee after the stored years are recomputed (as_of_month below); only
    -- the yearly fee codes can be among them, so only those rows meet the anti join
    select c.*
    from billing_invoice_comparison as c, as_of as a
    where c.period < a.as_of_period
      and not coalesce(c.fee_code in ('CERT_ONE', 'CERT_1_6', 'CERT_GT6', 'AUDIT_ATTEST_MIN',
                                      'ATTEST_MIN'), false)
    union all
    select c.*
    from billing_invoice_comparison as c
    cross join as_of as a
    anti join beyond_keys as b using (certificate_number, period, fee_code)
    where c.period < a.as_of_period
      and c.fee_code in ('CERT_ONE', 'CERT_1_6', 'CERT_GT6', 'AUDIT_ATTEST_MIN', 'ATTEST_MIN')
),
after_as_of_month as (
    select
        c.certificate_number,
        c.period,
        c.fee_code,
        0::decimal(14, 2) as expected_excl_vat,
        c.invoiced_excl_vat,
        0::decimal(14, 2) as expected_vat,
        c.invoiced_vat,
        null::decimal(38, 4) as expected_quantity,
        c.invoiced_quantity,
        0::bigint as expected_lines,
        c.invoiced_lines,
        c.vat_rate_ok,
        t.source as rule,
        null::varchar as expected_source,
        c.invoice_lines,
        0::bigint as expected_index_missing,
        null::varchar as missing_index
    from billing_invoice_comparison as c
    cross join as_of as a
    left join ref_tariffs as t on t.fee_code = c.fee_code
    where c.period > a.as_of_period and c.invoiced_lines > 0
),
month_expected as (
    -- the as-of month: its fees dated up to the as-of date (same aggregation as the comparison)
    select
        e.certificate_number,
        e.period,
        e.fee_code,
        sum(e.amount_excl_vat) as expected_excl_vat,
        sum(e.vat) as expected_vat,
        sum(e.quantity) as expected_quantity,
        count(*) as expected_lines,
        count(*) filter (where e.index_missing) as expected_index_missing,
        min(e.rate_basis) filter (where e.index_missing) as missing_index,
        any_value(e.rule) as rule,
        min(e.source) || case when count(*) > 1 then ' (+' || (count(*) - 1) || ' more)'
                              else '' end as expected_source
    from (
        select c.* from billing_charges as c, as_of as a
        where c.period = a.as_of_period and c.fee_date <= a.as_of
        union all by name
        select * from beyond
    ) as e
    group by e.certificate_number, e.period, e.fee_code
),
month_invoiced as (
    select v.*
    from billing_invoiced_months as v, as_of as a
    where v.period = a.as_of_period
    union all
    select v.*
    from billing_invoiced_months as v
    cross join as_of as a
    semi join beyond_keys as b using (certificate_number, period, fee_code)
    where v.period < a.as_of_period
),
as_of_month as (
    select
        coalesce(e.certificate_number, v.certificate_number) as certificate_number,
        coalesce(e.period, v.period) as period,
        coalesce(e.fee_code, v.fee_code) as fee_code,
        case when e.expected_index_missing > 0 then null
             else coalesce(e.expected_excl_vat, 0) end::decimal(14, 2) as expected_excl_vat,
        coalesce(v.invoiced_excl_vat, 0)::decimal(14, 2) as invoiced_excl_vat,
        case when e.expected_index_missing > 0 then null
             else coalesce(e.expected_vat, 0) end::decimal(14, 2) as expected_vat,
        coalesce(v.invoiced_vat, 0)::decimal(14, 2) as invoiced_vat,
        e.expected_quantity,
        v.invoiced_quantity,
        coalesce(e.expected_lines, 0) as expected_lines,
        coalesce(v.invoiced_lines, 0) as invoiced_lines,
        v.vat_rate_ok,
        coalesce(e.rule, t.source) as rule,
        e.expected_source,
        v.invoice_lines,
        coalesce(e.expected_index_missing, 0) as expected_index_missing,
        e.missing_index
    from month_expected as e
    full outer join month_invoiced as v using (certificate_number, period, fee_code)
    left join ref_tariffs as t on t.fee_code = coalesce(e.fee_code, v.fee_code)
),
joined as (
    select * from before_as_of_month
    union all by name
    select * from as_of_month
    union all by name
    select * from after_as_of_month
),
final as (
    select
        certificate_number,
        period,
        fee_code,
        expected_excl_vat,
        invoiced_excl_vat,
        invoiced_excl_vat - expected_excl_vat as difference,
        expected_vat,
        invoiced_vat,
        invoiced_vat - expected_vat as vat_difference,
        expected_quantity,
        invoiced_quantity,
        expected_lines,
        invoiced_lines,
        case
            when expected_index_missing > 0 then 'index_missing'
            when invoiced_lines = 0 then 'missing'
            when expected_lines = 0 then 'not_expected'
            when invoiced_excl_vat <> expected_excl_vat then 'amount_differs'
            when not vat_rate_ok or invoiced_vat <> expected_vat then 'vat_differs'
            else 'ok'
        end as status,
        rule,
        expected_source,
        invoice_lines,
        expected_index_missing,
        missing_index
    from joined
)
select * from final;
