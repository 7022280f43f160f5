"""Chart specifications (Altair) of the yearly report, shared by the College page and the
PDF (rendered there to SVG with vl-convert, no browser): below both, so the report, a
pipeline, does not import the dashboard (docs/architecture.md). Each takes the report's figures
frame (pipelines.report.model.Report.figures, one scheme) and returns a chart; layout
only, no figure is computed here.

Also the charts' notation (issue 27 point 2): ``vega_locale()`` is the Vega number and time
locale of a language, taken from Babel's CLDR data as the rest of the notation
(pipelines.i18n.fmt), and ``localized()`` puts it in a chart's ``config.locale``, which
Vega-Lite reads wherever the spec is drawn: Streamlit's st.altair_chart in the browser and
vl-convert for the PDF. So an axis or a tooltip formatted ``,.2f`` reads 1.234,50 in Dutch
and 1,234.50 in English, and a time axis names Dutch months.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

import altair as alt
import polars as pl
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from pipelines.i18n import _, current_language
from pipelines.i18n.language import BABEL_LOCALES
from pipelines.report.labels import DIMENSIONS, measure_label

WIDTH = 460
YEAR_COLORS = ["#9ecae1", "#2b6cb0"]  # previous year light, this year dark
COUNT_AXIS = alt.Axis(tickMinStep=1, format=",d")  # counts: no 0.2-steps on the axis
# Dates on axes and in tooltips: numeric, in the language's order and separator (as the
# tables' DATE_FORMATS); month names, where a format asks for them, from vega_locale().
DATE_FORMATS: dict[str, dict[str, str]] = {
    "nl": {"day": "%d-%m-%Y", "month": "%m-%Y"},
    "en": {"day": "%d/%m/%Y", "month": "%m/%Y"},
}
# d3-time-format patterns of the locale's own formats (%x, %X, %c)
_TIME_PATTERNS: dict[str, dict[str, str]] = {
    "nl": {"dateTime": "%a %e %B %Y %X", "date": "%d-%m-%Y", "time": "%H:%M:%S"},
    "en": {"dateTime": "%a %e %B %Y %X", "date": "%d/%m/%Y", "time": "%H:%M:%S"},
}
ChartT = TypeVar("ChartT", bound=alt.TopLevelMixin)


def date_format(kind: str = "day", lang: str | None = None) -> str:
    """The d3 time format of a date (``day``) or a month (``month``) in the language."""
    return DATE_FORMATS[current_language(lang)][kind]


@functools.cache
def vega_locale(lang: str) -> dict[str, Any]:
    """Vega's ``{"number": ..., "time": ...}`` locale definition (d3-format and
    d3-time-format) of ``lang``, from Babel's CLDR data (nl_NL, en_GB: as fmt)."""
    locale = BABEL_LOCALES[lang]
    months = babel_dates.get_month_names("wide", locale=locale)
    short_months = babel_dates.get_month_names("abbreviated", locale=locale)
    days = babel_dates.get_day_names("wide", locale=locale)
    short_days = babel_dates.get_day_names("abbreviated", locale=locale)
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # Babel counts from Monday, d3 from Sunday
    periods = babel_dates.get_period_names(locale=locale)
    return {
        "number": {
            "decimal": babel_numbers.get_decimal_symbol(locale),
            "thousands": babel_numbers.get_group_symbol(locale),
            "grouping": [3],
            # the euro where a format asks for currency ($): € 1.234,50 / €1,234.50
            "currency": ["€ ", ""] if lang == "nl" else ["€", ""],
            "minus": "-",
        },
        "time": {
            **_TIME_PATTERNS[lang],
            # a 24-hour clock in both: the periods are only there for d3
            "periods": [periods.get("am", "AM"), periods.get("pm", "PM")],
            "days": [days[i] for i in sunday_first],
            "shortDays": [short_days[i] for i in sunday_first],
            "months": [months[i] for i in range(1, 13)],
            "shortMonths": [short_months[i] for i in range(1, 13)],
        },
    }


def localized(chart: ChartT, lang: str | None = None) -> ChartT:
    """``chart`` with the reader's (or ``lang``'s) number and time locale in its config.
    A shallow copy with its config replaced, not ``chart.configure()``, whose deep copy
    cost 2 ms of CPU per chart (every page chart passes here on every render)."""
    out = chart.copy(deep=False)
    config = out.config  # type: ignore[attr-defined]
    config = alt.Config() if config is alt.Undefined else config.copy(deep=False)
    config.locale = vega_locale(current_language(lang))
    out.config = config  # type: ignore[attr-defined]
    return out


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


def _grouped_bars(data: pl.DataFrame, title: str, year: int, x_title: str,
                  item_title: str) -> alt.Chart:
    years = [str(year - 1), str(year)]
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("item:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("year:N", sort=years),
        x=alt.X("count:Q", title=x_title, axis=COUNT_AXIS),
        color=alt.Color("year:N", title=_("Year"), sort=years,
                        scale=alt.Scale(domain=years, range=YEAR_COLORS),
                        legend=alt.Legend(orient="bottom")),
        # tooltips name the fields in the reader's language (not item / year / count)
        tooltip=[alt.Tooltip("item:N", title=item_title),
                 alt.Tooltip("year:N", title=_("Year")),
                 alt.Tooltip("count:Q", title=x_title, format=",d")],
    ).properties(title=title, width=WIDTH)


def exceedances_chart(figures: pl.DataFrame, year: int) -> alt.Chart:
    data = _by_year(figures, "component_lots_exceeding", year)
    return _grouped_bars(data, _("Lots exceeding a limit value, per component"), year,
                         _("lots"), _("Component"))


def k_class_chart(figures: pl.DataFrame, year: int) -> alt.Chart:
    data = _by_year(figures, "k_class_end", year)
    return _grouped_bars(data, _("Series per k-value class at year end"), year,
                         _("site × product × component series"), _("k-value class"))


def deviations_chart(figures: pl.DataFrame, year: int) -> alt.Chart:
    data = _by_year(figures, "found_requirement", year)
    return _grouped_bars(data, _("Deviations found per requirement / article"), year,
                         _("deviations"), _("Requirement / article"))


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
        tooltip=[alt.Tooltip("item:N", title=_("Control")),
                 alt.Tooltip("kind:N", title=_("Required or performed")),
                 alt.Tooltip("count:Q", title=_("Number"), format=",d")],
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
    """The report's charts that have data in ``figures`` (one scheme), in the current
    language: titles, axes, legends, tooltips and the number locale (``localized``)."""
    present = set(figures["measure"].to_list())
    return [(name, localized(build(figures, year))) for name, build, needs in REPORT_CHARTS
            if present.intersection(needs)]
