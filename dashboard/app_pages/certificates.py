"""Certificates and audits: register, per-certificate status timeline, audits required vs
performed, the afwijkingen register, PKVW trede, complaints, production stops and the
public register. Filters live in the URL (scheme, status, certificate, section)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import polars as pl
import streamlit as st

from dashboard import glossary
from dashboard.app_pages.common import (
    choices,
    displayed,
    require,
    show_table,
    unvalidated,
    url_multiselect,
    url_sections,
    url_selectbox,
    url_toggle,
)
from dashboard.queries import certificates as queries
from pipelines.charts import date_format
from pipelines.i18n import _, fmt

ctx = require("certificates")
STYLED_ROWS = 200
st.title(_(glossary.CERTIFICATES))
st.caption(_("As of {day}. Every status is computed by the lifecycle rules as it stood on "
             "this date.").format(day=fmt.date(ctx.as_of)))

options = queries.certificate_options(ctx.viewer, ctx.as_of)
if options.is_empty():
    st.info(_("No certificates in the store yet. Ingest the certificate master data first "
              "(`python -m pipelines ingest --kind certificate FILE`)."))
    st.stop()

schemes = choices(options, "scheme")
statuses = [s for s in glossary.STATUS if s in set(options["status"].to_list())]
sections = list(glossary.CERT_SECTIONS)
STATUS_WORDS = {code: _(words) for code, words in glossary.STATUS.items()}

section = url_sections(sections, "section", key="cert_section",
                       format_func=lambda s: _(glossary.CERT_SECTIONS[s]))

f1, f2, f3 = st.columns([1, 1, 1])
chosen_schemes = url_multiselect(_("Scheme"), schemes, "scheme", key="cert_schemes",
                                 container=f1, placeholder=_("all"),
                                 format_func=lambda s: glossary.value_label("scheme", s))
chosen_statuses = url_multiselect(_("Status"), statuses, "status", key="cert_statuses",
                                  container=f2, placeholder=_("all"),
                                  format_func=lambda s: STATUS_WORDS.get(s, s))
scope = options
if chosen_schemes:
    scope = scope.filter(pl.col("scheme").is_in(chosen_schemes))
if chosen_statuses:
    scope = scope.filter(pl.col("status").is_in(chosen_statuses))
# a certificate outside the scheme and status filters is dropped from the picker
certificate = url_selectbox(_("Certificate"), scope["certificate_number"].to_list(),
                            "certificate", key="cert_number", container=f3, optional=True,
                            placeholder=_("all certificates"))
scheme_filter = tuple(chosen_schemes)


def status_color() -> alt.Scale:
    return alt.Scale(domain=list(STATUS_WORDS.values()),
                     range=["#9e9e9e", "#2ca02c", "#ff7f0e", "#d62728", "#8c564b"])


if section == "register":
    register = queries.certificate_register(ctx.viewer, ctx.as_of, scheme_filter,
                                            tuple(chosen_statuses))
    if certificate:
        register = register.filter(pl.col("certificate_number") == certificate)
    m1, m2, m3 = st.columns(3)
    m1.metric(_("Certificates"), fmt.number(register.height))
    m2.metric(_("Suspended"), fmt.number(register.filter(pl.col("status") == "suspended").height))
    m3.metric(_("In admission"),
              fmt.number(register.filter(pl.col("status") == "in_admission").height))
    if register.is_empty():
        st.info(_("No certificate matches these filters; clear a filter to see more."))
    else:
        st.session_state["_register_numbers"] = register["certificate_number"].to_list()

        def open_selected() -> None:
            # Runs before the next render, so the picker and section may still be set.
            rows = st.session_state["register_table"].selection.rows
            if rows:
                st.session_state["cert_number"] = st.session_state["_register_numbers"][rows[0]]
                st.session_state["cert_section"] = "detail"

        show_table(register, queries.MAX_ROWS, key="register_table", on_select=open_selected,
                   selection_mode="single-row")
        st.caption(_("Select a row (the box at its left) to open the certificate's status "
                     "timeline with reasons and articles."))

elif section == "detail":
    if not certificate:
        st.info(_("Pick a certificate in the filter above to see its status timeline."))
        st.stop()
    history = queries.status_history(ctx.viewer, ctx.as_of, certificate)
    current = options.filter(pl.col("certificate_number") == certificate).row(0, named=True)
    m1, m2, m3 = st.columns(3)
    m1.metric(_("Status"), glossary.value_label("status", current["status"]))
    m2.metric(_("Scheme"), glossary.value_label("scheme", current["scheme"]))
    ending = queries.suspension_withdrawal(ctx.viewer, ctx.as_of, certificate)
    if not ending.is_empty() and ending["withdrawal_on"][0] is not None:
        row = ending.row(0, named=True)
        m3.metric(_("Withdrawn or lapsed on, unless lifted"), fmt.date(row["withdrawal_on"]),
                  delta=_("in {n} days").format(n=fmt.number(row["days_to_withdrawal"])),
                  delta_color="off", delta_arrow="off",
                  help=_("Rule: {article}").format(article=row["article"]))
    if history.is_empty():
        st.info(_("No status change on or before this date: the certificate is still in "
                  "admission."))
    else:
        bars = history.with_columns(
            pl.col("status_until").fill_null(ctx.as_of).alias("until"),
            pl.col("status").replace(STATUS_WORDS).alias("status_label"),
        )
        chart = alt.Chart(bars).mark_bar(height=26).encode(
            x=alt.X("status_since:T", title=None, axis=alt.Axis(format=date_format("month"))),
            x2="until:T",
            y=alt.Y("status_label:N", title=None, sort=list(STATUS_WORDS.values())),
            color=alt.Color("status_label:N", title=None, scale=status_color(),
                            legend=None),
            tooltip=[alt.Tooltip("status_label:N", title=_("status")),
                     alt.Tooltip("status_since:T", title=_("since"), format=date_format()),
                     alt.Tooltip("until:T", title=_("until"), format=date_format()),
                     "reason:N", "article:N"],
        ).properties(title=_("Status timeline"), height=200)
        st.altair_chart(unvalidated(chart), width="stretch")
        st.caption(_("Each bar is a period in one status; hover for the reason and article. "
                     "The last period runs to the as-of date."))
        show_table(history)
    open_deviations = queries.deviations(ctx.viewer, ctx.as_of, (), certificate,
                                         only_open=True)
    if not open_deviations.is_empty():
        st.subheader(_("Open deviations"))
        st.caption(_("Correcting these by their deadline keeps (or brings back) the "
                     "certificate's status."))
        show_table(open_deviations)
    findings = queries.process_findings(ctx.viewer, ctx.as_of, (), certificate).filter(
        pl.col("status") == "open")
    if not findings.is_empty():
        st.subheader(_("Open findings of the process checks"))
        st.caption(_(glossary.PROCESS_CHECKS_HELP))
        show_table(findings)
    st.subheader(_("Lifecycle events"))
    events = queries.lifecycle_events(ctx.viewer, ctx.as_of, certificate)
    if events.is_empty():
        st.info(_("No lifecycle events for this certificate on or before the as-of date."))
    else:
        show_table(events)  # event_kind in words (glossary.EVENT_KINDS)

elif section == "audits":
    per_year = queries.audit_coverage_years(ctx.viewer, ctx.as_of, scheme_filter, certificate)
    if per_year.is_empty():
        st.info(_("No audit requirements yet for this selection (a certificate must be "
                  "issued on or before the as-of date)."))
        st.stop()
    long = per_year.unpivot(index=["scheme", "year"], on=["required", "performed"],
                            variable_name="measure", value_name="audits").with_columns(
        pl.col("measure").replace({"required": glossary.header("required"),
                                   "performed": glossary.header("performed")}))
    chart = alt.Chart(long).mark_bar().encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        xOffset="measure:N",
        y=alt.Y("sum(audits):Q", title=_("visits / audits / dwellings")),
        # title "" (not None, which Streamlit turns into " "): no empty title row
        color=alt.Color("measure:N", legend=alt.Legend(orient="bottom", title="")),
        tooltip=["year:O", "scheme:N", "measure:N", "sum(audits):Q"],
    ).properties(
        title=_("Required vs performed per year"), height=260,
        # Streamlit's default autosize "fit" squeezed the plot to ~80 px, and the y-axis
        # title, longer than that, pushed the chart's title up under the filters. "fit-x"
        # fits the width only: the plot gets the height.
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    st.altair_chart(unvalidated(chart), width="stretch")
    st.caption(_("BRL 9341 §8.6, §7.2, §5.5 (control and depot visits, supervised "
                 "sampling); CCV PKVW §4.2.2 and bijlage 4 (audits, sample dwellings)."))
    rows = queries.audit_coverage(ctx.viewer, ctx.as_of, scheme_filter, certificate)
    show_table(rows, limit=queries.MAX_ROWS)

elif section == "deviations":
    only_open = url_toggle(_("Only open deviations"), "open", key="dev_open")
    # Open ones first; coloured rows cost time to draw, so at most STYLED_ROWS of them.
    rows = queries.deviations(ctx.viewer, ctx.as_of, scheme_filter, certificate, only_open,
                              limit=STYLED_ROWS)
    if rows.is_empty():
        st.info(_("No deviations for this selection on the as-of date."))
        st.stop()
    m1, m2, m3 = st.columns(3)
    m1.metric(_("Past deadline"),
              fmt.number(rows.filter(pl.col("urgency") == "past_due").height))
    m2.metric(_("Due within 14 days"),
              fmt.number(rows.filter(pl.col("urgency") == "due_14d").height))
    m3.metric(_("Escalated B → A"), fmt.number(rows.filter(pl.col("escalated")).height))
    # the styler sees the words the table shows: the urgency in the reader's language
    colours = {_(glossary.URGENCY["past_due"]): "background-color: #f8d7da",
               _(glossary.URGENCY["due_14d"]): "background-color: #fff3cd"}

    def paint(frame: pd.DataFrame) -> pd.DataFrame:
        # one CSS value per cell, the whole row coloured by its urgency
        css = frame["urgency"].map(colours).fillna("")
        return pd.DataFrame({column: css for column in frame.columns}, index=frame.index)

    # the styler is drawn from the frame as the table shows it (codes in words)
    styler = displayed(rows).to_pandas().style
    show_table(rows, limit=STYLED_ROWS, styler=styler.apply(paint, axis=None))
    st.caption(_("Red: deadline passed, still open. Amber: due within 14 days. Correction "
                 "deadline A 2 months, B 3 months, one extension of 2 months; a B on a "
                 "requirement that had one at the previous assessment counts as A "
                 "(CCV PKVW §4.3.1-§4.3.4)."))

elif section == "pkvw":
    st.subheader(_("Sample inspections (step)"))
    steps = queries.pkvw_sample_steps(ctx.viewer, ctx.as_of, certificate)
    show_table(steps, limit=queries.MAX_ROWS,
               empty=_("No PKVW sample inspections for this selection."))
    st.caption(_("CCV PKVW bijlage 4: step 0 = the first 10 dwellings, 1 = 1 in 10, "
                 "2 = 1 in 20, 3 = 1 in 40; at least 3 dwellings per 18 months."))
    st.subheader(_("Minimum work"))
    work = queries.pkvw_minimum_work(ctx.viewer, ctx.as_of, certificate)
    show_table(work, limit=queries.MAX_ROWS,
               empty=_("No PKVW minimum-work periods for this selection."))
    st.caption(_("CCV PKVW §3.2.7: at least 3 dwellings in each 12 months; if missed, 6 in "
                 "the next 12 months, else withdrawal."))

elif section == "complaints":
    rows = queries.complaints(ctx.viewer, ctx.as_of, scheme_filter, certificate)
    show_table(rows, limit=queries.MAX_ROWS,
               empty=_("No complaints received for this selection up to the as-of date."))
    st.caption(_("CCV PKVW §3.3.1: a complaint is handled within two months."))

elif section == "stops":
    rows = queries.production_stops(ctx.viewer, ctx.as_of, certificate)
    show_table(rows, limit=queries.MAX_ROWS,
               empty=_("No production stops for this selection up to the as-of date."))
    st.caption(_("BRL 9341 §3.3: stopped for more than 1 year without deliveries from stock: "
                 "suspended; more than 3 years: lapsed."))

elif section == "findings":
    st.caption(_(glossary.PROCESS_CHECKS_HELP))
    checks = list(glossary.PROCESS_CHECKS)
    chosen = url_multiselect(_("Checks"), checks, "check", key="finding_checks",
                             placeholder=_("every check"),
                             format_func=lambda check: _(glossary.PROCESS_CHECKS[check]))
    rows = queries.process_findings(ctx.viewer, ctx.as_of, scheme_filter, certificate,
                                    tuple(chosen))
    if rows.is_empty():
        st.info(_("No findings of the process checks for this selection on the as-of "
                  "date."))
    else:
        m1, m2, m3 = st.columns(3)
        open_rows = rows.filter(pl.col("status") == "open")
        m1.metric(_("Open, major"),
                  fmt.number(open_rows.filter(pl.col("severity") == "major").height))
        m2.metric(_("Open, minor"),
                  fmt.number(open_rows.filter(pl.col("severity") == "minor").height))
        m3.metric(_("Not assessable"),
                  fmt.number(rows.filter(pl.col("status") == "not_assessable").height))
        show_table(rows, limit=queries.MAX_ROWS)

elif section == "public":
    rows = queries.public_register(ctx.viewer, ctx.as_of, scheme_filter)
    if certificate:
        rows = rows.filter(pl.col("certificate_number") == certificate)
    if rows.is_empty():
        st.info(_("Nothing would be published for this selection."))
    else:
        show_table(rows, limit=queries.MAX_ROWS)
    st.caption(_("As it would be published: holder, scheme, certificate, status and the "
                 "sanctions on record."))
