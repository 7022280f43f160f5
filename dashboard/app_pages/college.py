"""College of Experts: the yearly report's figures next to the year before, the charts,
the text sections of the certification body and the XLSX / PDF downloads.
Layout only: figures from dashboard.queries (view yearly_report), charts from
dashboard.charts, the one write through pipelines.report.texts."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, db, glossary, queries
from dashboard.app_pages.common import require, show_table, url_selectbox
from dashboard.auth import audit  # issue 10: report downloads are audited
from pipelines.report.formatting import number

ctx = require("college")
st.title(glossary.COLLEGE_TITLE)
L = glossary.REPORT_PAGE
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

# the years next to this one are the likely next picks: computed beside this read, read
# from the cache when picked
at = year_options.index(year)
queries.prefetch_report_figures(ctx.viewer, year_options[at + 1:at + 2] +  # the year before
                                year_options[max(0, at - 1):at])
figures = glossary.report_with_labels(queries.report_figures(ctx.viewer, year, scheme))
# the figures as the PDF prints them ("–" for no figure, signed change); formatted in
# Python over the column's values, not with map_elements (see dashboard/charts.py _item)
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

for section, title in glossary.REPORT_SECTIONS.items():
    rows = shown.filter(pl.col("section") == section)
    st.subheader(title)
    if rows.is_empty():
        st.caption(L["no_figures"])
        continue
    # tall enough for every row: a report section is read whole, not scrolled
    show_table(rows.select(list(columns)).rename(columns), height=35 * (rows.height + 1) + 3,
               column_config=wide)

drawn = charts.charts_for(figures, year)
if drawn:
    st.subheader(L["charts"])
    for _, chart in drawn:
        st.altair_chart(chart, width="stretch")

st.subheader(L["texts"])
texts = queries.report_texts(ctx.viewer, year, scheme)
for section, title in glossary.REPORT_TEXT_SECTIONS.items():
    if ctx.viewer.role == "management":
        with st.form(f"text_{section}"):
            body = st.text_area(title, value=texts.get(section, ""), height=160)
            if st.form_submit_button(L["save"]):
                from pipelines.report.texts import save_text
                save_text(db.store_path(), scheme, year, section, body,
                          ctx.viewer.username or ctx.viewer.name)
                audit("report_text", f"{scheme} {year} {section} ({len(body)} characters)")
                st.success(L["saved"])
    else:
        st.markdown(f"**{title}**")
        st.text(texts.get(section) or L["no_text"])

st.subheader(L["download"])
# built on click (deferred), not on every render: the PDF alone takes seconds
xlsx, pdf = queries.report_file_makers(ctx.viewer, year, scheme)
d1, d2 = st.columns(2)
d1.download_button(L["xlsx"], xlsx, file_name=f"yearly_report_{scheme}_{year}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   on_click=audit, args=("download", f"yearly_report_{scheme}_{year}.xlsx"))
d2.download_button(L["pdf"], pdf, file_name=f"yearly_report_{scheme}_{year}.pdf",
                   mime="application/pdf",
                   on_click=audit, args=("download", f"yearly_report_{scheme}_{year}.pdf"))
