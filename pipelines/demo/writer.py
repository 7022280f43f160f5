"""Writing the demo's input files in the canonical formats of docs/contract.md.

Two styles on purpose: ``plain`` (comma, ISO dates, decimal point; what a lab's export
looks like and fast for the big files) and ``messy`` (semicolon, UTF-8 BOM, decimal comma,
DD-MM-YYYY dates; what a spreadsheet saved by hand looks like). The audits go to XLSX.
Every writer is deterministic: same frame in, same bytes out.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import xlsxwriter

from pipelines.files import private_file

# xlsxwriter stamps the creation time into docProps/core.xml; a fixed one keeps the
# file's SHA-256 stable between runs.
XLSX_CREATED = dt.datetime(2026, 11, 23, 8, 0, 0)


def files_dir_beside(db_path: Path) -> Path:
    """The demo's input files go beside the store they build (``demo.duckdb`` ->
    ``demo_files/``), never into the repository."""
    db_path = Path(db_path)
    return db_path.parent / f"{db_path.stem}_files"


def write_plain(df: pl.DataFrame, path: Path, *, bom: bool = False) -> Path:
    # the demo's files hold (made-up) holder and person names: owner-only (issue 24)
    df.write_csv(private_file(path), separator=",", date_format="%Y-%m-%d", include_bom=bom)
    return path


def _messy_frame(df: pl.DataFrame, decimal_columns: tuple[str, ...]) -> pl.DataFrame:
    exprs: list[pl.Expr] = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if dtype == pl.Date:
            exprs.append(col.dt.strftime("%d-%m-%Y"))
        elif dtype.is_float() or name in decimal_columns:
            exprs.append(col.cast(pl.String).str.replace(".", ",", literal=True))
        else:
            exprs.append(col)
    return df.select(exprs)


def write_messy(df: pl.DataFrame, path: Path, *,
                decimal_columns: tuple[str, ...] = ()) -> Path:
    """Semicolon, BOM, decimal comma (floats and the named string columns), DD-MM-YYYY."""
    _messy_frame(df, decimal_columns).write_csv(private_file(path), separator=";",
                                                include_bom=True)
    return path


def write_xlsx(df: pl.DataFrame, path: Path, sheet: str = "audits") -> Path:
    """One header row, dates as real Excel dates (as a hand-kept workbook has them)."""
    workbook = xlsxwriter.Workbook(str(private_file(path)))
    workbook.set_properties({"created": XLSX_CREATED, "author": "demo"})
    sheet_ = workbook.add_worksheet(sheet)
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    for col_no, name in enumerate(df.columns):
        sheet_.write_string(0, col_no, name)
    for col_no, (name, dtype) in enumerate(df.schema.items()):
        for row_no, value in enumerate(df.get_column(name).to_list(), start=1):
            if value is None:
                continue
            if dtype == pl.Date:
                sheet_.write_datetime(row_no, col_no, dt.datetime.combine(value, dt.time()),
                                      date_format)
            elif isinstance(value, bool):
                sheet_.write_boolean(row_no, col_no, value)
            elif isinstance(value, int | float):
                sheet_.write_number(row_no, col_no, value)
            else:
                sheet_.write_string(row_no, col_no, str(value))
    workbook.close()
    return path
