"""Lots: which lots comply, per certificate, site, product and period (BRL 9341 §4.2)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import glossary
from dashboard.app_pages.common import (
    choices,
    lot_table,
    no_brl9341_lots,
    observation_chart,
    require,
    show_table,
    unvalidated,
    url_date_range,
    url_multiselect,
    url_sections,
    url_selectbox,
    url_toggle,
)
from dashboard.queries import brl9341_lots as queries
from pipelines.i18n import N_, _, fmt

ctx = require("lots")
st.title(_("Lots"))
st.caption(
    _("BRL 9341 §4.2: a lot complies when no component's observation (the mean of its "
      "analyses, below-LOQ results at the LOQ) exceeds the limit value of bijlage III/IV "
      "valid on its sampling date. As of {day}.").format(day=fmt.date(ctx.as_of))
)

options = queries.lot_filter_options(ctx.viewer, ctx.as_of)
if options.is_empty():
    no_brl9341_lots(ctx)


# Filters narrow each other: the sites offered are those of the chosen certificates, etc.
# Each is kept in the URL, so a link shows the same view.
c1, c2, c3, c4 = st.columns([1, 1, 1, 1.3])
certs = url_multiselect(_("Certificate"), choices(options, "certificate_number"), "cert",
                        key="lots_cert", container=c1, placeholder=_("all"))
scope = options.filter(pl.col("certificate_number").is_in(certs)) if certs else options
sites = url_multiselect(_("Site"), choices(scope, "site_id"), "site", key="lots_site",
                        container=c2, placeholder=_("all"))
scope = scope.filter(pl.col("site_id").is_in(sites)) if sites else scope
products = url_multiselect(_("Product"), choices(scope, "product"), "product",
                           key="lots_product", container=c3, placeholder=_("all"))
scope = scope.filter(pl.col("product").is_in(products)) if products else scope
first, last = options["first_sampled_on"].min(), options["last_sampled_on"].max()
sampled_from, sampled_to = url_date_range(_("Sampled between"), first, last, "period",
                                          key="lots_period", container=c4)
only_exceeding = url_toggle(_("Only lots that exceed a limit value"), "exceeding",
                            key="lots_exceeding")

filters = queries.LotFilters(
    certificate_numbers=tuple(certs), site_ids=tuple(sites), products=tuple(products),
    sampled_from=sampled_from, sampled_to=sampled_to, only_exceeding=only_exceeding,
)
lot_rows = queries.lots(ctx.viewer, ctx.as_of, filters)

m1, m2, m3 = st.columns(3)
m1.metric(_("Lots"), fmt.number(lot_rows.height))
m2.metric(_("Non-compliant lots"), fmt.number(lot_rows.filter(~pl.col("compliant")).height))
m3.metric(_("Site × product combinations"), fmt.number(scope.height))

LOTS, COMPONENTS, CHART = N_("Lots"), N_("Components"), N_("Chart")
section = url_sections([LOTS, COMPONENTS, CHART], "view", key="lots_view")
if section == LOTS:
    if lot_rows.is_empty():
        st.info(_("No lots match these filters."))
    else:
        lot_table(lot_rows, key="lots_table", limit=queries.MAX_ROWS,
                  columns=["sampled_on", "lot_id", "site_id", "product", "compliant",
                           "n_exceedances", "exceeding_components", "n_components",
                           "is_admission", "certificate_number"])
elif section == COMPONENTS:
    components = queries.lot_components(ctx.viewer, ctx.as_of, filters)
    lot_table(components, key="lot_components_table", limit=queries.MAX_ROWS,
              columns=["sampled_on", "lot_id", "site_id", "component", "observation",
                       "limit_value", "exceeds", "below_loq", "n_analyses", "product",
                       "certificate_number", "source_file", "source_lines"])
else:
    k1, k2, k3 = st.columns(3)
    pairs = scope.select("site_id", "product").unique().sort(["site_id", "product"])
    site = url_selectbox(_("Site"), choices(pairs, "site_id"), "chart_site", key="chart_site",
                         container=k1)
    product = url_selectbox(
        _("Product"), choices(pairs.filter(pl.col("site_id") == site), "product"),
        "chart_product", key="chart_product", container=k2,
    )
    observed = queries.components_observed(ctx.viewer, ctx.as_of, site, product) \
        if site and product else []
    component = url_selectbox(_("Component"), observed, "chart_component",
                              key="chart_component", container=k3,
                              format_func=lambda code: glossary.value_label("component", code))
    if component is None:
        st.info(_("No observations for this site and product."))
    else:
        series = queries.observation_series(ctx.viewer, ctx.as_of, site, product, component,
                                            sampled_from, sampled_to)
        st.altair_chart(
            unvalidated(observation_chart(series, _("{component} at {site} ({product})").format(
                component=glossary.value_label("component", component), site=site,
                product=product))),
            width="stretch", key="observation_chart",
        )
        st.caption(_("Log scale. Dashed red: the limit value; red dots exceed it. Values of "
                     "zero cannot be drawn on a log scale; see the table."))
        show_table(series, key="chart_series_table")
