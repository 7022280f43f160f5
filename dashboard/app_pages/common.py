"""Pieces every page uses: the session's viewer and as_of, tables and charts.

Layout only: data comes from dashboard.queries, rules from the SQL views.
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import altair as alt
import polars as pl
import streamlit as st
import xlsxwriter

from dashboard import glossary
from dashboard.navigation import may_open
from dashboard.text import plain
from dashboard.viewer import BODY, Viewer
from pipelines.charts import ChartT, date_format, localized
from pipelines.i18n import _, current_language, fmt, use_language

AS_OF_KEY = "as_of"
VIEWER_KEY = "viewer"


@dataclass(frozen=True)
class Context:
    viewer: Viewer
    as_of: date


def context() -> Context:
    """The viewer and as-of date of this session, in the contract's order: the date picked
    in the sidebar (app.py; management and the College only, also from ``?as_of=`` in the
    URL), else the store's ``settings.as_of``, else today. For the other roles nothing a
    browser sends sets ``st.session_state["as_of"]`` (no widget of that key is drawn, the
    URL parameter is dropped), so only server code (a test) could."""
    # the query layer imports nothing from the pages
    from dashboard.queries import shared as queries

    viewer = st.session_state.get(VIEWER_KEY, BODY)
    as_of = st.session_state.get(AS_OF_KEY) or queries.default_as_of()
    return Context(viewer=viewer, as_of=as_of)


def require(url_path: str) -> Context:
    """The session's context, or a stop: a page opened by URL that the viewer's role may
    not see says so and shows nothing (the navigation does not even list it)."""
    from dashboard.auth import audit  # issue 24: a forbidden page is an audited attempt

    if not isinstance(st.session_state.get(VIEWER_KEY), Viewer):
        # No login, nothing (issue 10): never fall back to a default viewer here.
        audit("page_forbidden", f"{url_path} (not logged in)")
        st.error(_("Log in to see this page."))
        st.stop()
    ctx = context()
    if not may_open(ctx.viewer, url_path):
        audit("page_forbidden", f"{url_path} (role {ctx.viewer.role})")
        st.error(_("This page is not available to you."))
        st.stop()
    return ctx


# --- text ------------------------------------------------------------------------------

# plain(): ingested text made safe inside Markdown (one implementation, dashboard/text.py)


def no_brl9341_lots(ctx: Context) -> None:
    """The empty state of a BRL 9341 page: what to do, or what applies instead to a holder
    without BRL 9341 certificates. Stops the page."""
    # the query layer imports nothing from the pages
    from dashboard.queries import shared as queries

    if ctx.viewer.sees_all or "brl9341" in queries.viewer_schemes(ctx.viewer, ctx.as_of):
        st.info(_("No BRL 9341 lots on or before this date. Lots arrive with the lab results "
                  "(Data page, or `python -m pipelines ingest --kind lab`); try a later as-of "
                  "date."))
    else:
        names = ", ".join(plain(n) for n in queries.scheme_names(ctx.viewer, ctx.as_of))
        st.info(_("Lots and sampling plans apply to BRL 9341 product certificates only. Your "
                  "certificates are under: {names}. Your home page (My certificates) shows "
                  "what applies to them: status, deviations and audits.").format(names=names))
        page_link("app_pages/my_certificates.py", label=_("My certificates"),
                  icon=":material/verified:")
    st.stop()


# --- tables -----------------------------------------------------------------------------

# Money columns are shown in euros with two decimals; matched on the column name's ending.
MONEY_ENDINGS = ("amount", "amount_due", "_excl_vat", "_incl_vat", "_vat", "interest",
                 "forfait", "_claim", "difference", "unit_price", "invoiced", "expected")
ROW_PX = 35  # st.dataframe's row height
MAX_TABLE_PX = 420  # beyond ~11 rows the table scrolls inside a fixed height


# Whole numbers are shown with thousands separators (the reader's locale, as the euros),
# except identifiers and years: a year must read 2026, not 2,026.
ID_NAMES = ("id", "year")
ID_ENDINGS = ("_id", "_seq", "_line", "_rank", "_year")
# Concentrations (mg/kg d.s.) show three significant figures, rounded in the frame and
# written out plainly: 0.00932 next to 2430 must not become 0.009 (the grid's thousands
# format has at most three decimals), nor 2430 "2.43e+3" (printf's %g).
CONCENTRATIONS = ("observation", "value", "loq", "limit_value")
EMPTY_CELL = "—"  # an empty cell (null) in every table, whatever the column's type


def is_money(column: str) -> bool:
    return column.endswith(MONEY_ENDINGS)


def is_identifier(column: str) -> bool:
    return column in ID_NAMES or column.endswith(ID_ENDINGS)


# Date columns in the reader's notation, numeric (the grid would write month names in
# English): nl 07-12-2026, en 07/12/2026 (docs/i18n.md, "Tables").
DATE_FORMATS: dict[str, tuple[str, str]] = {
    "nl": ("DD-MM-YYYY", "DD-MM-YYYY HH:mm"),
    "en": ("DD/MM/YYYY", "DD/MM/YYYY HH:mm"),
}


def column_config(frame: pl.DataFrame) -> dict[str, Any]:
    """st.column_config for every column: headers from dashboard/glossary.py, dates as
    dates, euros with two decimals, quantities with thousands separators (identifiers and
    years without), booleans as words (``displayed`` writes them yes / no), lists as lists."""
    config: dict[str, Any] = {}
    formats = DATE_FORMATS[current_language()]
    for name, dtype in frame.schema.items():
        label = glossary.header(name)
        help_text = glossary.label(glossary.HELP.get(name, ""))
        if dtype == pl.Date:
            config[name] = st.column_config.DateColumn(label, format=formats[0],
                                                       help=help_text)
        elif isinstance(dtype, pl.Datetime):
            config[name] = st.column_config.DatetimeColumn(label, format=formats[1],
                                                           help=help_text)
        elif dtype == pl.Boolean:
            # issue 26: a grey checkbox read as "not filled in"; the word says it
            config[name] = st.column_config.TextColumn(label, help=help_text)
        elif dtype.is_numeric() and is_money(name):
            config[name] = st.column_config.NumberColumn(label, format="euro",
                                                         help=help_text)
        elif dtype.is_float() and name in CONCENTRATIONS:
            config[name] = st.column_config.NumberColumn(label, format="plain", help=help_text)
        elif dtype.is_numeric() and not is_identifier(name):
            config[name] = st.column_config.NumberColumn(label, format="localized",
                                                         help=help_text)
        elif isinstance(dtype, pl.List):
            config[name] = st.column_config.ListColumn(label, help=help_text)
        else:
            config[name] = st.column_config.Column(label, help=help_text)
    return config


def table_height(n_rows: int) -> int | str:
    """Small tables as tall as their rows; larger ones a fixed height that scrolls."""
    if n_rows <= 10:
        return "auto"
    return MAX_TABLE_PX


def _displayable(frame: pl.DataFrame) -> pl.DataFrame:
    # Decimals (money in the billing views) do not take a number format in the grid.
    decimals = [n for n, t in frame.schema.items() if isinstance(t, pl.Decimal)]
    return frame.with_columns(pl.col(decimals).cast(pl.Float64)) if decimals else frame


def displayed(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame as a table shows it: codes in words (glossary.VALUE_LABELS, by column
    name; a value without a label stays as it is), booleans as words (yes / no, or the
    column's own in glossary.BOOLEAN_WORDS), decimals as floats, an infinite number
    as an empty cell (the column stays a number, sortable; its help says what empty means).

    For the screen only: filters, query parameters, selected rows and downloads keep the
    codes. Native Polars expressions only (no Python callbacks: tests/test_style.py).
    """
    out = _displayable(frame)
    exprs: list[pl.Expr] = []
    for name, dtype in out.schema.items():
        labels = glossary.value_labels(name)
        if dtype == pl.Boolean:
            # words, not grey checkboxes (issue 26); an unknown value stays empty
            yes, no = map(_, glossary.BOOLEAN_WORDS.get(name, glossary.YES_NO))
            exprs.append(pl.when(pl.col(name)).then(pl.lit(yes))
                         .when(~pl.col(name)).then(pl.lit(no)).alias(name))
        elif labels and dtype == pl.String:
            exprs.append(pl.col(name).replace(labels))
        elif labels and dtype == pl.List(pl.String):
            exprs.append(pl.col(name).list.eval(pl.element().replace(labels)))
        elif dtype.is_float():
            finite = pl.when(pl.col(name).is_infinite()).then(None).otherwise(pl.col(name))
            if name in CONCENTRATIONS:
                finite = finite.round_sig_figs(3)
            exprs.append(finite.alias(name))
    return out.with_columns(exprs) if exprs else out


def _with_overrides(config: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A page's own column_config entries replace the defaults; one without a help text
    keeps the glossary's."""
    for name, entry in overrides.items():
        default_help = (config.get(name) or {}).get("help")
        if isinstance(entry, dict) and not entry.get("help") and default_help:
            entry = {**entry, "help": default_help}
        config[name] = entry
    return config


PAGE_TABLES_KEY = "_page_tables"  # this run's page (url path) and its tables so far


def start_page(url_path: str) -> None:
    """Called by app.py before a page runs: tables without a key are named after the page
    and their place on it (billing_1, billing_2 ...), for their download's file name."""
    st.session_state[PAGE_TABLES_KEY] = {"page": url_path, "tables": 0}


def _table_name(key: str | None) -> str:
    tables = st.session_state.setdefault(PAGE_TABLES_KEY, {"page": "table", "tables": 0})
    tables["tables"] += 1
    if key:  # lots_table -> lots, table_register -> register
        return key.removesuffix("_table").removeprefix("table_")
    return f"{tables['page']}_{tables['tables']}".replace("-", "_")


def show_table(frame: pl.DataFrame, limit: int | None = None, *,
               columns: Sequence[str] | None = None, key: str | None = None,
               select_row: bool = False, styler: Any = None, empty: str | None = None,
               download: str | bool = True, **kwargs: Any) -> int | None:
    """A full-width table with the glossary's headers, saying so when the query's row limit
    cut it, and its CSV and XLSX downloads below it. ``columns`` picks and orders the
    columns shown. With ``select_row`` one row may be selected (``key`` needed); its index
    in ``frame`` is returned. A pandas ``styler`` (row colours) is drawn in its place, with
    the same column config: build it from ``displayed(frame)``, the frame as the table shows
    it. With ``empty``, a frame without rows shows that note instead of an empty table.

    Shown: codes in words and infinite numbers empty (``displayed``), empty cells as
    EMPTY_CELL. The cells are data, never Markdown or HTML: st.dataframe shows them as text.

    Downloads (issue 26 point 12): the rows of ``frame`` (the page's filters applied) and
    the columns shown, headed by the labels the table shows (a page's own column_config
    label included); see ``download_buttons`` for the values. The file is named after
    ``download`` when it is a name, else the table's ``key``, else the page and the table's
    place on it; ``download=False`` draws none.
    """
    name = _table_name(key)
    if empty is not None and frame.is_empty():
        st.info(empty)
        return None
    picked = frame.select(columns) if columns else frame
    shown = displayed(picked)
    config = _with_overrides(column_config(shown), kwargs.pop("column_config", None) or {})
    kwargs.setdefault("height", table_height(shown.height))
    kwargs.setdefault("placeholder", EMPTY_CELL)
    # The keyed container lets tests (and CSS) find the table by its key.
    with st.container(key=f"table_{key}") if key else st.container():
        selected = _table(frame, shown if styler is None else styler, config, limit, key,
                          select_row, **kwargs)
        if download is not False:
            download_buttons(picked, download if isinstance(download, str) else name,
                             key=f"download_{name}", labels=shown_labels(config))
    return selected


def shown_labels(config: dict[str, Any]) -> dict[str, str]:
    """Column name -> the header a table shows (its column_config label)."""
    labels: dict[str, str] = {}
    for name, entry in config.items():
        label = entry.get("label") if isinstance(entry, dict) else None
        labels[name] = label or glossary.header(name)
    return labels


def _table(frame: pl.DataFrame, shown: Any, config: dict[str, Any],
           limit: int | None, key: str | None, select_row: bool, **kwargs: Any) -> int | None:
    selected: int | None = None
    if isinstance(shown, pl.DataFrame):
        # st.dataframe sends an Arrow table as it is; a Polars frame it turns into pandas
        # and back to Arrow first (a large share of a page run's time, with the GIL held)
        shown = shown.to_arrow()
    if select_row:
        event = st.dataframe(shown, width="stretch", hide_index=True, column_config=config,
                             key=key, on_select="rerun", selection_mode="single-row",
                             **kwargs)
        rows = event.selection.rows if event is not None else []
        selected = rows[0] if rows else None
    else:
        st.dataframe(shown, width="stretch", hide_index=True, column_config=config, key=key,
                     **kwargs)
    if limit is not None and frame.height >= limit:
        st.caption(_("Only the first {n} rows are shown; narrow the filters to see more.")
                   .format(n=fmt.number(limit)))
    return selected


def page_link(page: str, **kwargs: Any) -> None:
    """st.page_link to another page of the app; nothing when that page is not in this
    session's navigation (a page run on its own, or one the role does not have)."""
    from streamlit.errors import StreamlitPageNotFoundError

    with contextlib.suppress(StreamlitPageNotFoundError):
        st.page_link(page, **kwargs)


def lot_link(site_id: str, lot_id: str, label: str | None = None) -> None:
    """A link to the Lot page for one lot (the site and lot travel as query parameters)."""
    page_link("app_pages/lot.py",
              label=label or _("Open lot {lot} at {site}").format(lot=plain(lot_id),
                                                                   site=plain(site_id)),
              icon=":material/labs:", query_params={"site": site_id, "lot": lot_id})


def lot_table(frame: pl.DataFrame, key: str, limit: int | None = None, *,
              columns: Sequence[str] | None = None, **kwargs: Any) -> None:
    """A table of lots (with site_id and lot_id): selecting a row offers the link to that
    lot's page."""
    row = show_table(frame, limit, columns=columns, key=key, select_row=True, **kwargs)
    if row is None:
        st.caption(_("Select a row to open that lot."))
    else:
        lot_link(frame["site_id"][row], frame["lot_id"][row])


# --- filters kept in the URL ----------------------------------------------------------


def choices(frame: pl.DataFrame, column: str) -> list[str]:
    """The distinct values of ``column``, sorted: the options of a filter."""
    return frame[column].unique().sort().to_list()


def _url_values(param: str) -> list[str]:
    return st.query_params.get_all(param)


def _sync_from_url(key: str, param: str, value: object) -> None:
    """Take the URL's value when it changed since this page last wrote it (a link or a
    shared address), so a link shows the same view."""
    seen_key = f"_url_seen_{key}"
    url = tuple(_url_values(param))
    if key not in st.session_state or st.session_state.get(seen_key) != url:
        st.session_state[key] = value
    st.session_state[seen_key] = url


def _write_url(key: str, param: str, values: list[str]) -> None:
    if values:
        st.query_params[param] = values
    elif param in st.query_params:
        del st.query_params[param]
    st.session_state[f"_url_seen_{key}"] = tuple(values)


def url_multiselect(label: str, options: Sequence[str], param: str, *, key: str,
                    container: Any = None, **kwargs: Any) -> list[str]:
    """A multiselect whose choice lives in the URL (``?param=a&param=b``). Older links
    that joined the values with commas (``?param=a,b``) are still understood."""
    box = container or st
    wanted = [v for part in _url_values(param)
              for v in ([part] if part in options else part.split(",")) if v in options]
    _sync_from_url(key, param, wanted)
    # a value no longer offered (another filter narrowed the options) is dropped
    st.session_state[key] = [v for v in st.session_state[key] if v in options]
    values = box.multiselect(label, list(options), key=key, **kwargs)
    _write_url(key, param, list(values))
    return list(values)


def url_selectbox(label: str, options: Sequence[Any], param: str, *, key: str,
                  container: Any = None, optional: bool = False,
                  default: Any = None, **kwargs: Any) -> Any:
    """A selectbox whose choice lives in the URL (``?param=value``). Without a value in the
    URL it shows ``default`` (else the first option); ``optional`` lets it show nothing
    chosen (its placeholder, e.g. "all certificates") instead."""
    box = container or st
    url = _url_values(param)
    fallback = default if default in options else None
    if fallback is None and not optional and options:
        fallback = options[0]
    # options may be numbers (years): the URL holds their text
    by_text = {str(o): o for o in options}
    wanted = by_text.get(url[0], fallback) if url else fallback
    _sync_from_url(key, param, wanted)
    if st.session_state[key] not in options:
        st.session_state[key] = fallback
    value = box.selectbox(label, list(options), key=key, **kwargs)
    _write_url(key, param, [str(value)] if value is not None else [])
    return value


def url_text_input(label: str, param: str, *, key: str, container: Any = None,
                   max_chars: int = 128, **kwargs: Any) -> str:
    """A text filter kept in the URL (``?param=text``; absent when empty)."""
    box = container or st
    url = _url_values(param)
    _sync_from_url(key, param, url[0][:max_chars] if url else "")
    value = box.text_input(label, key=key, max_chars=max_chars, **kwargs)
    _write_url(key, param, [value] if value else [])
    return value


def url_sections(options: Sequence[str], param: str, *, key: str, **kwargs: Any) -> str:
    """Which section of a page to show (a segmented control kept in the URL; the first
    section is the one without a parameter). Unlike st.tabs only the chosen section runs
    its queries. ``options`` are N_-marked English labels: shown translated, while the URL
    keeps the English (a link works in either language)."""
    kwargs.setdefault("format_func", _)  # N_-marked English options: the URL keeps them
    return url_segmented(_("Show"), options, param, key=key, label_visibility="collapsed",
                         **kwargs)


def url_segmented(label: str, options: Sequence[str], param: str, *, key: str,
                  container: Any = None, **kwargs: Any) -> str:
    """A segmented control kept in the URL; the first option is the one without a
    parameter (and the choice when none is made)."""
    box = container or st
    url = _url_values(param)
    wanted = url[0] if url and url[0] in options else options[0]
    _sync_from_url(key, param, wanted)
    if st.session_state[key] not in options:
        st.session_state[key] = options[0]
    value = box.segmented_control(label, list(options), key=key, selection_mode="single",
                                  **kwargs) or options[0]
    _write_url(key, param, [] if value == options[0] else [value])
    return value


def url_toggle(label: str, param: str, *, key: str, container: Any = None,
               **kwargs: Any) -> bool:
    """A toggle kept in the URL (``?param=1`` when on)."""
    box = container or st
    _sync_from_url(key, param, _url_values(param) == ["1"])
    value = bool(box.toggle(label, key=key, **kwargs))
    _write_url(key, param, ["1"] if value else [])
    return value


# st.date_input in the reader's notation (the URL keeps ISO dates)
DATE_INPUT_FORMATS = {"nl": "DD-MM-YYYY", "en": "DD/MM/YYYY"}


def url_date_range(label: str, first: date, last: date, param: str, *, key: str,
                   container: Any = None, **kwargs: Any) -> tuple[date | None, date | None]:
    """A (from, to) date input kept in the URL as ``?param=YYYY-MM-DD..YYYY-MM-DD``."""
    box = container or st
    value: tuple[date, ...] = (first, last)
    url = _url_values(param)
    if url:
        try:
            start, unused, end = url[0].partition("..")
            value = (date.fromisoformat(start), date.fromisoformat(end))
        except ValueError:
            pass  # a mangled address: the full period
    _sync_from_url(key, param, value)
    # "the whole period" follows the data: a new as-of date widens it (a range the user
    # narrowed stays as chosen)
    full_key = f"_full_range_{key}"
    if not url and tuple(st.session_state[key]) == st.session_state.get(full_key):
        st.session_state[key] = (first, last)
    st.session_state[full_key] = (first, last)
    chosen = box.date_input(label, key=key, format=DATE_INPUT_FORMATS[current_language()],
                            **kwargs)
    # While the user picks the second date the widget holds only the first one.
    picked = tuple(chosen) if isinstance(chosen, list | tuple) else (chosen,)
    start_, end_ = (picked + (None, None))[:2]
    full = start_ == first and end_ == last
    _write_url(key, param, [] if full or end_ is None else [f"{start_}..{end_}"])
    return start_, end_


# --- downloads ---------------------------------------------------------------------------

# A cell starting with one of = + - @ tab CR is read as a formula by spreadsheets.
FORMULA_START = r"^[=+\-@\t\r]"


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would read as a formula (= + - @, tab, CR first) get a
    leading apostrophe, so an opened download never runs ingested text (OWASP CSV
    injection). Numbers stay numbers; lists become text."""
    out = frame.with_columns(
        pl.col(n).cast(pl.List(pl.String)).list.join(", ")
        for n, t in frame.schema.items() if isinstance(t, pl.List)
    )
    text = [n for n, t in out.schema.items() if t == pl.String]
    return out.with_columns(
        pl.when(pl.col(n).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(n)).otherwise(pl.col(n)).alias(n)
        for n in text
    )


def headers(columns: Sequence[str], labels: dict[str, str] | None = None) -> list[str]:
    """The header of each column in a download: the label the table shows (``labels``,
    else the glossary's); a label two columns share gets the column name after it."""
    wanted = [(labels or {}).get(c) or glossary.header(c) for c in columns]
    return [f"{h} ({c})" if wanted.count(h) > 1 else h
            for h, c in zip(wanted, columns, strict=True)]


def to_csv(frame: pl.DataFrame, labels: dict[str, str] | None = None) -> bytes:
    """A CSV file (UTF-8 with BOM, so spreadsheets read the accents) headed by the labels
    a table shows, in the reader's language. The values are machine-readable in every
    language: a comma between fields, a decimal point, no thousands separator, ISO dates,
    codes (docs/i18n.md "Downloads": the XLSX is the file for reading in a spreadsheet)."""
    data = neutralise(_displayable(frame))
    data.columns = headers(frame.columns, labels)
    return data.write_csv().encode("utf-8-sig")


def code_legend(frame: pl.DataFrame,
                labels: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(column header, code, words on screen) for every coded value in ``frame``."""
    legend: list[tuple[str, str, str]] = []
    for name, header in zip(frame.columns, headers(frame.columns, labels), strict=True):
        words = glossary.value_labels(name)
        dtype = frame.schema[name]
        if not words or dtype not in (pl.String, pl.List(pl.String)):
            continue
        values = frame[name].explode() if isinstance(dtype, pl.List) else frame[name]
        present = set(values.drop_nulls().to_list())
        legend += [(header, code, text) for code, text in words.items() if code in present]
    return legend


# Excel number formats for date and time cells, per language (as DATE_FORMATS on screen)
XLSX_DATE_FORMATS: dict[str, tuple[str, str]] = {
    "nl": ("dd-mm-yyyy", "dd-mm-yyyy hh:mm"),
    "en": ("dd/mm/yyyy", "dd/mm/yyyy hh:mm"),
}


def to_xlsx(frame: pl.DataFrame, sheet: str = "data",
            labels: dict[str, str] | None = None) -> bytes:
    """An XLSX file headed by the labels a table shows; strings are written as strings,
    never as formulas or links. Coded values get a second sheet "codes" with the words the
    screen shows for them."""
    data = neutralise(_displayable(frame))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False,
                                        "strings_to_numbers": False})
    sheet_ = book.add_worksheet(sheet[:31])
    # dates stay date cells (sortable, computable), shown in the reader's notation
    day_format, time_format = XLSX_DATE_FORMATS[current_language()]
    date_format = book.add_format({"num_format": day_format})
    datetime_format = book.add_format({"num_format": time_format})
    for col, header in enumerate(headers(frame.columns, labels)):
        sheet_.write_string(0, col, header)
    for row_no, row in enumerate(data.iter_rows(), start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime):
                sheet_.write_datetime(row_no, col, value, datetime_format)
            elif isinstance(value, date):
                sheet_.write_datetime(row_no, col, value, date_format)
            elif isinstance(value, float) and math.isinf(value):
                # a spreadsheet has no infinite number (k with all values equal): as the CSV
                sheet_.write_string(row_no, col, "inf" if value > 0 else "-inf")
            elif isinstance(value, bool | int | float):
                sheet_.write(row_no, col, value)
            else:
                sheet_.write_string(row_no, col, str(value))
    legend = code_legend(frame, labels)
    if legend:
        codes = book.add_worksheet("codes")
        for row_no, line in enumerate([(_("Column"), _("Code"), _("Shown as")), *legend]):
            for col, text in enumerate(line):
                codes.write_string(row_no, col, text)
    book.close()
    return buffer.getvalue()


def export_action(frame: pl.DataFrame) -> str:
    """The audit action of an export: one holding holder names is told apart (issue 24)."""
    return "export_names" if "holder_name" in frame.columns else "export"


def download_buttons(frame: pl.DataFrame, name: str, key: str,
                     labels: dict[str, str] | None = None) -> None:
    """CSV and XLSX downloads of ``frame`` (formula-like cells neutralised), made only when
    the button is pressed; every export is audited (``export``, or ``export_names`` when
    the rows name holders). show_table draws them under every table.

    Both files have the same header row: the labels the table shows (``labels``, else the
    glossary's), so a file reads as the screen. The values keep their codes (brl9341,
    all_below_loq, amount_differs), not the words of the screen: a file is data to filter,
    count and join on, and the codes are what the store, the rules (docs/rules.md), other
    exports and the page's own URL filters use; the words may be reworded in the glossary,
    a file once sent should not change meaning. The XLSX's sheet "codes" gives the words
    the screen shows for the codes in the file.

    Both are in the reader's language (issue 27 point 3): the files are made when the
    button is pressed, by Streamlit outside this session's script run, where the session's
    language is not known; the language of this run is taken along."""
    from dashboard.auth import audit  # issue 10: every export goes to the audit log

    action = export_action(frame)
    lang = current_language()

    def in_language(make: Callable[[], bytes]) -> Callable[[], bytes]:
        def made() -> bytes:
            with use_language(lang):
                return make()
        return made

    # side by side, each as wide as its label: in fixed columns the Dutch labels were cut
    # ("CSV downloa…") on a narrow main area
    row = st.container(horizontal=True, gap="small")
    row.download_button(_("Download CSV"), in_language(lambda: to_csv(frame, labels)),
                        file_name=f"{name}.csv", mime="text/csv", key=f"{key}_csv",
                        icon=":material/download:", width="content",
                        on_click=audit, args=(action, f"{name}.csv ({frame.height} rows)"))
    row.download_button(
        _("Download XLSX"), in_language(lambda: to_xlsx(frame, name, labels)),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx", icon=":material/download:", width="content",
        on_click=audit, args=(action, f"{name}.xlsx ({frame.height} rows)"))


# --- charts ------------------------------------------------------------------------------


_UNVALIDATED: dict[type, type] = {}


def unvalidated(chart: ChartT) -> ChartT:
    """The chart as a page draws it with st.altair_chart: in the reader's number and date
    notation (pipelines/charts.py ``localized``: every page's chart passes here), and
    without Altair's JSON-schema validation of its spec: the charts are fixed in code and
    their specs are checked by the tests; the validation took about half of the Overview's
    Python time per render (issue 26: 0.17 s of CPU for its five charts). Only
    ``to_dict``'s default changes; the chart is the same."""
    chart = localized(chart)
    cls = type(chart)
    fast = _UNVALIDATED.get(cls)
    if fast is None:
        def to_dict(self: Any, validate: bool = False, **kwargs: Any) -> dict[str, Any]:
            return cls.to_dict(self, validate, **kwargs)  # type: ignore[attr-defined]

        fast = _UNVALIDATED[cls] = type(cls.__name__, (cls,), {"to_dict": to_dict})
    copy = chart.copy(deep=False)
    object.__setattr__(copy, "__class__", fast)  # SchemaBase's own __setattr__ sets a property
    return copy  # type: ignore[return-value]



def observation_chart(series: pl.DataFrame, title: str) -> alt.LayerChart:
    """Observations per lot over time on a log scale, with the limit as a rule line.

    ``series`` has sampled_on, lot_id, observation, below_loq, limit_value, exceeds.
    A limit that changed over the period (sulfate transition, BRL 9341 bijlage IV) is
    drawn as one segment per limit over the dates it applied.
    """
    # A log scale cannot place zero; such values are listed in the table instead.
    exceeds, below_loq, below = (_("exceeds limit value"), _("below LOQ (at LOQ)"),
                                 _("below limit value"))
    points = series.filter(pl.col("observation") > 0).with_columns(
        pl.when(pl.col("exceeds")).then(pl.lit(exceeds))
        .when(pl.col("below_loq")).then(pl.lit(below_loq))
        .otherwise(pl.lit(below)).alias("result")
    )
    limits = (
        series.filter(pl.col("limit_value").is_not_null())
        .group_by("limit_value")
        .agg(pl.col("sampled_on").min().alias("from"), pl.col("sampled_on").max().alias("to"))
        .sort("from")
    )
    y_scale = alt.Scale(type="log")
    day = date_format("day")
    dots = alt.Chart(points).mark_point(filled=True, size=60).encode(
        x=alt.X("sampled_on:T", title=_("sampled on"),
                axis=alt.Axis(format=date_format("month"))),
        y=alt.Y("observation:Q", title=_("observation (mg/kg d.s.)"), scale=y_scale),
        color=alt.Color(
            "result:N",
            title=None,
            scale=alt.Scale(domain=[below, below_loq, exceeds],
                            range=["#1f77b4", "#9e9e9e", "#d62728"]),
            legend=alt.Legend(orient="bottom"),
        ),
        # the fields by their table headers, in the reader's language
        tooltip=[alt.Tooltip("lot_id:N", title=glossary.header("lot_id")),
                 alt.Tooltip("sampled_on:T", title=glossary.header("sampled_on"),
                             format=day),
                 alt.Tooltip("observation:Q", title=glossary.header("observation")),
                 alt.Tooltip("result:N", title=_("Result")),
                 alt.Tooltip("limit_value:Q", title=glossary.header("limit_value"))],
    )
    line = alt.Chart(points).mark_line(opacity=0.35, color="#1f77b4").encode(
        x="sampled_on:T", y=alt.Y("observation:Q", scale=y_scale)
    )
    if limits.height <= 1:
        rule = alt.Chart(limits).mark_rule(color="#d62728", strokeDash=[6, 3], size=2).encode(
            y=alt.Y("limit_value:Q", scale=y_scale),
            tooltip=[alt.Tooltip("limit_value:Q", title=glossary.header("limit_value"))]
        )
    else:
        rule = alt.Chart(limits).mark_rule(color="#d62728", strokeDash=[6, 3], size=2).encode(
            x="from:T", x2="to:T", y=alt.Y("limit_value:Q", scale=y_scale),
            tooltip=[alt.Tooltip("limit_value:Q", title=glossary.header("limit_value")),
                     alt.Tooltip("from:T", title=_("applies from"), format=day),
                     alt.Tooltip("to:T", title=_("applies until"), format=day)],
        )
    # The limit goes in the subtitle: a text mark on the line would hide points near it.
    parts = [fmt.quantity(row["limit_value"], _("mg/kg d.s."))
             for row in limits.iter_rows(named=True)]
    if limits.height > 1:
        parts = [f"{part} ({fmt.short_date(row['from'])} – {fmt.short_date(row['to'])})"
                 for part, row in zip(parts, limits.iter_rows(named=True), strict=True)]
    subtitle = (_("limit value {values}").format(values="; ".join(parts)) if parts
                else _("no limit value for this component"))
    return (line + dots + rule).properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start"), height=360
    )
