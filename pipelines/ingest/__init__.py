"""Ingestion of input files: read, validate, quarantine, load — one transaction per file.

A file is taken whole or not at all: its good rows and its quarantined rows are written in
one transaction together with its line in ``ingestion_log``. A file whose SHA-256 is
already logged is skipped, so ingesting the same file twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
from tqdm import tqdm

from pipelines import imports
from pipelines.config import settings
from pipelines.i18n import cli_language, fmt, gettext, ngettext, use_language
from pipelines.i18n.cli import _
from pipelines.i18n.keys import render, render_refusal
from pipelines.ingest import sikb0101
from pipelines.ingest.cells import POINT
from pipelines.ingest.kinds import KINDS, Kind
from pipelines.ingest.load import (
    drop_already_loaded,
    drop_identical,
    reject_rows,
    stage,
    unstage,
    write_rows,
    written_tables,
)
from pipelines.ingest.read import (
    LINE,
    RawFile,
    UnreadableFile,
    printable,
    read_file,
    read_header,
)
from pipelines.ingest.validate import (
    ERROR_SCHEMA,
    Lookups,
    detect_kind,
    header_map,
    notations,
    unknown_columns,
    validate,
    with_reason_keys,
)
from pipelines.ingest.versions import supersede_quarantine
from pipelines.store import mark_pending

__all__ = ["FileResult", "UnreadableFile", "ingest_file", "ingest_files", "KINDS"]


@dataclass
class FileResult:
    file_name: str
    kind: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_unchanged: int = 0
    rows_quarantined: int = 0
    already_ingested: bool = False
    error: str | None = None  # the file could not be taken at all (English)
    # the refusal's key and values (pipelines.i18n.keys.REFUSALS): ``error`` in the
    # reader's language; None for an error of the OS
    error_key: str | None = None
    error_args: dict[str, object] | None = None
    problems: list[str] = field(default_factory=list)  # first quarantine reasons, for people
    notes: list[str] = field(default_factory=list)  # e.g. columns the kind does not read
    sha256: str | None = None  # issue 25: for the import log (None: the file was not read)

    @property
    def summary(self) -> str:
        """In English: the audit log's detail (stored text)."""
        return self.summary_in("en")

    def summary_in(self, lang: str | None = None, *, grouped: bool = False) -> str:
        """One line for people: the command line's (``cli_language()``), an upload's reader
        (the session's language) or the audit log's (English). Counts stay plain digits
        as in every log line, unless ``grouped``: in the language's notation (1.234)."""
        if self.error:
            return gettext("{file}: not ingested: {reason}", lang=lang).format(
                file=self.file_name, reason=self.error_in(lang))
        # two counts, each with its own plural: the pieces are whole phrases of their own
        def count(n: int) -> str:
            return fmt.number(n, lang=lang) if grouped else str(n)

        loaded = ngettext("{n} row loaded", "{n} rows loaded", self.rows_loaded,
                          lang=lang).format(n=count(self.rows_loaded))
        quarantined = ngettext("{n} row quarantined", "{n} rows quarantined",
                               self.rows_quarantined, lang=lang).format(
                                   n=count(self.rows_quarantined))
        return gettext("{file}: {loaded}, {quarantined}", lang=lang).format(
            file=self.file_name, loaded=loaded, quarantined=quarantined)


    def error_in(self, lang: str | None = None) -> str | None:
        """Why the file was refused, in ``lang`` (the stored English when it has no key)."""
        if self.error is None:
            return None
        return printable(render_refusal(self.error_key, self.error_args, self.error, lang=lang),
                         300)

    def refuse(self, exc: UnreadableFile) -> None:
        self.error = printable(exc, 300)
        self.error_key, self.error_args = exc.key, dict(exc.values)


def _lookups(con: duckdb.DuckDBPyConnection) -> Lookups:
    aliases = dict(con.execute("select alias, component from ref_component_aliases").fetchall())
    products = {}
    for code, nl, en in con.execute("select product, name_nl, name_en from products").fetchall():
        for name in (code, nl, en):
            products[name.lower()] = code
    today, as_of = con.execute(
        "select current_date, (select as_of from as_of_date)").fetchall()[0]
    # Plausible dates end a year after the later of the store's as-of date and today: a
    # store looking back at 2024 still takes this year's files.
    latest = max(today, as_of or today)
    latest = latest.replace(year=latest.year + 1) if (latest.month, latest.day) != (2, 29) \
        else latest.replace(year=latest.year + 1, day=28)
    return Lookups(component_aliases=aliases, products=products, today=today,
                   latest_date=latest)


def _validate_in_chunks(raw: RawFile, kind: Kind, lookups: Lookups, name: str,
                        progress: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    frame, chunk = raw.frame, settings().chunk_rows
    # The number notation is the whole file's, not a chunk's.
    number_notations = notations(frame, kind, default=POINT if raw.spreadsheet else None)
    goods, errors = [], []
    with tqdm(total=frame.height, desc=name, unit="rows", disable=not progress,
              file=sys.stderr, leave=False) as bar:
        for offset in range(0, max(frame.height, 1), chunk):
            part = validate(frame.slice(offset, chunk), kind, lookups, number_notations)
            goods.append(part.rows)
            errors.append(part.errors)
            bar.update(min(chunk, frame.height - offset))
    return pl.concat(goods), pl.concat(errors)


@dataclass
class Prepared:
    """A file read and validated, not yet written (the part that needs no connection)."""

    path: Path
    result: FileResult
    raw: RawFile | None = None
    kind: Kind | None = None
    good: pl.DataFrame | None = None
    row_errors: pl.DataFrame | None = None
    present: set[str] = field(default_factory=set)  # the kind's columns the file has
    xml_lineage: bool = False  # issue 25: rows carry an XML element path (source_paths)


def prepare(path: Path | str, kind: str | None, lookups: Lookups,
            progress: bool | None = None,
            sikb: sikb0101.SikbContext | None = None) -> Prepared:
    """Read, detect the kind and validate the rows of one file."""
    path = Path(path)
    # === issue 25: SIKB0101 XML (pipelines/ingest/sikb0101.py) ===
    if kind == sikb0101.KIND or (kind is None and sikb0101.is_sikb0101(path)):
        return _prepare_sikb0101(path, lookups, sikb)
    # === end issue 25 ===
    prepared = Prepared(path=path, result=FileResult(file_name=str(path)))
    try:
        raw = read_file(path)
        prepared.raw = raw
        prepared.result.rows_read = raw.frame.height
        prepared.result.rows_read += 0 if raw.line_errors is None else raw.line_errors.height
        header = [c for c in raw.frame.columns if c != LINE]
        spec = KINDS[kind] if kind else detect_kind(header)
        prepared.kind, prepared.result.kind = spec, spec.name
        prepared.present = set(header_map(spec, header))
        unread = unknown_columns(spec, header)
        if unread:
            names = ", ".join(printable(c, 40) for c in unread[:10])
            prepared.result.notes.append(
                _("columns not read (not {kind} columns): {names}").format(
                    kind=spec.name, names=names) if len(unread) <= 10 else
                _("columns not read (not {kind} columns): {names} and {n} more").format(
                    kind=spec.name, names=names, n=len(unread) - 10))
        if progress is None:
            progress = raw.frame.height >= settings().progress_min_rows
        prepared.good, prepared.row_errors = _validate_in_chunks(
            raw, spec, lookups, path.name, progress)
    except UnreadableFile as exc:
        prepared.result.refuse(exc)
    except OSError as exc:  # unreadable (permissions, a folder): this file, not the run
        prepared.result.error = printable(exc.strerror or exc, 300)
    return prepared


def _prepare_sikb0101(path: Path, lookups: Lookups,
                      sikb: sikb0101.SikbContext | None) -> Prepared:
    """issue 25: a SIKB0101 file read into lab rows, validated by the lab kind itself."""
    prepared = Prepared(path=path, result=FileResult(file_name=str(path), kind=sikb0101.KIND))
    try:
        if sikb is None:  # ingest_file / ingest_files always pass it
            raise UnreadableFile("sikb_no_context")
        raw = sikb0101.read_sikb0101(path, sikb)
        spec = KINDS["lab"]
        prepared.raw, prepared.kind, prepared.xml_lineage = raw, spec, True
        prepared.present = {c.name for c in spec.columns}
        prepared.result.rows_read = raw.frame.height + (
            0 if raw.line_errors is None else raw.line_errors.height)
        # XML numbers (xs:double) have a decimal point, never a decimal comma
        part = validate(raw.frame, spec, lookups,
                        {"value": POINT, "loq": POINT, "lot_size_tonnes": POINT})
        prepared.good, prepared.row_errors = part.rows, part.errors
    except UnreadableFile as exc:
        prepared.result.refuse(exc)
    except OSError as exc:
        prepared.result.error = printable(exc.strerror or exc, 300)
    return prepared


def store_prepared(con: duckdb.DuckDBPyConnection, prepared: Prepared) -> FileResult:
    """Write a prepared file in one transaction: rows, quarantine and log line together."""
    result, raw, spec = prepared.result, prepared.raw, prepared.kind
    if raw is not None:
        result.sha256 = raw.sha256
    if result.error or raw is None or spec is None:
        return result
    # Taken before without a rejected row: nothing can change. Taken before with rejected
    # rows: run again, so rows rejected for a missing certificate or site can now load;
    # the rows loaded the first time are recognised by SHA-256 and line and kept once.
    # A take that read fewer rows than are read now (a CR-only file once read as one line)
    # proves nothing: the file is taken again.
    previous = con.execute(
        "select count(*) from ingestion_log where source_sha256 = ? and rows_quarantined = 0"
        " and rows_read >= ?", [raw.sha256, result.rows_read]).fetchall()[0][0]
    if previous:
        result.already_ingested = True
        return result
    path = prepared.path
    ingested_at = dt.datetime.now()
    provenance = {"source_file": path.name, "source_sha256": raw.sha256,
                  "ingested_at": ingested_at}
    con.execute("begin transaction")
    try:
        stage(con, prepared.good)
        retaken = drop_already_loaded(con, spec, raw.sha256)
        retaken += drop_identical(con, spec, provenance)
        store_errors = reject_rows(con, spec)
        counts = write_rows(con, spec, provenance, prepared.present)
        counts.unchanged += retaken
        con.execute("delete from quarantine where source_sha256 = ?", [raw.sha256])
        supersede_quarantine(con, raw, spec, provenance)
        line_errors = raw.line_errors if raw.line_errors is not None else \
            pl.DataFrame(schema=ERROR_SCHEMA)
        quarantined = pl.concat([with_reason_keys(line_errors),
                                 with_reason_keys(prepared.row_errors),
                                 with_reason_keys(store_errors)])
        _write_quarantine(con, raw, quarantined, spec, provenance)
        if prepared.xml_lineage:  # issue 25
            sikb0101.write_lineage(con, raw)
        result.rows_loaded, result.rows_unchanged = counts.loaded, counts.unchanged
        result.rows_quarantined = quarantined[LINE].n_unique()
        # for the operator (CLI, inbox log): the stored English as written, or its
        # translation when CERT_LANG says so
        language = cli_language()
        result.problems = [
            (gettext("{file}, line {line}, column {column}: {reason}", lang=language)
             if r["column_name"] else
             gettext("{file}, line {line}: {reason}", lang=language)).format(
                file=path.name, line=r[LINE], column=r["column_name"],
                reason=printable(r["reason"] if language == "en" else render(
                    r["reason_key"], r["reason_args"], r["reason"], lang=language), 300))
            for r in quarantined.sort(LINE).head(20).iter_rows(named=True)
        ]
        con.execute(
            "insert into ingestion_log values (nextval('ingestion_log_seq'), ?, ?, ?, ?, ?,"
            " ?, ?, ?)",
            [path.name, raw.sha256, spec.name, ingested_at, result.rows_read,
             result.rows_loaded, result.rows_unchanged, result.rows_quarantined])
        # issue 12: what the materialized tables must catch up on, committed with the rows
        mark_pending(con, written_tables(spec.name), raw.sha256, ingested_at)
        unstage(con)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        unstage(con)
        raise
    return result


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path | str, kind: str | None = None,
                *, progress: bool | None = None,
                sikb_options: dict[str, str | None] | None = None,
                by_user: str | None = None, source: str = "api") -> FileResult:
    """Ingest one file on an open read-write connection (its own transaction).
    ``sikb_options``: lot/site/certificate for a SIKB0101 file with one sample;
    ``by_user``/``source``: for the import log (imports)."""
    sikb = sikb0101.load_context(con, **(sikb_options or {})) \
        if kind == sikb0101.KIND or (kind is None and sikb0101.is_sikb0101(Path(path))) \
        else None
    started_at, clock = dt.datetime.now(), time.monotonic()
    result = store_prepared(con, prepare(path, kind, _lookups(con), progress, sikb))
    imports.record(con, result, by_user=by_user, source=source, started_at=started_at,
                   duration_s=time.monotonic() - clock)
    return result


def _write_quarantine(con: duckdb.DuckDBPyConnection, raw: RawFile,
                      errors: pl.DataFrame, kind: Kind, provenance: dict) -> None:
    if errors.is_empty():
        return
    frame = raw.frame
    data_cols = [c for c in frame.columns if c != LINE]
    certificate_col = header_map(kind, data_cols).get("certificate_number")
    certificate = pl.col(certificate_col) if certificate_col else pl.lit(None, pl.String)
    raw_rows = frame.join(errors.select(LINE).unique(), on=LINE, how="semi").select(
        LINE, pl.struct(data_cols).struct.json_encode().alias("raw_row"),
        certificate.alias("certificate_number"))
    if raw.line_errors is not None and not raw.line_errors.is_empty():
        # Lines refused while reading have no columns: the line itself is the row as read.
        raw_rows = pl.concat([raw_rows, raw.line_errors.select(
            LINE, pl.struct(pl.col("raw_line").alias("line")).struct.json_encode()
            .alias("raw_row"), pl.lit(None, pl.String).alias("certificate_number"))])
    rows = errors.join(raw_rows, on=LINE, how="left")
    con.register("_quarantine_frame", rows)
    con.execute(
        "insert into quarantine by name select $source_file as source_file, $source_sha256"
        " as source_sha256, $kind as kind, _line as source_line, column_name, bad_value,"
        " reason, reason_key, reason_args, raw_row, $ingested_at as ingested_at,"
        " certificate_number"
        " from _quarantine_frame", provenance | {"kind": kind.name})
    con.unregister("_quarantine_frame")


KIND_ORDER = list(KINDS)  # master data first: certificates, sites, persons, lots, then facts


def _kind_rank(path: Path) -> int:
    if sikb0101.is_sikb0101(path):  # issue 25: SIKB0101 XML holds lab results
        return KIND_ORDER.index("lab")
    try:
        header = [c for c in read_header(path) if c != LINE]
        return KIND_ORDER.index(detect_kind(header).name)
    except (UnreadableFile, OSError):
        return len(KIND_ORDER)  # reported properly when it is ingested


def ingest_files(con: duckdb.DuckDBPyConnection, paths: Iterable[Path | str],
                 kind: str | None = None, *, progress: bool | None = None,
                 refresh: bool = True,
                 sikb_options: dict[str, str | None] | None = None,
                 by_user: str | None = None, source: str = "api") -> list[FileResult]:
    """Ingest several files, master data before the facts that refer to it; then bring the
    materialized tables up to date (once, not per file) when anything was loaded.
    ``sikb_options``: lot/site/certificate for a SIKB0101 file with one sample;
    ``by_user``/``source``: for the import log (imports: cli, upload, inbox, api)."""
    from pipelines.store import apply_schema, catch_up

    # A store of an earlier version gains the tables and columns added since (every schema
    # file is idempotent), e.g. analyses_replaced for a lab's corrected report (issue 22).
    apply_schema(con, settings().sql_dir)
    log = {"by_user": by_user, "source": source}

    paths = [Path(p) for p in paths]
    if kind is None:
        paths = sorted(paths, key=_kind_rank)  # stable: same kind keeps the given order
    lookups = _lookups(con)
    # === issue 25: SIKB0101 files last, once the run's sampling records and lots are in ===
    xml = [p for p in paths
           if kind == sikb0101.KIND or (kind is None and sikb0101.is_sikb0101(p))]
    results = _ingest_in_order(con, [p for p in paths if p not in xml], kind, lookups,
                               progress, None, log)
    if xml:
        results += _ingest_in_order(con, xml, kind, lookups, progress,
                                    sikb0101.load_context(con, **(sikb_options or {})), log)
    # === end issue 25 ===
    if refresh:  # also after "0 rows loaded": an earlier ingest may have died unrefreshed
        catch_up(con)
    return results


def _ingest_in_order(con: duckdb.DuckDBPyConnection, paths: list[Path], kind: str | None,
                     lookups: Lookups, progress: bool | None,
                     sikb: sikb0101.SikbContext | None, log: dict) -> list[FileResult]:
    results: list[FileResult] = []
    # the notes prepare() writes are for the operator or the page's reader; the reading
    # thread knows neither's language, so it is taken along
    language = cli_language()

    def timed(path: Path) -> tuple[dt.datetime, float, Prepared]:
        with use_language(language):
            return dt.datetime.now(), time.monotonic(), prepare(path, kind, lookups, progress,
                                                                sikb)

    # While one file is written (DuckDB), the next is read and validated (Polars); both
    # release the GIL, so the two overlap on the machine's cores.
    with ThreadPoolExecutor(max_workers=1) as reader:
        upcoming = [reader.submit(timed, p) for p in paths[:1]]
        for index in range(len(paths)):
            started_at, clock, prepared = upcoming.pop(0).result()
            if index + 1 < len(paths):
                upcoming.append(reader.submit(timed, paths[index + 1]))
            result = store_prepared(con, prepared)
            imports.record(con, result, started_at=started_at,  # issue 25: the import log
                           duration_s=time.monotonic() - clock, **log)
            results.append(result)
    return results
