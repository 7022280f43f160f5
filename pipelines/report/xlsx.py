"""The yearly report as an XLSX workbook (XlsxWriter): one sheet per section with the
year and the year before side by side, the text sections, the data sources and the
as-of date. Layout only; the figures come from model.Report.

In the report's language (Report.lang, issue 27): headers, sheet names and text cells
translated, dates in its numeric notation; number cells stay numbers (Excel shows them
in the reader's own notation)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import xlsxwriter

from pipelines.i18n import N_, _, pgettext, use_language
from pipelines.i18n import fmt as notation
from pipelines.report.labels import (
    SECTION_ORDER,
    TEXT_SECTIONS,
    dimension_label,
    report_kind_label,
    report_note,
    scheme_name,
    section_title,
    text_section_title,
)
from pipelines.report.model import Report

FIGURE_HEADERS = (N_("Scheme"), N_("Indicator"), N_("Detail"), "{year}", "{previous}",
                  N_("Change"), N_("Article"))
# Excel date formats per language: numeric (no month names), as the dashboard's tables
DATE_FORMATS = {"nl": "dd-mm-yyyy", "en": "dd/mm/yyyy"}
STAMP_FORMATS = {"nl": "dd-mm-yyyy hh:mm:ss", "en": "dd/mm/yyyy hh:mm:ss"}


def write_xlsx(report: Report, out: Path | BytesIO) -> None:
    with use_language(report.lang):
        _write_xlsx(report, out)


def _write_xlsx(report: Report, out: Path | BytesIO) -> None:
    target = str(out) if isinstance(out, Path) else out
    book = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    # the file's own creation stamp is the report's: a frozen report (generated at its
    # frozen-at moment) comes out the same bytes each time it is made
    book.set_properties({"created": report.generated_at})
    fmt = _formats(book, report.lang)
    _about_sheet(book, fmt, report)
    for section in SECTION_ORDER:
        _section_sheet(book, fmt, report, section)
    _texts_sheet(book, fmt, report)
    if report.names is not None:
        _names_sheet(book, fmt, report)
    _sources_sheet(book, fmt, report)
    book.close()


def xlsx_bytes(report: Report) -> bytes:
    buffer = BytesIO()
    write_xlsx(report, buffer)
    return buffer.getvalue()


def _formats(book: xlsxwriter.Workbook, lang: str) -> dict[str, object]:
    return {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "header": book.add_format({"bold": True, "bg_color": "#DDE5F0", "border": 1,
                                   "text_wrap": True, "valign": "top"}),
        "int": book.add_format({"num_format": "#,##0"}),
        "dec": book.add_format({"num_format": "#,##0.00"}),
        "signed_int": book.add_format({"num_format": "+#,##0;-#,##0;0"}),
        "signed_dec": book.add_format({"num_format": "+#,##0.00;-#,##0.00;0"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "date": book.add_format({"num_format": DATE_FORMATS[lang]}),
        "stamp": book.add_format({"num_format": STAMP_FORMATS[lang]}),
    }


def _number(sheet, row: int, col: int, value: float | None, fmt: dict[str, object],
            signed: bool = False) -> None:
    if value is None:
        sheet.write_blank(row, col, None)
        return
    whole = float(value).is_integer()
    key = ("signed_" if signed else "") + ("int" if whole else "dec")
    sheet.write_number(row, col, value, fmt[key])


def _about_sheet(book, fmt, report: Report) -> None:
    sheet = book.add_worksheet(_("Report"))
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 70)
    sheet.write(0, 0, _("Yearly report to the College of Experts {year}").format(
        year=report.year), fmt["title"])
    # (code, label, value): the code says how the value is written
    rows = [
        ("schemes", _("Schemes"), ", ".join(scheme_name(s) for s in report.schemes)),
        ("year", _("Year"), report.year),
        ("as_of", _("As of"), report.as_of),
        ("frozen_at", _("Frozen at"),
         report.frozen_at or _("not frozen (everything ingested)")),
        ("frozen_by", _("Frozen by"),
         report.frozen_by or ("" if report.frozen_at else _("not frozen"))),
        ("generated_at", _("Generated at"), report.generated_at),
        ("hash", _("Figures hash (SHA-256)"), report.figures_hash),
        ("names", _("Holder names"),
         _("included") if report.names is not None else _("not included")),
        ("for", _("For"), report_note(report.year)),
        ("language", _("Language"), report.lang),
    ]
    for i, (code, label, value) in enumerate(rows, start=2):
        sheet.write(i, 0, label, fmt["header"])
        if code == "as_of":
            sheet.write_datetime(i, 1, _as_datetime(value), fmt["date"])
        elif code == "generated_at" or (code == "frozen_at" and report.frozen_at):
            sheet.write_datetime(i, 1, value, fmt["stamp"])
        elif code == "for":
            sheet.write_string(i, 1, value, fmt["wrap"])
        else:
            sheet.write(i, 1, value)


def _as_datetime(value):
    from datetime import datetime
    return datetime(value.year, value.month, value.day)


def sheet_name(section: str) -> str:
    """A section's sheet name: at most 31 characters (Excel), so the titles longer than
    that in some language have a short form of their own."""
    short = {"results": pgettext("sheet name", "Results of the lot tests"),
             "measures": pgettext("sheet name", "Sanctions for shortcomings")}
    return short.get(section, section_title(section))[:31]


def _section_sheet(book, fmt, report: Report, section: str) -> None:
    title = section_title(section)
    sheet = book.add_worksheet(sheet_name(section))
    rows = report.figures.filter(report.figures["section"] == section)
    sheet.write(0, 0, _("{section} — {year}, as of {day}").format(
        section=title, year=report.year, day=notation.date(report.as_of)), fmt["title"])
    headers = [_(h).format(year=report.year, previous=report.year - 1) if "{" not in h
               else h.format(year=report.year, previous=report.year - 1)
               for h in FIGURE_HEADERS]
    for col, text in enumerate(headers):
        sheet.write(2, col, text, fmt["header"])
    for widths in ((0, 0, 16), (1, 1, 46), (2, 2, 44), (3, 5, 12), (6, 6, 34)):
        sheet.set_column(*widths)
    sheet.freeze_panes(3, 0)
    for i, row in enumerate(rows.iter_rows(named=True), start=3):
        sheet.write_string(i, 0, scheme_name(row["scheme"]))
        sheet.write_string(i, 1, row["label"])
        sheet.write_string(i, 2, row["detail"])
        _number(sheet, i, 3, row["value"], fmt)
        _number(sheet, i, 4, row["previous_value"], fmt)
        _number(sheet, i, 5, row["change"], fmt, signed=True)
        sheet.write_string(i, 6, row["article"] or "")
    if rows.height == 0:
        sheet.write_string(3, 1, _("No figures for this section in this scheme."))


def _texts_sheet(book, fmt, report: Report) -> None:
    sheet = book.add_worksheet(_("Texts"))
    sheet.set_column(0, 1, 30)
    sheet.set_column(2, 2, 100)
    sheet.set_column(3, 3, 20)
    sheet.set_column(4, 4, 20)
    for col, text in enumerate((_("Scheme"), _("Section"), _("Text"), _("Written by"),
                                _("Written at"))):
        sheet.write(0, col, text, fmt["header"])
    row_no = 1
    for scheme in report.schemes:
        for section in TEXT_SECTIONS:
            rows = report.texts.filter((report.texts["scheme"] == scheme)
                                       & (report.texts["section"] == section)).to_dicts()
            sheet.write_string(row_no, 0, scheme_name(scheme))
            sheet.write_string(row_no, 1, text_section_title(section))
            # write_string: a text starting with "=" stays text (strings_to_formulas off)
            sheet.write_string(row_no, 2, rows[0]["body"] if rows else _("(none written)"),
                               fmt["wrap"])
            if rows:
                sheet.write_string(row_no, 3, rows[0]["updated_by"] or "")
                sheet.write_datetime(row_no, 4, rows[0]["updated_at"], fmt["stamp"])
            row_no += 1


def _names_sheet(book, fmt, report: Report) -> None:
    sheet = book.add_worksheet(_("Sanctions and mutations")[:31])
    headers = (_("Scheme"), _("Holder"), _("Certificate"), _("Measure"), _("Since"),
               _("Reason"), _("Kind"))
    for col, text in enumerate(headers):
        sheet.write(0, col, text, fmt["header"])
    sheet.set_column(0, 3, 22)
    sheet.set_column(4, 4, 12)
    sheet.set_column(5, 5, 80)
    sheet.set_column(6, 6, 24)
    for i, row in enumerate(report.names.iter_rows(named=True), start=1):
        sheet.write_string(i, 0, scheme_name(row["scheme"]))
        sheet.write_string(i, 1, row["holder_name"] or "")
        sheet.write_string(i, 2, row["certificate_number"])
        sheet.write_string(i, 3, dimension_label(row["event_kind"]))
        sheet.write_datetime(i, 4, _as_datetime(row["starts_on"]), fmt["date"])
        sheet.write_string(i, 5, row["reason"] or "")
        sheet.write_string(i, 6, report_kind_label(row["report_kind"]))


def _sources_sheet(book, fmt, report: Report) -> None:
    sheet = book.add_worksheet(_("Data sources")[:31])
    sheet.write(0, 0, _("Data sources (as of {day})").format(day=notation.date(report.as_of)),
                fmt["title"])
    headers = (_("File"), _("Kind"), "SHA-256", _("Ingested at"), _("Rows loaded"))
    for col, text in enumerate(headers):
        sheet.write(2, col, text, fmt["header"])
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 68)
    sheet.set_column(3, 3, 20)
    sheet.set_column(4, 4, 12)
    for i, row in enumerate(report.sources.iter_rows(named=True), start=3):
        sheet.write_string(i, 0, row["file_name"])
        sheet.write_string(i, 1, row["kind"])
        sheet.write_string(i, 2, row["source_sha256"])
        sheet.write_datetime(i, 3, row["ingested_at"], fmt["stamp"])
        sheet.write_number(i, 4, row["rows_loaded"], fmt["int"])
