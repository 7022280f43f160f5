"""Sampling plan (keuringsfrequentie): per site × product × component how often a lot must
be tested and why, the regime of each site × product, and the lots not tested (BRL 9341
bijlage II). Layout only: the rules are in sql/ (sampling_frequency, sampling_plan,
site_regime, brl9341_regime_history)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import glossary, queries
from dashboard.app_pages.common import (
    choices,
    lot_table,
    no_brl9341_lots,
    require,
    show_table,
    url_multiselect,
    url_sections,
    url_toggle,
)
from pipelines.i18n.keys import render_detail_columns

# The "Why" column's width: the reason without the frequency in front (the frequency has
# its own column) mostly fits; the grid does not wrap, the selected row shows it in full.
EXPLANATION_PX = 560

ctx = require("sampling-plan")
st.title("Sampling plan")
st.caption(
    f"{glossary.SAMPLING_FREQUENCY} per site × product × component, BRL 9341 bijlage II: "
    "the class follows from k (or the gamma rule, all results below the LOQ, or the "
    "attribute rule) over the last 5 or 10 lots; the partijkeuringsregime overrides it "
    f"with every lot. As of {ctx.as_of:%Y-%m-%d}."
)

options = queries.plan_filter_options(ctx.viewer, ctx.as_of)
if options.is_empty():
    no_brl9341_lots(ctx)


scope = options
certs: list[str] = []
# A holder with one certificate gets no certificate filter (and no empty gap for it).
if ctx.viewer.sees_all or options["certificate_number"].n_unique() > 1:
    c1, c2, c3 = st.columns(3)
    certs = url_multiselect("Certificate", choices(options, "certificate_number"), "cert",
                            key="plan_cert", container=c1, placeholder="all")
    scope = scope.filter(pl.col("certificate_number").is_in(certs)) if certs else scope
else:
    c2, c3, _ = st.columns(3)
sites = url_multiselect("Site", choices(scope, "site_id"), "site", key="plan_site",
                        container=c2, placeholder="all")
scope = scope.filter(pl.col("site_id").is_in(sites)) if sites else scope
products = url_multiselect("Product", choices(scope, "product"), "product",
                           key="plan_product", container=c3, placeholder="all")
only_overdue = url_toggle("Only overdue", "overdue", key="plan_overdue")

filters = queries.PlanFilters(certificate_numbers=tuple(certs), site_ids=tuple(sites),
                              products=tuple(products), only_overdue=only_overdue)
# the frequency and the reason in the reader's language (issue 27: keys of the view)
plan = render_detail_columns(queries.sampling_plan(ctx.viewer, ctx.as_of, filters),
                             {"frequency_text": "frequency", "reason": "reason"})
untested = queries.untested_lot_counts(ctx.viewer, ctx.as_of, filters)
if plan.height < queries.MAX_ROWS:  # the whole plan is here: count it, no second query
    counts = {"n_series": plan.height, "n_overdue": plan["overdue"].sum(),
              "n_site_products": plan.select("site_id", "product").n_unique()}
else:
    counts = queries.sampling_plan_counts(ctx.viewer, ctx.as_of, filters)

n_lots = int(untested["n_lots"].sum() or 0)
n_untested = int(untested["n_untested"].sum() or 0)
m1, m2, m3, m4 = st.columns(4)
m1.metric("Site × product", f"{counts['n_site_products']:,}")
m2.metric("Series (site × product × component)", f"{counts['n_series']:,}")
# the one list of overdue series (view sampling_overdue): the Overview's and worklist's too
m3.metric("Series overdue", f"{counts['n_overdue']:,}", help=glossary.KPI["sampling_overdue"][1])
m4.metric("Lots not tested", f"{n_untested:,} of {n_lots:,}", help=glossary.UNTESTED_HELP)
# what the untested lots mean for the frequency (view untested_lots_summary)
if untested.height == 1:
    only = untested.row(0, named=True)
    st.text(f"{only['site_id']} ({only['product']}): {only['n_untested']:,} of "
            f"{only['n_lots']:,} lots not tested; required {only['required_frequency'] or '—'}"
            f": {only['meaning']}.")
elif untested.height:
    required = (untested.filter(pl.col("required_frequency") != "")
                .group_by("required_frequency").len().sort("len", descending=True))
    st.text(glossary.UNTESTED_SUMMARY.format(
        required="; ".join(f"{r} ({n} site × product)" for r, n in required.iter_rows()),
        n_overdue=counts["n_overdue"],
        n_sites_overdue=untested.filter(pl.col("n_series_overdue") > 0).height))

PER_COMPONENT, REGIME, UNTESTED = "Per component", "Regime per site × product", \
    "Lots not tested"
section = url_sections([PER_COMPONENT, REGIME, UNTESTED], "view", key="plan_view")

if section == PER_COMPONENT:
    if plan.is_empty():
        st.info("No series match these filters." if only_overdue or sites or products or certs
                else "No series yet.")
    else:
        chosen = show_table(
            plan, limit=queries.MAX_ROWS, key="plan_table", select_row=True,
            columns=["overdue", "days_overdue", "site_id", "product", "component",
                     "frequency_text", "reason", "rule",
                     "k_value", "gamma_ratio", "test_class",
                     "lots_since_last_test", "tests_in_period", "last_sampled_on",
                     "next_test_due_by", "regime", "certificate_number"],
            column_config={
                "frequency_text": st.column_config.TextColumn(
                    glossary.header("required_frequency_component"), width="medium"),
                "reason": st.column_config.TextColumn(
                    glossary.header("explanation"), width=EXPLANATION_PX),
                "k_value": st.column_config.NumberColumn(
                    glossary.header("k_value"), format="%.2f",
                    help=glossary.HELP["k_value"]),
                "gamma_ratio": st.column_config.NumberColumn(
                    glossary.header("gamma_ratio"), format="%.2f"),
            },
        )
        if chosen is None:
            st.caption("Overdue first (the longest overdue first), then by the date the next "
                       "test is due. Select a row to read its whole line below; hover a header "
                       "for its meaning.")
        else:
            series = plan.row(chosen, named=True)
            st.text(f"{glossary.value_label('component', series['component'])} at "
                    f"{series['site_id']} ({series['product']}): "
                    f"{series['explanation']}")
            if series["overdue"]:
                st.text(f"Overdue for {series['days_overdue']:,} days.")
            st.caption(f"{series['lots_since_last_test']} lot(s) since the last test, "
                       f"{series['tests_in_period']} test(s) in the period; next test due by "
                       f"{series['next_test_due_by'] or glossary.no_due_date(series)}.")

elif section == REGIME:
    regimes = queries.site_regimes(ctx.viewer, ctx.as_of, filters)
    if regimes.is_empty():
        st.info("No site × product matches these filters.")
    else:
        show_table(
            regimes,
            key="regime_table",
            columns=["site_id", "product", "regime", "regime_since", "min_k",
                     "min_k_component", "strictest_component", "test_class",
                     "n_components_overdue", "n_switches_to_lot_inspection",
                     "n_returns_to_sampling", "last_lot_id", "certificate_number"],
            column_config={"min_k": st.column_config.NumberColumn(
                glossary.header("min_k"), format="%.2f")},
        )
        st.caption("Steekproefregime while the lowest k over all components is > 0.69 "
                   "(n = 5) or > 0.44 (n = 10); back from partijkeuring after at least 5 "
                   "lots with k > 0.44 over the last 10 (BRL 9341 bijlage II).")
    st.subheader("History of the regime")
    history = queries.regime_history(ctx.viewer, ctx.as_of, filters)
    if history.is_empty():
        st.info("No regime switch on or before this date.")
    else:
        lot_table(
            history,
            key="regime_history_table",
            columns=["lot_sampled_on", "site_id", "product", "switched_to", "lot_id",
                     "event_seq", "min_k_observed", "certificate_number"],
            column_config={
                "lot_sampled_on": st.column_config.DateColumn("Switched on",
                                                              format="YYYY-MM-DD"),
                "min_k_observed": st.column_config.NumberColumn("Lowest k after the lot",
                                                                format="%.2f"),
            },
        )
        st.caption("Each row: the lot after whose results the regime changed.")

else:
    show_table(untested, key="untested_counts",
               columns=["site_id", "product", "n_lots", "n_untested", "required_frequency",
                        "meaning", "lots_until_next_test", "n_series_overdue",
                        "certificate_number"],
               column_config={"n_lots": st.column_config.NumberColumn("Lots produced"),
                              "meaning": st.column_config.TextColumn(
                                  glossary.header("meaning"), width=EXPLANATION_PX)})
    st.caption(glossary.UNTESTED_HELP)
    lots_untested = queries.untested_lots(ctx.viewer, ctx.as_of, filters)
    if lots_untested.is_empty():
        st.info("Every registered lot has at least one analysis.")
    else:
        # no link to the Lot page: a lot without analyses has nothing to show there
        st.caption("Lots in the production register without any analysis, newest first.")
        show_table(lots_untested, queries.MAX_ROWS, key="untested_lots",
                  columns=["lot_date", "site_id", "product", "lot_id", "lot_size_tonnes",
                           "certificate_number"])
