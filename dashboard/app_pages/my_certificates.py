"""My certificates: a certificate holder's home page. Each certificate's status and what
would change it (open deviations and their deadlines, the next audit due, sampling
overdue), its sampling plan with the explanation, its lots and its open invoices. Layout
only; every query is filtered to the viewer's own certificates in SQL."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import glossary
from dashboard.app_pages.common import lot_table, page_link, plain, require, show_table
from dashboard.queries import producer as queries
from pipelines.i18n import _, fmt, ngettext
from pipelines.i18n.keys import render_detail_columns

ctx = require("my-certificates")
st.title(_("My certificates"))
holders = queries.viewer_options(ctx.viewer, ctx.as_of)["holder_name"].to_list()
# the holder's name as plain text (st.text), never through Markdown
st.text(_("{holders}, as of {day}.").format(holders=", ".join(holders) or ctx.viewer.name,
                                           day=fmt.date(ctx.as_of)))

certificates = queries.certificate_overview(ctx.viewer, ctx.as_of)
if certificates.is_empty():
    st.info(_("No certificate is registered for you on this date. If you applied recently, "
              "the certification body has not registered the application yet; contact "
              "them."))
    st.stop()

deviations = queries.open_deviations(ctx.viewer, ctx.as_of)
audits = queries.audit_outlook(ctx.viewer, ctx.as_of)
invoices = queries.open_invoices(ctx.viewer, ctx.as_of)
brl = certificates.filter(pl.col("scheme") == "brl9341")
# the plan's explanation in the reader's language (issue 27: the view's message keys)
plan = (render_detail_columns(queries.sampling_plan(ctx.viewer, ctx.as_of),
                              {"explanation": "explanation"}) if not brl.is_empty()
        else pl.DataFrame())

# --- per certificate: status and what would change it
for cert in certificates.iter_rows(named=True):
    number = cert["certificate_number"]
    with st.container(border=True):
        status = glossary.value_label("status", cert["status"])
        st.markdown(f"**{plain(number)}** · {plain(cert['scheme_name'] or cert['scheme'])}")
        reason = plain(cert["reason"]) + (f" ({plain(cert['article'])})" if cert["article"]
                                          else "")
        if cert["status_since"]:
            st.markdown(_("Status: **{status}** since {day}. Reason: {reason}").format(
                status=status, day=fmt.date(cert["status_since"]), reason=reason))
        else:
            st.markdown(_("Status: **{status}**. Reason: {reason}").format(status=status,
                                                                           reason=reason))
        changes: list[str] = []
        own_devs = deviations.filter(pl.col("certificate_number") == number)
        for dev in own_devs.iter_rows(named=True):
            late = dev["state"] == "overdue"
            what = (_("suspension from {day}").format(day=fmt.date(dev["suspension_from"]))
                    if dev["suspension_from"] else _("a sanction"))
            values = {"id": plain(dev["deviation_id"]),
                      "category": plain(dev["effective_category"] or dev["category"]),
                      "day": fmt.date(dev["deadline"]), "what": what}
            changes.append(
                _("Deviation {id} (category {category}): deadline {day} has passed; {what} "
                  "follows").format(**values) if late else
                _("Deviation {id} (category {category}): close it by {day}, else {what}")
                .format(**values))
        own_audit = audits.filter(pl.col("certificate_number") == number)
        for audit in own_audit.iter_rows(named=True):
            if audit["next_audit_due"] is not None:
                due = audit["next_audit_due"]
                line = (_("Next audit was due {day}") if due <= ctx.as_of
                        else _("Next audit is due by {day}")).format(day=fmt.date(due))
                if audit["shortfall"]:
                    line += " " + _("({n} short in {year})").format(
                        n=fmt.number(audit["shortfall"]), year=audit["year"])
                changes.append(line)
        if cert["scheme"] == "brl9341" and not plan.is_empty():
            overdue = plan.filter((pl.col("certificate_number") == number) & pl.col("overdue"))
            for row in overdue.head(5).iter_rows(named=True):
                due = row["next_test_due_by"]
                n_lots = row["lots_since_last_test"] or 0
                why = (_("the period's test was due by {day}").format(day=fmt.date(due))
                       if due is not None and due <= ctx.as_of
                       else ngettext("{n} lot since the last test",
                                     "{n} lots since the last test", n_lots)
                       .format(n=fmt.number(n_lots)))
                changes.append(
                    _("Test due for {component} at {site} ({product}), {why}. Rule: {rule}")
                    .format(component=plain(glossary.value_label("component",
                                                                 row["component"])),
                            site=plain(row["site_id"]), product=plain(row["product"]),
                            why=why, rule=plain(row["explanation"])))
            if overdue.height > 5:
                changes.append(_("… and {n} more sampling series overdue (sampling plan "
                                 "below)").format(n=overdue.height - 5))
        if changes:
            st.markdown(_("What would change it:") + "\n"
                        + "\n".join(f"- {c}" for c in changes))
        else:
            st.caption(_("No open deviation, no audit overdue, no sampling test due."))

# --- open deviations
st.subheader(_("Open deviations"))
if deviations.is_empty():
    st.info(_("No open deviations."))
else:
    show_table(deviations, key="my_deviations",
               columns=["deviation_id", "certificate_number", "category", "requirement",
                        "found_on", "deadline", "extended_until", "state",
                        "suspension_from", "withdrawal_on", "article"])

st.subheader(_("Process checks"))
findings = queries.process_findings(ctx.viewer, ctx.as_of)
if findings.is_empty():
    st.info(_("No findings of the process checks for your certificates on this date."))
else:
    st.caption(_(glossary.PROCESS_CHECKS_HELP))
    show_table(findings, key="my_findings",
               columns=["severity", "status", "check", "certificate_number", "subject",
                        "found_on", "detail", "article"])

st.subheader(_("Audits"))
if audits.is_empty():
    st.info(_("No audit requirement recorded for your certificates on this date (audit "
              "coverage counts from the year of issuance, for BRL 9341 and PKVW)."))
else:
    show_table(audits, key="my_audits",
               columns=["certificate_number", "year", "required", "performed", "shortfall",
                        "next_audit_due", "article"])

# --- BRL 9341: sampling plan and lots; other schemes: what applies to them
st.subheader(_("Sampling plan and lots"))
if brl.is_empty():
    schemes = ", ".join(sorted({plain(s) for s in certificates["scheme_name"].drop_nulls()}))
    st.info(_("Sampling plans and lots apply to BRL 9341 product certificates. Your "
              "certificates are under: {schemes}. For these, the audits and deviations "
              "above are what keeps a certificate active.").format(schemes=schemes))
else:
    if plan.is_empty():
        st.info(_("No lab results on or before this date yet: every lot is tested until 5 "
                  "lots have results (BRL 9341 bijlage II)."))
    else:
        n_overdue = plan.filter(pl.col("overdue")).height
        st.caption(_("{n} series (site × product × component), {n_overdue} overdue. Each "
                     "line says how often and why.").format(n=fmt.number(plan.height),
                                                            n_overdue=fmt.number(n_overdue)))
        show_table(plan, key="my_plan",
                   columns=["overdue", "site_id", "product", "component", "explanation",
                            "lots_since_last_test", "next_test_due_by"],
                   column_config={"explanation": st.column_config.TextColumn(
                       glossary.header("explanation"), width="large")})
        page_link("app_pages/sampling_plan.py", label=_("Full sampling plan"),
                  icon=":material/event_repeat:")
    recent = queries.lots(ctx.viewer, ctx.as_of, limit=50)
    if recent.is_empty():
        st.info(_("No lots on or before this date."))
    else:
        st.markdown(_("Latest lots"))
        lot_table(recent, key="my_lots",
                  columns=["sampled_on", "lot_id", "site_id", "product", "compliant",
                           "exceeding_components", "certificate_number"])
        page_link("app_pages/lots.py", label=_("All lots"), icon=":material/science:")

st.subheader(_("Open invoices"))
if invoices.is_empty():
    st.info(_("No open invoices."))
else:
    st.caption(_("Total to pay: {amount} (open amount, late interest and forfait, COPRO TAR "
                 "9201 §2.3.2).").format(amount=fmt.money(float(invoices["total_claim"].sum()))))
    show_table(invoices, key="my_invoices",
               columns=["invoice_id", "certificate_number", "invoice_date", "due_date",
                        "amount_due", "paid_amount", "open_amount", "days_overdue",
                        "late_interest", "forfait", "total_claim"])
