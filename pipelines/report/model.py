"""The yearly report as data: the figures of one year (and the year before), the text
sections, the data sources, and a hash of the figures. XLSX, PDF and the College page
lay this out; none of them computes a figure.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import polars as pl

from pipelines.i18n import cli, current_language, use_language
from pipelines.report.labels import with_labels
from pipelines.report.source import set_as_of

# A setting (environment) that includes holder names; the CLI flag --with-names too.
WITH_NAMES_ENV = "CERT_REPORT_WITH_NAMES"


class ReportRefused(ValueError):
    """A report that cannot be made (unknown scheme, year without data): one line."""


@dataclass(frozen=True)
class Report:
    year: int
    schemes: tuple[str, ...]
    as_of: date
    frozen_at: datetime | None
    generated_at: datetime
    figures: pl.DataFrame  # scheme, section, indicator, measure, dimension, label, ...
    texts: pl.DataFrame  # scheme, section, body, updated_at, updated_by
    sources: pl.DataFrame  # file_name, kind, source_sha256, ingested_at, rows_loaded
    names: pl.DataFrame | None = None  # measures per holder, only with names
    figures_hash: str = field(default="")
    # who froze the report on the College page (report_freezes); None from the CLI
    frozen_by: str | None = None
    # the language of its words and notation (issue 27: Dutch unless asked otherwise); a
    # frozen report keeps the language it was frozen in (report_freezes.lang)
    lang: str = "nl"


def with_names_default() -> bool:
    return os.environ.get(WITH_NAMES_ENV, "").strip().lower() in {"1", "true", "yes"}


def valid_schemes(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("select scheme from schemes order by scheme").fetchall()]


def check_request(con: duckdb.DuckDBPyConnection, year: int,
                  scheme: str | None) -> tuple[str, ...]:
    """The schemes to report on, or ReportRefused (with the as_of already set)."""
    known = valid_schemes(con)
    if scheme is not None and scheme not in known:
        raise ReportRefused(cli._("unknown scheme {scheme}; valid schemes: {schemes}").format(
            scheme=repr(scheme), schemes=", ".join(known)))
    with_data = [r[0] for r in con.execute(
        "select scheme from report_periods where year = ? order by scheme", [year]).fetchall()]
    if scheme is not None:
        if scheme not in with_data:
            raise ReportRefused(cli._("no data for scheme {scheme} in {year}").format(
                scheme=repr(scheme), year=year))
        return (scheme,)
    if not with_data:
        raise ReportRefused(cli._("no data for any scheme in {year}").format(year=year))
    return tuple(with_data)


def build_report(con: duckdb.DuckDBPyConnection, year: int, scheme: str | None, *,
                 frozen_at: datetime | None = None, with_names: bool = False,
                 generated_at: datetime | None = None, frozen_by: str | None = None,
                 lang: str | None = None) -> Report:
    """``lang``: the report's language (default: the current one, pipelines.i18n)."""
    lang = current_language(lang)
    as_of = date(year, 12, 31)
    set_as_of(con, as_of)
    schemes = check_request(con, year, scheme)
    figures = _frame(
        con, "select scheme, section, indicator, measure, dimension, value, previous_value,"
        " article, ord from yearly_report where year = $year and list_contains($schemes,"
        " scheme) order by scheme, section, ord, dimension nulls first, indicator",
        {"year": year, "schemes": list(schemes)})
    with use_language(lang):
        figures = with_labels(figures)
    figures = figures.with_columns(
        (pl.col("value") - pl.col("previous_value")).alias("change"),
    )
    texts = _frame(
        con, "select scheme, section, body, updated_at, updated_by from report_texts"
        " where year = $year and"
        " list_contains($schemes, scheme) order by scheme, section",
        {"year": year, "schemes": list(schemes)})
    sources = _frame(
        con, "select file_name, kind, source_sha256, ingested_at, rows_loaded from ingestion_log"
        " order by ingested_at, file_id")
    names = measures_by_holder(con, year, schemes) if with_names else None
    # local clock, as ingested_at (pipelines.ingest stamps rows with datetime.now())
    stamp = generated_at or frozen_at or datetime.now().replace(microsecond=0)
    return Report(year=year, schemes=schemes, as_of=as_of, frozen_at=frozen_at,
                  generated_at=stamp, figures=figures, texts=texts, sources=sources,
                  names=names, figures_hash=figures_hash(figures, texts),
                  frozen_by=frozen_by, lang=lang)


def measures_by_holder(con: duckdb.DuckDBPyConnection, year: int,
                       schemes: tuple[str, ...]) -> pl.DataFrame:
    """Only when names are asked for: each sanction and mutation of the year with its
    holder; ``report_kind`` says which (view report_events: an end at the holder's
    request, an expired admission or a production stop is no sanction)."""
    return _frame(
        con, "select e.scheme, h.holder_name, e.certificate_number, e.event_kind, e.starts_on,"
        " e.reason, e.report_kind from report_events as e"
        " left join certificate_holders as h using (holder_id)"
        " where year(e.starts_on) = $year and list_contains($schemes, e.scheme)"
        " order by e.scheme, e.starts_on, e.certificate_number, e.event_kind",
        {"year": year, "schemes": list(schemes)})


def _frame(con: duckdb.DuckDBPyConnection, sql: str,
           params: dict[str, object] | None = None) -> pl.DataFrame:
    return con.sql(sql, params=params).pl()


def _canonical(value: object) -> str:
    """None as empty, a float by repr (exact), text as it is."""
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def figures_hash(figures: pl.DataFrame, texts: pl.DataFrame) -> str:
    """SHA-256 of the canonical figures table (and the text sections): one line per
    figure (scheme, indicator, value, previous value; tab-separated, numbers by repr),
    sorted by scheme and indicator, then the text sections."""
    digest = hashlib.sha256()
    for row in figures.select("scheme", "indicator", "value", "previous_value").sort(
            "scheme", "indicator").iter_rows():
        digest.update(("\t".join(_canonical(v) for v in row) + "\n").encode())
    for row in texts.select("scheme", "section", "body").sort("scheme", "section").iter_rows():
        digest.update(("\t".join(str(v) for v in row) + "\n").encode())
    return digest.hexdigest()
