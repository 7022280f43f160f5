"""What a table shows (dashboard/app_pages/common.py): codes in words, empty and infinite
cells, number formats; downloads keep the codes."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import streamlit as st

from dashboard import glossary
from dashboard.app_pages.common import (
    _with_overrides,
    column_config,
    displayed,
    to_csv,
    to_xlsx,
)
from tests.dashboard.test_app import open_page, run_app, table

INF = float("inf")


def test_codes_are_shown_in_words_and_the_frame_keeps_them() -> None:
    frame = pl.DataFrame({
        "rule": ["k", "all_below_loq", "TAR 9201 §2.2.6"],  # the last: billing's free text
        "scheme": ["brl9341", "asbestos_person", "new_scheme"],
        "component": ["mineral_oil", "pah_total", "kryptonite"],
        "state": ["closed_in_time", "handled_late", "open"],
        "exceeding_components": [["mineral_oil"], [], ["zinc", "pah_total"]],
        "holder_name": ["k", "brl9341", None],  # not a coded column: untouched
    })
    shown = displayed(frame)
    assert shown["rule"].to_list() == ["k-value", "all below LOQ", "TAR 9201 §2.2.6"]
    assert shown["scheme"].to_list() == ["BRL 9341", "Asbestos (person)", "new_scheme"]
    assert shown["component"].to_list() == ["mineral oil", "PAH total (sum of 10)",
                                            "kryptonite"]
    assert shown["state"].to_list() == ["closed in time", "handled late", "open"]
    assert shown["exceeding_components"].to_list() == [
        ["mineral oil"], [], ["zinc", "PAH total (sum of 10)"]]
    assert shown["holder_name"].to_list() == ["k", "brl9341", None]
    # the page's frame (selection, filters, downloads) still has the codes
    assert frame["rule"].to_list()[:2] == ["k", "all_below_loq"]


def test_an_infinite_k_is_an_empty_cell_of_a_number_column() -> None:
    frame = pl.DataFrame({"k_value": [INF, 1.5, None, -INF]})
    shown = displayed(frame)
    assert shown.schema["k_value"] == pl.Float64  # still sortable as a number
    assert shown["k_value"].to_list() == [None, 1.5, None, None]
    # what an empty k means is in the column's help, also when a page sets its own format
    config = _with_overrides(column_config(shown), {
        "k_value": st.column_config.NumberColumn("k", format="%.2f")})
    assert config["k_value"]["type_config"]["format"] == "%.2f"
    assert "all values equal" in config["k_value"]["help"]


def test_number_formats() -> None:
    frame = pl.DataFrame({"year": [2026], "file_id": [12], "source_line": [4428],
                          "n_lots": [1_036], "days_overdue": [2_684],
                          "lot_size_tonnes": [1_036.8], "observation": [0.00932],
                          "open_amount": [12_853.82]})
    formats = {name: (entry.get("type_config") or {}).get("format")
               for name, entry in column_config(frame).items()}
    # thousands separators for quantities; none for years and identifiers
    assert formats["n_lots"] == formats["days_overdue"] == "localized"
    assert formats["lot_size_tonnes"] == "localized"
    assert formats["year"] is None and formats["file_id"] is None
    assert formats["source_line"] is None
    # concentrations: three significant figures, written plainly (not 2.43e+3); money is
    # euro with cents
    assert formats["observation"] == "plain"
    shown = displayed(pl.DataFrame({"observation": [2434.6, 0.009321, 1.2345]}))
    assert shown["observation"].to_list() == [2430.0, 0.00932, 1.23]
    assert formats["open_amount"] == "euro"


def test_downloads_keep_the_codes_and_survive_an_infinite_k() -> None:
    frame = pl.DataFrame({"rule": ["all_below_loq", "k"], "scheme": ["brl9341", "pkvw"],
                          "k_value": [None, INF]})
    csv = to_csv(frame).decode("utf-8-sig")
    assert "all_below_loq,brl9341" in csv
    assert "k,pkvw,inf" in csv
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == (glossary.header("rule"), glossary.header("scheme"),
                       glossary.header("k_value"))
    assert rows[1:] == [("all_below_loq", "brl9341", None), ("k", "pkvw", "inf")]


def test_sampling_plan_shows_the_rule_in_words(dash_store: Path) -> None:
    at = open_page(run_app(), "sampling_plan")
    assert not at.exception
    rules = {row["rule"] for row in table(at, "plan_table")}
    # two or three lots per series: fewer than 5 observations (bijlage II)
    assert rules == {glossary.RULES["insufficient"]}
    assert "insufficient" not in rules


@pytest.mark.parametrize("column", sorted(glossary.VALUE_LABELS))
def test_no_label_is_another_code_of_its_column(column: str) -> None:
    """A label must not be a code of the same column, or relabelling would depend on
    order (and a label would read as a code)."""
    labels = glossary.VALUE_LABELS[column]
    assert not {v for k, v in labels.items() if v != k} & set(labels)
