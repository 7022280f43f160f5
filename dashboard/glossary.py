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
    # === end BRL 9341 pages ===
    # === other issues ===
    # issue 11: yearly report (College page, statement)
    "indicator": "Indicator",
    "detail": "Detail",
    "value": "This year",
    "previous_value": "Year before",
    "change": "Change",
    "article": "Article",
    "n_lots": "Lots",
    "n_compliant": "Compliant lots",
    # === end other issues ===
}

STATUS: dict[str, str] = {
    "in_admission": "In admission",
    "active": "Active",
    "suspended": "Suspended",
    "withdrawn": "Withdrawn",
    "lapsed": "Lapsed",
}


def header(column: str) -> str:
    """The header people read for a column; an unknown column gets a readable form."""
    return COLUMNS.get(column, column.replace("_", " ").capitalize())


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
# === end issue 11 ===
