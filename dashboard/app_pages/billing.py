"""Billing (finance): expected vs invoiced per certificate and month with the tariff rule
behind each line, receivables by age with interest and forfait, revenue by scheme and fee
type over time. Filters live in the URL (section, period, certificate, bucket, scheme)."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from dashboard import glossary
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
from dashboard.queries import finance as queries
from pipelines.charts import date_format
from pipelines.i18n import _, fmt

ctx = require("billing")
# Rows per detail table: the most relevant first (differences, most overdue); a filter
# narrows the rest down.
TABLE_ROWS = 1_000
st.title(_(glossary.BILLING))
st.caption(_("As of {day}. Expected amounts come from the COPRO TAR 9201 tariff rules; "
             "amounts in euro excluding VAT unless said otherwise.")
           .format(day=fmt.date(ctx.as_of)))

has_no_times = queries.has_view("billing_audits_without_times", ctx.as_of)
sections = [s for s in glossary.BILLING_SECTIONS if s != "no_times" or has_no_times]
section = url_sections(sections, "section", key="bill_section",
                       format_func=lambda s: _(glossary.BILLING_SECTIONS[s]))

certificates = queries.certificate_options(ctx.viewer, ctx.as_of)["certificate_number"]


def certificate_filter(column: st.delta_generator.DeltaGenerator) -> str | None:
    return url_selectbox(_("Certificate"), certificates.to_list(), "certificate",
                         key="bill_certificate", container=column, optional=True,
                         placeholder=_("all certificates"))


if section == "check":
    periods = queries.billing_periods(ctx.viewer, ctx.as_of)
    if not periods:
        st.info(_("No invoices or expected charges up to this date. Invoices arrive through "
                  "the ingestion (`python -m pipelines ingest --kind invoice FILE`)."))
        st.stop()
    differing = queries.check_differences_by_month(ctx.viewer, ctx.as_of)
    f1, f2, f3 = st.columns([1, 1, 1])
    period = url_selectbox(_("Month"), periods, "period", key="bill_period", container=f1,
                           format_func=lambda p: _("{month} · {n} differing").format(
                               month=p, n=differing[p]) if differing.get(p) else p)
    if differing:
        st.caption(_("Certificates with a difference in the 12 months before the as-of month "
                     "(the Overview's tile): {months}.").format(months=", ".join(
                         f"{p}: {n}" for p, n in sorted(differing.items(), reverse=True))))
    certificate = certificate_filter(f2)
    only_diff = url_toggle(_("Only differences"), "diff", key="bill_only_diff", container=f3)

    months = queries.invoice_check(ctx.viewer, ctx.as_of, period, certificate, only_diff)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(_("Expected"), fmt.money(float(months["expected_excl_vat"].sum() or 0)),
              help=_("Lines whose year has no index have no expected amount (COPRO TAR 9201 "
                     "§2.2.11)."))
    m2.metric(_("Invoiced"), fmt.money(float(months["invoiced_excl_vat"].sum() or 0)))
    m3.metric(_("Certificates with a difference"),
              fmt.number(months.filter(pl.col("difference") != 0).height))
    # issue 22: counted apart, never as a difference against the unindexed base rates
    m4.metric(_("Certificates not checkable (index missing)"),
              fmt.number(months.filter(pl.col("n_index_missing") > 0).height))
    st.subheader(_("Per certificate"))
    show_table(months, limit=queries.MAX_ROWS,
               empty=_("No certificate matches: every invoice of this month matches the "
                       "tariff, or nothing was expected or invoiced. Pick another month."))
    st.subheader(_("Per fee code, with the tariff rule"))
    lines = queries.invoice_check_lines(ctx.viewer, ctx.as_of, period, certificate, only_diff,
                                        limit=TABLE_ROWS)
    show_table(lines, limit=TABLE_ROWS, empty=_("No lines for this selection."))
    st.caption(_("Status: {statuses} (VAT rate not 21 %, COPRO TAR 9201 §2.2.10). The month "
                 "is the fee date's for expected charges and the invoice date's for invoice "
                 "lines.").format(statuses="; ".join(
                     map(_, glossary.INVOICE_STATUS.values()))))

elif section == "receivables":
    buckets = queries.receivable_buckets(ctx.viewer, ctx.as_of)
    if buckets.is_empty():
        st.info(_("No open invoices on this date."))
        st.stop()
    # the Overview's two figures, defined once (view receivables_totals)
    owed = queries.receivable_totals(ctx.viewer, ctx.as_of)
    t1, t2, t3 = st.columns(3)
    label, help_text = map(_, glossary.KPI["receivables_outstanding"])
    t1.metric(label, fmt.money(owed["outstanding"]), help=help_text,
              delta=_("{n} invoices").format(n=fmt.number(owed["n_open"])),
              delta_color="off", delta_arrow="off")
    label, help_text = map(_, glossary.KPI["receivables_overdue"])
    # red: the one figure here that needs action
    t2.metric(label, fmt.money(owed["overdue"]), help=help_text,
              delta=_("{n} invoices past due").format(n=fmt.number(owed["n_overdue"])),
              delta_color="inverse" if owed["overdue"] else "off", delta_arrow="off")
    t3.metric(_("Interest + forfait claimable"), fmt.money(owed["claimable"]),
              help=_("Late interest at the legal rate and the forfait of 15 % on overdue "
                     "invoices, also of those paid late (COPRO TAR 9201 §2.3.2)."))
    st.caption(glossary.receivables_note(owed["outstanding"], owed["overdue"],
                                         owed["not_yet_due"]))
    st.subheader(_("By age"))
    order = list(glossary.AGEING)
    # every bucket, also the empty ones, in their own order
    buckets = (pl.DataFrame({"ageing_bucket": order, "order": range(len(order))})
               .join(buckets, on="ageing_bucket", how="left").fill_null(0).sort("order"))
    tiles = st.columns(len(order))
    for column, row in zip(tiles, buckets.iter_rows(named=True), strict=True):
        detail = _("{n} invoices; interest {interest}, forfait {forfait}").format(
            n=fmt.number(row["n_invoices"]), interest=fmt.money(row["late_interest"]),
            forfait=fmt.money(row["forfait"]))
        if row["ageing_bucket"] == glossary.PAID_LATE:
            # paid in full: what is still claimable is the interest and the forfait
            column.metric(_("Paid late: interest + forfait"),
                          fmt.money(row["late_interest"] + row["forfait"]), help=detail)
        else:
            column.metric(_("{bucket} days").format(bucket=row["ageing_bucket"]),
                          fmt.money(row["open_amount"]), help=detail)
    # paid late has nothing open and no days overdue: its tile says what is claimable
    overdue_order = [b for b in order if b != glossary.PAID_LATE]
    chart = alt.Chart(buckets.filter(pl.col("ageing_bucket") != glossary.PAID_LATE)).mark_bar(
    ).encode(
        x=alt.X("ageing_bucket:N", title=_("days overdue"), sort=overdue_order,
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("open_amount:Q", title=_("open (€)")),
        tooltip=["ageing_bucket:N", "n_invoices:Q",
                 alt.Tooltip("open_amount:Q", format=",.2f"),
                 alt.Tooltip("late_interest:Q", format=",.2f"),
                 alt.Tooltip("forfait:Q", format=",.2f")],
    ).properties(title=_("Open amount by age"), height=220)
    st.altair_chart(unvalidated(chart), width="stretch")
    show_table(buckets.drop("order"))
    f1, f2 = st.columns(2)
    chosen = url_multiselect(_("Ageing"), order, "bucket", key="bill_buckets", container=f1,
                             placeholder=_("every bucket"), format_func=glossary.label)
    certificate = certificate_filter(f2)
    rows = queries.receivables(ctx.viewer, ctx.as_of, tuple(chosen), certificate,
                               limit=TABLE_ROWS)
    show_table(rows, limit=TABLE_ROWS, empty=_("No open invoice matches these filters."))
    st.caption(_("COPRO TAR 9201 §2.3.2: payment within 30 days; late interest at the legal "
                 "rate and a forfait of 15 %. 0–30 includes invoices not yet due; 'paid late' "
                 "are paid invoices whose interest or forfait is still open."))

elif section == "revenue":
    frame = queries.revenue(ctx.viewer, ctx.as_of)
    if frame.is_empty():
        st.info(_("No revenue yet: no invoices or expected charges up to this date."))
        st.stop()
    schemes = choices(frame, "scheme")
    years = [str(y) for y in frame["year"].unique().sort().to_list()]
    f1, f2, f3 = st.columns(3)
    chosen = url_multiselect(_("Scheme"), schemes, "scheme", key="rev_schemes", container=f1,
                             placeholder=_("all"),
                             format_func=lambda s: glossary.value_label("scheme", s))
    # from two years before the last one, else the first year there is
    from_year = url_selectbox(_("From year"), years, "from", key="rev_from", container=f2,
                              default=str(int(years[-1]) - 2)) or years[0]
    side = url_segmented(_("Amounts"), ["invoiced", "expected"], "amounts", key="rev_side",
                         container=f3, format_func=lambda s: _(glossary.TRENDS[s]))
    frame = queries.revenue(ctx.viewer, ctx.as_of, tuple(chosen), int(from_year))
    value = f"{side}_excl_vat"
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("yearmonth(month):T", title=None, axis=alt.Axis(format=date_format("month"))),
        y=alt.Y(f"sum({value}):Q", title=_("{amounts} (€ excl. VAT)").format(
            amounts=_(glossary.TRENDS[side]))),
        color=alt.Color("fee_type:N", title=_("fee type"), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("yearmonth(month):T", title=_("month"),
                                 format=date_format("month")),
                 "fee_type:N", alt.Tooltip(f"sum({value}):Q", format=",.2f")],
    ).properties(title=_("Revenue per month by fee type"), height=300)
    st.altair_chart(unvalidated(chart), width="stretch")
    st.subheader(_("Per fee code"))
    per_code = queries.revenue_by_fee_code(ctx.viewer, ctx.as_of, tuple(chosen), int(from_year))
    show_table(per_code, empty=_("No fees expected or invoiced for this selection."))
    st.caption(_("Fee type = the prefix of the fee code (data/reference/ref_tariffs.csv). "
                 "Expected: month of the fee date (fees up to the as-of date); invoiced: "
                 "month of the invoice date."))

elif section == "no_times":
    rows = queries.audits_without_times(ctx.viewer, ctx.as_of)
    if rows.is_empty():
        st.success(_("Every audit has a start and end time."))
    else:
        show_table(rows, limit=queries.MAX_ROWS)
    st.caption(_("Audits without a start or end time cannot be charged by the hour or with "
                 "the off-hours multiplier; ask the inspector for the times."))
