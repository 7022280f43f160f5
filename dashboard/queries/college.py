"""The College of Experts page: the yearly report's figures, texts, freeze and
files, for management and the College only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime

import duckdb
import polars as pl
import streamlit as st

from dashboard import db
from dashboard.queries.shared import _run
from dashboard.viewer import Viewer

# === end access control ===


# === issue 11: College page and yearly report ===
# The College page and the downloads read aggregates only (no holder names); a producer
# gets nothing here (refused in the query, not only by the page registry).
REPORT_ROLES = frozenset({"management", "college"})


def _report_viewer(viewer: Viewer) -> None:
    if viewer.role not in REPORT_ROLES:
        raise PermissionError("the yearly report is for management and the College")


def report_years(viewer: Viewer, as_of: date) -> pl.DataFrame:
    """(scheme, year) pairs with data up to the session's as-of year, newest first."""
    _report_viewer(viewer)
    return _run("select scheme, year from report_periods order by year desc, scheme", [],
                as_of)


def report_figures(viewer: Viewer, year: int, scheme: str) -> pl.DataFrame:
    """The yearly_report rows of one scheme × year, computed as of 31 December."""
    figures = _year_report(viewer, year)
    return figures.filter(pl.col("scheme") == scheme).drop("scheme")


def _year_report(viewer: Viewer, year: int) -> pl.DataFrame:
    """Every scheme's rows of one year: one cached query (all schemes cost about a tenth more
    than one), so picking another scheme reads from the cache."""
    _report_viewer(viewer)
    return _run(
        "select scheme, section, indicator, measure, dimension, value, previous_value,"
        " value - previous_value as change, article, ord from yearly_report"
        " where year = ? order by scheme, section, ord, dimension nulls first",
        [year], date(year, 12, 31))


_prefetching: set[tuple[object, ...]] = set()
_prefetching_lock = threading.Lock()


def prefetch_report_figures(viewer: Viewer, years: list[int]) -> None:
    """Computes the reports of ``years`` (every scheme), one after the other in one
    background thread, into the shared cache, so that picking one of them next reads from
    the cache: a report is computed as of 31 December of its own year, so another year is
    a new query (about 1.2 s of CPU at scale 100). The page calls it after its own figures
    are read (issue 26): the prefetch then runs while the reader reads, instead of taking
    the two cores from the page's first render; years in the order given (the likeliest
    next pick first). At most one thread per store version × years; failures are left to
    the read that needs the figures. Nothing is prefetched while a writer is at work."""
    _report_viewer(viewer)
    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    from pipelines.store import writer_active

    path = db.store_path()
    if writer_active(path):
        # an ingest is under way: its snapshot will replace this version's cache within
        # seconds, and the CPU is better spent on the readers' own pages (20 sessions and
        # 5 ingests: reader p95 1.2 s with the prefetch during ingests, bench/concurrency.py)
        return
    key = (str(path), db.store_version(path), tuple(years))
    with _prefetching_lock:
        if key in _prefetching or not years:
            return
        _prefetching.add(key)

    def work() -> None:
        try:
            for year in years:
                try:
                    _year_report(viewer, year)
                except Exception:  # noqa: BLE001,S112 - only a prefetch; the page's read reports
                    continue
        finally:
            with _prefetching_lock:
                _prefetching.discard(key)

    ctx = get_script_run_ctx()  # cache_data runs inside a session
    thread = threading.Thread(target=work, name="prefetch-report", daemon=True)
    add_script_run_ctx(thread, ctx)
    thread.start()


def report_texts(viewer: Viewer, year: int, scheme: str) -> dict[str, dict[str, object]]:
    """Per written text section: body, updated_at, updated_by (who and when)."""
    _report_viewer(viewer)
    frame = _run("select section, body, updated_at, updated_by from report_texts"
                 " where year = ? and scheme = ?", [year, scheme], date(year, 12, 31))
    return {row["section"]: row for row in frame.iter_rows(named=True)}


def report_freeze(viewer: Viewer, year: int, scheme: str) -> dict[str, object] | None:
    """The report's freeze (frozen_at, frozen_by, files_after: files ingested after the
    moment, which the frozen downloads leave out), or None while it is a draft."""
    _report_viewer(viewer)
    try:
        # lang: the language it was frozen in (NULL: before languages, English)
        frame = _run("select frozen_at, frozen_by, (select count(*) from ingestion_log as l"
                     " where l.ingested_at > f.frozen_at) as files_after,"
                     " coalesce(f.lang, 'en') as lang"
                     " from report_freezes as f where year = ? and scheme = ?"
                     " order by frozen_at limit 1", [year, scheme], date(year, 12, 31))
    except duckdb.CatalogException:
        return None  # a store from before freezing (the table comes with the first freeze)
    return frame.row(0, named=True) if frame.height else None


@st.cache_data(show_spinner=False, max_entries=16)
def _report_model(path: str, version: tuple[int, ...], year: int, scheme: str,
                  frozen_at: datetime | None = None, frozen_by: str | None = None,
                  lang: str | None = None) -> object:
    del version  # cache key only
    from pipelines.report import load_report
    from pipelines.report.model import build_report
    if frozen_at is not None:
        # over a copy of the store as ingested up to the moment (pipelines/report/source.py)
        return load_report(db.read_path(path), year, scheme, frozen_at=frozen_at,
                           frozen_by=frozen_by, lang=lang)
    with db.reader(path=path) as cur:
        return build_report(cur, year, scheme, with_names=False, lang=lang)


@st.cache_data(show_spinner=False, max_entries=16)
def _report_file(path: str, version: tuple[int, ...], year: int, scheme: str,
                 kind: str, frozen_at: datetime | None = None,
                 frozen_by: str | None = None, lang: str | None = None) -> bytes:
    from pipelines.report.pdf import pdf_bytes
    from pipelines.report.xlsx import xlsx_bytes
    report = _report_model(path, version, year, scheme, frozen_at, frozen_by, lang)
    return xlsx_bytes(report) if kind == "xlsx" else pdf_bytes(report)  # type: ignore[arg-type]


def report_files(viewer: Viewer, year: int, scheme: str) -> tuple[bytes, bytes]:
    """The XLSX and PDF of the report (anonymous: counts only)."""
    xlsx, pdf = report_file_makers(viewer, year, scheme)
    return xlsx(), pdf()


def report_file_makers(viewer: Viewer, year: int, scheme: str
                       ) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """Makers of the XLSX and the PDF of the report, for st.download_button's deferred
    data: the file is built when it is asked for, not on every render of the page (the
    PDF takes seconds). The viewer is checked now, when the page offers the buttons.
    A frozen report (report_freezes) is made as ingested up to its freeze, in the language
    it was frozen in; a draft in the reader's language (issue 27)."""
    from pipelines.i18n import current_language
    freeze = report_freeze(viewer, year, scheme)
    path = db.store_path()
    version = db.store_version(path)
    frozen = ((freeze["frozen_at"], freeze["frozen_by"], freeze["lang"]) if freeze
              else (None, None, current_language()))
    return (lambda: _report_file(str(path), version, year, scheme, "xlsx", *frozen),
            lambda: _report_file(str(path), version, year, scheme, "pdf", *frozen))
