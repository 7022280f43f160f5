-- billing_invoice_comparison: one row per certificate × period (YYYY-MM) × fee code where the
-- expected charges of every date (billing_charges, COPRO TAR 9201) and the invoiced lines
-- (billing_invoiced_months) meet, before any as-of cut. Period: the month of fee_date for
-- expected charges, the month of invoice_date for invoice lines (TAR 9201 invoices monthly,
-- §2.2.4.1, §2.2.6; yearly contributions at the start of the year, §2.2.3).
-- A fee whose index is missing (billing_charges.index_missing, §2.2.11, issue 22) has no amount:
-- its key's expected_excl_vat and expected_vat are null and expected_index_missing counts its
-- lines (missing_index names the index), so the check says it cannot check them.
-- As-of independent: stored as a table by pipelines.store.refresh; billing_invoice_check_lines
-- applies the as-of date (whole months before it from here, its own month recomputed) and
-- derives the status.
-- materialize: table
create or replace view billing_invoice_comparison as
with expected as (
    select
        certificate_number,
        period,
        fee_code,
        sum(amount_excl_vat) as expected_excl_vat,
        sum(vat) as expected_vat,
        sum(quantity) as expected_quantity,
        count(*) as expected_lines,
        count(*) filter (where index_missing) as expected_index_missing,
        min(rate_basis) filter (where index_missing) as missing_index,
        any_value(rule) as rule,
        -- the first source row (lowest) and how many more: cheap on large stores, deterministic
        min(source) || case when count(*) > 1 then ' (+' || (count(*) - 1) || ' more)' else '' end
            as expected_source
    from billing_charges
    group by certificate_number, period, fee_code
),
invoiced as (
    select * from billing_invoiced_months
),
final as (
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
    from expected as e
    full outer join invoiced as v using (certificate_number, period, fee_code)
    left join ref_tariffs as t on t.fee_code = coalesce(e.fee_code, v.fee_code)
    -- stored by period: the as-of cut of billing_invoice_check_lines skips whole row groups
    order by period
)
select * from final;
