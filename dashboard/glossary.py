"""Labels people read: page titles, column headers, statuses, in one place.

The users' own Dutch words where they are the domain's terms (partij, toetsingswaarde,
afwijking, trede, keuringsfrequentie), English elsewhere. Pages take their labels from
here, never from scattered strings, so a term is changed once.
"""

from __future__ import annotations

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
    "rule": "Rule",
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
    "overdue": "Overdue",
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
    "name_nl": "Component (NL)",
    "table_kind": "Table",
    "k_before": "k before",
    "k_after": "k after",
    "test_class_before": "Class before",
    "test_class_after": "Class after",
    "rule_before": "Rule before",
    "rule_after": "Rule after",
    "class_changed": "Class changed",
    "deviation_id": "Afwijking",
    "category": "Category",
    "requirement": "Requirement",
    "found_on": "Found on",
    "deadline": "Deadline",
    "state": "State",
    "suspension_from": "Suspension from",
    "withdrawal_on": "Withdrawal on",
    "article": "Article",
    "year": "Year",
    "required": "Audits required",
    "performed": "Audits performed",
    "shortfall": "Shortfall",
    "next_audit_due": "Next audit due",
    "invoice_id": "Invoice",
    "invoice_date": "Invoice date",
    "due_date": "Due date",
    "open_amount": "Open amount",
    "days_overdue": "Days overdue",
    "late_interest": "Late interest",
    "forfait": "Forfait",
    "total_claim": "Total claim",
    "ageing_bucket": "Ageing",
    "file_id": "File no.",
    "file_name": "File",
    "kind": "Kind",
    "rows_read": "Rows read",
    "rows_loaded": "Rows loaded",
    "rows_unchanged": "Rows unchanged",
    "rows_quarantined": "Rows quarantined",
    "source_sha256": "SHA-256",
    "column_name": "Column",
    "bad_value": "Value",
    "raw_row": "Row as read",
    "scheme_name": "Scheme",
    "previous_status": "Previous status",
    # === end BRL 9341 pages ===
    # === other issues ===
    # === end other issues ===
}

STATUS: dict[str, str] = {
    "in_admission": "In admission",
    "active": "Active",
    "suspended": "Suspended",
    "withdrawn": "Withdrawn",
    "lapsed": "Lapsed",
}


# === issue 9: BRL 9341 and producer pages: column help and domain values ===
HELP: dict[str, str] = {
    "k_value": "k = (log10 limit − mean of log10 observations) / their standard deviation, "
               "over the last 5 or 10 lots (BRL 9341 bijlage II).",
    "rule": "Which test of bijlage II gave the class: k, gamma, all below LOQ, attributes; "
            "insufficient = fewer than 5 observations.",
    "regime": "Steekproefregime (sampling) or partijkeuringsregime (lot inspection: every "
              "lot, at least 10 per year), BRL 9341 bijlage II.",
    "lots_since_last_test": "Lots produced since the last lot tested for this component.",
    "next_test_due_by": "The date by which the next test must be sampled to keep "
                        "'at least M per P years'.",
    "overdue": "Due as of the as-of date and no result recorded.",
    "limit_value": "The limit of bijlage III/IV valid on the sampling date.",
    "observation": "Mean of the lot's analyses; a below-LOQ result counts at its LOQ.",
}
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
# === end BRL 9341 pages: column help ===


def header(column: str) -> str:
    """The header people read for a column; an unknown column gets a readable form."""
    return COLUMNS.get(column, column.replace("_", " ").capitalize())
