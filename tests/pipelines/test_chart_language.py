"""Charts in the reader's language and notation (issue 27 points 2-3): titles, axis titles,
legends and tooltips through the catalogue; axis numbers and dates through the Vega
locale of pipelines/charts.py (``config.locale``), which vl-convert (the PDF) and the
browser (st.altair_chart) both read. Expected Dutch written by hand."""

from __future__ import annotations

import re
from pathlib import Path

import altair as alt
import polars as pl
import pytest
import vl_convert as vlc

from pipelines.charts import exceedances_chart, localized, vega_locale
from pipelines.i18n import use_language
from pipelines.report import load_report
from pipelines.report.pdf import report_data
from tests.sql.yearly_report_data import build_store


def svg_texts(chart: alt.TopLevelMixin) -> list[str]:
    """The text elements of the chart rendered by vl-convert (as the PDF renders it)."""
    svg = vlc.vegalite_to_svg(chart.to_dict())
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_the_vega_locales_follow_the_language() -> None:
    nl, en = vega_locale("nl"), vega_locale("en")
    assert (nl["number"]["decimal"], nl["number"]["thousands"]) == (",", ".")
    assert (en["number"]["decimal"], en["number"]["thousands"]) == (".", ",")
    # d3 counts days from Sunday and months from January
    assert nl["time"]["days"][0] == "zondag" and nl["time"]["months"][2] == "maart"
    assert en["time"]["days"][0] == "Sunday" and en["time"]["months"][2] == "March"
    assert nl["time"]["date"] == "%d-%m-%Y" and en["time"]["date"] == "%d/%m/%Y"


@pytest.mark.parametrize("lang, numbers, months", [
    ("nl", ["1.000,0", "2.000,0"], ["maart 2026", "april 2026"]),
    ("en", ["1,000.0", "2,000.0"], ["March 2026", "April 2026"]),
])
def test_axis_numbers_and_dates_in_the_languages_notation(lang: str, numbers: list[str],
                                                           months: list[str]) -> None:
    data = pl.DataFrame({"amount": [1234.5, 2500.25],
                         "day": ["2026-03-01", "2026-09-01"]})
    chart = alt.Chart(data).mark_point().encode(
        x=alt.X("amount:Q", axis=alt.Axis(format=",.1f")),
        y=alt.Y("day:T", axis=alt.Axis(format="%B %Y")))
    texts = svg_texts(localized(chart, lang))
    assert set(numbers + months) <= set(texts)


def figures(component_counts: dict[str, tuple[int, int]]) -> pl.DataFrame:
    return pl.DataFrame({
        "measure": ["component_lots_exceeding"] * len(component_counts),
        "dimension": list(component_counts),
        "value": [v[0] for v in component_counts.values()],
        "previous_value": [v[1] for v in component_counts.values()],
    })


def test_report_chart_in_dutch() -> None:
    with use_language("nl"):
        chart = localized(exceedances_chart(figures({"arsenic": (1500, 3)}), 2024))
    spec = chart.to_dict()
    assert spec["title"] == "Partijen boven een toetsingswaarde, per component"
    assert spec["encoding"]["x"]["title"] == "partijen"
    assert spec["encoding"]["color"]["title"] == "Jaar"
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == ["Component", "Jaar",
                                                                  "partijen"]
    texts = svg_texts(chart)
    assert "1.500" in texts  # the count axis groups thousands the Dutch way
    assert "1,500" not in texts


def test_report_chart_in_english() -> None:
    with use_language("en"):
        chart = localized(exceedances_chart(figures({"arsenic": (1500, 3)}), 2024))
    spec = chart.to_dict()
    assert spec["title"] == "Lots exceeding a limit value, per component"
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == ["Component", "Year", "lots"]
    assert "1,500" in svg_texts(chart)


@pytest.mark.parametrize("lang, title", [
    ("nl", "Gevonden afwijkingen per eis / artikel"),
    ("en", "Deviations found per requirement / article"),
])
def test_the_pdfs_charts_are_in_the_reports_language(tmp_path: Path, lang: str,
                                                     title: str) -> None:
    store = build_store(tmp_path / "store.duckdb")
    report = load_report(store, 2024, "pkvw", lang=lang)
    with use_language(lang):  # as pdf_bytes does with report.lang
        data = report_data(report, tmp_path)
    files = [c["file"] for s in data["schemes"] for c in s["charts"]]  # type: ignore[index]
    svgs = {f: (tmp_path / f).read_text(encoding="utf-8") for f in files}
    deviations = next(svg for f, svg in svgs.items() if f.endswith("_deviations.svg"))
    assert title in deviations
