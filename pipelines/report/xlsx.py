"""The yearly report as an XLSX workbook (XlsxWriter): one sheet per section with the
year and the year before side by side, the text sections, the data sources and the
as-of date. Layout only; the figures come from model.Report."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import xlsxwriter

from pipelines.report.labels import (
    REPORT_KINDS,
    REPORT_NOTE,
    SCHEMES,
    SECTION_ORDER,
    SECTIONS,
    TEXT_SECTIONS,
    dimension_label,
)
from pipelines.report.model import Report

FIGURE_HEADERS = ("Scheme", "Indicator", "Detail", "{year}", "{previous}", "Change",
                  "Article")


def write_xlsx(report: Report, out: Path | BytesIO) -> None:
    target = str(out) if isinstance(out, Path) else out
    book = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    fmt = _formats(book)
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


def _formats(book: xlsxwriter.Workbook) -> dict[str, object]:
    return {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "header": book.add_format({"bold": True, "bg_color": "#DDE5F0", "border": 1,
                                   "text_wrap": True, "valign": "top"}),
        "int": book.add_format({"num_format": "#,##0"}),
        "dec": book.add_format({"num_format": "#,##0.00"}),
        "signed_int": book.add_format({"num_format": "+#,##0;-#,##0;0"}),
        "signed_dec": book.add_format({"num_format": "+#,##0.00;-#,##0.00;0"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "stamp": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
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
    sheet = book.add_worksheet("Report")
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 70)
    sheet.write(0, 0, f"Yearly report to the College of Experts {report.year}", fmt["title"])
    rows = [
        ("Schemes", ", ".join(SCHEMES.get(s, s) for s in report.schemes)),
        ("Year", report.year),
        ("As of", report.as_of),
        ("Frozen at", report.frozen_at or "not frozen (everything ingested)"),
        ("Frozen by", report.frozen_by or ("" if report.frozen_at else "not frozen")),
        ("Generated at", report.generated_at),
        ("Figures hash (SHA-256)", report.figures_hash),
        ("Holder names", "included" if report.names is not None else "not included"),
        ("For", REPORT_NOTE.format(previous=report.year - 1)),
    ]
    for i, (label, value) in enumerate(rows, start=2):
        sheet.write(i, 0, label, fmt["header"])
        if label in ("As of",):
            sheet.write_datetime(i, 1, _as_datetime(value), fmt["date"])
        elif label in ("Generated at",) or (label == "Frozen at" and report.frozen_at):
            sheet.write_datetime(i, 1, value, fmt["stamp"])
        elif label == "For":
            sheet.write_string(i, 1, value, fmt["wrap"])
        else:
            sheet.write(i, 1, value)


def _as_datetime(value):
    from datetime import datetime
    return datetime(value.year, value.month, value.day)


def _section_sheet(book, fmt, report: Report, section: str) -> None:
    sheet = book.add_worksheet(SECTIONS[section][:31])
    rows = report.figures.filter(report.figures["section"] == section)
    sheet.write(0, 0, f"{SECTIONS[section]} — {report.year}, as of {report.as_of:%Y-%m-%d}",
                fmt["title"])
    headers = [h.format(year=report.year, previous=report.year - 1) for h in FIGURE_HEADERS]
    for col, text in enumerate(headers):
        sheet.write(2, col, text, fmt["header"])
    for widths in ((0, 0, 16), (1, 1, 46), (2, 2, 44), (3, 5, 12), (6, 6, 34)):
        sheet.set_column(*widths)
    sheet.freeze_panes(3, 0)
    for i, row in enumerate(rows.iter_rows(named=True), start=3):
        sheet.write_string(i, 0, SCHEMES.get(row["scheme"], row["scheme"]))
        sheet.write_string(i, 1, row["label"])
        sheet.write_string(i, 2, row["detail"])
        _number(sheet, i, 3, row["value"], fmt)
        _number(sheet, i, 4, row["previous_value"], fmt)
        _number(sheet, i, 5, row["change"], fmt, signed=True)
        sheet.write_string(i, 6, row["article"] or "")
    if rows.height == 0:
        sheet.write_string(3, 1, "No figures for this section in this scheme.")


def _texts_sheet(book, fmt, report: Report) -> None:
    sheet = book.add_worksheet("Texts")
    sheet.set_column(0, 1, 30)
    sheet.set_column(2, 2, 100)
    sheet.set_column(3, 3, 20)
    sheet.set_column(4, 4, 20)
    for col, text in enumerate(("Scheme", "Section", "Text", "Written by", "Written at")):
        sheet.write(0, col, text, fmt["header"])
    row_no = 1
    for scheme in report.schemes:
        for section, title in TEXT_SECTIONS.items():
            rows = report.texts.filter((report.texts["scheme"] == scheme)
                                       & (report.texts["section"] == section)).to_dicts()
            sheet.write_string(row_no, 0, SCHEMES.get(scheme, scheme))
            sheet.write_string(row_no, 1, title)
            # write_string: a text starting with "=" stays text (strings_to_formulas off)
            sheet.write_string(row_no, 2, rows[0]["body"] if rows else "(none written)",
                               fmt["wrap"])
            if rows:
                sheet.write_string(row_no, 3, rows[0]["updated_by"] or "")
                sheet.write_datetime(row_no, 4, rows[0]["updated_at"], fmt["stamp"])
            row_no += 1


def _names_sheet(book, fmt, report: Report) -> None:
    sheet = book.add_worksheet("Sanctions and mutations")
    headers = ("Scheme", "Holder", "Certificate", "Measure", "Since", "Reason", "Kind")
    for col, text in enumerate(headers):
        sheet.write(0, col, text, fmt["header"])
    sheet.set_column(0, 3, 22)
    sheet.set_column(4, 4, 12)
    sheet.set_column(5, 5, 80)
    sheet.set_column(6, 6, 24)
    for i, row in enumerate(report.names.iter_rows(named=True), start=1):
        sheet.write_string(i, 0, SCHEMES.get(row["scheme"], row["scheme"]))
        sheet.write_string(i, 1, row["holder_name"] or "")
        sheet.write_string(i, 2, row["certificate_number"])
        sheet.write_string(i, 3, dimension_label(row["event_kind"]))
        sheet.write_datetime(i, 4, _as_datetime(row["starts_on"]), fmt["date"])
        sheet.write_string(i, 5, row["reason"] or "")
        sheet.write_string(i, 6, REPORT_KINDS.get(row["report_kind"], row["report_kind"]))


def _sources_sheet(book, fmt, report: Report) -> None:
    sheet = book.add_worksheet("Data sources")
    sheet.write(0, 0, f"Data sources (as of {report.as_of:%Y-%m-%d})", fmt["title"])
    headers = ("File", "Kind", "SHA-256", "Ingested at", "Rows loaded")
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
