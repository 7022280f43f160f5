-- billing_attest_fees: one row per person certificate × month × fee code (monthly invoicing) and
-- per person certificate × year × fee code (year-end balance), amounts excluding VAT.
-- COPRO TAR 9201:
--   * §2.2.4.1 audit contribution: €5 per attest delivered, at most 400 attests per full calendar
--     year (monthly lines stop at the cap), at least 50 (year-end balance AUDIT_ATTEST_MIN);
--   * §2.2.6 attest contribution: €20 for the 1st-250th attest of the calendar year, €15 from the
--     251st (marginal tiers, the count restarts each 1 January); minimum the value of 50 attests
--     per calendar year per person certificate (year-end balance ATTEST_MIN);
--   * "De attestbijdragen worden maandelijks gefactureerd. Het saldo wordt aan het einde van het
--     kalenderjaar gefactureerd": monthly lines dated the last day of the month, balances 31 Dec.
-- Our reading of a partial year (the year of issue or of the end): the audit contribution's bounds
-- 50 and 400 apply "per volledig kalenderjaar" (§2.2.4.1), so in a partial year they are pro rata
-- the calendar months in which the certificate was valid on at least one day, rounded half up to
-- whole attests: min = round(50 × months / 12), max = round(400 × months / 12). The attest
-- contribution's minimum of §2.2.6 ("de waarde van 50 attesten per kalenderjaar per
-- persoonscertificaat") does not say "volledig": it is 50 in every calendar year in which the
-- certificate was valid, not pro-rated (issue 8). The 250-attest tier threshold is a count, not
-- pro-rated. A year-end balance exists only for issued person certificates.
-- Attests: activity 'attest' (quantity = number of attests) on a person certificate, or naming a
-- person (person_id) whose person certificate is taken from `persons`.
-- As-of independent, stored as a table (refresh): monthly lines, and year-end balances of every
-- year up to the end of the certificate (ended_on); without an end, up to the stored horizon:
-- the latest of year(current_date) + 1 at refresh time, the year after the issue and the year
-- after the last attest. That last balance is a full year without attests (50 + 50 attests) and
-- so is every later one: billing_yearly_tails keeps it and billing_charges_beyond continues it up
-- to any as-of date. expected_charges keeps the lines dated up to the as-of date, so as of a day
-- inside a year that year's balance (dated 31 December) is not shown yet; it counts the attests
-- of that year only, all dated on or before its 31 December.
-- materialize: table
create or replace view billing_attest_fees as
with horizon as (
    select year(current_date) + 1 as last_year
),
certs as (
    select * from certificates where scheme = 'asbestos_person'
),
attest_rows as (
    select
        case when c.certificate_number is not null then a.certificate_number
             else p.certificate_number end as person_certificate,
        a.activity_date,
        cast(a.quantity as integer) as n_attests,
        coalesce(a.source_file, 'activity') as source_file,
        a.source_line
    from activity as a
    left join certs as c on c.certificate_number = a.certificate_number
    left join persons as p on p.person_id = a.person_id
    where a.activity = 'attest'
),
attests as (
    select * from attest_rows
    where person_certificate in (select certificate_number from certs)
),
monthly as (
    -- source: the attest rows as file:line, or file:first-last line (n rows) — integer min/max
    -- keep this cheap on large stores and deterministic
    select
        person_certificate as certificate_number,
        year(activity_date) as fee_year,
        month(activity_date) as fee_month,
        cast(sum(n_attests) as bigint) as n_month,
        case
            when count(*) = 1 then min(source_file) || ':' || coalesce(min(source_line)::varchar,
                person_certificate || ' ' || strftime(min(activity_date), '%Y-%m'))
            when min(source_file) = max(source_file) and count(source_line) = count(*)
                then min(source_file) || ':' || min(source_line) || '-' || max(source_line)
                     || ' (' || count(*) || ' rows)'
            else 'attest rows of ' || person_certificate || ' '
                 || strftime(min(activity_date), '%Y-%m') || ' (' || count(*) || ' rows, '
                 || min(source_file) || ' .. ' || max(source_file) || ')'
        end as source
    from attests
    group by person_certificate, year(activity_date), month(activity_date)
),
last_attest_years as (
    select person_certificate as certificate_number, max(year(activity_date)) as last_attest_year
    from attests
    group by all
),
cert_years as (
    -- every calendar year in which an issued person certificate was valid on at least one day
    -- (without an end: up to the stored horizon, see the header)
    select
        c.certificate_number,
        y.fee_year,
        case when year(c.issued_on) = y.fee_year then month(c.issued_on) else 1 end as first_month,
        case when year(c.ended_on) = y.fee_year then month(c.ended_on) else 12 end as last_month
    from certs as c
    cross join horizon as h
    left join last_attest_years as la using (certificate_number)
    cross join lateral (
        select unnest(range(year(c.issued_on),
                            coalesce(year(c.ended_on),
                                     greatest(h.last_year, year(c.issued_on) + 1,
                                              coalesce(la.last_attest_year + 1, 0))) + 1))
            as fee_year
    ) as y
    where c.issued_on is not null
),
bounds as (
    select
        *,
        last_month - first_month + 1 as valid_months,
        -- round(50 × months / 12) and round(400 × months / 12), half up, on integers
        (100 * (last_month - first_month + 1) + 12) // 24 as min_attests,
        -- §2.2.6: the attest contribution's minimum is not pro-rated
        50 as attest_min_attests,
        (800 * (last_month - first_month + 1) + 12) // 24 as max_attests
    from cert_years
),
yearly as (
    select certificate_number, fee_year, sum(n_month) as n_year
    from monthly
    group by all
),
with_bounds as (
    select m.*, y.n_year, coalesce(b.max_attests, 400) as max_attests
    from monthly as m
    join yearly as y using (certificate_number, fee_year)
    left join bounds as b using (certificate_number, fee_year)
),
cumulated as (
    -- the attests earlier in the year only matter when the year crosses the 250 tier or the
    -- cap; the running sum (a window) is computed for those years only
    select *, 0::bigint as n_before
    from with_bounds
    where n_year <= least(250, max_attests)
    union all
    select
        *,
        coalesce(sum(n_month) over (
            partition by certificate_number, fee_year order by fee_month
            rows between unbounded preceding and 1 preceding), 0) as n_before
    from with_bounds
    where n_year > least(250, max_attests)
),
month_lines as (
    select certificate_number, fee_year, fee_month, source, 'AUDIT_ATTEST' as fee_code,
        least(n_before + n_month, max_attests) - least(n_before, max_attests) as quantity
    from cumulated
    union all
    select certificate_number, fee_year, fee_month, source, 'ATTEST_T1',
        least(n_before + n_month, 250) - least(n_before, 250)
    from cumulated
    union all
    select certificate_number, fee_year, fee_month, source, 'ATTEST_T2',
        greatest(n_before + n_month, 250) - greatest(n_before, 250)
    from cumulated
),
balance_lines as (
    select
        b.certificate_number,
        b.fee_year,
        12 as fee_month,
        'year-end balance ' || b.fee_year || ': ' || coalesce(y.n_year, 0) || ' attests, minimum '
            || f.minimum || case when f.fee_code = 'AUDIT_ATTEST_MIN'
                                 then ' (' || b.valid_months || ' months valid)'
                                 else ' (TAR 9201 §2.2.6, per calendar year)' end as source,
        f.fee_code,
        f.minimum - coalesce(y.n_year, 0) as quantity
    from bounds as b
    left join yearly as y using (certificate_number, fee_year)
    cross join lateral (
        values ('AUDIT_ATTEST_MIN', b.min_attests), ('ATTEST_MIN', b.attest_min_attests)
    ) as f(fee_code, minimum)
    where coalesce(y.n_year, 0) < f.minimum
),
lines as (
    select *, last_day(make_date(fee_year, fee_month, 1)) as fee_date
    from month_lines
    where quantity > 0
    union all
    select *, make_date(fee_year, 12, 31) as fee_date
    from balance_lines
),
final as (
    select
        l.certificate_number,
        l.fee_date,
        l.fee_code,
        t.description,
        cast(l.quantity as decimal(12, 4)) as quantity,
        r.rate as unit_price,
        cast(round(l.quantity * r.rate, 2) as decimal(12, 2)) as amount_excl_vat,
        1.00::decimal(4, 2) as multiplier,
        r.rate as indexed_rate,
        r.rate_basis,
        r.index_missing,
        t.source as rule,
        l.source
    from lines as l
    join billing_rates as r on r.fee_code = l.fee_code and r.fee_year = l.fee_year
    join ref_tariffs as t on t.fee_code = l.fee_code
)
select * from final;
