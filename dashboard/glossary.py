"""Labels people read: page titles, column headers, statuses, in one place.

The users' own Dutch words where they are the domain's terms (partij, toetsingswaarde,
afwijking, trede, keuringsfrequentie), English elsewhere. Pages take their labels from
here, never from scattered strings, so a term is changed once.
"""

from __future__ import annotations

import csv
from pathlib import Path

# Domain terms (Dutch where the users say them so).
LOT = "Partij (lot)"
LIMIT = "Toetsingswaarde (limit)"
DEVIATION = "Afwijking (deviation)"
STEP = "Trede (step)"
SAMPLING_FREQUENCY = "Keuringsfrequentie (sampling frequency)"

# Column headers: snake_case column name -> header shown in tables.
COLUMNS: dict[str, str] = {
    "certificate_number": "Certificate",
    "holder_id": "Holder id",
    "holder_name": "Holder",
    "scheme": "Scheme",
    "status": "Status",
    "status_since": "Since",
    "reason": "Reason",
    "site_id": "Site",
    "product": "Product",
    "lot_id": "Partij",
    "sampled_on": "Sampled on",
    "component": "Component",
    "observation": "Observation (mg/kg d.s.)",
    "limit_value": "Toetsingswaarde (mg/kg d.s.)",
    "exceeds": "Exceeds",
    "compliant": "Compliant",
    # === issue 9: management pages (overview, certificates, billing) ===
    "kind": "Kind",
    "subject": "Item",
    "due_on": "Due",
    "days": "Days left",
    "detail": "Detail",
    "rule": "Rule",
    "article": "Article",
    "link": "Open",
    "issued_on": "Issued on",
    "applied_on": "Applied on",
    "ended_on": "Ended on",
    "status_until": "Until",
    "previous_status": "Previous status",
    "scheme_name": "Scheme name",
    "status_reason": "Status reason",
    "sanctions": "Sanctions on record",
    "n_warnings": "Warnings",
    "n_suspensions": "Suspensions",
    "n_withdrawals": "Withdrawals",
    "year": "Year",
    "required": "Required",
    "performed": "Performed",
    "shortfall": "Shortfall",
    "next_audit_due": "Next audit due",
    "deviation_id": "Afwijking",
    "audit_id": "Audit",
    "category": "Category",
    "effective_category": "Counts as",
    "escalated": "Escalated (B→A)",
    "requirement": "Requirement",
    "found_on": "Found on",
    "base_deadline": "Deadline (rule)",
    "extended_until": "Extended until",
    "extended": "Extended",
    "deadline": "Deadline",
    "closed_on": "Closed on",
    "state": "State",
    "urgency": "Urgency",
    "days_late": "Days late",
    "suspension_from": "Suspended from",
    "withdrawal_on": "Withdrawal on",
    "audit_date": "Audit date",
    "audit_type": "Audit type",
    "step_before": "Trede before",
    "step_after": "Trede after",
    "dwellings_in_sample": "Dwellings in sample",
    "dwellings_with_deviation_a": "With A-afwijking",
    "sample_size_required": "Sample size required",
    "sample_size_sufficient": "Sample large enough",
    "full_verification": "Full verification",
    "suspends": "Suspends",
    "period_start": "Period from",
    "period_end": "Period to",
    "dwellings": "Dwellings",
    "outcome": "Outcome",
    "warning_on": "Warning on",
    "reference": "Reference",
    "received_on": "Received on",
    "overdue": "Overdue",
    "stopped_on": "Stopped on",
    "restarted_on": "Restarted on",
    "deliveries_from_stock": "Deliveries from stock",
    "suspended_on": "Suspended on",
    "lapsed_on": "Lapsed on",
    "period": "Month",
    "fee_code": "Fee code",
    "fee_type": "Fee type",
    "expected_excl_vat": "Expected (€ excl. VAT)",
    "invoiced_excl_vat": "Invoiced (€ excl. VAT)",
    "difference": "Difference (€)",
    "n_line_differences": "Lines differing",
    "line_differences": "Differing fee codes",
    # issue 22: lines whose year has no index (COPRO TAR 9201 §2.2.11) cannot be checked
    "n_index_missing": "Lines not checkable (index missing)",
    "index_missing_lines": "Fee codes not checkable",
    "unchecked_invoiced_excl_vat": "Invoiced on lines not checkable",
    "missing_index": "Index missing",
    "expected_index_missing": "Expected lines without amount (index missing)",
    "expected_source": "Expected from",
    "invoice_lines": "Invoice lines",
    "invoice_id": "Invoice",
    "invoice_date": "Invoice date",
    "due_date": "Due date",
    "amount_due": "Amount due (€)",
    "paid_amount": "Paid (€)",
    "open_amount": "Open (€)",
    "late_interest": "Late interest (€)",
    "forfait": "Forfait 15 % (€)",
    "total_claim": "Total claim (€)",
    "ageing_bucket": "Ageing",
    "reminder_sent_on": "Reminder sent on",
    "n_invoices": "Invoices",
    "now": "Now",
    "year_earlier": "A year earlier",
    "change": "Change",
    # === end management pages ===
    # === issue 9: BRL 9341 and producer pages (sampling plan, lot, my certificates) ===
    "lot_sampled_on": "Lot sampled on",
    "n_components": "Components",
    "n_exceedances": "Exceedances",
    "is_admission": "Admission lot",
    "exceeding_components": "Exceeding components",
    "below_loq": "Below LOQ",
    "n_analyses": "Analyses",
    "source_file": "Source file",
    "source_lines": "Lines",
    "source_line": "Line",
    "ingested_at": "Ingested at",
    "sample_id": "Sample",
    "value": "Value (mg/kg d.s.)",
    "value_as_reported": "Value as reported",
    "unit_as_reported": "Unit as reported",
    "loq": "LOQ (mg/kg d.s.)",
    "lab": "Lab",
    "lab_report_id": "Report number",
    "purpose": "Purpose",
    "regime": "Regime",
    "k_value": "k",
    "gamma_ratio": "Highest / limit",
    "gamma_threshold": "γ of the class",
    "class_rank": "Class",
    "test_class": "Class (bijlage II)",
    "n_obs": "Lots in window",
    "n_obs_total": "Lots observed",
    "frequency_text": SAMPLING_FREQUENCY,
    "own_frequency_text": "Own outcome",
    "explanation": "Why",
    "lots_since_last_test": "Lots since last test",
    "lots_until_next_test": "Lots until next test",
    "tests_in_period": "Tests in period",
    "last_sampled_on": "Last tested",
    "next_test_due_by": "Next test due",
    "min_k": "Lowest k",
    "strictest_component": "Strictest component",
    "min_k_component": "Component with lowest k",
    "phase": "Phase",
    "regime_since": "Regime since",
    "last_lot_id": "Last partij",
    "n_switches_to_lot_inspection": "Switches to partijkeuring",
    "n_returns_to_sampling": "Returns to steekproef",
    "n_components_overdue": "Components overdue",
    "switched_to": "Switched to",
    "event_seq": "Lot no.",
    "lot_date": "Produced on",
    "registered": "Registered",
    "tested": "Tested",
    "n_untested": "Lots not tested",
    "n_tested": "Lots tested",
    "days_overdue": "Overdue for (days)",
    "required_frequency": "Required (strictest component)",
    "required_frequency_component": "Required",
    "n_series_overdue": "Series overdue",
    "meaning": "What it means for the frequency",
    "name_nl": "Component (NL)",
    "table_kind": "Table",
    "k_before": "k before",
    "k_after": "k after",
    "test_class_before": "Class before",
    "test_class_after": "Class after",
    "rule_before": "Rule before",
    "rule_after": "Rule after",
    "class_changed": "Class changed",
    "file_id": "File no.",
    "file_name": "File",
    "rows_read": "Rows read",
    "rows_loaded": "Rows loaded",
    "rows_unchanged": "Rows unchanged",
    "rows_quarantined": "Rows quarantined",
    "source_sha256": "SHA-256",
    "column_name": "Column",
    "bad_value": "Value",
    "raw_row": "Row as read",
    "lot_size_tonnes": "Size (t)",
    "min_k_observed": "Lowest k after the lot",
    # === end BRL 9341 pages ===
    # === other issues ===
    "check": "Check",
    "severity": "Severity",
    "lab_accredited": "Lab accredited (ISO/IEC 17025)",
    # audit log (times recorded in UTC)
    "at": "At (UTC)",
    "actor": "User",
    "action": "Action",
    "client": "Client address",
    # issue 11: yearly report (College page)
    "indicator": "Indicator",
    "previous_value": "Year before",
    # issue 22: a lab's corrected report (Lot page)
    "replaced_report_id": "Replaced report",
    "replaced_value_as_reported": "Old value as reported",
    "replaced_value": "Old value (mg/kg d.s.)",
    "new_report_id": "Corrected by report",
    "new_value_as_reported": "New value as reported",
    "new_value": "New value (mg/kg d.s.)",
    "replaced_at": "Replaced at",
    "replaced_by_file": "Correcting file",
    "replaced_by_line": "Line in correcting file",
    # === end other issues ===
    # === issue 24: the login throttle (Users page) ===
    "throttle_kind": "Counted per",
    "throttle_subject": "User name or address",
    "attempts": "Passwords checked",
    "refused": "Attempts refused",
    "last_attempt_at": "Last checked attempt",
    "wait_s": "Wait now (s)",
}

STATUS: dict[str, str] = {
    "in_admission": "In admission",
    "active": "Active",
    "suspended": "Suspended",
    "withdrawn": "Withdrawn",
    "lapsed": "Lapsed",
}


# === issue 9: BRL 9341 and producer pages: column help and domain values ===
# Tables show an infinite k as an empty cell (a number column stays sortable; "∞" would make
# it text). Readings: sql/rules/brl9341/brl9341_observation_history.sql.
_NO_K = ("Empty: no k (fewer than 5 lots, or all below the LOQ), or an infinite k: all "
         "values equal (s = 0), +∞ when below the limit (most lenient), −∞ when at or "
         "above it; the rule and class say which.")
_NO_REGIME_K = ("Empty: infinite, where the gamma rule or all results below the LOQ let "
                "the k determination be omitted, or all values equal (BRL 9341 bijlage II).")
HELP: dict[str, str] = {
    "k_value": "k = (log10 limit − mean of log10 observations) / their standard deviation, "
               "over the last 5 or 10 lots (BRL 9341 bijlage II). " + _NO_K,
    "k_before": "k of the series just before this lot. " + _NO_K,
    "k_after": "k of the series just after this lot. " + _NO_K,
    "min_k": "The lowest k over the components (the regime test). " + _NO_REGIME_K,
    "min_k_observed": "The lowest k over the components after the lot. " + _NO_REGIME_K,
    "rule": "Which test of bijlage II gave the class: k, gamma, all below LOQ, attributes; "
            "insufficient = fewer than 5 observations.",
    "regime": "Steekproefregime (sampling) or partijkeuringsregime (lot inspection: every "
              "lot, at least 10 per year), BRL 9341 bijlage II.",
    "lots_since_last_test": "Lots produced since the last lot tested for this component.",
    "next_test_due_by": "The date by which the next test must be sampled to keep "
                        "'at least M per P years'.",
    "overdue": "Due as of the as-of date and no result recorded, certificate active or "
               "suspended (view sampling_overdue, docs/rules.md §2).",
    "days_overdue": "Days past the date the test (or the payment) was due.",
    "limit_value": "The limit of bijlage III/IV valid on the sampling date.",
    "observation": "Mean of the lot's analyses; a below-LOQ result counts at its LOQ.",
}
UNTESTED_HELP = (
    "Lots registered as produced on or before the as-of date without any analysis. Under "
    "'1 in N lots' (BRL 9341 bijlage II) N − 1 of every N lots rightly go untested: the total "
    "is no shortfall. A series is overdue only when N lots went untested since its last test "
    "(or too few tests fell in the period), judged per component: 'Series overdue'.")
UNTESTED_SUMMARY = (
    "Required per site × product (strictest component): {required}. Under '1 in N' most "
    "lots go untested by design; overdue: {n_overdue} series, in {n_sites_overdue} site × "
    "product.")
DEVIATIONS = "Afwijkingen (deviations)"
REGIMES: dict[str, str] = {
    "sampling": "Steekproefregime (sampling)",
    "lot_inspection": "Partijkeuringsregime (every lot)",
}
RULES: dict[str, str] = {
    "k": "k-value",
    "gamma": "gamma rule",
    "all_below_loq": "all below LOQ",
    "attributes": "attributes",
    "insufficient": "fewer than 5 lots",
}

# Components in words: their English names from the reference list that also seeds the
# store's ref_components (data/reference/ref_components.csv); name_nl has its own column.
def _component_names() -> dict[str, str]:
    path = Path(__file__).resolve().parent.parent / "data" / "reference" / "ref_components.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["component"]: row["name_en"] for row in csv.DictReader(handle)
                if row.get("name_en")}


COMPONENTS: dict[str, str] = _component_names()
# === end BRL 9341 pages: column help ===


def header(column: str) -> str:
    """The header people read for a column; an unknown column gets a readable form."""
    return COLUMNS.get(column, column.replace("_", " ").capitalize())


# === issue 9: management pages (overview, certificates, billing) ===
OVERVIEW = "Overview"
CERTIFICATES = "Certificates and audits"
BILLING = "Billing"
WORKLIST = "Worklist"
PUBLIC_REGISTER = "Public register"

# Worklist kinds, in the worklist view's priority order (sql/marts/worklist.sql).
WORKLIST_KINDS: dict[str, str] = {
    "deviation": "Afwijking deadline passed or within 14 days",
    "suspension": "Suspended until withdrawal or lapse",
    "sampling_overdue": "Keuringsfrequentie not met (sampling overdue)",
    "audit_overdue": "Audit overdue",
    "invoice_unpaid": "Invoice unpaid past due",
    "invoice_mismatch": "Invoice not matching the tariff",
    "invoice_index_missing": "Invoice line not checkable (index missing)",
    "process_finding": "Process check finding",
}

# Overview tiles: indicator of kpi_overview -> (label, help).
KPI: dict[str, tuple[str, str]] = {
    "certificates_active": ("Active certificates", "Certificates with status active."),
    "certificates_suspended": ("Suspended certificates",
                               "Suspended on the as-of date (CCV PKVW §4.3, BRL 9341 §3.3)."),
    "suspension_min_days_to_withdrawal": (
        "Days to the first withdrawal",
        "Fewest days until a suspended certificate is withdrawn or lapses unless lifted."),
    "lots_tested_12m": ("Partijen tested (12 months)",
                        "Lots sampled in the 12 months up to the as-of date."),
    "lots_compliant_share_12m": ("Partijen compliant (12 months)",
                                 "Share of those lots with no component over its "
                                 "toetsingswaarde (BRL 9341 §4.2)."),
    "sampling_overdue": ("Sampling series overdue",
                         "Site × product × component series whose keuringsfrequentie is "
                         "not met (BRL 9341 bijlage II)."),
    "audits_due_30d": ("Audits due in 30 days", "Next audit due within 30 days."),
    "audits_overdue": ("Audits overdue", "Next audit due before the as-of date."),
    "deviations_open": ("Open afwijkingen", "Deviations not closed (CCV PKVW §4.3)."),
    "deviations_past_deadline": ("Afwijkingen past deadline",
                                 "Open deviations whose correction deadline has passed."),
    "complaints_open": ("Complaints open", "Complaints not yet handled (CCV PKVW §3.3.1)."),
    "complaints_overdue": ("Complaints overdue", "Open longer than two months."),
    "invoiced_ytd": ("Invoiced this year", "Invoice lines excl. VAT, 1 January to the as-of "
                     "date."),
    "receivables_outstanding": (
        "Outstanding",
        "Every unpaid invoice amount (incl. VAT), due or not yet due: what customers owe. "
        "Not an action by itself; the overdue part is (view receivables_totals)."),
    "receivables_overdue": (
        "Overdue receivables",
        "The part of Outstanding past its due date: invoices are payable within 30 days "
        "(COPRO TAR 9201 §2.3.2); these need a reminder, and late interest and the 15 % "
        "forfait run on them. Equal to Outstanding when nothing open is still within its "
        "30 days."),
    "invoice_check_differences": ("Invoice-check differences",
                                  "Certificate × month in the last 12 complete months where "
                                  "invoiced ≠ expected by the tariff."),
    "invoice_check_index_missing": ("Invoice months not checkable",
                                    "Certificate × month in the last 12 complete months with "
                                    "lines whose year has no index (COPRO TAR 9201 §2.2.11): "
                                    "they cannot be checked, so they count here, not as "
                                    "differences."),
}

# Overview trend charts: indicator of kpi_monthly -> series label.
TRENDS: dict[str, str] = {
    "certificates_active": "active",
    "certificates_suspended": "suspended",
    "deviations_open": "open afwijkingen",
    "lots_tested": "partijen tested",
    "lots_compliant_share": "share compliant",
    "invoiced": "invoiced",
    "expected": "expected by the tariff",
}
# What a trend point covers (the tooltip's "period"). The view kpi_monthly sums a flow over
# the month, but over the as-of month only up to the as-of date; a stock is taken at the
# month's end, in the as-of month on the as-of date.
TREND_PERIOD_MONTH = "whole month"
TREND_PERIOD_MONTH_END = "month's end"
TREND_PERIOD_TO_DATE = "month to date, {first.day}–{last.day} {last:%B %Y}"
TREND_PERIOD_ON_DATE = "on the as-of date, {day:%Y-%m-%d}"
TREND_PARTIAL_NOTE = ("Hollow point, dashed last segment: {month:%B %Y} so far (month to "
                      "date, up to the as-of date {day:%Y-%m-%d}), not a whole month.")

CERT_SECTIONS: dict[str, str] = {
    "register": "Register",
    "detail": "Certificate",
    "audits": "Audits",
    "deviations": "Afwijkingen",
    "pkvw": "PKVW trede",
    "complaints": "Complaints",
    "stops": "Production stops",
    "findings": "Process checks",
    "public": PUBLIC_REGISTER,
}

BILLING_SECTIONS: dict[str, str] = {
    "check": "Invoice check",
    "receivables": "Receivables",
    "revenue": "Revenue",
    "no_times": "Audits without times",
}

URGENCY: dict[str, str] = {
    "past_due": "past due",
    "due_14d": "due within 14 days",
    "later": "",
}

RECEIVABLES_NOTE = (
    "Outstanding € {outstanding:,.2f} = overdue € {overdue:,.2f} + not yet due "
    "€ {not_yet_due:,.2f} (COPRO TAR 9201 §2.3.2: payable within 30 days).")
AGEING = ("0–30", "31–60", "61–90", "> 90", "paid late")
PAID_LATE = "paid late"  # the bucket of paid invoices whose interest or forfait is open

# Invoice check lines (sql/marts/invoice_check.sql): status in words.
INVOICE_STATUS: dict[str, str] = {
    "ok": "ok",
    "missing": "missing (expected, not invoiced)",
    "not_expected": "not expected (no tariff rule produced it)",
    "amount_differs": "amount differs",
    "vat_differs": "VAT differs",
    "index_missing": "index missing (cannot check: the year has no index, TAR 9201 §2.2.11)",
}
# Process findings (sql/marts/process_findings.sql).
FINDING_STATUS: dict[str, str] = {
    "open": "open",
    "not_assessable": "not assessable",
}
# Lots and their observations (lot_status.sql, lot_compliance.sql): status. BRL 9341
# bijlage II: a result below an LOQ above the limit shows neither compliance nor exceedance.
LOT_STATUS: dict[str, str] = {
    "compliant": "compliant",
    "compliant_partial": "compliant (part of the package)",
    "exceeds": "exceeds",
    "no_limit_known": "no limit known",
    "loq_above_limit": "LOQ above limit",
}
def no_due_date(series: dict[str, object]) -> str:
    """Why a sampling series has no due date (sampling_frequency, issue 22): its certificate
    has ended, production is stopped (nothing falls due until the restart), or it is due
    by lots only."""
    if series.get("certificate_ended_on"):
        return f"(none: the certificate ended on {series['certificate_ended_on']})"
    if series.get("production_stopped_since"):
        return (f"(not known: production stopped since {series['production_stopped_since']}; "
                "the period resumes at the restart)")
    return "(no date: due by lots)"


LOQ_ABOVE_LIMIT_NOTE = (
    "LOQ above limit: the lab reported the component below a limit of quantification that "
    "lies above the toetsingswaarde, so the result shows neither compliance nor an "
    "exceedance (BRL 9341 bijlage II: the LOQ stands in for the value only in the k-value). "
    "The lot is not called compliant on it; see the process check on the lab's method.")
# Afwijkingen (deviation_status.sql) and complaints (lifecycle_complaints.sql): state.
STATES: dict[str, str] = {
    "open": "open",
    "overdue": "overdue",
    "closed_in_time": "closed in time",
    "closed_late": "closed late",
    "handled_in_time": "handled in time (2 months)",
    "handled_late": "handled late",
}
# PKVW minimum work periods (sql/rules/pkvw): outcome.
OUTCOMES: dict[str, str] = {
    "running": "period running",
    "met": "met",
    "missed": "missed",
    "ended": "certificate ended in the period (not judged)",
}
# === end management pages ===

# === issue 25: the import log (Imports page) ===
IMPORTS = "Imports"
IMPORT_OUTCOMES: dict[str, str] = {
    "loaded": "loaded",
    "partly": "partly loaded, rows quarantined",
    "quarantined": "all rows quarantined",
    "unchanged": "nothing new (already ingested)",
    "refused": "refused (file not readable)",
}
IMPORT_SOURCES: dict[str, str] = {
    "cli": "command line",
    "upload": "dashboard upload",
    "inbox": "watched inbox",
    "api": "program",
}
COLUMNS.update({
    "sha256": "SHA-256",
    "import_source": "From",  # imports.source, renamed by the query: billing has a source
    "duration_s": "Duration (s)",
    "xml_path": "XML element",
})
# === end import log ===


# === issue 11: yearly report labels (shared with the XLSX and PDF) ===
COLLEGE_TITLE = "College of Experts — yearly report"
STATEMENT_TITLE = "Yearly statement"
from pipelines.report import labels as _report_labels  # noqa: E402

REPORT_MEASURES = _report_labels.MEASURES
REPORT_SCHEMES = _report_labels.SCHEMES
REPORT_SECTIONS = _report_labels.SECTIONS
REPORT_TEXT_SECTIONS = _report_labels.TEXT_SECTIONS
report_dimension_label = _report_labels.dimension_label
report_measure_label = _report_labels.measure_label
report_with_labels = _report_labels.with_labels
REPORT_PAGE: dict[str, str] = {
    "college_caption": "BRL 9341 §8.7: figures per scheme and calendar year, as of 31 "
                       "December, each next to the year before; the same figures serve the "
                       "yearly report of the body's work to the Minister (Bbl art. 1.39 lid "
                       "4). Counts only: no holder is named.",
    "no_years": "No scheme has data up to the as-of date.",
    "year": "Year",
    "scheme": "Scheme",
    "running_year": "{year} is not over on the as-of date: its figures are computed as of "
                    "31 December and may still change.",
    "no_figures": "No figures for this section in this scheme.",
    "charts": "Charts",
    "texts": "Texts of the certification body",
    "no_text": "(none written)",
    "save": "Save",
    "saved": "Saved: {section}, {when}.",
    "download": "Download",
    "xlsx": "Report as XLSX",
    "pdf": "Report as PDF",
    # issue 26: the report's status, the editor and the freeze
    "status_draft": "**Draft** — the {scheme} report {year} is not frozen: the texts can "
                    "still change and the downloads hold everything ingested so far.",
    "status_frozen": "**Frozen** on {when} by {who} — the {scheme} report {year}: the "
                     "downloads hold what was ingested up to then, and the texts can no "
                     "longer be edited.",
    "files_after": "{n} file(s) ingested after the freeze: the figures on this page "
                   "include them, the frozen downloads do not.",
    "text_written": "{section}: written by {who}, {when}",
    "text_empty": "{section}: **none written**",
    "editor_by": "Written by {who}, {when}.",
    "editor_empty": "Not written yet.",
    "texts_tab": "Texts",
    "texts_tab_empty": "Texts ({n} empty)",
    "text_help": "Plain text, as it will be printed in the XLSX and the PDF.",
    "college_writes": "The College of Experts writes these sections and freezes the "
                      "report; management reads them here.",
    "frozen_texts": "The report is frozen: its texts are shown as they were frozen.",
    "freeze": "Freeze the report",
    "freeze_intro": "Freezing fixes the {scheme} report {year} as it is now: the downloads "
                    "are made from what was ingested up to this moment, and the texts can "
                    "no longer be edited. It cannot be undone from this page.",
    "freeze_empty": "Empty text sections: {sections}.",
    "freeze_with_empty": "Freeze with empty sections",
    "freeze_button": "Freeze the {year} report",
    "freeze_refused_empty": "Not frozen: {sections} empty. Write them in the Texts tab, or "
                            "tick \"Freeze with empty sections\".",
    "frozen_now": "Frozen: the {scheme} report {year}, {when}.",
    "refused_frozen": "Not saved: {reason}.",
    "statement_caption": "Per holder and calendar year, as of 31 December: the status of the "
                         "certificates, the lots tested in the year and their compliance "
                         "(BRL 9341 §4.2), and the sampling frequencies at the end of the "
                         "year (bijlage II).",
    "holder": "Holder",
    "no_holder": "No certificate holder to show.",
    "no_certificates": "No certificates of this holder to show.",
    "statement_pdf": "Download the statement (PDF)",
    "statement_lots": "Partijen tested in {year}",
    "statement_compliant": "Of which compliant",
    "statement_overdue": "Sampling series overdue at year end",
    "statement_no_frequencies": "No BRL 9341 sampling series: the statement lists the "
                                "certificates only.",
}
# === end issue 11 ===


# === issue 13: process checks ===
PROCESS_CHECKS: dict[str, str] = {
    "lot_size": "Partij larger than 1/10 of the yearly production",
    "sampling": "Monstername (grabs, days, samples per partij)",
    "lab_accreditation": "Lab without ISO/IEC 17025 accreditation",
    "staff_qualification": "Staff qualification (VOG, diploma, refresher)",
    "audit_times": "Audit without start or end time",
    "loq_above_limit": "LOQ of the lab above the toetsingswaarde",
}
PROCESS_CHECKS_HELP = (
    "Procedural requirements checked on the records themselves: BRL 9341 §5.5.2 (a partij is "
    "at most 1/10 of the yearly production), §5.5.3 (grabs within 28 days, at the lab within "
    "7 days, grabs per regime), §1.4 (ISO/IEC 17025 labs only); CCV PKVW §2.1 and §3.3.2 "
    "(VOG not older than 5 years, diploma, refresher every 18 months); TAR 9201 §2.2.4.1 "
    "(audit times)."
)


# === display: codes in words (show_table applies these to the table people read) ===
SCHEMES: dict[str, str] = REPORT_SCHEMES  # the College page's, XLSX's and PDF's short names

# pipelines/audit.py ACTIONS
AUDIT_ACTIONS: dict[str, str] = {
    "login": "login",
    "login_failed": "login failed",
    "logout": "logout",
    "session_expired": "session expired",
    "upload": "upload",
    "export": "export",
    "download": "report download",
    "user_add": "user added",
    "user_passwd": "password changed",
    "user_disable": "user disabled",
    "ingest": "ingest (command line)",
    # issue 24
    "login_throttled": "login throttled",
    "page_forbidden": "forbidden page",
    "refresh": "refresh (command line)",
    "init": "store initialised",
    "demo": "demo store built",
    "maintain": "maintenance run",
    "report": "report made",
    "report_frozen": "frozen report made",
    "report_names": "report with names made",
    "report_text": "report text edited",
    "report_freeze": "report frozen (College page)",
    "export_names": "export with names",
    "chain_start": "hash chain started",
    # issue 26 point 13
    "user_email": "e-mail changed",
    "digest": "digest sent or printed",
}

# Column name -> {code: words}. show_table replaces the codes in the frame it draws only:
# filters, query parameters, selected rows and downloads keep the codes. A value without a
# label (ingested free text, a code added later) is shown as it is. A column name is here
# only when every table with that column holds these codes (the worklist's "kind" and the
# billing lines' "rule" are other things under the same name: their values pass unchanged).
VALUE_LABELS: dict[str, dict[str, str]] = {
    "scheme": SCHEMES,
    "status": {**STATUS, **INVOICE_STATUS, **FINDING_STATUS, **LOT_STATUS},
    "previous_status": STATUS,
    "rule": RULES,
    "rule_before": RULES,
    "rule_after": RULES,
    "regime": REGIMES,
    "switched_to": REGIMES,
    "state": STATES,
    "outcome": {**OUTCOMES, **IMPORT_OUTCOMES},  # issue 25: the two code sets are disjoint
    "import_source": IMPORT_SOURCES,
    "urgency": URGENCY,
    "check": PROCESS_CHECKS,
    "action": AUDIT_ACTIONS,
    "component": COMPONENTS,
    "strictest_component": COMPONENTS,
    "min_k_component": COMPONENTS,
    "exceeding_components": COMPONENTS,
}


# Booleans in tables (issue 26): words, not checkboxes. (true, false) by column name;
# every other boolean column reads yes / no.
YES_NO = ("yes", "no")
BOOLEAN_WORDS: dict[str, tuple[str, str]] = {
    "overdue": ("overdue", "no"),
    "exceeds": ("exceeds", "no"),
    "compliant": ("compliant", "no"),
}


def value_label(column: str, value: str | None) -> str:
    """One value of ``column`` in words (for metrics and lines of text)."""
    if value is None:
        return ""
    return VALUE_LABELS.get(column, {}).get(value, value)
# === end display ===
