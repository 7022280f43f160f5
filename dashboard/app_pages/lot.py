"""Lot (partij): one lot's observations against the limits valid on its date, the analyses
behind them, the components tested and not, and the bijlage II series before and after it.
Reached from any lot elsewhere with ``?site=...&lot=...`` (``?lot=...`` alone when the lot
id is unique). Layout only."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import glossary
from dashboard.app_pages.common import (
    no_brl9341_lots,
    page_link,
    plain,
    require,
    show_table,
    url_selectbox,
)
from dashboard.queries import brl9341_lots as queries
from pipelines.i18n import _, fmt

ctx = require("lot")
st.title(_("Lot"))

asked_lot = st.query_params.get("lot")
asked_site = st.query_params.get("site")

# A lot id is unique per site only: ?lot= alone picks the site when there is one.
if asked_lot and not asked_site:
    matches = queries.find_lots(ctx.viewer, ctx.as_of, asked_lot)
    if matches.height == 1:
        asked_site = matches["site_id"][0]
        st.query_params["site"] = asked_site
    elif matches.height > 1:
        st.info(_("Lot {lot} exists at {n} sites; pick the site.").format(
            lot=plain(asked_lot), n=matches.height))

site_choices = queries.lot_sites(ctx.viewer, ctx.as_of)
if not site_choices:
    no_brl9341_lots(ctx)

if asked_site and asked_site not in site_choices:
    st.warning(_("Site {site} has no lots you may see on or before {day}.").format(
        site=plain(asked_site), day=fmt.date(ctx.as_of)))
c1, c2 = st.columns(2)
site = url_selectbox(_("Site"), site_choices, "site", key="lot_site", container=c1)
site_lots = queries.lots(ctx.viewer, ctx.as_of, queries.LotFilters(site_ids=(site,)))
lot_choices = site_lots["lot_id"].to_list()
if asked_lot and asked_site == site and asked_lot not in lot_choices:
    produced = queries.untested_lot_date(ctx.viewer, ctx.as_of, site, asked_lot)
    if produced is not None:
        st.info(_("Lot {lot} at {site} was produced on {day} and has not been tested: it "
                  "has no analyses to show. It counts as produced but not tested for the "
                  "sampling frequency (BRL 9341 bijlage II). Below: another lot of this "
                  "site.").format(lot=plain(asked_lot), site=plain(site),
                                  day=fmt.date(produced)))
    else:
        st.warning(_("Lot {lot} at {site} is not in the store as of {day} (sampled later, or "
                     "not one of your certificates). Below: another lot of this site.")
                   .format(lot=plain(asked_lot), site=plain(site), day=fmt.date(ctx.as_of)))
lot_id = url_selectbox(_(glossary.LOT), lot_choices, "lot", key="lot_lot", container=c2,
                       help=_("Newest first."))
if lot_id is None:
    st.info(_("This site has no lots on or before the as-of date."))
    st.stop()

lot = site_lots.filter(pl.col("lot_id") == lot_id).row(0, named=True)
st.subheader(_("Lot {lot} · {site} · {product}").format(
    lot=plain(lot_id), site=plain(site), product=plain(lot["product"])))
st.caption((_("Certificate {certificate}; sampled {day}; admission lot") if lot["is_admission"]
            else _("Certificate {certificate}; sampled {day}")).format(
    certificate=plain(lot["certificate_number"]), day=fmt.date(lot["sampled_on"])))

m1, m2, m3 = st.columns(3)
m1.metric(_("Components tested"), fmt.number(lot["n_components"]))
m2.metric(_("Exceedances"), fmt.number(lot["n_exceedances"]))
# BRL 9341 bijlage II: a result below an LOQ above the limit is neither compliance nor an
# exceedance; the lot is not called compliant on it, and the page says why.
m3.metric(_("Lot complies"),
          glossary.value_label("status", "loq_above_limit") if lot["status"] == "loq_above_limit"
          else _("yes") if lot["compliant"] else _("no"),
          help=_("BRL 9341 §4.2: no component above the limit value of bijlage III/IV valid "
                 "on the sampling date."))
if lot["n_loq_above_limit"]:
    st.warning(_(glossary.LOQ_ABOVE_LIMIT_NOTE))

st.markdown("#### " + _("Observations against the limit values"))
observations = queries.lot_observations(ctx.viewer, ctx.as_of, site, lot_id)
show_table(observations, key="lot_observations",
           columns=["component", "observation", "limit_value", "status", "exceeds",
                    "below_loq", "n_analyses", "sampled_on", "source_file", "source_lines"])
st.caption(_("Observation: the mean of the lot's analyses of the component; a result below "
             "the LOQ counts at the LOQ there (as in the k-value, bijlage II) but is never an "
             "exceedance. Limit value: the one valid on the sampling date (bijlage III/IV)."))

st.markdown("#### " + _("Analyses behind them"))
analyses = queries.lot_analyses(ctx.viewer, ctx.as_of, site, lot_id)
show_table(analyses, key="lot_analyses",
           columns=["component", "value_as_reported", "unit_as_reported", "value",
                    "below_loq", "loq", "lab", "lab_accredited", "lab_report_id", "sample_id",
                    "sampled_on", "purpose", "source_file", "source_line", "ingested_at"])
if not analyses.is_empty() and not analyses["lab_accredited"].all():
    st.warning(_("Some results come from a lab without an ISO/IEC 17025 accreditation for "
                 "them on their date (\"no\" under \"Lab accredited\"): under BRL 9341 §1.4 "
                 "such a result does not count. The observations above still include it "
                 "until the certification body decides; see the process checks."))
if "complaint" in analyses["purpose"].to_list():
    st.caption(_("Complaint samples (§9.3) are shown here but are not part of the lot's "
                 "observations."))

corrections = queries.lot_corrections(ctx.viewer, ctx.as_of, site, lot_id)
if not corrections.is_empty():
    st.markdown("#### " + _("Corrected by the lab"))
    show_table(corrections, key="lot_corrections",
               columns=["component", "sample_id", "replaced_report_id",
                        "replaced_value_as_reported", "replaced_value", "new_report_id",
                        "new_value_as_reported", "new_value", "replaced_at",
                        "replaced_by_file", "replaced_by_line", "source_file",
                        "source_line"])
    st.caption(_("The lab withdrew these results and reissued them in a corrected report "
                 "(replaces_report_id): the observations above use the new values only; "
                 "the old ones are kept here."))

st.markdown("#### " + _("Components tested and not tested"))
coverage = queries.lot_component_coverage(ctx.viewer, ctx.as_of, site, lot_id)
tested = coverage.filter(pl.col("tested"))
not_tested = coverage.filter(~pl.col("tested"))
t1, t2 = st.columns(2)
with t1:
    st.write(_("Tested ({n})").format(n=tested.height))
    show_table(tested, key="lot_tested", columns=["component", "name_nl", "table_kind"])
with t2:
    st.write(_("Not tested in this lot ({n})").format(n=not_tested.height))
    if not_tested.is_empty():
        st.caption(_("Every component with a limit value on this date was tested."))
    else:
        show_table(not_tested, key="lot_not_tested",
                   columns=["component", "name_nl", "table_kind"])

st.markdown("#### " + _("The series before and after this lot"))
state = queries.lot_state(ctx.viewer, ctx.as_of, site, lot_id)
if state.is_empty():
    st.info(_("This lot has no observation in the bijlage II series (no limit value or no "
              "positive value)."))
else:
    first = state.row(0, named=True)
    before = glossary.value_label("regime", first["regime_before"])
    after = glossary.value_label("regime", first["regime_after"])
    pair = f"{plain(site)} × {plain(lot['product'])}"
    if first["regime_before"] == first["regime_after"]:
        st.write(_("Regime of {pair}: {after} before and after this lot.").format(
            pair=pair, after=after))
    else:
        st.write(_("Regime of {pair}: {before} before this lot, {after} after it.").format(
            pair=pair, before=before, after=after))
    show_table(state, key="lot_state",
               columns=["component", "k_before", "test_class_before", "rule_before",
                        "k_after", "test_class_after", "rule_after", "class_changed"],
               column_config={
                   "k_before": st.column_config.NumberColumn(glossary.header("k_before"),
                                                             format="%.2f"),
                   "k_after": st.column_config.NumberColumn(glossary.header("k_after"),
                                                            format="%.2f"),
               })
    st.caption(_("k and class of each component's series over its last 5 or 10 lots, just "
                 "before and just after this lot's result (BRL 9341 bijlage II). Changed "
                 "classes first."))

n1, n2 = st.columns(2)
with n1:
    page_link("app_pages/sampling_plan.py", label=_("Sampling plan of this site"),
              icon=":material/event_repeat:", query_params={"site": site})
with n2:
    page_link("app_pages/lots.py", label=_("All lots of this site"), icon=":material/science:",
              query_params={"site": site})
