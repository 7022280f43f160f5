"""Reading an input file into a frame of strings, one row per data line.

Every cell stays a string here so that validation can name the exact line, column and
value that is wrong. ``_line`` is the line number a person sees in a text editor (CSV) or
the row number in the spreadsheet (XLSX); the header is line 1.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

LINE = "_line"


class UnreadableFile(Exception):
    """The file as a whole cannot be ingested (not a table, no usable header, ...)."""


@dataclass(frozen=True)
class RawFile:
    path: Path
    sha256: str
    frame: pl.DataFrame  # all columns pl.String, normalised names, plus _line


def normalise_name(name: str) -> str:
    name = name.strip().strip("\ufeff").lower()
    name = re.sub(r"\s*\(.*?\)\s*$", "", name)  # "waarde (mg/kg ds)" -> "waarde"
    return re.sub(r"[\s\-./]+", "_", name).strip("_")


def _skip_sep_line(data: bytes) -> tuple[bytes, int]:
    """Excel's ``sep=;`` first line is not the header; returns data and lines skipped."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data[:4].lower() == b"sep=":
        return (data.split(b"\n", 1)[1] if b"\n" in data else b""), 1
    return data, 0


def _as_utf8(data: bytes) -> bytes:
    """UTF-8 as is; otherwise Windows-1252, as Dutch Excel writes it."""
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace").encode("utf-8")


def sniff_separator(header: bytes) -> str:
    counts = {sep: header.count(sep.encode()) for sep in (";", ",", "\t", "|")}
    return max(counts, key=counts.get)


def _read_csv(data: bytes) -> pl.DataFrame:
    data, skipped = _skip_sep_line(data)
    header = data.split(b"\n", 1)[0]
    if not header.strip():
        raise UnreadableFile(f"line {1 + skipped}: no header row")
    options = {"separator": sniff_separator(header), "infer_schema": False,
               "truncate_ragged_lines": True}
    try:
        try:
            frame = pl.read_csv(data, **options)  # Polars checks the UTF-8 itself
        except pl.exceptions.ComputeError as exc:
            if "utf-8" not in str(exc).lower() and "utf8" not in str(exc).lower():
                raise
            frame = pl.read_csv(_as_utf8(data), **options)
    except pl.exceptions.PolarsError as exc:
        raise UnreadableFile(f"not a readable CSV file: {exc}") from exc
    return frame.with_row_index(LINE, offset=2 + skipped)


def _read_xlsx(path: Path, n_rows: int | None = None) -> pl.DataFrame:
    options: dict[str, object] = {"header_row": 0}
    if n_rows is not None:
        options["n_rows"] = n_rows
    try:
        frame = pl.read_excel(path, engine="calamine", infer_schema_length=0,
                              read_options=options)
    except Exception as exc:  # fastexcel raises its own error types
        raise UnreadableFile(f"not a readable XLSX file: {exc}") from exc
    frame = frame.with_columns(pl.all().cast(pl.String))
    return frame.with_row_index(LINE, offset=2)


def read_header(path: Path) -> list[str]:
    """The normalised column names only (for ordering files by kind before reading them)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        columns = _read_xlsx(path, n_rows=0).columns  # the header, not the whole sheet
    else:
        with path.open("rb") as handle:
            head, _ = _skip_sep_line(_as_utf8(handle.read(1 << 16)))
        first = head.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip("\r")
        columns = [c.strip('"') for c in first.split(sniff_separator(first.encode()))]
    return [normalise_name(c) for c in columns]


def read_file(path: Path) -> RawFile:
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile("no such file")
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        frame = _read_xlsx(path)
    elif suffix in (".csv", ".txt", ".tsv", ""):
        frame = _read_csv(data)
    else:
        raise UnreadableFile(f"unsupported file type {suffix!r} (CSV or XLSX)")
    names = [normalise_name(c) if c != LINE else c for c in frame.columns]
    seen: set[str] = set()
    for original, name in zip(frame.columns, names, strict=True):
        if name in seen:
            raise UnreadableFile(f"line 1: column {original!r} appears twice")
        seen.add(name)
    frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    # Cells are trimmed; empty cells are NULL; fully empty lines (blank or ';;;') vanish
    # without shifting the numbering of the others.
    data_cols = [c for c in frame.columns if c != LINE]
    frame = frame.with_columns(
        pl.col(c).str.strip_chars().replace("", None) for c in data_cols
    ).filter(~pl.all_horizontal(pl.col(c).is_null() for c in data_cols))
    return RawFile(path=path, sha256=hashlib.sha256(data).hexdigest(), frame=frame)
