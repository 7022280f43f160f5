"""My certificates: a certificate holder's home page. Each certificate's status and what
would change it (open deviations and their deadlines, the next audit due, sampling
overdue), its sampling plan with the explanation, its lots and its open invoices. Layout
only; every query is filtered to the viewer's own certificates in SQL."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import glossary, queries
from dashboard.app_pages.common import lot_table, page_link, plain, require, show_table

ctx = require("my-certificates")
st.title("My certificates")
holders = queries.viewer_options(ctx.viewer, ctx.as_of)["holder_name"].to_list()
# the holder's name as plain text (st.text), never through Markdown
st.text(f"{', '.join(holders) or ctx.viewer.name}, as of {ctx.as_of:%Y-%m-%d}.")

certificates = queries.certificate_overview(ctx.viewer, ctx.as_of)
if certificates.is_empty():
    st.info("No certificate is registered for you on this date. If you applied recently, "
            "the certification body has not registered the application yet; contact them.")
    st.stop()

deviations = queries.open_deviations(ctx.viewer, ctx.as_of)
audits = queries.audit_outlook(ctx.viewer, ctx.as_of)
invoices = queries.open_invoices(ctx.viewer, ctx.as_of)
brl = certificates.filter(pl.col("scheme") == "brl9341")
plan = (queries.sampling_plan(ctx.viewer, ctx.as_of) if not brl.is_empty()
        else pl.DataFrame())

# --- per certificate: status and what would change it
for cert in certificates.iter_rows(named=True):
    number = cert["certificate_number"]
    with st.container(border=True):
        status = glossary.value_label("status", cert["status"])
        since = f" since {cert['status_since']:%Y-%m-%d}" if cert["status_since"] else ""
        st.markdown(f"**{plain(number)}** · {plain(cert['scheme_name'] or cert['scheme'])}")
        st.markdown(f"Status: **{status}**{since}. Reason: {plain(cert['reason'])}"
                    + (f" ({plain(cert['article'])})" if cert["article"] else ""))
        changes: list[str] = []
        own_devs = deviations.filter(pl.col("certificate_number") == number)
        for dev in own_devs.iter_rows(named=True):
            late = dev["state"] == "overdue"
            what = (f"suspension from {dev['suspension_from']:%Y-%m-%d}"
                    if dev["suspension_from"] else "a sanction")
            changes.append(
                f"{glossary.DEVIATION} {plain(dev['deviation_id'])} (category "
                f"{plain(dev['effective_category'] or dev['category'])}): "
                + (f"deadline {dev['deadline']:%Y-%m-%d} has passed; {what} follows"
                   if late else f"close it by {dev['deadline']:%Y-%m-%d}, else {what}"))
        own_audit = audits.filter(pl.col("certificate_number") == number)
        for audit in own_audit.iter_rows(named=True):
            if audit["next_audit_due"] is not None:
                due = audit["next_audit_due"]
                word = "was due" if due <= ctx.as_of else "is due by"
                changes.append(f"Next audit {word} {due:%Y-%m-%d}"
                               + (f" ({audit['shortfall']} short in {audit['year']})"
                                  if audit["shortfall"] else ""))
        if cert["scheme"] == "brl9341" and not plan.is_empty():
            overdue = plan.filter((pl.col("certificate_number") == number) & pl.col("overdue"))
            for row in overdue.head(5).iter_rows(named=True):
                due = row["next_test_due_by"]
                why = (f"the period's test was due by {due:%Y-%m-%d}"
                       if due is not None and due <= ctx.as_of
                       else f"{row['lots_since_last_test']} lot(s) since the last test")
                changes.append(
                    f"Test due for {plain(row['component'])} at {plain(row['site_id'])} "
                    f"({plain(row['product'])}), {why}. Rule: {plain(row['explanation'])}")
            if overdue.height > 5:
                changes.append(f"… and {overdue.height - 5} more sampling series overdue "
                               "(sampling plan below)")
        if changes:
            st.markdown("What would change it:\n" + "\n".join(f"- {c}" for c in changes))
        else:
            st.caption("No open deviation, no audit overdue, no sampling test due.")

# --- open deviations
st.subheader(f"Open {glossary.DEVIATIONS.lower()}")
if deviations.is_empty():
    st.info("No open deviations.")
else:
    show_table(deviations, key="my_deviations",
               columns=["deviation_id", "certificate_number", "category", "requirement",
                        "found_on", "deadline", "extended_until", "state",
                        "suspension_from", "withdrawal_on", "article"])

st.subheader("Process checks")
findings = queries.process_findings(ctx.viewer, ctx.as_of)
if findings.is_empty():
    st.info("No findings of the process checks for your certificates on this date.")
else:
    st.caption(glossary.PROCESS_CHECKS_HELP)
    show_table(findings, key="my_findings",
               columns=["severity", "status", "check", "certificate_number", "subject",
                        "found_on", "detail", "article"])

st.subheader("Audits")
if audits.is_empty():
    st.info("No audit requirement recorded for your certificates on this date (audit "
            "coverage counts from the year of issuance, for BRL 9341 and PKVW).")
else:
    show_table(audits, key="my_audits",
               columns=["certificate_number", "year", "required", "performed", "shortfall",
                        "next_audit_due", "article"])

# --- BRL 9341: sampling plan and lots; other schemes: what applies to them
st.subheader("Sampling plan and lots")
if brl.is_empty():
    schemes = ", ".join(sorted({plain(s) for s in certificates["scheme_name"].drop_nulls()}))
    st.info(f"Sampling plans and lots (partijen) apply to BRL 9341 product certificates. "
            f"Your certificates are under: {schemes}. For these, the audits and deviations "
            "above are what keeps a certificate active.")
else:
    if plan.is_empty():
        st.info("No lab results on or before this date yet: every lot is tested until 5 "
                "lots have results (BRL 9341 bijlage II).")
    else:
        n_overdue = plan.filter(pl.col("overdue")).height
        st.caption(f"{plan.height} series (site × product × component), {n_overdue} overdue. "
                   "Each line says how often and why.")
        show_table(plan, key="my_plan",
                   columns=["overdue", "site_id", "product", "component", "explanation",
                            "lots_since_last_test", "next_test_due_by"],
                   column_config={"explanation": st.column_config.TextColumn(
                       glossary.header("explanation"), width="large")})
        page_link("app_pages/sampling_plan.py", label="Full sampling plan",
                  icon=":material/event_repeat:")
    recent = queries.lots(ctx.viewer, ctx.as_of, limit=50)
    if recent.is_empty():
        st.info("No lots on or before this date.")
    else:
        st.markdown("Latest lots")
        lot_table(recent, key="my_lots",
                  columns=["sampled_on", "lot_id", "site_id", "product", "compliant",
                           "exceeding_components", "certificate_number"])
        page_link("app_pages/lots.py", label="All lots", icon=":material/science:")

st.subheader("Open invoices")
if invoices.is_empty():
    st.info("No open invoices.")
else:
    st.caption(f"Total to pay: € {float(invoices['total_claim'].sum()):,.2f} "
               "(open amount, late interest and forfait, COPRO TAR 9201 §2.3.2).")
    show_table(invoices, key="my_invoices",
               columns=["invoice_id", "certificate_number", "invoice_date", "due_date",
                        "amount_due", "paid_amount", "open_amount", "days_overdue",
                        "late_interest", "forfait", "total_claim"])
