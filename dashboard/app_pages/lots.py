"""Lots: which lots comply, per certificate, site, product and period (BRL 9341 §4.2)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import queries
from dashboard.app_pages.common import observation_chart, require, show_table

ctx = require("lots")
st.title("Lots")
st.caption(
    "BRL 9341 §4.2: a lot complies when no component's observation (the mean of its "
    "analyses, below-LOQ results at the LOQ) exceeds the limit of bijlage III/IV valid "
    f"on its sampling date. As of {ctx.as_of:%Y-%m-%d}, viewing as {ctx.viewer.name}."
)

options = queries.lot_filter_options(ctx.viewer, ctx.as_of)
if options.is_empty():
    st.info("No lots in the store yet. Lab results arrive through the ingestion "
            "(`python -m pipelines ingest --kind lab`).")
    st.stop()


def _choices(frame: pl.DataFrame, column: str) -> list[str]:
    return frame[column].unique().sort().to_list()


# Filters narrow each other: the sites offered are those of the chosen certificates, etc.
c1, c2, c3, c4 = st.columns([1, 1, 1, 1.3])
certs = c1.multiselect("Certificate", _choices(options, "certificate_number"),
                       placeholder="all")
scope = options.filter(pl.col("certificate_number").is_in(certs)) if certs else options
sites = c2.multiselect("Site", _choices(scope, "site_id"), placeholder="all")
scope = scope.filter(pl.col("site_id").is_in(sites)) if sites else scope
products = c3.multiselect("Product", _choices(scope, "product"), placeholder="all")
scope = scope.filter(pl.col("product").is_in(products)) if products else scope
first, last = options["first_sampled_on"].min(), options["last_sampled_on"].max()
period = c4.date_input("Sampled between", value=(first, last), format="YYYY-MM-DD")
# While the user picks the second date the widget holds only the first one.
sampled_from, sampled_to = (tuple(period) + (None, None))[:2] if period else (None, None)
only_exceeding = st.toggle("Only lots that exceed a limit", value=False)

filters = queries.LotFilters(
    certificate_numbers=tuple(certs), site_ids=tuple(sites), products=tuple(products),
    sampled_from=sampled_from, sampled_to=sampled_to, only_exceeding=only_exceeding,
)
lot_rows = queries.lots(ctx.viewer, ctx.as_of, filters)

m1, m2, m3 = st.columns(3)
n_lots = lot_rows.height
n_bad = lot_rows.filter(~pl.col("compliant")).height
m1.metric("Lots", f"{n_lots:,}")
m2.metric("Non-compliant lots", f"{n_bad:,}")
m3.metric("Site × product combinations", f"{scope.height:,}")

tab_lots, tab_components, tab_chart = st.tabs(["Lots", "Components", "Chart"])
with tab_lots:
    show_table(
        lot_rows, limit=queries.MAX_ROWS,
        column_config={
            "sampled_on": st.column_config.DateColumn("sampled on", format="YYYY-MM-DD"),
            "compliant": st.column_config.CheckboxColumn("compliant"),
        },
    )
with tab_components:
    show_table(queries.lot_components(ctx.viewer, ctx.as_of, filters), limit=queries.MAX_ROWS)
with tab_chart:
    k1, k2, k3 = st.columns(3)
    pairs = scope.select("site_id", "product").unique().sort(["site_id", "product"])
    site = k1.selectbox("Site", _choices(pairs, "site_id"), key="chart_site")
    product = k2.selectbox(
        "Product", _choices(pairs.filter(pl.col("site_id") == site), "product"),
        key="chart_product",
    )
    components = queries.components_observed(ctx.viewer, ctx.as_of, site, product)
    component = k3.selectbox("Component", components, key="chart_component")
    if component is None:
        st.info("No observations for this site and product.")
    else:
        series = queries.observation_series(ctx.viewer, ctx.as_of, site, product, component,
                                            sampled_from, sampled_to)
        st.altair_chart(
            observation_chart(series, f"{component} at {site} ({product})"),
            width="stretch",
        )
        st.caption("Log scale. Dashed red: the limit value; red dots exceed it.")
