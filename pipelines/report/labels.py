"""Words people read in the yearly report: section titles and indicator labels.

The dashboard's glossary re-exports these, so the College page, the XLSX and the PDF
say the same thing.
"""

from __future__ import annotations

import polars as pl

SECTIONS: dict[str, str] = {
    "holders": "Certificate holders",
    # BRL 9341 §8.7 "Mutaties in aantal certificaten (nieuw/vervallen)": no sanction
    "mutations": "Mutations (new, ended)",
    "controls": "Controls against the rules",
    "results": "Results of the lot tests",
    "deviations": "Deviations (afwijkingen)",
    # §8.7 "Opgelegde maatregelen bij tekortkomingen": the section code stays "measures"
    "measures": "Sanctions for shortcomings",
    "complaints": "Complaints",
    "process": "Process checks",
}
SECTION_ORDER = tuple(SECTIONS)

TEXT_SECTIONS: dict[str, str] = {
    "observations": "Observations of the certification body",
    "proposals": "Proposals to the College of Experts",
}

MEASURES: dict[str, str] = {
    # holders
    "holders_start": "Holders at the start of the year",
    "holders_end": "Holders at the end of the year",
    "certificates_start": "Certificates held at the start of the year",
    "certificates_end": "Certificates held at the end of the year",
    "in_admission_end": "In admission at the end of the year",
    "admission_days_mean": "Admission took, mean (days)",
    "admission_days_max": "Admission took, longest (days)",
    # mutations (no sanctions)
    "issued": "New certificates (issued)",
    "ended": "Certificates ended, by reason",
    "admissions_expired": "Admissions expired (more than 12 months)",
    "production_suspensions": "Suspended for a production stop",
    # controls
    "required": "Required",
    "performed": "Performed",
    "shortfall": "Shortfall",
    "lots_produced": "Lots produced",
    # "at least M per P years" pro rata the months in force, rounded up per site (5 per 3
    # years: 2 in a full year); a site testing more does not make up for another site
    "lot_tests_required": "Lot tests required (pro rata)",
    "lot_tests_performed": "Lot tests performed",
    "lot_tests_shortfall": "Lot tests short, summed over the sites that fell short",
    "samples_by_step": "Sample inspections, by step (trede)",
    "sample_dwellings_by_step": "Dwellings inspected, by step",
    "sample_dwellings_with_a_by_step": "Dwellings with an A-deviation, by step",
    # results
    "lots_tested": "Lots tested",
    "lots_compliant": "Lots compliant",
    "lots_exceeding": "Lots exceeding a limit",
    "component_lots_exceeding": "Lots exceeding, per component",
    "max_exceedance_factor": "Highest exceedance factor (observation / limit)",
    "admission_tests": "Admission tests",
    "admission_tests_passed": "Admission tests passed",
    "complaint_tests": "Complaint tests",
    "complaint_tests_rejected": "Complaint tests: lot rejected",
    "k_class_end": "Series per k-value class at year end",
    "regime_end": "Sites × products per regime at year end",
    # deviations
    "found": "Deviations found",
    "found_category": "Found, by category",
    "found_requirement": "Found, by requirement / article",
    "closed": "Deviations closed",
    "handling_days_mean": "Handling time, mean (days)",
    "handling_days_max": "Handling time, longest (days)",
    "past_deadline": "Passed their deadline in the year",
    "open_end": "Open at the end of the year",
    "overdue_end": "Overdue at the end of the year",
    # sanctions (section "measures")
    "warnings": "Warnings",
    "warnings_by_reason": "Warnings, by reason",
    "suspensions": "Suspensions",
    "suspensions_by_reason": "Suspensions, by reason",
    "withdrawals": "Withdrawals",
    "withdrawals_by_reason": "Withdrawals, by reason",
    "escalations": "Escalations B → A",
    "escalations_by_reason": "Escalations B → A, by requirement",
    # complaints
    "received": "Complaints received",
    "handled_in_time": "Handled within 2 months",
    "handled_late": "Handled after 2 months",
    "handled": "Handled by the end of the year",
    "not_handled_end": "Not handled at the end of the year",
    # process checks (process_findings)
    "findings": "Findings of the process checks",
    "findings_open_end": "Still open at the end of the year",
    "findings_by_article": "Findings, by article",
    "not_assessable_by_article": "Not assessable, by article",
}

# Control types, reasons and other dimension codes shown in words.
DIMENSIONS: dict[str, str] = {
    "control_visits": "Control visits",
    "depot_visits": "Depot visits",
    "supervised_sampling": "Sampling under supervision",
    "audits": "Audits (every 18 months)",
    "sample_dwellings": "Sample dwellings inspected",
    "lot_inspection": "Lot inspection (partijkeuring)",
    "sampling": "Sampling (steekproef)",
    "deviation_suspension": "Deviation not corrected in time",
    "deviation_withdrawal": "Deviation still open 6 months after suspension",
    "sample_suspension": "Sample with 2 or more A-deviations",
    "sample_withdrawal": "Sample suspension not lifted in 6 months",
    "sample_warning": "Sample with 1 A-deviation (full verification)",
    "minimum_work_warning": "Fewer than 3 dwellings in 12 months",
    "minimum_work_withdrawal": "Fewer than 6 dwellings after a missed period",
    "production_suspension": "Production stop > 1 year",
    "production_lapse": "Production stop > 3 years",
    "admission_expired": "Admission longer than 12 months",
    "ended": "Ended at the holder's request",
}

# report_events.report_kind: what a listed event is to the College
REPORT_KINDS: dict[str, str] = {
    "sanction": "Sanction",
    "mutation": "Mutation",
}

# Who the report is for (BRL 9341 §8.7) and who else reads the same figures (Bbl art. 1.39
# lid 4, /work/shared/seeds/bouwbesluit-2012-hoofdstuk-1.txt): printed on the cover.
REPORT_NOTE = (
    "BRL 9341 §8.7: the certification body reports at least yearly to the College of "
    "Experts on the functioning of the certification. Bbl art. 1.39 lid 4: it sends the "
    "Minister a yearly report of the work carried out in the past calendar year; these "
    "figures serve that report as well. Each figure is shown next to the year before "
    "({previous}); the articles name the rule a figure is read from.")

def written_by(text: dict[str, object]) -> str:
    """"Written by <who> on <when>" of a report_texts row (updated_by, updated_at)."""
    who = text.get("updated_by") or "unknown"
    at = text.get("updated_at")
    return f"Written by {who}" + (f" on {at:%Y-%m-%d %H:%M}" if at else "")


SCHEMES: dict[str, str] = {
    "brl9341": "BRL 9341",
    "pkvw": "CCV PKVW",
    "asbestos_person": "Asbestos (person)",
    "asbestos_process": "Asbestos (process)",
    "copro_exe": "Copro EXE",
}


def measure_label(measure: str) -> str:
    return MEASURES.get(measure, measure.replace("_", " ").capitalize())


def dimension_label(dimension: str | None) -> str:
    if dimension is None:
        return ""
    return DIMENSIONS.get(dimension, dimension)


# Controls read "Control visits — Required / Performed / Shortfall": the control type is
# the indicator, the measure its detail.
CONTROL_MEASURES = frozenset({"required", "performed", "shortfall"})


def row_labels(measure: str, dimension: str | None) -> tuple[str, str]:
    """(indicator label, detail) of one figure as people read it."""
    if measure in CONTROL_MEASURES and dimension is not None:
        return dimension_label(dimension), measure_label(measure)
    return measure_label(measure), dimension_label(dimension)


def with_labels(figures: pl.DataFrame) -> pl.DataFrame:
    """Adds ``label`` and ``detail`` to a frame with ``measure`` and ``dimension``."""
    pairs = [row_labels(m, d) for m, d in zip(figures["measure"].to_list(),
                                              figures["dimension"].to_list(), strict=True)]
    return figures.with_columns(
        pl.Series("label", [p[0] for p in pairs], dtype=pl.String),
        pl.Series("detail", [p[1] for p in pairs], dtype=pl.String),
    )
