"""Billing (finance): expected vs invoiced per certificate and month with the tariff rule
behind each line, receivables by age with interest and forfait, revenue by scheme and fee
type over time. Filters live in the URL (section, period, certificate, bucket, scheme)."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from dashboard import glossary, queries
from dashboard.app_pages.common import (
    choices,
    require,
    show_table,
    unvalidated,
    url_multiselect,
    url_sections,
    url_segmented,
    url_selectbox,
    url_toggle,
)

ctx = require("billing")
# Rows per detail table: the most relevant first (differences, most overdue); a filter
# narrows the rest down.
TABLE_ROWS = 1_000
st.title(glossary.BILLING)
st.caption(f"As of {ctx.as_of:%Y-%m-%d}. Expected amounts come from the COPRO TAR 9201 "
           "tariff rules; amounts in euro excluding VAT unless said otherwise.")

has_no_times = queries.has_view("billing_audits_without_times", ctx.as_of)
sections = [s for s in glossary.BILLING_SECTIONS if s != "no_times" or has_no_times]
section = url_sections(sections, "section", key="bill_section",
                       format_func=glossary.BILLING_SECTIONS.__getitem__)

certificates = queries.certificate_options(ctx.viewer, ctx.as_of)["certificate_number"]


def certificate_filter(column: st.delta_generator.DeltaGenerator) -> str | None:
    return url_selectbox("Certificate", certificates.to_list(), "certificate",
                         key="bill_certificate", container=column, optional=True,
                         placeholder="all certificates")


if section == "check":
    periods = queries.billing_periods(ctx.viewer, ctx.as_of)
    if not periods:
        st.info("No invoices or expected charges up to this date. Invoices arrive through "
                "the ingestion (`python -m pipelines ingest --kind invoice FILE`).")
        st.stop()
    differing = queries.check_differences_by_month(ctx.viewer, ctx.as_of)
    f1, f2, f3 = st.columns([1, 1, 1])
    period = url_selectbox("Month", periods, "period", key="bill_period", container=f1,
                           format_func=lambda p: f"{p} · {differing[p]} differing"
                           if differing.get(p) else p)
    if differing:
        st.caption("Certificates with a difference in the 12 months before the as-of month "
                   "(the Overview's tile): " + ", ".join(
                       f"{p}: {n}" for p, n in sorted(differing.items(), reverse=True)) + ".")
    certificate = certificate_filter(f2)
    only_diff = url_toggle("Only differences", "diff", key="bill_only_diff", container=f3)

    months = queries.invoice_check(ctx.viewer, ctx.as_of, period, certificate, only_diff)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Expected", f"€ {float(months['expected_excl_vat'].sum() or 0):,.2f}",
              help="Lines whose year has no index have no expected amount (COPRO TAR 9201 "
                   "§2.2.11).")
    m2.metric("Invoiced", f"€ {float(months['invoiced_excl_vat'].sum() or 0):,.2f}")
    m3.metric("Certificates with a difference",
              f"{months.filter(pl.col('difference') != 0).height:,}")
    # issue 22: counted apart, never as a difference against the unindexed base rates
    m4.metric("Certificates not checkable (index missing)",
              f"{months.filter(pl.col('n_index_missing') > 0).height:,}")
    st.subheader("Per certificate")
    show_table(months, limit=queries.MAX_ROWS,
               empty="No certificate matches: every invoice of this month matches the tariff, "
                     "or nothing was expected or invoiced. Pick another month.")
    st.subheader("Per fee code, with the tariff rule")
    lines = queries.invoice_check_lines(ctx.viewer, ctx.as_of, period, certificate, only_diff,
                                        limit=TABLE_ROWS)
    show_table(lines, limit=TABLE_ROWS, empty="No lines for this selection.")
    st.caption("Status: " + "; ".join(glossary.INVOICE_STATUS.values())
               + " (VAT rate not 21 %, COPRO TAR 9201 §2.2.10). The month is the fee date's "
               "for expected charges and the invoice date's for invoice lines.")

elif section == "receivables":
    buckets = queries.receivable_buckets(ctx.viewer, ctx.as_of)
    if buckets.is_empty():
        st.info("No open invoices on this date.")
        st.stop()
    # the Overview's two figures, defined once (view receivables_totals)
    owed = queries.receivable_totals(ctx.viewer, ctx.as_of)
    t1, t2, t3 = st.columns(3)
    label, help_text = glossary.KPI["receivables_outstanding"]
    t1.metric(label, f"€ {owed['outstanding']:,.2f}", help=help_text,
              delta=f"{owed['n_open']:,} invoices", delta_color="off", delta_arrow="off")
    label, help_text = glossary.KPI["receivables_overdue"]
    # red: the one figure here that needs action
    t2.metric(label, f"€ {owed['overdue']:,.2f}", help=help_text,
              delta=f"{owed['n_overdue']:,} invoices past due",
              delta_color="inverse" if owed["overdue"] else "off", delta_arrow="off")
    t3.metric("Interest + forfait claimable", f"€ {owed['claimable']:,.2f}",
              help="Late interest at the legal rate and the 15 % forfait on overdue "
                   "invoices, also of those paid late (COPRO TAR 9201 §2.3.2).")
    st.caption(glossary.RECEIVABLES_NOTE.format(**owed))
    st.subheader("By age")
    order = list(glossary.AGEING)
    # every bucket, also the empty ones, in their own order
    buckets = (pl.DataFrame({"ageing_bucket": order, "order": range(len(order))})
               .join(buckets, on="ageing_bucket", how="left").fill_null(0).sort("order"))
    tiles = st.columns(len(order))
    for column, row in zip(tiles, buckets.iter_rows(named=True), strict=True):
        detail = (f"{row['n_invoices']:,} invoices; interest € {row['late_interest']:,.2f}, "
                  f"forfait € {row['forfait']:,.2f}")
        if row["ageing_bucket"] == glossary.PAID_LATE:
            # paid in full: what is still claimable is the interest and the forfait
            column.metric("Paid late: interest + forfait",
                          f"€ {row['late_interest'] + row['forfait']:,.2f}", help=detail)
        else:
            column.metric(f"{row['ageing_bucket']} days", f"€ {row['open_amount']:,.2f}",
                          help=detail)
    # paid late has nothing open and no days overdue: its tile says what is claimable
    overdue_order = [b for b in order if b != glossary.PAID_LATE]
    chart = alt.Chart(buckets.filter(pl.col("ageing_bucket") != glossary.PAID_LATE)).mark_bar(
    ).encode(
        x=alt.X("ageing_bucket:N", title="days overdue", sort=overdue_order,
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("open_amount:Q", title="open (€)"),
        tooltip=["ageing_bucket:N", "n_invoices:Q",
                 alt.Tooltip("open_amount:Q", format=",.2f"),
                 alt.Tooltip("late_interest:Q", format=",.2f"),
                 alt.Tooltip("forfait:Q", format=",.2f")],
    ).properties(title="Open amount by age", height=220)
    st.altair_chart(unvalidated(chart), width="stretch")
    show_table(buckets.drop("order"))
    f1, f2 = st.columns(2)
    chosen = url_multiselect("Ageing", order, "bucket", key="bill_buckets", container=f1,
                             placeholder="every bucket")
    certificate = certificate_filter(f2)
    rows = queries.receivables(ctx.viewer, ctx.as_of, tuple(chosen), certificate,
                               limit=TABLE_ROWS)
    show_table(rows, limit=TABLE_ROWS, empty="No open invoice matches these filters.")
    st.caption("COPRO TAR 9201 §2.3.2: payment within 30 days; late interest at the legal "
               "rate and a forfait of 15 %. 0–30 includes invoices not yet due; 'paid late' "
               "are paid invoices whose interest or forfait is still open.")

elif section == "revenue":
    frame = queries.revenue(ctx.viewer, ctx.as_of)
    if frame.is_empty():
        st.info("No revenue yet: no invoices or expected charges up to this date.")
        st.stop()
    schemes = choices(frame, "scheme")
    years = [str(y) for y in frame["year"].unique().sort().to_list()]
    f1, f2, f3 = st.columns(3)
    chosen = url_multiselect("Scheme", schemes, "scheme", key="rev_schemes", container=f1,
                             placeholder="all",
                             format_func=lambda s: glossary.value_label("scheme", s))
    # from two years before the last one, else the first year there is
    from_year = url_selectbox("From year", years, "from", key="rev_from", container=f2,
                              default=str(int(years[-1]) - 2)) or years[0]
    side = url_segmented("Amounts", ["invoiced", "expected"], "amounts", key="rev_side",
                         container=f3)
    frame = queries.revenue(ctx.viewer, ctx.as_of, tuple(chosen), int(from_year))
    value = f"{side}_excl_vat"
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("yearmonth(month):T", title=None, axis=alt.Axis(format="%Y-%m")),
        y=alt.Y(f"sum({value}):Q", title=f"{side} (€ excl. VAT)"),
        color=alt.Color("fee_type:N", title="fee type", legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("yearmonth(month):T", title="month", format="%Y-%m"),
                 "fee_type:N", alt.Tooltip(f"sum({value}):Q", format=",.2f")],
    ).properties(title="Revenue per month by fee type", height=300)
    st.altair_chart(unvalidated(chart), width="stretch")
    st.subheader("Per fee code")
    per_code = queries.revenue_by_fee_code(ctx.viewer, ctx.as_of, tuple(chosen), int(from_year))
    show_table(per_code, empty="No fees expected or invoiced for this selection.")
    st.caption("Fee type = the prefix of the fee code (data/reference/ref_tariffs.csv). "
               "Expected: month of the fee date (fees up to the as-of date); invoiced: month "
               "of the invoice date.")

elif section == "no_times":
    rows = queries.audits_without_times(ctx.viewer, ctx.as_of)
    if rows.is_empty():
        st.success("Every audit has a start and end time.")
    else:
        show_table(rows, limit=queries.MAX_ROWS)
    st.caption("Audits without a start or end time cannot be charged by the hour or with "
               "the off-hours multiplier; ask the inspector for the times.")
