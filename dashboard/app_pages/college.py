"""College of Experts: the yearly report of one scheme × year. At the top its status (draft
or frozen, when and by whom) and the XLSX / PDF downloads; below, one tab per section of
figures (each next to the year before), the charts, and the text sections, which the
College writes and freezes (issue 26) and management reads.
Layout only: figures from dashboard.queries (view yearly_report), charts from
pipelines.charts, the writes through dashboard.services (role check and audit there)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import glossary, services
from dashboard.app_pages.common import require, show_table, unvalidated, url_selectbox
from dashboard.auth import audit  # issue 10: report downloads are audited
from dashboard.queries import college as queries
from dashboard.text import plain
from pipelines import charts
from pipelines.i18n import _, fmt
from pipelines.report.formatting import number

ctx = require("college")
st.title(_(glossary.COLLEGE_TITLE))
L = glossary.report_page()
st.caption(L["college_caption"])

years = queries.report_years(ctx.viewer, ctx.as_of)
if years.is_empty():
    st.info(L["no_years"])
    st.stop()

left, right = st.columns(2)
year_options = sorted(set(years["year"].to_list()), reverse=True)
# the newest year that is over on the as-of date comes first; a running year can be picked
complete = [y for y in year_options if y < ctx.as_of.year or ctx.as_of.month == 12
            and ctx.as_of.day == 31]
year = url_selectbox(L["year"], year_options, "year", key="report_year", container=left,
                     default=complete[0] if complete else None)
if year not in complete:
    st.caption(L["running_year"].format(year=year))
# in the order of the glossary's schemes: BRL 9341 first, the scheme §8.7 reports on
schemes = sorted(years.filter(pl.col("year") == year)["scheme"].to_list(),
                 key=lambda s: list(glossary.REPORT_SCHEMES).index(s)
                 if s in glossary.REPORT_SCHEMES else len(glossary.REPORT_SCHEMES))
scheme = url_selectbox(L["scheme"], schemes, "scheme", key="report_scheme", container=right,
                       format_func=lambda s: glossary.REPORT_SCHEMES.get(s, s))
scheme_name = glossary.REPORT_SCHEMES.get(scheme, scheme)


def _when(stamp: object) -> str:
    return fmt.date_time(stamp)  # type: ignore[arg-type]


def _empty(written: dict[str, dict[str, object]]) -> list[str]:
    """The text sections with no text (codes, in report order)."""
    return [s for s in glossary.REPORT_TEXT_SECTIONS
            if not str((written.get(s) or {}).get("body") or "").strip()]


# --- the writes, as callbacks: they run before the page, so the status above the tabs
# shows what was just saved or frozen; services checks the role and audits ---------------

def _flash(kind: str, text: str) -> None:
    st.session_state["college_flash"] = (kind, text)


def _save(scheme: str, year: int, section: str, key: str) -> None:
    try:
        when = services.save_report_text(ctx.viewer, scheme, year, section,
                                         st.session_state.get(key) or "")
    except (services.ReportFrozen, services.WriteRefused) as exc:
        _flash("error", L["refused_frozen"].format(reason=exc))
        return
    _flash("success", L["saved"].format(section=_(glossary.REPORT_TEXT_SECTIONS[section]),
                                        when=_when(when)))


def _freeze(scheme: str, year: int, confirm_key: str) -> None:
    try:
        freeze = services.freeze_report(ctx.viewer, scheme, year,
                                        allow_empty=bool(st.session_state.get(confirm_key)))
    except services.EmptySections as exc:
        names = ", ".join(_(glossary.REPORT_TEXT_SECTIONS[s]) for s in exc.sections)
        _flash("error", L["freeze_refused_empty"].format(sections=names))
        return
    except (services.ReportFrozen, services.WriteRefused) as exc:
        _flash("error", L["refused_frozen"].format(reason=exc))
        return
    _flash("success", L["frozen_now"].format(scheme=glossary.REPORT_SCHEMES.get(scheme, scheme),
                                             year=year,
                                             when=_when(freeze.frozen_at)))


freeze = queries.report_freeze(ctx.viewer, year, scheme)
written = queries.report_texts(ctx.viewer, year, scheme)
empty = _empty(written)
writer = services.may_write_report(ctx.viewer)

# --- status and downloads first (issue 26: they were 7 000 px down the page) ------------
with st.container(border=True):
    if freeze:
        st.markdown(L["status_frozen"].format(when=_when(freeze["frozen_at"]),
                                              who=plain(freeze["frozen_by"]),
                                              scheme=scheme_name, year=year))
        if freeze["files_after"]:
            st.caption(L["files_after"].format(n=freeze["files_after"]))
    else:
        st.markdown(L["status_draft"].format(scheme=scheme_name, year=year))
    st.markdown("  \n".join(
        L["text_written"].format(section=_(title), who=plain(written[s]["updated_by"] or "?"),
                                 when=_when(written[s]["updated_at"]))
        if s not in empty else L["text_empty"].format(section=_(title))
        for s, title in glossary.REPORT_TEXT_SECTIONS.items()))
    # built on click (deferred), not on every render: the PDF alone takes seconds; a
    # frozen report's files are made as ingested up to the freeze (queries)
    xlsx, pdf = queries.report_file_makers(ctx.viewer, year, scheme)
    d1, d2, d3 = st.columns([1, 1, 2])
    d1.download_button(L["xlsx"], xlsx, file_name=f"yearly_report_{scheme}_{year}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml"
                            ".sheet", icon=":material/table:",
                       on_click=audit, args=("download", f"yearly_report_{scheme}_{year}.xlsx"))
    d2.download_button(L["pdf"], pdf, file_name=f"yearly_report_{scheme}_{year}.pdf",
                       mime="application/pdf", icon=":material/picture_as_pdf:",
                       on_click=audit, args=("download", f"yearly_report_{scheme}_{year}.pdf"))
    if writer and not freeze:
        with d3.expander(L["freeze"], icon=":material/lock:"):
            st.write(L["freeze_intro"].format(scheme=scheme_name, year=year))
            confirm_key = f"freeze_empty_{scheme}_{year}"
            if empty:
                st.warning(L["freeze_empty"].format(sections=", ".join(
                    _(glossary.REPORT_TEXT_SECTIONS[s]) for s in empty)))
                st.checkbox(L["freeze_with_empty"], key=confirm_key)
            st.button(L["freeze_button"].format(year=year), key=f"freeze_{scheme}_{year}",
                      type="primary", on_click=_freeze, args=(scheme, year, confirm_key))
    flash = st.session_state.pop("college_flash", None)
    if flash:
        (st.success if flash[0] == "success" else st.error)(flash[1])

# --- the sections in tabs --------------------------------------------------------------
figures = glossary.report_with_labels(queries.report_figures(ctx.viewer, year, scheme))
# the figures as the PDF prints them ("–" for no figure, signed change); formatted in
# Python over the column's values, not with map_elements (see pipelines/charts.py _item)
shown = figures.with_columns(
    *(pl.Series(c, [number(v) for v in figures[c].to_list()], dtype=pl.String)
      for c in ("value", "previous_value")),
    pl.Series("change", [number(v, signed=True) for v in figures["change"].to_list()],
              dtype=pl.String),
)
wide = {glossary.header("indicator"): st.column_config.TextColumn(width="large"),
        glossary.header("detail"): st.column_config.TextColumn(width="medium")}
columns = {"label": glossary.header("indicator"), "detail": glossary.header("detail"),
           "value": str(year), "previous_value": str(year - 1),
           "change": glossary.header("change"), "article": glossary.header("article")}
drawn = charts.charts_for(figures, year)

texts_tab = (L["texts_tab_empty"].format(n=len(empty)) if empty and not freeze
             else L["texts_tab"])
# the texts first: ten tabs overflow the tab bar, and the College must find its editor;
# it opens on them while they are to be written, everyone else on the first figures
sections = [_(title) for title in glossary.REPORT_SECTIONS.values()]
labels = [texts_tab, *sections, *([L["charts"]] if drawn else [])]
tabs = st.tabs(labels, default=texts_tab if writer and empty and not freeze else sections[0])

for tab, section in zip(tabs[1:], glossary.REPORT_SECTIONS, strict=False):
    rows = shown.filter(pl.col("section") == section)
    with tab:
        if rows.is_empty():
            st.caption(L["no_figures"])
            continue
        # tall enough for every row: a report section is read whole, not scrolled
        show_table(rows.select(list(columns)).rename(columns),
                   height=35 * (rows.height + 1) + 3, column_config=wide)

if drawn:
    with tabs[-1]:
        for _name, chart in drawn:
            st.altair_chart(unvalidated(chart), width="stretch")

with tabs[0]:
    st.caption(L["college_writes"] if not freeze else L["frozen_texts"])
    for section, title in glossary.REPORT_TEXT_SECTIONS.items():
        text = written.get(section)
        body = str(text["body"]) if text else ""
        by = (L["editor_by"].format(who=plain(text["updated_by"] or "?"),
                                    when=_when(text["updated_at"])) if text else
              L["editor_empty"])
        if writer:
            # the College's editor; disabled once the report is frozen (the write refuses
            # it too: pipelines.report.texts.save_text)
            key = f"report_text_{scheme}_{year}_{section}"
            with st.form(f"text_{scheme}_{year}_{section}", border=False):
                st.text_area(_(title), value=body, height=200, key=key, disabled=bool(freeze),
                             help=L["text_help"])
                st.caption(by)
                st.form_submit_button(L["save"], disabled=bool(freeze), on_click=_save,
                                      args=(scheme, year, section, key))
        else:
            # read only; what users write is data: st.text, never Markdown or HTML
            st.markdown(f"**{_(title)}**")
            st.text(body or L["no_text"])
            if text:
                st.caption(by)

# the years next to this one are the likely next picks (the year before first): computed in
# the background once this page's own figures are read, and read from the cache when picked
at = year_options.index(year)
queries.prefetch_report_figures(ctx.viewer, year_options[at + 1:at + 2] +  # the year before
                                year_options[max(0, at - 1):at])
