"""The one way in for the dashboard's writes (docs/architecture.md): pages call these and
lay out the result; no page imports the store, ingestion or the report texts' writer. Who
may make a write is checked here, where the write happens, not only by the page that
offers the widget, and each write is audited here (docs/security.md).

- uploads and a corrected file ingested again (Data and Imports pages): through
  dashboard/upload.py, the same pipeline as ``python -m pipelines ingest``; management and
  admin (``may_upload``);
- the yearly report's text sections and its freeze (College page): role ``college``
  writes; management reads the page but may not write (REPORT_WRITERS).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from dashboard import db
from dashboard.viewer import Viewer
from pipelines.report import texts
from pipelines.report.texts import EmptySections, ReportFrozen

if TYPE_CHECKING:
    from dashboard.upload import Upload
    from pipelines.ingest import FileResult

# Re-exported for the pages, which catch them without importing the layers below.
__all__ = [
    "EmptySections", "ReportFrozen", "WriteRefused", "freeze_report", "ingest_uploads",
    "may_upload", "may_write_report", "save_report_text", "upload_summary",
]


# The upload functions import dashboard.upload (and with it pipelines.ingest, ~0.2 s) when
# called: the pages that upload pay for it, the College page does not.
def may_upload(viewer: Viewer) -> bool:
    from dashboard import upload

    return upload.may_upload(viewer)


def ingest_uploads(viewer: Viewer, uploads: Iterable[Upload],
                   step: Callable[[float, str], None] | None = None) -> list[FileResult]:
    """Ingest uploaded files, or a corrected file again, into the dashboard's store as the
    CLI does (upload.ingest_uploads: the role check, the pipeline, the audit line).
    ``step(fraction, text)`` reports progress."""
    from dashboard import upload

    return upload.ingest_uploads(viewer, uploads, db.store_path(), step=step)


def upload_summary(result: FileResult) -> str:
    """A file's outcome for the person who uploaded it (upload.upload_summary: the reader's
    language and notation)."""
    from dashboard import upload

    return upload.upload_summary(result)


# The College of Experts writes its report's open sections and freezes it (issue 26);
# management reads them on the same page.
REPORT_WRITERS = frozenset({"college"})


class WriteRefused(PermissionError):
    """The viewer's role may not make this write."""


def may_write_report(viewer: Viewer) -> bool:
    return viewer.role in REPORT_WRITERS


def _check_report_writer(viewer: Viewer) -> None:
    if not may_write_report(viewer):
        raise WriteRefused(f"{viewer.name} ({viewer.role}) may not edit the yearly report")


def _who(viewer: Viewer) -> str:
    return viewer.username or viewer.name


def save_report_text(viewer: Viewer, scheme: str, year: int, section: str,
                     body: str) -> datetime:
    """Store one text section with who and when (texts.ReportFrozen once frozen) and
    audit it: scheme, year, section and the text's length, not the text itself."""
    from dashboard.auth import audit

    _check_report_writer(viewer)
    at = texts.save_text(db.store_path(), scheme, year, section, body, _who(viewer))
    audit("report_text", f"{scheme} {year} {section} ({len(body)} characters)")
    return at


def freeze_report(viewer: Viewer, scheme: str, year: int, *,
                  allow_empty: bool = False) -> texts.Freeze:
    """Freeze the report now (texts.EmptySections without ``allow_empty`` when a text
    section is empty; texts.ReportFrozen when it already is) and audit it, naming the
    sections frozen empty."""
    from dashboard.auth import audit

    _check_report_writer(viewer)
    freeze = texts.freeze_report(db.store_path(), scheme, year, _who(viewer),
                                 allow_empty=allow_empty)
    detail = f"{scheme} {year}"
    if freeze.empty_sections:
        detail += " with empty text sections: " + ", ".join(freeze.empty_sections)
    audit("report_freeze", detail)
    return freeze
