"""Labels people read: page titles, column headers, statuses, in one place.

Every label is an English msgid marked with ``N_`` (issue 27, docs/i18n.md): translated
where it is shown (``header()``, ``value_label()``, ``label()``, show_table, the pages'
``_()``), so one process serves Dutch and English sessions. The Dutch in
pipelines/i18n/locale/nl/LC_MESSAGES/messages.po uses the sources' terms (partij,
toetsingswaarde, afwijking, trede, keuringsfrequentie: the glossary). Pages take their
labels from here, never from scattered strings, so a term is changed once.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pipelines import worklist as _worklist
from pipelines.i18n import N_, _, current_language, fmt
from pipelines.i18n.keys import INVOICE_STATUSES, SEVERITIES

# Domain terms: in Dutch the glossary's (partij, toetsingswaarde, afwijking, trede,
# keuringsfrequentie), in English the English word.
LOT = N_("Lot")
LIMIT = N_("Limit value")
DEVIATION = N_("Deviation")
STEP = N_("Step")
SAMPLING_FREQUENCY = N_("Sampling frequency")

# Column headers: snake_case column name -> header shown in tables.
COLUMNS: dict[str, str] = {
    "certificate_number": N_("Certificate"),
    "holder_id": N_("Holder id"),
    "holder_name": N_("Holder"),
    "scheme": N_("Scheme"),
    "status": N_("Status"),
    "status_since": N_("Since"),
    "reason": N_("Reason"),
    "site_id": N_("Site"),
    "product": N_("Product"),
    "lot_id": N_("Lot"),
    "sampled_on": N_("Sampled on"),
    "component": N_("Component"),
    "observation": N_("Observation (mg/kg d.s.)"),
    "limit_value": N_("Limit value (mg/kg d.s.)"),
    "exceeds": N_("Exceeds"),
    "compliant": N_("Compliant"),
    # === issue 9: management pages (overview, certificates, billing) ===
    "kind": N_("Kind"),
    "subject": N_("Item"),
    "due_on": N_("Due"),
    "days": N_("Days left"),
    "detail": N_("Detail"),
    "rule": N_("Rule"),
    "article": N_("Article"),
    "link": N_("Open"),
    "issued_on": N_("Issued on"),
    "applied_on": N_("Applied on"),
    "ended_on": N_("Ended on"),
    "status_until": N_("Until"),
    "previous_status": N_("Previous status"),
    "scheme_name": N_("Scheme name"),
    "status_reason": N_("Status reason"),
    "sanctions": N_("Sanctions on record"),
    "n_warnings": N_("Warnings"),
    "n_suspensions": N_("Suspensions"),
    "n_withdrawals": N_("Withdrawals"),
    "year": N_("Year"),
    "required": N_("Required"),
    "performed": N_("Performed"),
    "shortfall": N_("Shortfall"),
    "next_audit_due": N_("Next audit due"),
    "deviation_id": N_("Deviation"),
    "audit_id": N_("Audit"),
    "category": N_("Category"),
    "effective_category": N_("Counts as"),
    "escalated": N_("Escalated (B→A)"),
    "requirement": N_("Requirement"),
    "found_on": N_("Found on"),
    "base_deadline": N_("Deadline (rule)"),
    "extended_until": N_("Extended until"),
    "extended": N_("Extended"),
    "deadline": N_("Deadline"),
    "closed_on": N_("Closed on"),
    "state": N_("State"),
    "urgency": N_("Urgency"),
    "days_late": N_("Days late"),
    "suspension_from": N_("Suspended from"),
    "withdrawal_on": N_("Withdrawal on"),
    "audit_date": N_("Audit date"),
    "audit_type": N_("Audit type"),
    "step_before": N_("Step before"),
    "step_after": N_("Step after"),
    "dwellings_in_sample": N_("Dwellings in sample"),
    "dwellings_with_deviation_a": N_("With a category A deviation"),
    "sample_size_required": N_("Sample size required"),
    "sample_size_sufficient": N_("Sample large enough"),
    "full_verification": N_("Full verification"),
    "suspends": N_("Suspends"),
    "period_start": N_("Period from"),
    "period_end": N_("Period to"),
    "dwellings": N_("Dwellings"),
    "outcome": N_("Outcome"),
    "warning_on": N_("Warning on"),
    "reference": N_("Reference"),
    "received_on": N_("Received on"),
    "overdue": N_("Overdue"),
    "stopped_on": N_("Stopped on"),
    "restarted_on": N_("Restarted on"),
    "deliveries_from_stock": N_("Deliveries from stock"),
    "suspended_on": N_("Suspended on"),
    "lapsed_on": N_("Lapsed on"),
    "period": N_("Month"),
    "fee_code": N_("Fee code"),
    "fee_type": N_("Fee type"),
    "expected_excl_vat": N_("Expected (€ excl. VAT)"),
    "invoiced_excl_vat": N_("Invoiced (€ excl. VAT)"),
    "difference": N_("Difference (€)"),
    "n_line_differences": N_("Lines differing"),
    "line_differences": N_("Differing fee codes"),
    # issue 22: lines whose year has no index (COPRO TAR 9201 §2.2.11) cannot be checked
    "n_index_missing": N_("Lines not checkable (index missing)"),
    "index_missing_lines": N_("Fee codes not checkable"),
    "unchecked_invoiced_excl_vat": N_("Invoiced on lines not checkable"),
    "missing_index": N_("Index missing"),
    "expected_index_missing": N_("Expected lines without amount (index missing)"),
    "expected_source": N_("Expected from"),
    "invoice_lines": N_("Invoice lines"),
    "invoice_id": N_("Invoice"),
    "invoice_date": N_("Invoice date"),
    "due_date": N_("Due date"),
    "amount_due": N_("Amount due (€)"),
    "paid_amount": N_("Paid (€)"),
    "open_amount": N_("Open (€)"),
    "late_interest": N_("Late interest (€)"),
    "forfait": N_("Forfait 15 % (€)"),
    "total_claim": N_("Total claim (€)"),
    "ageing_bucket": N_("Ageing"),
    "reminder_sent_on": N_("Reminder sent on"),
    "n_invoices": N_("Invoices"),
    "now": N_("Now"),
    "year_earlier": N_("A year earlier"),
    "change": N_("Change"),
    # === end management pages ===
    # === issue 9: BRL 9341 and producer pages (sampling plan, lot, my certificates) ===
    "lot_sampled_on": N_("Lot sampled on"),
    "n_components": N_("Components"),
    "n_exceedances": N_("Exceedances"),
    "is_admission": N_("Admission lot"),
    "exceeding_components": N_("Exceeding components"),
    "below_loq": N_("Below LOQ"),
    "n_analyses": N_("Analyses"),
    "source_file": N_("Source file"),
    "source_lines": N_("Lines"),
    "source_line": N_("Line"),
    "ingested_at": N_("Ingested at"),
    "sample_id": N_("Sample"),
    "value": N_("Value (mg/kg d.s.)"),
    "value_as_reported": N_("Value as reported"),
    "unit_as_reported": N_("Unit as reported"),
    "loq": N_("LOQ (mg/kg d.s.)"),
    "lab": N_("Lab"),
    "lab_report_id": N_("Report number"),
    "purpose": N_("Purpose"),
    "regime": N_("Regime"),
    "k_value": "k",
    "gamma_ratio": N_("Highest / limit"),
    "gamma_threshold": N_("γ of the class"),
    "class_rank": N_("Class"),
    "test_class": N_("Class (bijlage II)"),
    "n_obs": N_("Lots in window"),
    "n_obs_total": N_("Lots observed"),
    "frequency_text": SAMPLING_FREQUENCY,
    "own_frequency_text": N_("Own outcome"),
    "explanation": N_("Why"),
    "lots_since_last_test": N_("Lots since last test"),
    "lots_until_next_test": N_("Lots until next test"),
    "tests_in_period": N_("Tests in period"),
    "last_sampled_on": N_("Last tested"),
    "next_test_due_by": N_("Next test due"),
    "min_k": N_("Lowest k"),
    "strictest_component": N_("Strictest component"),
    "min_k_component": N_("Component with lowest k"),
    "phase": N_("Phase"),
    "regime_since": N_("Regime since"),
    "last_lot_id": N_("Last lot"),
    "n_switches_to_lot_inspection": N_("Switches to lot inspection"),
    "n_returns_to_sampling": N_("Returns to the sampling regime"),
    "n_components_overdue": N_("Components overdue"),
    "switched_to": N_("Switched to"),
    "event_seq": N_("Lot no."),
    "lot_date": N_("Produced on"),
    "registered": N_("Registered"),
    "tested": N_("Tested"),
    "n_untested": N_("Lots not tested"),
    "n_tested": N_("Lots tested"),
    "days_overdue": N_("Overdue for (days)"),
    "required_frequency": N_("Required (strictest component)"),
    "required_frequency_component": N_("Required"),
    "n_series_overdue": N_("Series overdue"),
    "meaning": N_("What it means for the frequency"),
    "name_nl": N_("Component (NL)"),
    "table_kind": N_("Table"),
    "k_before": N_("k before"),
    "k_after": N_("k after"),
    "test_class_before": N_("Class before"),
    "test_class_after": N_("Class after"),
    "rule_before": N_("Rule before"),
    "rule_after": N_("Rule after"),
    "class_changed": N_("Class changed"),
    "file_id": N_("File no."),
    "file_name": N_("File"),
    "rows_read": N_("Rows read"),
    "rows_loaded": N_("Rows loaded"),
    "rows_unchanged": N_("Rows unchanged"),
    "rows_quarantined": N_("Rows quarantined"),
    "source_sha256": "SHA-256",
    "column_name": N_("Column"),
    "bad_value": N_("Value"),
    "raw_row": N_("Row as read"),
    "lot_size_tonnes": N_("Size (t)"),
    "min_k_observed": N_("Lowest k after the lot"),
    # === end BRL 9341 pages ===
    # === other issues ===
    "check": N_("Check"),
    "severity": N_("Severity"),
    "lab_accredited": N_("Lab accredited (ISO/IEC 17025)"),
    # audit log (times recorded in UTC)
    "at": N_("At (UTC)"),
    "actor": N_("User"),
    "action": N_("Action"),
    "client": N_("Client address"),
    # issue 11: yearly report (College page)
    "indicator": N_("Indicator"),
    "previous_value": N_("Year before"),
    # issue 22: a lab's corrected report (Lot page)
    "replaced_report_id": N_("Replaced report"),
    "replaced_value_as_reported": N_("Old value as reported"),
    "replaced_value": N_("Old value (mg/kg d.s.)"),
    "new_report_id": N_("Corrected by report"),
    "new_value_as_reported": N_("New value as reported"),
    "new_value": N_("New value (mg/kg d.s.)"),
    "replaced_at": N_("Replaced at"),
    "replaced_by_file": N_("Correcting file"),
    "replaced_by_line": N_("Line in correcting file"),
    # === end other issues ===
    # === issue 24: the login throttle (Users page) ===
    "throttle_kind": N_("Counted per"),
    "throttle_subject": N_("User name or address"),
    "attempts": N_("Passwords checked"),
    "refused": N_("Attempts refused"),
    "last_attempt_at": N_("Last checked attempt"),
    "wait_s": N_("Wait now (s)"),
    # issue 27: headers that fell back to the column's English name
    "year_complete": N_("Year complete"),
    "username": N_("User name"),
    "role": N_("Role"),
    "holder_ids": N_("Holders"),
    "email": N_("E-mail address"),
    "demo": N_("Demo account"),
}

STATUS: dict[str, str] = {
    "in_admission": N_("In admission"),
    "active": N_("Active"),
    "suspended": N_("Suspended"),
    "withdrawn": N_("Withdrawn"),
    "lapsed": N_("Lapsed"),
}


# === issue 9: BRL 9341 and producer pages: column help and domain values ===
# Tables show an infinite k as an empty cell (a number column stays sortable; "∞" would make
# it text). Readings: sql/rules/brl9341/brl9341_observation_history.sql.
# Each help a whole sentence (translated as one: no translated pieces joined), so the
# "Empty: ..." sentence is repeated in each.
HELP: dict[str, str] = {
    "k_value": N_(
        "k = (log10 limit − mean of log10 observations) / their standard deviation, over the "
        "last 5 or 10 lots (BRL 9341 bijlage II). Empty: no k (fewer than 5 lots, or all "
        "below the LOQ), or an infinite k: all values equal (s = 0), +∞ when below the limit "
        "(most lenient), −∞ when at or above it; the rule and class say which."),
    "k_before": N_(
        "k of the series just before this lot. Empty: no k (fewer than 5 lots, or all below "
        "the LOQ), or an infinite k: all values equal (s = 0), +∞ when below the limit (most "
        "lenient), −∞ when at or above it; the rule and class say which."),
    "k_after": N_(
        "k of the series just after this lot. Empty: no k (fewer than 5 lots, or all below "
        "the LOQ), or an infinite k: all values equal (s = 0), +∞ when below the limit (most "
        "lenient), −∞ when at or above it; the rule and class say which."),
    "min_k": N_(
        "The lowest k over the components (the regime test). Empty: infinite, where the "
        "gamma rule or all results below the LOQ let the k determination be omitted, or all "
        "values equal (BRL 9341 bijlage II)."),
    "min_k_observed": N_(
        "The lowest k over the components after the lot. Empty: infinite, where the gamma "
        "rule or all results below the LOQ let the k determination be omitted, or all values "
        "equal (BRL 9341 bijlage II)."),
    "rule": N_("Which test of bijlage II gave the class: k, gamma, all below LOQ, attributes; "
               "insufficient = fewer than 5 observations."),
    "regime": N_("Sampling regime or lot-inspection regime (every lot, at least 10 per year), "
                 "BRL 9341 bijlage II."),
    "lots_since_last_test": N_("Lots produced since the last lot tested for this component."),
    "next_test_due_by": N_("The date by which the next test must be sampled to keep "
                           "'at least M per P years'."),
    "overdue": N_("Due as of the as-of date and no result recorded, certificate active or "
                  "suspended (view sampling_overdue, docs/rules.md §2)."),
    "days_overdue": N_("Days past the date the test (or the payment) was due."),
    "limit_value": N_("The limit value of bijlage III/IV valid on the sampling date."),
    "observation": N_("Mean of the lot's analyses; a below-LOQ result counts at its LOQ."),
}
UNTESTED_HELP = (
    N_("Lots registered as produced on or before the as-of date without any analysis. Under "
    "'1 in N lots' (BRL 9341 bijlage II) N − 1 of every N lots rightly go untested: the total "
    "is no shortfall. A series is overdue only when N lots went untested since its last test "
    "(or too few tests fell in the period), judged per component: 'Series overdue'."))
UNTESTED_SUMMARY = (
    N_("Required per site × product (strictest component): {required}. Under '1 in N' most "
    "lots go untested by design; overdue: {n_overdue} series, in {n_sites_overdue} site × "
    "product."))
DEVIATIONS = N_("Deviations")
REGIMES: dict[str, str] = {
    "sampling": N_("Sampling regime"),
    "lot_inspection": N_("Lot-inspection regime (every lot)"),
}
RULES: dict[str, str] = {
    "k": N_("k-value"),
    "gamma": N_("gamma rule"),
    "all_below_loq": N_("all below LOQ"),
    "attributes": N_("attributes"),
    "insufficient": N_("fewer than 5 lots"),
}

# Components in words: their names from the reference list that also seeds the store's
# ref_components (data/reference/ref_components.csv), which has them in both languages
# (name_nl, name_en): not the catalogue. ``components()`` picks the reader's.
def _component_names(column: str) -> dict[str, str]:
    path = Path(__file__).resolve().parent.parent / "data" / "reference" / "ref_components.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["component"]: row[column] for row in csv.DictReader(handle)
                if row.get(column)}


COMPONENT_NAMES: dict[str, dict[str, str]] = {
    "en": _component_names("name_en"), "nl": _component_names("name_nl")}
COMPONENTS: dict[str, str] = COMPONENT_NAMES["en"]  # the English names (as before)


def components() -> dict[str, str]:
    """Component code -> its name in the reader's language."""
    return COMPONENT_NAMES[current_language()]
# === end BRL 9341 pages: column help ===


def header(column: str) -> str:
    """The header people read for a column, in the reader's language; an unknown column
    gets a readable form of its name."""
    if column in COLUMNS:
        return _(COLUMNS[column])
    return column.replace("_", " ").capitalize()


def label(text: str) -> str:
    """A label of this module (an N_-marked English msgid) in the reader's language."""
    return _(text) if text else text


# === issue 9: management pages (overview, certificates, billing) ===
OVERVIEW = N_("Overview")
CERTIFICATES = N_("Certificates and audits")
BILLING = N_("Billing")
WORKLIST = N_("Worklist")
PUBLIC_REGISTER = N_("Public register")

# Worklist kinds, in the worklist view's priority order: defined below the dashboard, where
# the daily digest reads them too (pipelines/worklist.py).
WORKLIST_KINDS: dict[str, str] = _worklist.WORKLIST_KINDS

# Overview tiles: indicator of kpi_overview -> (label, help).
KPI: dict[str, tuple[str, str]] = {
    "certificates_active": (N_("Active certificates"), N_("Certificates with status active.")),
    "certificates_suspended": (N_("Suspended certificates"),
                               N_("Suspended on the as-of date (CCV PKVW §4.3, BRL 9341 §3.3).")),
    "suspension_min_days_to_withdrawal": (
        N_("Days to the first withdrawal"),
        N_("Fewest days until a suspended certificate is withdrawn or lapses unless lifted.")),
    "lots_tested_12m": (N_("Lots tested (12 months)"),
                        N_("Lots sampled in the 12 months up to the as-of date.")),
    "lots_compliant_share_12m": (N_("Lots compliant (12 months)"),
                                 N_("Share of those lots with no component over its limit value "
                                    "(BRL 9341 §4.2).")),
    "sampling_overdue": (N_("Sampling series overdue"),
                         N_("Site × product × component series whose sampling frequency is not "
                            "met (BRL 9341 bijlage II).")),
    "audits_due_30d": (N_("Audits due in 30 days"), N_("Next audit due within 30 days.")),
    "audits_overdue": (N_("Audits overdue"), N_("Next audit due before the as-of date.")),
    "deviations_open": (N_("Open deviations"), N_("Deviations not closed (CCV PKVW §4.3).")),
    "deviations_past_deadline": (N_("Deviations past deadline"),
                                 N_("Open deviations whose correction deadline has passed.")),
    "complaints_open": (N_("Complaints open"), N_("Complaints not yet handled (CCV PKVW §3.3.1).")),
    "complaints_overdue": (N_("Complaints overdue"), N_("Open longer than two months.")),
    "invoiced_ytd": (N_("Invoiced this year"), N_("Invoice lines excl. VAT, 1 January to the as-of "
                     "date.")),
    "receivables_outstanding": (
        N_("Outstanding"),
        N_("Every unpaid invoice amount (incl. VAT), due or not yet due: what customers owe. "
        "Not an action by itself; the overdue part is (view receivables_totals).")),
    "receivables_overdue": (
        N_("Overdue receivables"),
        N_("The part of Outstanding past its due date: invoices are payable within 30 days "
        "(COPRO TAR 9201 §2.3.2); these need a reminder, and late interest and the 15 % "
        "forfait run on them. Equal to Outstanding when nothing open is still within its "
        "30 days.")),
    "invoice_check_differences": (N_("Invoice-check differences"),
                                  N_("Certificate × month in the last 12 complete months where "
                                  "invoiced ≠ expected by the tariff.")),
    "invoice_check_index_missing": (N_("Invoice months not checkable"),
                                    N_("Certificate × month in the last 12 complete months with "
                                    "lines whose year has no index (COPRO TAR 9201 §2.2.11): "
                                    "they cannot be checked, so they count here, not as "
                                    "differences.")),
}

# Overview trend charts: indicator of kpi_monthly -> series label.
TRENDS: dict[str, str] = {
    "certificates_active": N_("active"),
    "certificates_suspended": N_("suspended"),
    "deviations_open": N_("open deviations"),
    "lots_tested": N_("lots tested"),
    "lots_compliant_share": N_("share compliant"),
    "invoiced": N_("invoiced"),
    "expected": N_("expected by the tariff"),
}
# What a trend point covers (the tooltip's "period"). The view kpi_monthly sums a flow over
# the month, but over the as-of month only up to the as-of date; a stock is taken at the
# month's end, in the as-of month on the as-of date.
TREND_PERIOD_MONTH = N_("whole month")
TREND_PERIOD_MONTH_END = N_("month's end")
TREND_PERIOD_TO_DATE = N_("month to date, {first_day}–{last_day} {month}")
TREND_PERIOD_ON_DATE = N_("on the as-of date, {day}")
TREND_PARTIAL_NOTE = (N_("Hollow point, dashed last segment: {month} so far (month to date, up "
                         "to the as-of date {day}), not a whole month."))

CERT_SECTIONS: dict[str, str] = {
    "register": N_("Register"),
    "detail": N_("Certificate"),
    "audits": N_("Audits"),
    "deviations": N_("Deviations"),
    "pkvw": N_("PKVW step"),
    "complaints": N_("Complaints"),
    "stops": N_("Production stops"),
    "findings": N_("Process checks"),
    "public": PUBLIC_REGISTER,
}

BILLING_SECTIONS: dict[str, str] = {
    "check": N_("Invoice check"),
    "receivables": N_("Receivables"),
    "revenue": N_("Revenue"),
    "no_times": N_("Audits without times"),
}

URGENCY: dict[str, str] = {
    "past_due": N_("past due"),
    "due_14d": N_("due within 14 days"),
    "later": "",
}

# The amounts are filled with fmt.money (the reader's notation): receivables_note().
RECEIVABLES_NOTE = N_(
    "Outstanding {outstanding} = overdue {overdue} + not yet due {not_yet_due} (COPRO TAR "
    "9201 §2.3.2: payable within 30 days).")


def receivables_note(outstanding: float, overdue: float, not_yet_due: float,
                     **unused: object) -> str:
    """The note under the receivables' tiles; takes view receivables_totals' row whole."""
    return _(RECEIVABLES_NOTE).format(outstanding=fmt.money(outstanding),
                                      overdue=fmt.money(overdue),
                                      not_yet_due=fmt.money(not_yet_due))


AGEING = ("0–30", "31–60", "61–90", "> 90", N_("paid late"))  # numbers are no words
PAID_LATE = N_("paid late")  # the bucket of paid invoices whose interest or forfait is open

# Invoice check lines (sql/marts/invoice_check.sql): status in words.
# (pipelines/i18n/keys.py: the worklist's detail names them too)
INVOICE_STATUS: dict[str, str] = INVOICE_STATUSES
# Process findings (sql/marts/process_findings.sql).
FINDING_STATUS: dict[str, str] = {
    "open": N_("open"),
    "not_assessable": N_("not assessable"),
    "resolved": N_("resolved"),
}
# Lots and their observations (lot_status.sql, lot_compliance.sql): status. BRL 9341
# bijlage II: a result below an LOQ above the limit shows neither compliance nor exceedance.
LOT_STATUS: dict[str, str] = {
    "compliant": N_("compliant"),
    "compliant_partial": N_("compliant (part of the package)"),
    "exceeds": N_("exceeds"),
    "no_limit_known": N_("no limit value known"),
    "loq_above_limit": N_("LOQ above limit value"),
}
def no_due_date(series: dict[str, object]) -> str:
    """Why a sampling series has no due date (sampling_frequency, issue 22): its certificate
    has ended, production is stopped (nothing falls due until the restart), or it is due
    by lots only."""
    if series.get("certificate_ended_on"):
        return _("(none: the certificate ended on {day})").format(
            day=fmt.date(series["certificate_ended_on"]))  # type: ignore[arg-type]
    if series.get("production_stopped_since"):
        return _("(not known: production stopped since {day}; the period resumes at the "
                 "restart)").format(day=fmt.date(series["production_stopped_since"]))  # type: ignore[arg-type]
    return _("(no date: due by lots)")


LOQ_ABOVE_LIMIT_NOTE = (
    N_("LOQ above limit: the lab reported the component below a limit of quantification that "
       "lies above the limit value, so the result shows neither compliance nor an exceedance "
       "(BRL 9341 bijlage II: the LOQ stands in for the value only in the k-value). The lot is "
       "not called compliant on it; see the process check on the lab's method."))
# Afwijkingen (deviation_status.sql) and complaints (lifecycle_complaints.sql): state.
STATES: dict[str, str] = {
    "open": N_("open"),
    "overdue": N_("overdue"),
    "closed_in_time": N_("closed in time"),
    "closed_late": N_("closed late"),
    "handled_in_time": N_("handled in time (2 months)"),
    "handled_late": N_("handled late"),
}
# PKVW minimum work periods (sql/rules/pkvw): outcome.
OUTCOMES: dict[str, str] = {
    "running": N_("period running"),
    "met": N_("met"),
    "missed": N_("missed"),
    "ended": N_("certificate ended in the period (not judged)"),
}
# === end management pages ===

# === issue 25: the import log (Imports page) ===
IMPORTS = N_("Imports")
IMPORT_OUTCOMES: dict[str, str] = {
    "loaded": N_("loaded"),
    "partly": N_("partly loaded, rows quarantined"),
    "quarantined": N_("all rows quarantined"),
    "unchanged": N_("nothing new (already ingested)"),
    "refused": N_("refused (file not readable)"),
}
IMPORT_SOURCES: dict[str, str] = {
    "cli": N_("command line"),
    "upload": N_("dashboard upload"),
    "inbox": N_("watched inbox"),
    "api": N_("program"),
}
COLUMNS.update({
    "sha256": "SHA-256",
    "import_source": N_("From"),  # imports.source, renamed by the query: billing has a source
    "duration_s": N_("Duration (s)"),
    "started_at": N_("Started at"),
    "file": N_("File"),
    "by_user": N_("By user"),
    "xml_path": N_("XML element"),
})
# === end import log ===


# === issue 11: yearly report labels (shared with the XLSX and PDF) ===
COLLEGE_TITLE = N_("College of Experts — yearly report")
STATEMENT_TITLE = N_("Yearly statement")
from pipelines.report import labels as _report_labels  # noqa: E402

REPORT_MEASURES = _report_labels.MEASURES
REPORT_SCHEMES = _report_labels.SCHEMES
REPORT_SECTIONS = _report_labels.SECTIONS
REPORT_TEXT_SECTIONS = _report_labels.TEXT_SECTIONS
report_dimension_label = _report_labels.dimension_label
report_measure_label = _report_labels.measure_label
report_with_labels = _report_labels.with_labels
REPORT_PAGE: dict[str, str] = {
    "college_caption": N_("BRL 9341 §8.7: figures per scheme and calendar year, as of 31 "
                       "December, each next to the year before; the same figures serve the "
                       "yearly report of the body's work to the Minister (Bbl art. 1.39 lid "
                       "4). Counts only: no holder is named."),
    "no_years": N_("No scheme has data up to the as-of date."),
    "year": N_("Year"),
    "scheme": N_("Scheme"),
    "running_year": N_("{year} is not over on the as-of date: its figures are computed as of "
                    "31 December and may still change."),
    "no_figures": N_("No figures for this section in this scheme."),
    "charts": N_("Charts"),
    "texts": N_("Texts of the certification body"),
    "no_text": N_("(none written)"),
    "save": N_("Save"),
    "saved": N_("Saved: {section}, {when}."),
    "download": N_("Download"),
    "xlsx": N_("Report as XLSX"),
    "pdf": N_("Report as PDF"),
    # issue 26: the report's status, the editor and the freeze
    "status_draft": N_("**Draft** — the {scheme} report {year} is not frozen: the texts can "
                    "still change and the downloads hold everything ingested so far."),
    "status_frozen": N_("**Frozen** on {when} by {who} — the {scheme} report {year}: the "
                     "downloads hold what was ingested up to then, and the texts can no "
                     "longer be edited."),
    "files_after": N_("{n} file(s) ingested after the freeze: the figures on this page "
                   "include them, the frozen downloads do not."),
    "text_written": N_("{section}: written by {who}, {when}"),
    "text_empty": N_("{section}: **none written**"),
    "editor_by": N_("Written by {who}, {when}."),
    "editor_empty": N_("Not written yet."),
    "texts_tab": N_("Texts"),
    "texts_tab_empty": N_("Texts ({n} empty)"),
    "text_help": N_("Plain text, as it will be printed in the XLSX and the PDF."),
    "college_writes": N_("The College of Experts writes these sections and freezes the "
                      "report; management reads them here."),
    "frozen_texts": N_("The report is frozen: its texts are shown as they were frozen."),
    "freeze": N_("Freeze the report"),
    "freeze_intro": N_("Freezing fixes the {scheme} report {year} as it is now: the downloads "
                    "are made from what was ingested up to this moment, and the texts can "
                    "no longer be edited. It cannot be undone from this page."),
    "freeze_empty": N_("Empty text sections: {sections}."),
    "freeze_with_empty": N_("Freeze with empty sections"),
    "freeze_button": N_("Freeze the {year} report"),
    "freeze_refused_empty": N_("Not frozen: {sections} empty. Write them in the Texts tab, or "
                            "tick \"Freeze with empty sections\"."),
    "frozen_now": N_("Frozen: the {scheme} report {year}, {when}."),
    "refused_frozen": N_("Not saved: {reason}."),
    "statement_caption": N_("Per holder and calendar year, as of 31 December: the status of the "
                         "certificates, the lots tested in the year and their compliance "
                         "(BRL 9341 §4.2), and the sampling frequencies at the end of the "
                         "year (bijlage II)."),
    "holder": N_("Holder"),
    "no_holder": N_("No certificate holder to show."),
    "no_certificates": N_("No certificates of this holder to show."),
    "statement_pdf": N_("Download the statement (PDF)"),
    "statement_lots": N_("Lots tested in {year}"),
    "statement_compliant": N_("Of which compliant"),
    "statement_overdue": N_("Sampling series overdue at year end"),
    "statement_no_frequencies": N_("No BRL 9341 sampling series: the statement lists the "
                                "certificates only."),
}


def report_page() -> dict[str, str]:
    """REPORT_PAGE in the reader's language (placeholders still to fill)."""
    return {key: _(text) for key, text in REPORT_PAGE.items()}
# === end issue 11 ===


# === issue 13: process checks ===
PROCESS_CHECKS: dict[str, str] = {
    "lot_size": N_("Lot larger than 1/10 of the yearly production"),
    "sampling": N_("Sampling (grabs, days, samples per lot)"),
    "lab_accreditation": N_("Lab without ISO/IEC 17025 accreditation"),
    "staff_qualification": N_("Staff qualification (VOG, diploma, refresher)"),
    "audit_times": N_("Audit without start or end time"),
    "loq_above_limit": N_("LOQ of the lab above the limit value"),
}
PROCESS_CHECKS_HELP = (
    N_("Procedural requirements checked on the records themselves: BRL 9341 §5.5.2 (a lot is at "
       "most 1/10 of the yearly production), §5.5.3 (grabs within 28 days, at the lab within 7 "
       "days, grabs per regime), §1.4 (ISO/IEC 17025 labs only); CCV PKVW §2.1 and §3.3.2 (VOG "
       "not older than 5 years, diploma, refresher every 18 months); TAR 9201 §2.2.4.1 (audit "
       "times).")
)


# === display: codes in words (show_table applies these to the table people read) ===
SCHEMES: dict[str, str] = REPORT_SCHEMES  # the College page's, XLSX's and PDF's short names

# pipelines/audit.py ACTIONS
AUDIT_ACTIONS: dict[str, str] = {
    "login": N_("login"),
    "login_failed": N_("login failed"),
    "logout": N_("logout"),
    "session_expired": N_("session expired"),
    "upload": N_("upload"),
    "export": N_("export"),
    "download": N_("report download"),
    "user_add": N_("user added"),
    "user_passwd": N_("password changed"),
    "user_disable": N_("user disabled"),
    "ingest": N_("ingest (command line)"),
    # issue 24
    "login_throttled": N_("login throttled"),
    "page_forbidden": N_("forbidden page"),
    "refresh": N_("refresh (command line)"),
    "init": N_("store initialised"),
    "demo": N_("demo store built"),
    "maintain": N_("maintenance run"),
    "report": N_("report made"),
    "report_frozen": N_("frozen report made"),
    "report_names": N_("report with names made"),
    "report_text": N_("report text edited"),
    "report_freeze": N_("report frozen (College page)"),
    "export_names": N_("export with names"),
    "chain_start": N_("hash chain started"),
    # issue 26 point 13
    "user_email": N_("e-mail changed"),
    "digest": N_("digest sent or printed"),
}

# Column name -> {code: words}. show_table replaces the codes in the frame it draws only:
# filters, query parameters, selected rows and downloads keep the codes. A value without a
# label (ingested free text, a code added later) is shown as it is. A column name is here
# only when every table with that column holds these codes (the worklist's "kind" and the
# billing lines' "rule" are other things under the same name: their values pass unchanged).
# lifecycle_events.event_kind (lifecycle_event_log): the report's words where it has them
EVENT_KINDS: dict[str, str] = {
    "application": N_("Application"),
    "issued": N_("Issued"),
    **{kind: words for kind, words in _report_labels.DIMENSIONS.items()
       if kind in ("admission_expired", "deviation_suspension", "deviation_withdrawal",
                   "sample_suspension", "sample_withdrawal", "sample_warning",
                   "minimum_work_warning", "minimum_work_withdrawal",
                   "production_suspension", "production_lapse", "ended")},
    "verification_suspension": N_("Verification found new faults (suspension)"),
    "verification_withdrawal": N_("Verification suspension not lifted in 6 months"),
}
# analyses.purpose (sql/schema/020_facts.sql); ref_limits.table_kind (bijlage III / IV)
PURPOSES: dict[str, str] = {
    "admission": N_("admission test"),
    "production": N_("production"),
    "complaint": N_("complaint"),
}
TABLE_KINDS: dict[str, str] = {
    "composition": N_("composition (bijlage III)"),
    "emission": N_("emission (bijlage IV)"),
}
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
    "ageing_bucket": {PAID_LATE: PAID_LATE},  # the day buckets are numbers, no words
    "severity": SEVERITIES,  # process_findings (pipelines/i18n/keys.py: also in messages)
    "event_kind": EVENT_KINDS,
    "purpose": PURPOSES,
    "table_kind": TABLE_KINDS,
    "action": AUDIT_ACTIONS,
    "component": COMPONENTS,
    "strictest_component": COMPONENTS,
    "min_k_component": COMPONENTS,
    "exceeding_components": COMPONENTS,
}


# Booleans in tables (issue 26): words, not checkboxes. (true, false) by column name;
# every other boolean column reads yes / no.
YES_NO = (N_("yes"), N_("no"))
BOOLEAN_WORDS: dict[str, tuple[str, str]] = {
    "overdue": (N_("overdue"), N_("no")),
    "exceeds": (N_("exceeds"), N_("no")),
    "compliant": (N_("compliant"), N_("no")),
}


COMPONENT_COLUMNS = frozenset({"component", "strictest_component", "min_k_component",
                               "exceeding_components"})


def value_labels(column: str) -> dict[str, str] | None:
    """Code -> words in the reader's language for a column of VALUE_LABELS (None: its
    values are shown as they are)."""
    if column in COMPONENT_COLUMNS:
        return components()
    labels = VALUE_LABELS.get(column)
    if labels is None:
        return None
    return {code: label(words) for code, words in labels.items()}


def value_label(column: str, value: str | None) -> str:
    """One value of ``column`` in words, in the reader's language (for metrics and lines
    of text)."""
    if value is None:
        return ""
    return (value_labels(column) or {}).get(value, value)
# === end display ===
