"""The yearly report as a PDF, typeset with Typst (the ``typst`` package).

Why Typst: one self-contained, maintained compiler (no browser, no system libraries),
its own embedded fonts (``ignore_system_fonts=True``: the layout never depends on the
machine), a table of contents and page numbering built in, SVG charts embedded as
vectors. The data goes in as JSON and is placed as text content by the template
(templates/report.typ), so data text is never read as Typst markup.
Charts: the Altair specifications of pipelines/charts.py, rendered to SVG by vl-convert.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import polars as pl
import typst
import vl_convert as vlc

from pipelines.charts import charts_for
from pipelines.i18n import N_, _, use_language
from pipelines.i18n import fmt as notation
from pipelines.report.formatting import number
from pipelines.report.labels import (
    SECTION_ORDER,
    TEXT_SECTIONS,
    dimension_label,
    report_kind_label,
    report_note,
    scheme_name,
    section_title,
    text_section_title,
    written_by,
)
from pipelines.report.model import Report

TEMPLATE = Path(__file__).with_name("templates") / "report.typ"
CAPTIONS = {
    "exceedances": N_("Lots exceeding a limit value per component, this year and the year "
                      "before."),
    "k_classes": N_("Distribution of the k-value classes at the end of the year."),
    "deviations": N_("Deviations found per requirement / article of the scheme."),
    "controls": N_("Controls required by the rules against those performed."),
}


def pdf_bytes(report: Report) -> bytes:
    """The PDF in the report's language (Report.lang): its words, the template's fixed
    words (``words`` in data.json) and its numbers and dates."""
    with use_language(report.lang):
        return _pdf_bytes(report)


def template_words() -> dict[str, str]:
    """The fixed words of templates/report.typ, in the current language."""
    return {
        "figures_hash": _("Figures hash (SHA-256 of the figures table)"),
        "page": _("page"),
        "contents": _("Contents"),
        "no_figures": _("No figures for this section."),
        "charts": _("Charts"),
        "texts": _("Texts of the certification body"),
        "none_written": _("(none written)"),
        "names": _("Sanctions and mutations per holder (names included)"),
        "holder": _("Holder"), "certificate": _("Certificate"), "measure": _("Measure"),
        "since": _("Since"), "reason": _("Reason"), "kind": _("Kind"),
        "sources": _("Data sources"),
        "file_and_hash": _("File and its SHA-256"), "ingested_at": _("Ingested at"),
        "rows": _("Rows"),
    }


def _pdf_bytes(report: Report) -> bytes:
    with tempfile.TemporaryDirectory(prefix="yearly_report_") as tmp:
        root = Path(tmp)
        data = report_data(report, root)
        (root / "data.json").write_text(json.dumps(data, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
        (root / "report.typ").write_text(TEMPLATE.read_text(encoding="utf-8"),
                                         encoding="utf-8")
        return typst.compile(str(root / "report.typ"), root=str(root),
                             ignore_system_fonts=True, format="pdf")


def report_data(report: Report, chart_dir: Path) -> dict[str, object]:
    scheme_names = ", ".join(scheme_name(s) for s in report.schemes)
    if report.frozen_at and report.frozen_by:  # frozen on the College page
        frozen = _("frozen at {moment} by {who}").format(
            moment=_stamp(report.frozen_at), who=report.frozen_by)
    elif report.frozen_at:
        frozen = _("frozen at {moment}").format(moment=_stamp(report.frozen_at))
    else:
        frozen = _("not frozen: everything ingested")
    generated = _stamp(report.generated_at)
    as_of = notation.date(report.as_of)
    return {
        "lang": report.lang,
        "words": template_words(),
        "title": _("Yearly report {year}").format(year=report.year),
        "subtitle": _("to the College of Experts — {schemes}").format(schemes=scheme_names),
        "title_rows": [
            [_("Scheme"), scheme_names],
            [_("Year"), str(report.year)],
            [_("As of"), as_of],
            [_("Data"), frozen],
            [_("Generated at"),
             _("{moment} (the frozen-at moment: a re-run prints the same)").format(
                 moment=generated) if report.frozen_at else generated],
            [_("Holder names"), _("included") if report.names is not None
             else _("not included (counts only)")],
        ],
        "figures_hash": report.figures_hash,
        "note": report_note(report.year),
        "footer": _("Yearly report {year} — {schemes}").format(year=report.year,
                                                               schemes=scheme_names),
        "sources_intro": _("Files read for this report (as of {day}; {frozen}).").format(
            day=as_of, frozen=frozen),
        "headers": [_("Indicator"), _("Detail"), str(report.year), str(report.year - 1),
                    _("Change"), _("Article")],
        "schemes": [_scheme_data(report, scheme, chart_dir) for scheme in report.schemes],
        "sources": [[r["file_name"], r["kind"], r["source_sha256"],
                     _stamp(r["ingested_at"]), number(r["rows_loaded"])]
                    for r in report.sources.iter_rows(named=True)],
    }


def _stamp(moment) -> str:
    """A moment to the second in the report's notation (7 december 2026 14:05:09)."""
    return f"{notation.date(moment.date())} {moment:%H:%M:%S}"


def _scheme_data(report: Report, scheme: str, chart_dir: Path) -> dict[str, object]:
    figures = report.figures.filter(pl.col("scheme") == scheme)
    sections = []
    for section in SECTION_ORDER:
        rows = figures.filter(pl.col("section") == section)
        if rows.is_empty():
            continue  # e.g. lot results for a scheme without lots: no empty heading
        sections.append({
            "title": section_title(section),
            "rows": [[r["label"], r["detail"], number(r["value"]),
                      number(r["previous_value"]), number(r["change"], signed=True),
                      r["article"] or ""] for r in rows.iter_rows(named=True)],
        })
    charts = []
    for name, chart in charts_for(figures, report.year):
        file = f"{scheme}_{name}.svg"
        svg = vlc.vegalite_to_svg(chart.to_dict())
        (chart_dir / file).write_text(svg, encoding="utf-8")
        charts.append({"file": file, "caption": _(CAPTIONS[name])})
    texts = report.texts.filter(pl.col("scheme") == scheme)
    text_rows = []
    for section in TEXT_SECTIONS:
        rows = texts.filter(pl.col("section") == section).to_dicts()
        text_rows.append({"title": text_section_title(section),
                          "body": rows[0]["body"] if rows else "",
                          "by": written_by(rows[0]) if rows else ""})
    names = []
    if report.names is not None:
        names = [[r["holder_name"] or "", r["certificate_number"],
                  dimension_label(r["event_kind"]),
                  notation.short_date(r["starts_on"]), r["reason"] or "",
                  report_kind_label(r["report_kind"])]
                 for r in report.names.filter(pl.col("scheme") == scheme)
                 .iter_rows(named=True)]
    return {"name": scheme_name(scheme), "sections": sections, "charts": charts,
            "texts": text_rows, "names": names}
