"""College of Experts: the yearly report's figures next to the year before, the charts,
the text sections of the certification body and the XLSX / PDF downloads.
Layout only: figures from dashboard.queries (view yearly_report), charts from
dashboard.charts, the one write through pipelines.report.texts."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, db, glossary, queries
from dashboard.app_pages.common import require, show_table

ctx = require("college")
st.title(glossary.COLLEGE_TITLE)
st.caption("BRL 9341 §8.7: figures per scheme and calendar year, as of 31 December, each "
           "next to the year before. Counts only: no holder is named.")

years = queries.report_years(ctx.viewer, ctx.as_of)
if years.is_empty():
    st.info("No scheme has data up to the as-of date.")
    st.stop()

left, right = st.columns(2)
year = left.selectbox("Year", sorted(set(years["year"].to_list()), reverse=True))
schemes = years.filter(pl.col("year") == year)["scheme"].to_list()
scheme = right.selectbox("Scheme", schemes,
                         format_func=lambda s: glossary.REPORT_SCHEMES.get(s, s))

figures = queries.report_figures(ctx.viewer, year, scheme).with_columns(
    pl.col("measure").map_elements(glossary.report_measure_label, return_dtype=pl.String)
    .alias("indicator"),
    pl.col("dimension").map_elements(glossary.report_dimension_label, return_dtype=pl.String)
    .fill_null("").alias("detail"),
)
columns = {"indicator": glossary.header("indicator"), "detail": glossary.header("detail"),
           "value": str(year), "previous_value": str(year - 1),
           "change": glossary.header("change"), "article": glossary.header("article")}

for section, title in glossary.REPORT_SECTIONS.items():
    rows = figures.filter(pl.col("section") == section)
    st.subheader(title)
    if rows.is_empty():
        st.caption("No figures for this section in this scheme.")
        continue
    show_table(rows.select(list(columns)).rename(columns))

chart_input = figures.with_columns(pl.col("detail"))
drawn = charts.charts_for(chart_input, year)
if drawn:
    st.subheader("Charts")
    for _, chart in drawn:
        st.altair_chart(chart, width="stretch")

st.subheader("Texts of the certification body")
texts = queries.report_texts(ctx.viewer, year, scheme)
for section, title in glossary.REPORT_TEXT_SECTIONS.items():
    if ctx.viewer.role == "management":
        with st.form(f"text_{section}"):
            body = st.text_area(title, value=texts.get(section, ""), height=160)
            if st.form_submit_button("Save"):
                from pipelines.report.texts import save_text
                save_text(db.store_path(), scheme, year, section, body,
                          ctx.viewer.username or ctx.viewer.name)
                st.success("Saved.")
    else:
        st.markdown(f"**{title}**")
        st.text(texts.get(section) or "(none written)")

st.subheader("Download")
xlsx, pdf = queries.report_files(ctx.viewer, year, scheme)
d1, d2 = st.columns(2)
d1.download_button("Report as XLSX", xlsx, file_name=f"yearly_report_{scheme}_{year}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
d2.download_button("Report as PDF", pdf, file_name=f"yearly_report_{scheme}_{year}.pdf",
                   mime="application/pdf")
