"""The yearly report to the College of Experts (BRL 9341 §8.7) as a file.

The figures come from the view ``yearly_report``; this module only lays them out.
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def report_frame(con: duckdb.DuckDBPyConnection, year: int, scheme: str | None):
    return con.sql(
        "select scheme, year, indicator, value from yearly_report"
        " where year = $year and ($scheme is null or scheme = $scheme)"
        " order by scheme, indicator", params={"year": year, "scheme": scheme}).pl()


def write_report(db_path: Path, year: int, scheme: str | None, out: Path) -> None:
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise SystemExit(f"{out}: the report is written as .xlsx or .pdf")
    with duckdb.connect(str(db_path), read_only=True) as con:
        frame = report_frame(con, year, scheme)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        frame.write_excel(out, worksheet=f"Jaarrapportage {year}", autofit=True)
    else:
        raise SystemExit("PDF output comes with the yearly-report issue; use .xlsx for now")
