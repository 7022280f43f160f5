"""Cell parsers: numbers in the spellings Dutch and English files use, and dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.ingest.cells import to_date, to_decimal, to_float


def parse(values, fn):
    return pl.DataFrame({"x": values}, schema={"x": pl.String}).select(fn(pl.col("x")))["x"] \
        .to_list()


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10_000_000, places=3, allow_nan=False))
def test_number_round_trips_in_every_spelling(value: Decimal):
    plain = f"{value:f}"  # 1234567.125
    dutch = f"{value:,.3f}".replace(",", "_").replace(".", ",").replace("_", ".")
    english = f"{value:,.3f}"
    comma = plain.replace(".", ",")
    parsed = parse([plain, dutch, english, comma], to_decimal)
    assert parsed == [value] * 4, (plain, dutch, english, comma)


def test_lone_dot_is_a_decimal_point():
    assert parse(["0.124", "1.250", "12", "-0,5", "<0,05", ""], to_float) == [
        0.124, 1.25, 12.0, -0.5, None, None]


def test_dates_iso_and_day_first():
    assert parse(["2024-03-05", "05-03-2024", "5-3-2024", "05/03/2024",
                  "2024-03-05 00:00:00", "31-02-2024", "2024-13-01"], to_date) == [
        dt.date(2024, 3, 5)] * 5 + [None, None]
