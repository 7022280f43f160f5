"""The dashboard's writes that are not uploads, one function each: who may make them is
checked here, where the write happens, not only by the page that offers the widget, and
each write is audited here (docs/security.md). Pages call these and lay out the result.

- the yearly report's text sections and its freeze (College page): role ``college``
  writes; management reads the page but may not write (REPORT_WRITERS).
"""

from __future__ import annotations

from datetime import datetime

from dashboard import db
from dashboard.viewer import Viewer
from pipelines.report import texts

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
