"""Words people read in the yearly report: section titles and indicator labels.

The dashboard's glossary re-exports these, so the College page, the XLSX and the PDF
say the same thing. The values are English msgids marked with N_() (issue 27): the
accessors below translate them when they run, so `report --lang` and a use_language()
block apply; whoever reads a dict directly gets the English msgid.
"""

from __future__ import annotations

import csv
import functools

import polars as pl

from pipelines.config import settings
from pipelines.i18n import N_, _, current_language, fmt

SECTIONS: dict[str, str] = {
    "holders": N_("Certificate holders"),
    # BRL 9341 §8.7 "Mutaties in aantal certificaten (nieuw/vervallen)": no sanction
    "mutations": N_("Mutations (new, ended)"),
    "controls": N_("Controls against the rules"),
    "results": N_("Results of the lot tests"),
    "deviations": N_("Deviations"),
    # §8.7 "Opgelegde maatregelen bij tekortkomingen": the section code stays "measures"
    "measures": N_("Sanctions for shortcomings"),
    "complaints": N_("Complaints"),
    "process": N_("Process checks"),
}
SECTION_ORDER = tuple(SECTIONS)

TEXT_SECTIONS: dict[str, str] = {
    "observations": N_("Observations of the certification body"),
    "proposals": N_("Proposals to the College of Experts"),
}

MEASURES: dict[str, str] = {
    # holders
    "holders_start": N_("Holders at the start of the year"),
    "holders_end": N_("Holders at the end of the year"),
    "certificates_start": N_("Certificates held at the start of the year"),
    "certificates_end": N_("Certificates held at the end of the year"),
    "in_admission_end": N_("In admission at the end of the year"),
    "admission_days_mean": N_("Admission took, mean (days)"),
    "admission_days_max": N_("Admission took, longest (days)"),
    # mutations (no sanctions)
    "issued": N_("New certificates (issued)"),
    "ended": N_("Certificates ended, by reason"),
    "admissions_expired": N_("Admissions expired (more than 12 months)"),
    "production_suspensions": N_("Suspended for a production stop"),
    # controls
    "required": N_("Required"),
    "performed": N_("Performed"),
    "shortfall": N_("Shortfall"),
    "lots_produced": N_("Lots produced"),
    # "at least M per P years" pro rata the months in force, rounded up per site (5 per 3
    # years: 2 in a full year); a site testing more does not make up for another site
    "lot_tests_required": N_("Lot tests required (pro rata)"),
    "lot_tests_performed": N_("Lot tests performed"),
    "lot_tests_shortfall": N_("Lot tests short, summed over the sites that fell short"),
    "samples_by_step": N_("Sample inspections, by step"),
    "sample_dwellings_by_step": N_("Dwellings inspected, by step"),
    "sample_dwellings_with_a_by_step": N_("Dwellings with an A-deviation, by step"),
    # results
    "lots_tested": N_("Lots tested"),
    "lots_compliant": N_("Lots compliant"),
    "lots_exceeding": N_("Lots exceeding a limit value"),
    "component_lots_exceeding": N_("Lots exceeding, per component"),
    "max_exceedance_factor": N_("Highest exceedance factor (observation / limit value)"),
    "admission_tests": N_("Admission tests"),
    "admission_tests_passed": N_("Admission tests passed"),
    "complaint_tests": N_("Complaint tests"),
    "complaint_tests_rejected": N_("Complaint tests: lot rejected"),
    "k_class_end": N_("Series per k-value class at year end"),
    "regime_end": N_("Sites × products per regime at year end"),
    # deviations
    "found": N_("Deviations found"),
    "found_category": N_("Found, by category"),
    "found_requirement": N_("Found, by requirement / article"),
    "closed": N_("Deviations closed"),
    "handling_days_mean": N_("Handling time, mean (days)"),
    "handling_days_max": N_("Handling time, longest (days)"),
    "past_deadline": N_("Passed their deadline in the year"),
    "open_end": N_("Open at the end of the year"),
    "overdue_end": N_("Overdue at the end of the year"),
    # sanctions (section "measures")
    "warnings": N_("Warnings"),
    "warnings_by_reason": N_("Warnings, by reason"),
    "suspensions": N_("Suspensions"),
    "suspensions_by_reason": N_("Suspensions, by reason"),
    "withdrawals": N_("Withdrawals"),
    "withdrawals_by_reason": N_("Withdrawals, by reason"),
    "escalations": N_("Escalations B → A"),
    "escalations_by_reason": N_("Escalations B → A, by requirement"),
    # complaints
    "received": N_("Complaints received"),
    "handled_in_time": N_("Handled within 2 months"),
    "handled_late": N_("Handled after 2 months"),
    "handled": N_("Handled by the end of the year"),
    "not_handled_end": N_("Not handled at the end of the year"),
    # process checks (process_findings)
    "findings": N_("Findings of the process checks"),
    "findings_open_end": N_("Still open at the end of the year"),
    "findings_by_article": N_("Findings, by article"),
    "not_assessable_by_article": N_("Not assessable, by article"),
}

# Control types, reasons and other dimension codes shown in words.
DIMENSIONS: dict[str, str] = {
    "control_visits": N_("Control visits"),
    "depot_visits": N_("Depot visits"),
    "supervised_sampling": N_("Sampling under supervision"),
    "audits": N_("Audits (every 18 months)"),
    "sample_dwellings": N_("Sample dwellings inspected"),
    "lot_inspection": N_("Lot inspection"),
    "sampling": N_("Sampling"),
    "deviation_suspension": N_("Deviation not corrected in time"),
    "deviation_withdrawal": N_("Deviation still open 6 months after suspension"),
    "sample_suspension": N_("Sample with 2 or more A-deviations"),
    "sample_withdrawal": N_("Sample suspension not lifted in 6 months"),
    "sample_warning": N_("Sample with 1 A-deviation (full verification)"),
    "minimum_work_warning": N_("Fewer than 3 dwellings in 12 months"),
    "minimum_work_withdrawal": N_("Fewer than 6 dwellings after a missed period"),
    "production_suspension": N_("Production stop > 1 year"),
    "production_lapse": N_("Production stop > 3 years"),
    "admission_expired": N_("Admission longer than 12 months"),
    "ended": N_("Ended at the holder's request"),
}

# report_events.report_kind: what a listed event is to the College
REPORT_KINDS: dict[str, str] = {
    "sanction": N_("Sanction"),
    "mutation": N_("Mutation"),
}

# Who the report is for (BRL 9341 §8.7) and who else reads the same figures (Bbl art. 1.39
# lid 4, /work/shared/seeds/bouwbesluit-2012-hoofdstuk-1.txt): printed on the cover.
REPORT_NOTE = N_(
    "BRL 9341 §8.7: the certification body reports at least yearly to the College of "
    "Experts on the functioning of the certification. Bbl art. 1.39 lid 4: it sends the "
    "Minister a yearly report of the work carried out in the past calendar year; these "
    "figures serve that report as well. Each figure is shown next to the year before "
    "({previous}); the articles name the rule a figure is read from.")

def written_by(text: dict[str, object]) -> str:
    """"Written by <who> on <when>" of a report_texts row (updated_by, updated_at)."""
    who = text.get("updated_by") or _("unknown")
    at = text.get("updated_at")
    if not at:
        return _("Written by {who}").format(who=who)
    return _("Written by {who} on {moment}").format(who=who, moment=fmt.date_time(at))


SCHEMES: dict[str, str] = {
    "brl9341": "BRL 9341",
    "pkvw": "CCV PKVW",
    "asbestos_person": N_("Asbestos (person)"),
    "asbestos_process": N_("Asbestos (process)"),
    "copro_exe": "Copro EXE",
}


# Scheme names are names ("BRL 9341"): not msgids, except the two that hold English words.
_TRANSLATED_SCHEMES = frozenset({"asbestos_person", "asbestos_process"})


def scheme_name(scheme: str) -> str:
    name = SCHEMES.get(scheme, scheme)
    return _(name) if scheme in _TRANSLATED_SCHEMES else name


def section_title(section: str) -> str:
    return _(SECTIONS[section])


def text_section_title(section: str) -> str:
    return _(TEXT_SECTIONS[section])


def report_kind_label(kind: str) -> str:
    return _(REPORT_KINDS[kind]) if kind in REPORT_KINDS else kind


def report_note(year: int) -> str:
    return _(REPORT_NOTE).format(previous=year - 1)


def measure_label(measure: str) -> str:
    if measure in MEASURES:
        return _(MEASURES[measure])
    return measure.replace("_", " ").capitalize()  # a code without a label: as it is


@functools.cache
def _component_names() -> dict[str, dict[str, str]]:
    """component code -> {language: name}, from the reference data (name_nl, name_en):
    the sources' names, not the catalogue (docs/i18n.md)."""
    path = settings().reference_dir / "ref_components.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["component"]: {"nl": row["name_nl"], "en": row["name_en"]}
                for row in csv.DictReader(handle)}


def component_name(component: str, lang: str | None = None) -> str:
    """A component in ``lang`` (default: the current language; arsenic -> arseen); an
    unknown code as it is."""
    return _component_names().get(component, {}).get(current_language(lang), component)


def dimension_label(dimension: str | None) -> str:
    if dimension is None:
        return ""
    if dimension in DIMENSIONS:
        return _(DIMENSIONS[dimension])
    return component_name(dimension)  # a component (lots exceeding, per component)


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
