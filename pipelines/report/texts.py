"""Saving the report's open text sections (report_texts), the one write the College page
makes. The dashboard's store connection is read-only, so this opens a short write
connection of its own (pipelines.store.connect_write waits for readers to let go)."""

from __future__ import annotations

from pathlib import Path

from pipelines.report.labels import TEXT_SECTIONS
from pipelines.store import connect_write


def save_text(db_path: Path | str, scheme: str, year: int, section: str, body: str,
              updated_by: str | None) -> None:
    if section not in TEXT_SECTIONS:
        raise ValueError(f"unknown text section {section!r}")
    with connect_write(db_path) as con:
        con.execute(
            "insert or replace into report_texts (scheme, year, section, body, updated_at,"
            " updated_by) values (?, ?, ?, ?, now()::timestamp, ?)",
            [scheme, year, section, body, updated_by])
