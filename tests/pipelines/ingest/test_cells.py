"""Cell parsers: numbers in the spellings Dutch and English files use, and dates.

Numbers follow the notation of their column (docs/readings.md, "Numbers in input files"):
a value such as 1.250 is read by the notation the column's other values show, never by a
fixed guess (issue 8: a sulfate of "2.430 mg/kg d.s." was stored as 2.43).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.ingest.cells import (
    COMMA,
    MIXED,
    POINT,
    notation_of,
    parse_distinct,
    to_date,
    to_decimal,
    to_float,
)


def parse(values, fn, notation=None):
    frame = pl.DataFrame({"x": values}, schema={"x": pl.String})
    return frame.select(fn(pl.col("x"), notation) if notation else fn(pl.col("x")))["x"] \
        .to_list()


def parsed_with_reasons(values, type_="float", notation=None, latest=None):
    series = pl.Series("x", values, pl.String)
    parsed, reason = parse_distinct(series, type_, notation=notation, latest_date=latest)
    return series.to_frame().select(parsed.alias("p"), reason.text.alias("r")).rows()


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10_000_000, places=3, allow_nan=False))
def test_number_round_trips_in_the_notation_of_its_column(value: Decimal):
    dutch = f"{value:,.3f}".replace(",", "_").replace(".", ",").replace("_", ".")
    english = f"{value:,.3f}"
    assert parse([dutch, f"{value:f}".replace(".", ",")], to_decimal, COMMA) == [value] * 2
    assert parse([english, f"{value:f}"], to_decimal, POINT) == [value] * 2


def test_notation_is_decided_by_the_unambiguous_values():
    # a decimal comma anywhere, or a separator followed by other than three digits
    assert notation_of(pl.Series(["2.430", "0,05", "12"])) == COMMA
    assert notation_of(pl.Series(["2.430", "0.5"])) == POINT
    assert notation_of(pl.Series(["1.250.000"])) == COMMA  # a dot that repeats: thousands
    assert notation_of(pl.Series(["0.124"])) == POINT  # a leading 0 is never thousands
    assert notation_of(pl.Series(["2.430", "1,250", "12"])) is None  # nothing tells
    assert notation_of(pl.Series(["0,5", "0.5"])) == MIXED


def test_ambiguous_value_follows_its_column():
    # "2.430 mg/kg d.s." as the sources write it: two thousand four hundred and thirty
    assert parse(["2.430", "0,05"], to_float, COMMA) == [2430.0, 0.05]
    assert parse(["2.430", "0.5"], to_float, POINT) == [2.43, 0.5]


def test_only_ambiguous_values_are_refused_with_how_to_resolve_it():
    # measured on the code before: 1.250 was read as 1.25 in every file
    (value, reason), = parsed_with_reasons(["1.250"])
    assert value is None
    assert reason == ("ambiguous number '1.250' in column x: 1250 or 1.25? No value in this "
                      "column of the file shows whether it uses a decimal comma or point; "
                      "write 1250, or 1.2500 if a decimal is meant")
    (value, reason), = parsed_with_reasons(["1.250"], notation=MIXED)
    assert value is None and "mixes decimal commas and points" in reason


def test_implausible_numbers_are_refused():
    # measured before: NaN, inf and 1e309 stored as NaN/inf, a 40-digit number as 1.1e39
    rows = parsed_with_reasons(["NaN", "inf", "-Infinity", "1e309", "1" * 40, "1e-3"])
    assert [p for p, _ in rows] == [None, None, None, None, None, 0.001]
    assert rows[0][1] == "not a number: 'NaN'"
    assert rows[3][1] == "implausible number '1e309' (infinite or more than 15 digits)"
    assert rows[4][1].startswith("implausible number '1111")
    assert [p for p, _ in parsed_with_reasons(["NaN", "1" * 40], "decimal")] == [None, None]
    assert [p for p, _ in parsed_with_reasons(["1e309", "1" * 40], "int")] == [None, None]


def test_whole_numbers_stay_whole():
    rows = parsed_with_reasons(["12", "1.5", "1.250.000", "0,5"], "int")
    assert [p for p, _ in rows] == [12, None, 1_250_000, None]


def test_dates_iso_and_day_first():
    assert parse(["2024-03-05", "05-03-2024", "5-3-2024", "05/03/2024",
                  "2024-03-05 00:00:00", "31-02-2024", "2024-13-01"], to_date) == [
        dt.date(2024, 3, 5)] * 5 + [None, None]


def test_implausible_dates_are_refused():
    # measured before: '24-03-01' was stored as the year 24 (no limit applies there)
    latest = dt.date(2027, 12, 1)
    rows = parsed_with_reasons(["24-03-01", "01-03-24", "1989-12-31", "1990-01-01",
                                "2027-12-01", "2027-12-02"], "date", latest=latest)
    assert [p for p, _ in rows] == [None, None, None, dt.date(1990, 1, 1),
                                    dt.date(2027, 12, 1), None]
    assert rows[0][1] == ("date '24-03-01' has a two-digit year; write the year in full "
                          "(YYYY-MM-DD or DD-MM-YYYY)")
    assert rows[2][1] == "implausible date 1989-12-31 (before 1990-01-01)"
    assert rows[5][1] == ("implausible date 2027-12-02 (more than a year after the as-of "
                          "date; latest accepted 2027-12-01)")
