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
from typing import Any

import polars as pl

from pipelines.i18n.keys import LINE_PROBLEMS, refusal_text, render_refusal

LINE = "_line"


class UnreadableFile(Exception):
    """The file as a whole cannot be ingested (not a table, no usable header, ...).

    Raised with a key of ``pipelines.i18n.keys.REFUSALS`` and its values: ``str(exc)`` is
    the English sentence (logs, the command line in English), ``in_language(lang)`` the
    same in the reader's language (issue 27)."""

    def __init__(self, key: str, /, **values: Any) -> None:
        self.key = key
        self.values = values
        super().__init__(refusal_text(key, values, "en"))

    def in_language(self, lang: str | None = None) -> str:
        return render_refusal(self.key, self.values, str(self), lang=lang)


# Lines refused while reading (encoding, quotes, too many fields): same columns as the
# validation errors, plus the line as text for the quarantine's raw_row.
LINE_ERROR_SCHEMA = {LINE: pl.Int64, "column_name": pl.String, "bad_value": pl.String,
                     "reason": pl.String, "raw_line": pl.String}


@dataclass(frozen=True)
class RawFile:
    path: Path
    sha256: str
    frame: pl.DataFrame  # all columns pl.String, normalised names, plus _line
    line_errors: pl.DataFrame | None = None  # LINE_ERROR_SCHEMA
    spreadsheet: bool = False  # XLSX: its number cells carry no notation of their own


def normalise_name(name: str) -> str:
    name = name.strip().strip("\ufeff").lower()
    name = re.sub(r"\s*\(.*?\)\s*$", "", name)  # "waarde (mg/kg ds)" -> "waarde"
    return re.sub(r"[\s\-./]+", "_", name).strip("_")


def printable(text: object, limit: int = 80) -> str:
    """A value fit for a one-line message: control characters shown escaped, cut short."""
    text = str(text)
    cut = text[:limit]
    cut = "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)
    return cut + (f"… ({len(text)} characters)" if len(text) > limit else "")


def _skip_sep_line(data: bytes) -> tuple[bytes, int]:
    """Excel's ``sep=;`` first line is not the header; returns data and lines skipped."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data[:4].lower() == b"sep=":
        return (data.split(b"\n", 1)[1] if b"\n" in data else b""), 1
    return data, 0


def _line_ends(data: bytes) -> bytes:
    """Old Mac files end their lines with CR alone: one line for Polars, so none loads."""
    if b"\n" not in data and b"\r" in data:
        return data.replace(b"\r", b"\n")
    return data


# A valid multi-byte UTF-8 sequence: a line that has one is UTF-8, whatever else it has.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                             rb"|[\xf0-\xf4][\x80-\xbf]{3}")


# Byte order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = ((b"\x00\x00\xfe\xff", "UTF-32 BE"), (b"\xff\xfe\x00\x00", "UTF-32 LE"),
         (b"\xfe\xff", "UTF-16 BE"), (b"\xff\xfe", "UTF-16 LE"))
# Four non-ASCII bytes in a row: a word of Cyrillic, Greek, Japanese, Chinese... in an
# 8-bit or multi-byte encoding. Windows-1252 Dutch text has its accented letters alone.
_FOREIGN_RUN = re.compile(rb"[\x80-\xff]{4,}")
def _nul_encoding(head: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte order mark, told by where its NUL bytes fall: the
    high bytes of ASCII characters (header names and digits are ASCII)."""
    head = head[:len(head) - len(head) % 4]
    if not head:
        return None
    def share(offsets: tuple[int, ...], step: int) -> float:
        cells = [head[i + o] for i in range(0, len(head), step) for o in offsets]
        return cells.count(0) / len(cells)
    for name, offsets, step in (("UTF-32 LE", (1, 2, 3), 4), ("UTF-32 BE", (0, 1, 2), 4),
                                ("UTF-16 LE", (1,), 2), ("UTF-16 BE", (0,), 2)):
        if share(offsets, step) > 0.9:
            return name
    return None


def check_encoding(data: bytes) -> None:
    """Refuse, in one line, a text file that is neither UTF-8 nor Windows-1252: naming the
    encoding found and how to save it as UTF-8 (issue 22 point 11). UTF-16/32 are told by
    their byte order mark or their NUL bytes; another encoding by bytes Windows-1252 does
    not define or by runs of non-ASCII bytes in the lines that are not UTF-8, and named
    by charset-normalizer's guess."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise UnreadableFile("encoding_bom", encoding=name)
    head = data[:1 << 16]
    if b"\x00" in head:
        name = _nul_encoding(head)
        if name:
            raise UnreadableFile("encoding_nul", encoding=name)
        raise UnreadableFile("nul_bytes")
    try:
        data.decode("utf-8")
        return
    except UnicodeDecodeError:
        pass
    for number, line in enumerate(_line_ends(data).split(b"\n"), start=1):
        try:
            line.decode("utf-8")
            continue
        except UnicodeDecodeError:
            pass
        if _UTF8_MULTIBYTE.search(line):
            continue  # a line mixing both: quarantined on its own (_decode_line)
        try:
            line.decode("cp1252")
            foreign = _FOREIGN_RUN.search(line)
        except UnicodeDecodeError as exc:
            foreign = exc
        if foreign:
            guesses = _guess(data)
            if guesses:
                raise UnreadableFile("encoding_guessed", line=number, guesses=guesses)
            raise UnreadableFile("encoding_other", line=number)


def _guess(data: bytes) -> str:
    """The encodings charset-normalizer finds likely, best first ("" for none). On a few
    lines its first guess is often wrong (KOI8-R read as Thai), so up to three are named,
    as guesses."""
    from charset_normalizer import from_bytes

    names = [m.encoding.replace("_", "-").upper() for m in from_bytes(data[:1 << 16])
             if m.encoding not in ("utf_8", "cp1252")][:3]
    return ", ".join(names)


class Problem(str):
    """Why a line cannot be read: the English text (a line error's reason), with its key of
    ``LINE_PROBLEMS`` and values (the header's refusal in the reader's language)."""

    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, **values: Any) -> Problem:
        problem = super().__new__(cls, LINE_PROBLEMS[key].format(**values))
        problem.key, problem.values = key, values
        return problem

    def message(self) -> dict[str, Any]:
        return {"key": self.key, "args": self.values}


def _decode_line(line: bytes) -> tuple[str | None, Problem | None]:
    """(text, None) or (None, reason). UTF-8; a line that is not UTF-8 and has no UTF-8
    character is Windows-1252, as Dutch Excel writes it; a line mixing both is refused
    rather than read with one of its letters garbled."""
    try:
        return line.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(line):
            byte = line[exc.start]
            where = len(line[:exc.start].decode("utf-8", errors="replace")) + 1
            return None, Problem("mixed_encoding", byte=f"{byte:02X}", position=str(where))
        return line.decode("cp1252", errors="replace"), None


def _decode_header(line: bytes) -> str:
    text, problem = _decode_line(line.rstrip(b"\r"))
    if text is None:
        raise UnreadableFile("header_unreadable", line=1, problem=problem.message())
    return text.lstrip("\ufeff")


def sniff_separator(header: bytes) -> str:
    counts = {sep: header.count(sep.encode()) for sep in (";", ",", "\t", "|")}
    return max(counts, key=counts.get)


def split_fields(line: str, separator: str) -> tuple[list[str] | None, Problem | None]:
    """The fields of one CSV line (RFC 4180 quoting), or the reason it cannot be split."""
    if '"' not in line:
        return line.split(separator), None
    fields: list[str] = []
    current: list[str] = []
    i, n, quoted, at_start = 0, len(line), False, True
    while i < n:
        c = line[i]
        if quoted:
            if c == '"' and i + 1 < n and line[i + 1] == '"':
                current.append('"')
                i += 2
                continue
            if c == '"':
                quoted = False
                i += 1
                if i < n and line[i] != separator:
                    return None, Problem("quote_after", field=str(len(fields) + 1))
                continue
            current.append(c)
        elif c == separator:
            fields.append("".join(current))
            current, at_start = [], True
        elif c == '"' and at_start:
            quoted, at_start = True, False
        elif c == '"':
            return None, Problem("quote_inside", field=str(len(fields) + 1))
        else:
            current.append(c)
            at_start = False
        i += 1
    if quoted:
        return None, Problem("quote_open", field=str(len(fields) + 1))
    fields.append("".join(current))
    return fields, None


def _header_names(header: str, separator: str) -> list[str]:
    fields, problem = split_fields(header.rstrip("\r"), separator)
    if fields is None:
        raise UnreadableFile("header_unreadable", line=1, problem=problem.message())
    names = [normalise_name(f) for f in fields]
    seen: dict[str, int] = {}
    for position, (original, name) in enumerate(zip(fields, names, strict=True), start=1):
        if name and name in seen:
            raise UnreadableFile("column_twice", line=1,
                                 column=repr(printable(original.strip(), 40)),
                                 first=str(seen[name]), second=str(position))
        seen.setdefault(name, position)
    return names


def _read_lines(data: bytes, separator: str, n_columns: int,
                first_line: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The careful reading, for a file Polars refused: line by line, the lines that cannot
    be taken set aside with their reason, the others read by Polars after all."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    kept: list[str] = []
    numbers: list[int] = []
    errors: list[tuple] = []
    for number, raw_line in enumerate(lines[1:], start=first_line + 1):
        text, problem = _decode_line(raw_line.rstrip(b"\r"))
        if text is not None:
            fields, problem = split_fields(text, separator)
            if fields is not None and len(fields) > n_columns:
                problem = (f"{len(fields)} fields where the header has {n_columns}; the "
                           "extra fields would be lost (a value with the separator in it "
                           "goes in quotes)")
        shown = text if text is not None else raw_line.decode("utf-8", errors="replace")
        if problem:
            errors.append((number, None, printable(shown), str(problem), shown))
            continue
        kept.append(text)
        numbers.append(number)
    while kept and not kept[-1].strip():  # trailing blank lines: no rows
        kept.pop()
        numbers.pop()
    header = _decode_header(lines[0]) if lines else ""
    body = "\n".join([header, *kept]) + "\n"
    try:
        frame = pl.read_csv(body.encode(), separator=separator, infer_schema=False)
    except pl.exceptions.PolarsError as exc:
        raise UnreadableFile("csv_unreadable", error=printable(exc)) from exc
    if frame.height != len(numbers):
        raise UnreadableFile("csv_unnumbered")
    frame = frame.with_columns(pl.Series(LINE, numbers, pl.Int64)).select(
        LINE, *frame.columns)
    return frame, pl.DataFrame(errors, schema=LINE_ERROR_SCHEMA, orient="row")


def _read_csv(data: bytes) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    data, skipped = _skip_sep_line(data)
    data = _line_ends(data)
    header = data.split(b"\n", 1)[0]
    if not header.strip():
        raise UnreadableFile("no_header", line=1 + skipped)
    separator = sniff_separator(header)
    names = _header_names(_decode_header(header), separator)
    try:
        # Polars checks the UTF-8, the quotes and the number of fields itself: a file it
        # takes whole needs nothing more (the fast way, nearly every file).
        frame = pl.read_csv(data, separator=separator, infer_schema=False)
        frame = frame.with_row_index(LINE, offset=2 + skipped)
        errors = pl.DataFrame(schema=LINE_ERROR_SCHEMA)
    except pl.exceptions.PolarsError:
        frame, errors = _read_lines(data, separator, len(names), 1 + skipped)
    return frame, errors, names


def _read_xlsx(path: Path, n_rows: int | None = None) -> pl.DataFrame:
    options: dict[str, object] = {"header_row": 0}
    if n_rows is not None:
        options["n_rows"] = n_rows
    try:
        frame = pl.read_excel(path, engine="calamine", infer_schema_length=0,
                              read_options=options)
    except Exception as exc:  # fastexcel raises its own error types
        raise UnreadableFile("xlsx_unreadable", error=printable(exc)) from exc
    frame = frame.with_columns(pl.all().cast(pl.String))
    return frame.with_row_index(LINE, offset=2)


SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def _xlsx_header(path: Path) -> list[str]:
    """The header row as written: the reader renames a repeated name ('name_1') itself."""
    try:
        first = pl.read_excel(path, engine="calamine", infer_schema_length=0,
                              read_options={"header_row": None, "n_rows": 1})
    except Exception as exc:  # fastexcel raises its own error types
        raise UnreadableFile("xlsx_unreadable", error=printable(exc)) from exc
    return [normalise_name(str(c)) if c is not None else "" for c in first.row(0)] \
        if first.height else []


def read_header(path: Path) -> list[str]:
    """The normalised column names only (for ordering files by kind before reading them)."""
    path = Path(path)
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        columns = _read_xlsx(path, n_rows=0).columns  # the header, not the whole sheet
        return [normalise_name(c) for c in columns]
    with path.open("rb") as handle:
        head, _ = _skip_sep_line(handle.read(1 << 16))
    first = _line_ends(head).split(b"\n", 1)[0]
    return _header_names(_decode_header(first), sniff_separator(first))


def read_file(path: Path) -> RawFile:
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile("no_such_file")
    suffix = path.suffix.lower()
    data = path.read_bytes()
    errors = pl.DataFrame(schema=LINE_ERROR_SCHEMA)
    if suffix in SPREADSHEET_SUFFIXES:
        frame = _read_xlsx(path)
        names = _xlsx_header(path)
    elif suffix in (".csv", ".txt", ".tsv", ""):
        check_encoding(data)
        frame, errors, names = _read_csv(data)
    else:
        raise UnreadableFile("unsupported_type", suffix=repr(printable(suffix)))
    data_columns = [c for c in frame.columns if c != LINE]
    if len(names) != len(data_columns):  # cannot happen for a CSV whose header we split
        names = [normalise_name(c) for c in data_columns]
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name and name in seen:
            raise UnreadableFile("column_twice", line=1, column=repr(printable(name, 40)),
                                 first=str(seen[name]), second=str(position))
        seen.setdefault(name, position)
    # A column without a name keeps its place ("column_7"); dropped when it is empty.
    unnamed = [f"column_{i}" for i, name in enumerate(names, start=1) if not name]
    names = [name or f"column_{i}" for i, name in enumerate(names, start=1)]
    frame = frame.rename(dict(zip(data_columns, names, strict=True)))
    # Cells are trimmed; empty cells are NULL; fully empty lines (blank or ';;;') vanish
    # without shifting the numbering of the others.
    frame = frame.with_columns(
        pl.col(c).str.strip_chars().replace("", None) for c in names
    ).filter(~pl.all_horizontal(pl.col(c).is_null() for c in names))
    frame = frame.drop([c for c in unnamed if frame[c].null_count() == frame.height])
    return RawFile(path=path, sha256=hashlib.sha256(data).hexdigest(), frame=frame,
                   line_errors=errors, spreadsheet=suffix in SPREADSHEET_SUFFIXES)
