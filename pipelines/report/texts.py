"""The yearly report's open text sections (report_texts) and its freeze (report_freezes):
the writes the College page makes (through dashboard/services.py, which checks the role
and audits). The dashboard's store connection is read-only, so each write opens a short
write connection of its own (pipelines.store.connect_write queues writers on the store's
lock, so the "frozen?" check and the write below it cannot be overtaken by another
writer).

Rules kept here, where the write happens, not only by the page:
- a frozen report's texts are not edited (ReportFrozen);
- a report is frozen once (ReportFrozen);
- a report whose text sections are empty is frozen only when asked to explicitly
  (EmptySections without ``allow_empty``).
Times are the local clock (``datetime.now()``), as ``ingested_at``: a frozen report
compares them (pipelines/report/source.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines.config import settings
from pipelines.i18n import current_language
from pipelines.report.labels import TEXT_SECTIONS
from pipelines.store import connect_write

FREEZES_SCHEMA = "065_report_freezes.sql"


class ReportFrozen(PermissionError):
    """The report of this scheme × year is frozen: its texts stay as they are."""


class EmptySections(ValueError):
    """Freezing was asked for a report with empty text sections, without saying so."""

    def __init__(self, sections: list[str]) -> None:
        self.sections = sections
        super().__init__("empty text sections: " + ", ".join(sections))


@dataclass(frozen=True)
class Freeze:
    scheme: str
    year: int
    frozen_at: datetime
    frozen_by: str
    empty_sections: tuple[str, ...] = ()  # frozen with these sections empty (allowed)
    lang: str = "en"  # the report's language, frozen with it (issue 27)


def _ensure_freezes(con: duckdb.DuckDBPyConnection) -> None:
    """A store made before freezing existed gets the table (the same file `init` applies)."""
    con.execute((settings().sql_dir / "schema" / FREEZES_SCHEMA).read_text(encoding="utf-8"))


def freeze_of(con: duckdb.DuckDBPyConnection, scheme: str, year: int) -> Freeze | None:
    # a freeze from before languages (lang NULL) was of the English report
    row = con.execute("select frozen_at, frozen_by, coalesce(lang, 'en') from report_freezes"
                      " where scheme = ? and year = ? order by frozen_at limit 1",
                      [scheme, year]).fetchone()
    return None if row is None else Freeze(scheme, year, row[0], row[1], lang=row[2])


def empty_sections(con: duckdb.DuckDBPyConnection, scheme: str, year: int) -> list[str]:
    """The text sections (codes, in report order) with no text or only white space."""
    # str.strip, not SQL trim(): DuckDB's trim leaves line breaks and tabs
    written = {section for section, body in con.execute(
        "select section, body from report_texts where scheme = ? and year = ?",
        [scheme, year]).fetchall() if body.strip()}
    return [section for section in TEXT_SECTIONS if section not in written]


def save_text(db_path: Path | str, scheme: str, year: int, section: str, body: str,
              updated_by: str | None) -> datetime:
    """Store one section's text with who and when; returns when. ReportFrozen when the
    report is frozen."""
    if section not in TEXT_SECTIONS:
        raise ValueError(f"unknown text section {section!r}")
    at = datetime.now()
    with connect_write(db_path) as con:
        _ensure_freezes(con)
        if (freeze := freeze_of(con, scheme, year)) is not None:
            raise ReportFrozen(f"the {scheme} {year} report was frozen at "
                               f"{freeze.frozen_at:%Y-%m-%d %H:%M} by {freeze.frozen_by}")
        con.execute(
            "insert or replace into report_texts (scheme, year, section, body, updated_at,"
            " updated_by) values (?, ?, ?, ?, ?, ?)",
            [scheme, year, section, body, at, updated_by])
    return at


def freeze_report(db_path: Path | str, scheme: str, year: int, frozen_by: str, *,
                  allow_empty: bool = False, lang: str | None = None) -> Freeze:
    """Freeze the report of one scheme × year now. ReportFrozen when it already is;
    EmptySections when a text section is empty and ``allow_empty`` is not set.
    ``lang``: the language it is frozen in (default: the current one, the freezer's)."""
    lang = current_language(lang)
    with connect_write(db_path) as con:
        _ensure_freezes(con)
        if (freeze := freeze_of(con, scheme, year)) is not None:
            raise ReportFrozen(f"the {scheme} {year} report was already frozen at "
                               f"{freeze.frozen_at:%Y-%m-%d %H:%M} by {freeze.frozen_by}")
        empty = empty_sections(con, scheme, year)
        if empty and not allow_empty:
            raise EmptySections(empty)
        # after every text already saved (their updated_at is earlier): the frozen copy
        # keeps texts with updated_at <= frozen_at
        freeze = Freeze(scheme, year, datetime.now(), frozen_by, tuple(empty), lang)
        con.execute("insert into report_freezes (scheme, year, frozen_at, frozen_by, lang)"
                    " values (?, ?, ?, ?, ?)",
                    [scheme, year, freeze.frozen_at, frozen_by, lang])
    return freeze
