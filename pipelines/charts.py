"""Chart specifications (Altair) of the yearly report, shared by the College page and the
PDF (rendered there to SVG with vl-convert, no browser): below both, so the report, a
pipeline, does not import the dashboard (docs/architecture.md). Each takes the report's figures
frame (pipelines.report.model.Report.figures, one scheme) and returns a chart; layout
only, no figure is computed here."""

from __future__ import annotations

import altair as alt
import polars as pl

from pipelines.i18n import _
from pipelines.report.labels import DIMENSIONS, measure_label

WIDTH = 460
YEAR_COLORS = ["#9ecae1", "#2b6cb0"]  # previous year light, this year dark
COUNT_AXIS = alt.Axis(tickMinStep=1, format="d")  # counts: no 0.2-steps on the axis


def _item(column: str) -> pl.Expr:
    """A dimension (component, class, requirement, control type) in words (as
    labels.dimension_label). A lookup, not map_elements: a Python function inside Polars
    runs on Polars' thread pool and needs the GIL, which deadlocked the dashboard's
    server under 20 concurrent sessions (bench/concurrency.py)."""
    words = {code: _(text) for code, text in DIMENSIONS.items()}  # the reader's language
    return (pl.col(column).replace_strict(words, default=pl.col(column),
                                          return_dtype=pl.String)
            .fill_null("").alias("item"))


def _by_year(figures: pl.DataFrame, measure: str, year: int) -> pl.DataFrame:
    """Long form: one row per dimension × (year, year - 1) for a dimensioned measure."""
    rows = figures.filter(pl.col("measure") == measure)
    return pl.concat([
        rows.select(_item("dimension"), pl.col("value").alias("count"),
                    pl.lit(str(year)).alias("year")),
        rows.select(_item("dimension"), pl.col("previous_value").alias("count"),
                    pl.lit(str(year - 1)).alias("year")),
    ]).with_columns(pl.col("count").fill_null(0))


def _grouped_bars(data: pl.DataFrame, title: str, year: int, x_title: str) -> alt.Chart:
    years = [str(year - 1), str(year)]
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("item:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("year:N", sort=years),
        x=alt.X("count:Q", title=x_title, axis=COUNT_AXIS),
        color=alt.Color("year:N", title=_("Year"), sort=years,
                        scale=alt.Scale(domain=years, range=YEAR_COLORS),
                        legend=alt.Legend(orient="bottom")),
        tooltip=["item:N", "year:N", "count:Q"],
    ).properties(title=title, width=WIDTH)


def exceedances_chart(figures: pl.DataFrame, year: int) -> alt.Chart:
    data = _by_year(figures, "component_lots_exceeding", year)
    return _grouped_bars(data, _("Lots exceeding a limit value, per component"), year,
                         _("lots"))


def k_class_chart(figures: pl.DataFrame, year: int) -> alt.Chart:
    data = _by_year(figures, "k_class_end", year)
    return _grouped_bars(data, _("Series per k-value class at year end"), year,
                         _("site × product × component series"))


def deviations_chart(figures: pl.DataFrame, year: int) -> alt.Chart:
    data = _by_year(figures, "found_requirement", year)
    return _grouped_bars(data, _("Deviations found per requirement / article"), year,
                         _("deviations"))


def controls_chart(figures: pl.DataFrame, year: int) -> alt.Chart:
    """Required vs performed in the year, per control type and per product (lot tests)."""
    controls = figures.filter(pl.col("measure").is_in(["required", "performed"])).select(
        _item("dimension"),
        pl.col("measure").alias("kind"),
        pl.col("value").alias("count"))
    lots = figures.filter(
        pl.col("measure").is_in(["lot_tests_required", "lot_tests_performed"])).select(
        (pl.lit(_("Lot tests: ")) + _item("dimension")).alias("item"),
        pl.col("measure").str.replace("lot_tests_", "").alias("kind"),
        pl.col("value").alias("count"))
    words = {"required": measure_label("required"), "performed": measure_label("performed")}
    data = pl.concat([controls, lots]).with_columns(pl.col("count").fill_null(0),
                                                    pl.col("kind").replace(words))
    kinds = list(words.values())
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("item:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("kind:N", sort=kinds),
        x=alt.X("count:Q", title=f"{year}", axis=COUNT_AXIS),
        color=alt.Color("kind:N", title=None, sort=kinds,
                        scale=alt.Scale(domain=kinds, range=["#bdbdbd", "#2f855a"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=["item:N", "kind:N", "count:Q"],
    ).properties(title=_("Controls required vs performed, {year}").format(year=year),
                 width=WIDTH)


# (name, builder, measures it needs): a chart is drawn only when its measure has rows.
REPORT_CHARTS = (
    ("exceedances", exceedances_chart, ("component_lots_exceeding",)),
    ("k_classes", k_class_chart, ("k_class_end",)),
    ("deviations", deviations_chart, ("found_requirement",)),
    ("controls", controls_chart, ("required", "lot_tests_required")),
)


def charts_for(figures: pl.DataFrame, year: int) -> list[tuple[str, alt.Chart]]:
    """The report's charts that have data in ``figures`` (one scheme)."""
    present = set(figures["measure"].to_list())
    return [(name, build(figures, year)) for name, build, needs in REPORT_CHARTS
            if present.intersection(needs)]
