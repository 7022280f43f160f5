"""The yearly report as a PDF, typeset with Typst (the ``typst`` package).

Why Typst: one self-contained, maintained compiler (no browser, no system libraries),
its own embedded fonts (``ignore_system_fonts=True``: the layout never depends on the
machine), a table of contents and page numbering built in, SVG charts embedded as
vectors. The data goes in as JSON and is placed as text content by the template
(templates/report.typ), so data text is never read as Typst markup.
Charts: the Altair specifications of dashboard/charts.py, rendered to SVG by vl-convert.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import polars as pl
import typst
import vl_convert as vlc

from dashboard.charts import charts_for
from pipelines.report.formatting import number
from pipelines.report.labels import (
    REPORT_KINDS,
    REPORT_NOTE,
    SCHEMES,
    SECTION_ORDER,
    SECTIONS,
    TEXT_SECTIONS,
    dimension_label,
    written_by,
)
from pipelines.report.model import Report

TEMPLATE = Path(__file__).with_name("templates") / "report.typ"
CAPTIONS = {
    "exceedances": "Lots exceeding a limit per component, this year and the year before.",
    "k_classes": "Distribution of the k-value classes at the end of the year.",
    "deviations": "Deviations found per requirement / article of the scheme.",
    "controls": "Controls required by the rules against those performed.",
}


def pdf_bytes(report: Report) -> bytes:
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
    scheme_names = ", ".join(SCHEMES.get(s, s) for s in report.schemes)
    frozen = (f"frozen at {report.frozen_at:%Y-%m-%d %H:%M:%S}" if report.frozen_at
              else "not frozen: everything ingested")
    if report.frozen_at and report.frozen_by:
        frozen += f" by {report.frozen_by}"  # frozen on the College page
    return {
        "title": f"Yearly report {report.year}",
        "subtitle": f"to the College of Experts — {scheme_names}",
        "title_rows": [
            ["Scheme", scheme_names],
            ["Year", str(report.year)],
            ["As of", f"{report.as_of:%Y-%m-%d}"],
            ["Data", frozen],
            ["Generated at", f"{report.generated_at:%Y-%m-%d %H:%M:%S}"
             + (" (the frozen-at moment: a re-run prints the same)" if report.frozen_at
                else "")],
            ["Holder names", "included" if report.names is not None else "not included "
             "(counts only)"],
        ],
        "figures_hash": report.figures_hash,
        "note": REPORT_NOTE.format(previous=report.year - 1),
        "footer": f"Yearly report {report.year} — {scheme_names}",
        "as_of": f"{report.as_of:%Y-%m-%d}",
        "frozen_text": frozen,
        "headers": ["Indicator", "Detail", str(report.year), str(report.year - 1),
                    "Change", "Article"],
        "schemes": [_scheme_data(report, scheme, chart_dir) for scheme in report.schemes],
        "sources": [[r["file_name"], r["kind"], r["source_sha256"],
                     f"{r['ingested_at']:%Y-%m-%d %H:%M:%S}", f"{r['rows_loaded']:,}"]
                    for r in report.sources.iter_rows(named=True)],
    }


def _scheme_data(report: Report, scheme: str, chart_dir: Path) -> dict[str, object]:
    figures = report.figures.filter(pl.col("scheme") == scheme)
    sections = []
    for section in SECTION_ORDER:
        rows = figures.filter(pl.col("section") == section)
        if rows.is_empty():
            continue  # e.g. lot results for a scheme without lots: no empty heading
        sections.append({
            "title": SECTIONS[section],
            "rows": [[r["label"], r["detail"], number(r["value"]),
                      number(r["previous_value"]), number(r["change"], signed=True),
                      r["article"] or ""] for r in rows.iter_rows(named=True)],
        })
    charts = []
    for name, chart in charts_for(figures, report.year):
        file = f"{scheme}_{name}.svg"
        svg = vlc.vegalite_to_svg(chart.to_dict())
        (chart_dir / file).write_text(svg, encoding="utf-8")
        charts.append({"file": file, "caption": CAPTIONS[name]})
    texts = report.texts.filter(pl.col("scheme") == scheme)
    text_rows = []
    for section, title in TEXT_SECTIONS.items():
        rows = texts.filter(pl.col("section") == section).to_dicts()
        text_rows.append({"title": title, "body": rows[0]["body"] if rows else "",
                          "by": written_by(rows[0]) if rows else ""})
    names = []
    if report.names is not None:
        names = [[r["holder_name"] or "", r["certificate_number"],
                  dimension_label(r["event_kind"]),
                  f"{r['starts_on']:%Y-%m-%d}", r["reason"] or "",
                  REPORT_KINDS.get(r["report_kind"], r["report_kind"])]
                 for r in report.names.filter(pl.col("scheme") == scheme)
                 .iter_rows(named=True)]
    return {"name": SCHEMES.get(scheme, scheme), "sections": sections, "charts": charts,
            "texts": text_rows, "names": names}
