"""Overview (management): KPI tiles against a year earlier, 24-month trends, the worklist."""

from __future__ import annotations

from datetime import date

import altair as alt
import polars as pl
import streamlit as st

from dashboard import glossary
from dashboard.app_pages.common import require, show_table, unvalidated, url_multiselect
from dashboard.navigation import PAGES_DIR, may_open, spec
from dashboard.queries import management as queries
from dashboard.text import plain
from pipelines.charts import date_format
from pipelines.i18n import _, fmt
from pipelines.i18n.keys import render_detail_columns

ctx = require("overview")
st.title(_(glossary.OVERVIEW))
st.caption(_("As of {day}; each tile's change is against the same date a year earlier.")
           .format(day=fmt.date(ctx.as_of)))


def year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


now = queries.kpi_overview(ctx.viewer, ctx.as_of)
before = queries.kpi_overview(ctx.viewer, year_earlier(ctx.as_of))
if now.is_empty():
    st.info(_("The store holds no certificates yet. Load the certificate master data first "
              "(`python -m pipelines ingest --kind certificate FILE`)."))
    st.stop()


def kpi(frame: pl.DataFrame, indicator: str) -> float | None:
    """The indicator's value (summed over its breakdown); a breakdown without rows is 0,
    a value the view leaves NULL (no share without lots, no suspension) is None."""
    rows = frame.filter(pl.col("indicator") == indicator)["value"]
    if rows.len() == 0:
        return 0.0
    return float(rows.sum()) if rows.null_count() < rows.len() else None


def certificates_with(frame: pl.DataFrame, status: str) -> float:
    rows = frame.filter((pl.col("indicator") == "certificates")
                        & pl.col("breakdown").str.ends_with("|" + status))
    return float(rows["value"].sum())


# Colour only what needs action (issue 26): the change of these tiles is told in grey;
# red / green are kept for the figures someone must act on (overdue, past deadline, ...).
NEUTRAL = {"certificates_active", "audits_due_30d", "deviations_open", "complaints_open",
           "lots_tested_12m", "lots_compliant_share_12m", "invoiced_ytd",
           "receivables_outstanding"}


def show_tile(column: st.delta_generator.DeltaGenerator, indicator: str,
              value: float | None, earlier: float | None, kind: str = "count",
              worse_when_up: bool = True) -> None:
    label, help_text = map(_, glossary.KPI[indicator])
    if value is None:
        column.metric(label, "—", help=help_text + " " + _("None on this date."))
        return
    shown = {"count": fmt.number(value, 0), "share": fmt.percent(value, 0),
             "euro": fmt.money(value)}[kind]
    if earlier is None:
        column.metric(label, shown, help=help_text)
        return
    change = value - earlier
    # The sign leads the text: Streamlit draws the arrow from it.
    sign = "+" if change > 0 else "-" if change < 0 else "±"
    delta = {"count": sign + fmt.number(abs(change), 0),
             "share": sign + _("{n} pt").format(n=fmt.number(abs(change) * 100, 1)),
             "euro": sign + fmt.money(abs(change))}[kind]
    still = round(change, 6) == 0
    column.metric(label, shown, delta=delta, help=help_text,
                  delta_color="off" if still or indicator in NEUTRAL
                  else "inverse" if worse_when_up else "normal",
                  delta_arrow="off" if still else "auto",
                  delta_description=_("vs a year earlier"))


# --- tiles ------------------------------------------------------------------------------
st.subheader(_("Certification"))
c = st.columns(4)
show_tile(c[0], "certificates_active", certificates_with(now, "active"),
          certificates_with(before, "active"), worse_when_up=False)
show_tile(c[1], "certificates_suspended", kpi(now, "certificates_suspended"),
          kpi(before, "certificates_suspended"))
show_tile(c[2], "suspension_min_days_to_withdrawal",
          kpi(now, "suspension_min_days_to_withdrawal"),
          kpi(before, "suspension_min_days_to_withdrawal"), worse_when_up=False)
show_tile(c[3], "complaints_open", kpi(now, "complaints_open"), kpi(before, "complaints_open"))
c = st.columns(4)
show_tile(c[0], "audits_due_30d", kpi(now, "audits_due_30d"), kpi(before, "audits_due_30d"))
show_tile(c[1], "audits_overdue", kpi(now, "audits_overdue"), kpi(before, "audits_overdue"))
show_tile(c[2], "deviations_open", kpi(now, "deviations_open"), kpi(before, "deviations_open"))
show_tile(c[3], "deviations_past_deadline", kpi(now, "deviations_past_deadline"),
          kpi(before, "deviations_past_deadline"))
c = st.columns(4)
show_tile(c[0], "lots_tested_12m", kpi(now, "lots_tested_12m"), kpi(before, "lots_tested_12m"),
          worse_when_up=False)
show_tile(c[1], "lots_compliant_share_12m", kpi(now, "lots_compliant_share_12m"),
          kpi(before, "lots_compliant_share_12m"), kind="share", worse_when_up=False)
show_tile(c[2], "sampling_overdue", kpi(now, "sampling_overdue"), kpi(before, "sampling_overdue"))
show_tile(c[3], "complaints_overdue", kpi(now, "complaints_overdue"),
          kpi(before, "complaints_overdue"))
st.subheader(_("Finance"))
# euros need the width: three tiles a row (five cut "€ 156,08…")
c = st.columns(3)
show_tile(c[0], "invoiced_ytd", kpi(now, "invoiced_ytd"), kpi(before, "invoiced_ytd"),
          kind="euro", worse_when_up=False)
show_tile(c[1], "receivables_outstanding", kpi(now, "receivables_outstanding"),
          kpi(before, "receivables_outstanding"), kind="euro")
show_tile(c[2], "receivables_overdue", kpi(now, "receivables_overdue"),
          kpi(before, "receivables_overdue"), kind="euro")
owed = queries.receivable_totals(ctx.viewer, ctx.as_of)
st.caption(glossary.receivables_note(**owed))
c = st.columns(3)
show_tile(c[0], "invoice_check_differences", kpi(now, "invoice_check_differences"),
          kpi(before, "invoice_check_differences"))
# issue 22: lines that cannot be checked (their year has no index) count apart
show_tile(c[1], "invoice_check_index_missing", kpi(now, "invoice_check_index_missing"),
          kpi(before, "invoice_check_index_missing"))


def breakdown_table(indicator: str, names: tuple[str, ...]) -> pl.DataFrame:
    """Now vs a year earlier per breakdown value, split into the given column names."""
    def part(frame: pl.DataFrame, column: str) -> pl.DataFrame:
        return (frame.filter(pl.col("indicator") == indicator)
                .select("breakdown", pl.col("value").alias(column)))

    table = part(now, "now").join(part(before, "year_earlier"), on="breakdown", how="full",
                                  coalesce=True).fill_null(0)
    table = table.with_columns((pl.col("now") - pl.col("year_earlier")).alias("change"))
    parts = pl.col("breakdown").str.split_exact("|", len(names) - 1)
    table = table.with_columns(parts.struct.rename_fields(list(names))).unnest("breakdown")
    return table.sort(list(names)).with_columns(pl.col("now", "year_earlier", "change")
                                                 .cast(pl.Int64))


with st.expander(_("Certificates per scheme × status, and open deviations per category")):
    left, right = st.columns([2, 1])
    with left:
        show_table(breakdown_table("certificates", ("scheme", "status")))
    with right:
        show_table(breakdown_table("deviations_open", ("category",)))

# --- worklist ---------------------------------------------------------------------------
# Shown once (issue 26): one expander per kind, its count in the label, in the view's order
# of urgency; inside, the kind's items with their rule and article, the longest overdue
# first; selecting an item offers the link to the page that shows it.
def page_open(url_path: str) -> bool:
    return (PAGES_DIR / spec(url_path).file).exists() and may_open(ctx.viewer, url_path)


def target(row: dict[str, object]) -> tuple[str, dict[str, str]]:
    """The page and its query parameters that show a worklist item."""
    cert = str(row["certificate_number"])
    kind = row["kind"]
    if kind == "sampling_overdue" and page_open("sampling-plan"):
        # the Sampling plan page's own URL filters (cert, site, product, only overdue)
        return "sampling-plan", {"cert": cert, "site": str(row["site_id"]),
                                 "product": str(row["product"]), "overdue": "1"}
    if kind in ("invoice_unpaid", "invoice_mismatch", "invoice_index_missing") \
            and page_open("billing"):
        section = "receivables" if kind == "invoice_unpaid" else "check"
        params = {"section": section, "certificate": cert}
        if kind != "invoice_unpaid":
            params["period"] = str(row["period"])
        return "billing", params
    section = {"deviation": "deviations", "audit_overdue": "audits",
               "process_finding": "findings"}.get(str(kind), "detail")
    return "certificates", {"section": section, "certificate": cert}


# Days to the due date in words: never a negative count (issue 26). A process finding's
# date is the day it was found, not a deadline.
# (pl.format takes "{}": the named placeholder of the message is put back to it)
WHEN = (pl.when(pl.col("days").is_null()).then(pl.lit(_("no due date")))
        .when(pl.col("kind") == "process_finding")
        .then(pl.format(_("found {n} days ago").replace("{n}", "{}"), -pl.col("days")))
        .when(pl.col("days") < 0)
        .then(pl.format(_("overdue for {n} days").replace("{n}", "{}"), -pl.col("days")))
        .when(pl.col("days") == 0).then(pl.lit(_("due today")))
        .otherwise(pl.format(_("due in {n} days").replace("{n}", "{}"), pl.col("days")))
        .alias("when"))


def show_worklist() -> None:
    """The worklist section: one expander per kind (its count in the label)."""
    st.subheader(_(glossary.WORKLIST))
    st.caption(_("Every item that needs action as of the date, by kind in order of urgency "
                 "and within a kind the longest overdue first. Each names the rule and article "
                 "behind it; select an item to open it on its page."))
    kinds = list(glossary.WORKLIST_KINDS)
    chosen = url_multiselect(_("Show"), kinds, "kind", key="worklist_kinds",
                             placeholder=_("every kind"),
                             format_func=lambda kind: _(glossary.WORKLIST_KINDS[kind]))
    # detail and rule in the reader's language (issue 27: the view's message keys)
    items = render_detail_columns(queries.worklist(ctx.viewer, ctx.as_of, tuple(chosen)),
                                  {"detail": "detail", "rule": "rule",
                                   "subject": "subject"})
    if items.is_empty():
        st.success(_("Nothing needs action on this date."))
        return

    count_of = dict(items.group_by("kind").agg(pl.col("n_kind").first()).iter_rows())
    for kind in kinds:
        if kind not in count_of:
            continue
        rows = items.filter(pl.col("kind") == kind).with_columns(WHEN)
        n_overdue = rows.filter(pl.col("days_overdue").is_not_null()).height
        label = f"{_(glossary.WORKLIST_KINDS[kind])} · {fmt.number(count_of[kind])}"
        if 0 < n_overdue < count_of[kind]:
            label += " " + _("({n} overdue)").format(n=fmt.number(n_overdue))
        with st.expander(label):
            columns = ["certificate_number", "subject", "due_on", "when", "detail"]
            if rows.select(pl.struct("rule", "article").n_unique()).item() == 1:
                # one rule for the whole kind: said once above its items, not cut off at
                # the table's right edge
                st.text(_("Rule: {rule} ({article}).").format(rule=rows["rule"][0],
                                                               article=rows["article"][0]))
            else:
                columns[3:3] = ["article", "rule"]
                columns = [c for c in columns if c != "when"]
                columns.insert(3, "when")
            picked = show_table(rows, key=f"worklist_{kind}", select_row=True,
                                columns=columns,
                                column_config={"when": st.column_config.TextColumn(_("When"))})
            if rows.height < count_of[kind]:
                st.caption(_("The {n} most urgent of {total}; open the kind's page to work "
                             "through the rest.").format(n=fmt.number(rows.height),
                                                         total=fmt.number(count_of[kind])))
            page, params = target(rows.row(picked if picked is not None else 0, named=True))
            if picked is None:
                st.caption(_("Select an item to open it on its page."))
            elif page_open(page):
                row = rows.row(picked, named=True)
                st.page_link(PAGES_DIR / spec(page).file, icon=":material/open_in_new:",
                             label=_("Open {certificate} · {subject}").format(
                                 certificate=plain(str(row["certificate_number"])),
                                 subject=plain(str(row["subject"]))),
                             query_params=params)


show_worklist()

# --- trends -----------------------------------------------------------------------------
st.subheader(_("Last 24 months"))
# kpi_monthly sums a flow over each month, the as-of month only up to the as-of date. Unless
# that is the month's last day, its point is "month to date" and drawn so (hollow point,
# dashed segment from the month before), never as a whole month that dropped.
FLOWS = ("lots_tested", "lots_compliant_share", "invoiced", "expected")
# drawn as a wide pale band under the other series: "expected" lies on "invoiced"
UNDERLAYS = ("expected",)
as_of_month = ctx.as_of.replace(day=1)
one_day = date.resolution
month_before = (as_of_month - one_day).replace(day=1)
month_partial = (ctx.as_of + one_day).month == ctx.as_of.month
is_flow = pl.col("indicator").is_in(FLOWS)
to_date = (pl.col("month") == as_of_month) & is_flow & month_partial
trend = queries.kpi_monthly(ctx.viewer, ctx.as_of).with_columns(
    pl.col("indicator").replace({k: _(v) for k, v in glossary.TRENDS.items()}).alias("series"),
    to_date.alias("partial"),
    (is_flow & month_partial & (pl.col("month") >= month_before)).alias("tail"),
    pl.col("indicator").is_in(UNDERLAYS).alias("underlay"),
    pl.when(to_date)
    .then(pl.lit(_(glossary.TREND_PERIOD_TO_DATE).format(
        first_day=as_of_month.day, last_day=ctx.as_of.day, month=fmt.month(ctx.as_of))))
    .when(pl.col("month") == as_of_month)
    .then(pl.lit(_(glossary.TREND_PERIOD_ON_DATE).format(day=fmt.date(ctx.as_of))))
    .when(is_flow).then(pl.lit(_(glossary.TREND_PERIOD_MONTH)))
    .otherwise(pl.lit(_(glossary.TREND_PERIOD_MONTH_END)))
    .alias("period"),
).sort("underlay", "indicator", "month", descending=[True, False, False])


def trend_chart(indicators: tuple[str, ...], title: str, axis: str,
                fmt: str = ",.0f") -> alt.LayerChart:
    """A line per series over the 24 months, one legend saying which is which. A month to
    date is a dashed segment to a hollow point; an underlay series a wide pale band."""
    names = [_(glossary.TRENDS[i]) for i in indicators]
    data = trend.filter(pl.col("indicator").is_in(list(indicators)))
    legend = alt.Legend(orient="bottom", title="", symbolType="stroke")
    channels: dict[str, object] = {}
    if any(i in UNDERLAYS for i in indicators):
        def band(wide: float, line: float) -> alt.Scale:
            return alt.Scale(domain=names,
                             range=[wide if i in UNDERLAYS else line for i in indicators])

        # width and opacity by series (over the marks' own), in the same legend
        channels = {"strokeWidth": alt.StrokeWidth("series:N", legend=legend, scale=band(8, 2)),
                    "opacity": alt.Opacity("series:N", legend=legend, scale=band(0.5, 1))}
    base = alt.Chart(data).encode(
        # padding: the last point is not cut at the plot's edge
        x=alt.X("month:T", title=None, axis=alt.Axis(format=date_format("month")),
                scale=alt.Scale(padding=8)),
        # counts: whole ticks only (a scale of 0..2 gave the labels 0, 1, 1, 2, 2)
        y=alt.Y("value:Q", title=axis, axis=alt.Axis(
            format=fmt, **({"tickMinStep": 1} if fmt == ",.0f" else {}))),
        color=alt.Color("series:N", scale=alt.Scale(domain=names), legend=legend),
        tooltip=[alt.Tooltip("month:T", title=_("Month"), format=date_format("month")),
                 alt.Tooltip("series:N", title=_("Series")),
                 alt.Tooltip("value:Q", title=axis, format=fmt),
                 alt.Tooltip("period:N", title=_("Period"))],
        **channels,
    )
    # a mark's own strokeWidth would win over the encoded one here: set only without it
    width = {} if channels else {"strokeWidth": 2}
    layers = [base.transform_filter("!datum.partial").mark_line(**width),
              base.transform_filter("!datum.underlay && !datum.partial")
              .mark_point(filled=True, size=25)]
    if data["partial"].any():
        layers += [base.transform_filter("datum.tail").mark_line(strokeDash=[4, 3], **width),
                   base.transform_filter("!datum.underlay && datum.partial")
                   .mark_point(filled=False, fill="white", size=60, strokeWidth=2)]
    return alt.layer(*layers).properties(
        title=title, height=200,
        # Streamlit's default autosize "fit" squeezes title, axes and legend into the
        # height, which left a plot of 70-100 px; "fit-x" fits only the width: the plot
        # gets the height, the element grows by its axes and legend.
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def show_trend(column: st.delta_generator.DeltaGenerator, indicators: tuple[str, ...],
               title: str, axis: str, empty: str, fmt: str = ",.0f") -> bool:
    """A trend chart, or a plain note when the 24 months hold nothing to draw. True when
    the chart drawn has a month-to-date point."""
    # a count of 0 draws nothing worth a chart; a share of 0 % is a finding
    drawn = pl.col("value").is_not_null() if fmt.endswith("%") else pl.col("value") != 0
    data = trend.filter(pl.col("indicator").is_in(list(indicators)) & drawn)
    if data.is_empty():
        column.info(f"{title}: {empty}")
        return False
    column.altair_chart(unvalidated(trend_chart(indicators, title, axis, fmt)), width="stretch")
    return bool(data["partial"].any())


t1, t2 = st.columns(2)
show_trend(t1, ("certificates_active", "certificates_suspended"),
           _("Certificates at the month's end"), _("certificates"),
           _("no active or suspended certificate in these months."))
show_trend(t2, ("deviations_open",), _("Open deviations at the month's end"), _("deviations"),
           _("no open deviation in these months."))
t1, t2 = st.columns(2)
partial_drawn = [
    show_trend(t1, ("lots_tested",), _("Lots tested per month"), _("lots"),
               _("no lot sampled in these months; lab results arrive through the "
                 "ingestion.")),
    show_trend(t1, ("lots_compliant_share",), _("Share of lots compliant"), _("share"),
               _("no lot sampled in these months."), fmt=".0%"),
    show_trend(t2, ("invoiced", "expected"), _("Revenue per month (excl. VAT)"), "€",
               _("nothing invoiced or expected in these months.")),
]
if any(partial_drawn):  # the note only next to a chart that has such a point
    t2.caption(_(glossary.TREND_PARTIAL_NOTE).format(month=fmt.month(as_of_month),
                                                     day=fmt.date(ctx.as_of)))
