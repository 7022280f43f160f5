"""The yearly report to the College of Experts (BRL 9341 §8.7) and the producer's yearly
statement. The figures come from the view ``yearly_report`` (sql/marts/report/);
this package only computes them on the right connection and lays them out.

- model: the report as data (figures with the year before, texts, sources, hash)
- source: the connection, optionally frozen at an ingestion moment
- xlsx / pdf: the files; texts: saving the text sections; statement: per holder
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pipelines.i18n import cli
from pipelines.report.model import Report, ReportRefused, build_report
from pipelines.report.source import report_connection

__all__ = ["Report", "ReportRefused", "build_report", "load_report", "write_report"]


def load_report(db_path: Path, year: int, scheme: str | None, *,
                frozen_at: datetime | None = None, with_names: bool = False,
                frozen_by: str | None = None, lang: str | None = None) -> Report:
    with report_connection(db_path, frozen_at) as con:
        return build_report(con, year, scheme, frozen_at=frozen_at, with_names=with_names,
                            frozen_by=frozen_by, lang=lang)


def write_report(db_path: Path, year: int, scheme: str | None, out: Path, *,
                 frozen_at: datetime | None = None, with_names: bool = False,
                 lang: str | None = None) -> Report:
    """Compute and write the report; ReportRefused (nothing written) when it cannot be.
    ``lang``: its language (default: the current one, Dutch unless CERT_LANG says else)."""
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise ReportRefused(cli._("{path}: the report is written as .xlsx or .pdf").format(
            path=out))
    if not Path(db_path).exists():
        raise ReportRefused(cli._("no store at {path}").format(path=db_path))
    report = load_report(db_path, year, scheme, frozen_at=frozen_at, with_names=with_names,
                         lang=lang)
    if suffix == ".xlsx":
        from pipelines.report.xlsx import xlsx_bytes
        content = xlsx_bytes(report)
    else:
        from pipelines.report.pdf import pdf_bytes
        content = pdf_bytes(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    from pipelines.files import write_private  # names (--with-names): owner-only, issue 24
    write_private(out, content)
    return report
