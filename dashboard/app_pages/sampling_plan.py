"""Sampling plan (keuringsfrequentie): per site × product × component how often a lot must
be tested and why, the regime of each site × product, and the lots not tested (BRL 9341
bijlage II). Layout only: the rules are in sql/ (sampling_frequency, sampling_plan,
site_regime, brl9341_regime_history)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import glossary
from dashboard.app_pages.common import (
    DATE_FORMATS,
    choices,
    lot_table,
    no_brl9341_lots,
    require,
    show_table,
    url_multiselect,
    url_sections,
    url_toggle,
)
from dashboard.queries import sampling as queries
from pipelines.i18n import N_, _, current_language, fmt
from pipelines.i18n.keys import render_detail, render_detail_columns

# The "Why" column's width: the reason without the frequency in front (the frequency has
# its own column) mostly fits; the grid does not wrap, the selected row shows it in full.
EXPLANATION_PX = 560

ctx = require("sampling-plan")
st.title(_("Sampling plan"))
st.caption(
    _("Sampling frequency per site × product × component, BRL 9341 bijlage II: the class "
      "follows from k (or the gamma rule, all results below the LOQ, or the attribute rule) "
      "over the last 5 or 10 lots; the lot-inspection regime overrides it with every lot. "
      "As of {day}.").format(day=fmt.date(ctx.as_of))
)

options = queries.plan_filter_options(ctx.viewer, ctx.as_of)
if options.is_empty():
    no_brl9341_lots(ctx)


scope = options
certs: list[str] = []
# A holder with one certificate gets no certificate filter (and no empty gap for it).
if ctx.viewer.sees_all or options["certificate_number"].n_unique() > 1:
    c1, c2, c3 = st.columns(3)
    certs = url_multiselect(_("Certificate"), choices(options, "certificate_number"), "cert",
                            key="plan_cert", container=c1, placeholder=_("all"))
    scope = scope.filter(pl.col("certificate_number").is_in(certs)) if certs else scope
else:
    c2, c3, unused = st.columns(3)
sites = url_multiselect(_("Site"), choices(scope, "site_id"), "site", key="plan_site",
                        container=c2, placeholder=_("all"))
scope = scope.filter(pl.col("site_id").is_in(sites)) if sites else scope
products = url_multiselect(_("Product"), choices(scope, "product"), "product",
                           key="plan_product", container=c3, placeholder=_("all"))
only_overdue = url_toggle(_("Only overdue"), "overdue", key="plan_overdue")

filters = queries.PlanFilters(certificate_numbers=tuple(certs), site_ids=tuple(sites),
                              products=tuple(products), only_overdue=only_overdue)
# the plan and its counts over every row (also beyond the rows shown) in one read
plan, counts = queries.sampling_plan_with_counts(ctx.viewer, ctx.as_of, filters)
# the frequency and the reason in the reader's language (issue 27: keys of the view)
plan = render_detail_columns(plan, {"frequency_text": "frequency", "reason": "reason"})
untested = render_detail_columns(queries.untested_lot_counts(ctx.viewer, ctx.as_of, filters),
                                 {"required_frequency": "required_frequency",
                                  "meaning": "meaning"})

n_lots = int(untested["n_lots"].sum() or 0)
n_untested = int(untested["n_untested"].sum() or 0)
m1, m2, m3, m4 = st.columns(4)
m1.metric(_("Site × product"), fmt.number(counts["n_site_products"]))
m2.metric(_("Series (site × product × component)"), fmt.number(counts["n_series"]))
# the one list of overdue series (view sampling_overdue): the Overview's and worklist's too
m3.metric(_("Series overdue"), fmt.number(counts["n_overdue"]),
          help=_(glossary.KPI["sampling_overdue"][1]))
m4.metric(_("Lots not tested"), _("{n} of {total}").format(n=fmt.number(n_untested),
                                                          total=fmt.number(n_lots)),
          help=_(glossary.UNTESTED_HELP))
# what the untested lots mean for the frequency (view untested_lots_summary)
if untested.height == 1:
    only = untested.row(0, named=True)
    st.text(_("{site} ({product}): {n} of {total} lots not tested; required {required}: "
              "{meaning}.").format(site=only["site_id"], product=only["product"],
                                   n=fmt.number(only["n_untested"]),
                                   total=fmt.number(only["n_lots"]),
                                   required=only["required_frequency"] or "—",
                                   meaning=only["meaning"]))
elif untested.height:
    required = (untested.filter(pl.col("required_frequency") != "")
                .group_by("required_frequency").len().sort("len", descending=True))
    st.text(_(glossary.UNTESTED_SUMMARY).format(
        required="; ".join(_("{frequency} ({n} site × product)").format(frequency=r, n=n)
                           for r, n in required.iter_rows()),
        n_overdue=counts["n_overdue"],
        n_sites_overdue=untested.filter(pl.col("n_series_overdue") > 0).height))

PER_COMPONENT, REGIME, UNTESTED = (N_("Per component"), N_("Regime per site × product"),
                                   N_("Lots not tested"))
section = url_sections([PER_COMPONENT, REGIME, UNTESTED], "view", key="plan_view")

if section == PER_COMPONENT:
    if plan.is_empty():
        st.info(_("No series match these filters.") if only_overdue or sites or products
                or certs else _("No series yet."))
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
                    help=_(glossary.HELP["k_value"])),
                "gamma_ratio": st.column_config.NumberColumn(
                    glossary.header("gamma_ratio"), format="%.2f"),
            },
        )
        if chosen is None:
            st.caption(_("Overdue first (the longest overdue first), then by the date the "
                         "next test is due. Select a row to read its whole line below; hover a "
                         "header for its meaning."))
        else:
            series = plan.row(chosen, named=True)
            st.text(_("{component} at {site} ({product}): {explanation}").format(
                component=glossary.value_label("component", series["component"]),
                site=series["site_id"], product=series["product"],
                # one row's explanation, rendered here (not for every row of the table)
                explanation=render_detail(series["explanation_key"],
                                          series["explanation_args"],
                                          series["explanation"])))
            if series["overdue"]:
                st.text(_("Overdue for {n} days.").format(
                    n=fmt.number(series["days_overdue"])))
            due = (fmt.date(series["next_test_due_by"]) if series["next_test_due_by"]
                   else glossary.no_due_date(series))
            st.caption(_("{lots} lot(s) since the last test, {tests} test(s) in the period; "
                         "next test due by {due}.").format(
                lots=series["lots_since_last_test"], tests=series["tests_in_period"], due=due))

elif section == REGIME:
    regimes = queries.site_regimes(ctx.viewer, ctx.as_of, filters)
    if regimes.is_empty():
        st.info(_("No site × product matches these filters."))
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
        st.caption(_("Sampling regime while the lowest k over all components is > {k5} "
                     "(n = 5) or > {k10} (n = 10); back from lot inspection after at least 5 "
                     "lots with k > {k10} over the last 10 (BRL 9341 bijlage II).")
                   .format(k5=fmt.number(0.69, 2), k10=fmt.number(0.44, 2)))
    st.subheader(_("History of the regime"))
    history = queries.regime_history(ctx.viewer, ctx.as_of, filters)
    if history.is_empty():
        st.info(_("No regime switch on or before this date."))
    else:
        lot_table(
            history,
            key="regime_history_table",
            columns=["lot_sampled_on", "site_id", "product", "switched_to", "lot_id",
                     "event_seq", "min_k_observed", "certificate_number"],
            column_config={
                "lot_sampled_on": st.column_config.DateColumn(
                    _("Switched on"), format=DATE_FORMATS[current_language()][0]),
                "min_k_observed": st.column_config.NumberColumn(_("Lowest k after the lot"),
                                                                format="%.2f"),
            },
        )
        st.caption(_("Each row: the lot after whose results the regime changed."))

else:
    show_table(untested, key="untested_counts",
               columns=["site_id", "product", "n_lots", "n_untested", "required_frequency",
                        "meaning", "lots_until_next_test", "n_series_overdue",
                        "certificate_number"],
               column_config={"n_lots": st.column_config.NumberColumn(_("Lots produced")),
                              "meaning": st.column_config.TextColumn(
                                  glossary.header("meaning"), width=EXPLANATION_PX)})
    st.caption(_(glossary.UNTESTED_HELP))
    lots_untested = queries.untested_lots(ctx.viewer, ctx.as_of, filters)
    if lots_untested.is_empty():
        st.info(_("Every registered lot has at least one analysis."))
    else:
        # no link to the Lot page: a lot without analyses has nothing to show there
        st.caption(_("Lots in the production register without any analysis, newest first."))
        show_table(lots_untested, queries.MAX_ROWS, key="untested_lots",
                  columns=["lot_date", "site_id", "product", "lot_id", "lot_size_tonnes",
                           "certificate_number"])
