"""Numbers, money, dates and percentages through Babel; every expected string worked out
by hand from the Dutch and British conventions (issue 27 point 2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pipelines.i18n import fmt, use_language

NBSP = "\u00a0"  # CLDR's Dutch currency pattern: "€ 49.252,40" with a no-break space


@pytest.mark.parametrize(("amount", "nl", "en"), [
    (Decimal("49252.40"), f"€{NBSP}49.252,40", "€49,252.40"),
    (49252.4, f"€{NBSP}49.252,40", "€49,252.40"),
    (0, f"€{NBSP}0,00", "€0.00"),
    (1234567, f"€{NBSP}1.234.567,00", "€1,234,567.00"),
    (Decimal("-150.5"), f"€{NBSP}-150,50", "-€150.50"),  # a credit note
    # a tie goes away from zero, as DuckDB's round() does (Babel alone: half to even)
    (Decimal("0.005"), f"€{NBSP}0,01", "€0.01"),
    (Decimal("-0.125"), f"€{NBSP}-0,13", "-€0.13"),
])
def test_money(amount: Decimal | float | int, nl: str, en: str) -> None:
    assert fmt.money(amount, lang="nl") == nl
    assert fmt.money(amount, lang="en") == en


@pytest.mark.parametrize(("value", "decimals", "nl", "en"), [
    (1234.5, None, "1.234,5", "1,234.5"),
    (1234.5, 2, "1.234,50", "1,234.50"),
    (3, 2, "3,00", "3.00"),
    (0.125, None, "0,125", "0.125"),
    (1234567.891, None, "1.234.567,891", "1,234,567.891"),
    (2.71828, 1, "2,7", "2.7"),
    (999, 0, "999", "999"),
    (-4.25, 1, "-4,3", "-4.3"),  # the tie away from zero
    (0.125, 2, "0,13", "0.13"),
])
def test_number(value: float, decimals: int | None, nl: str, en: str) -> None:
    assert fmt.number(value, decimals, lang="nl") == nl
    assert fmt.number(value, decimals, lang="en") == en


def test_quantity_with_unit() -> None:
    assert fmt.quantity(1234.5, "mg/kg ds", lang="nl") == "1.234,5 mg/kg ds"
    assert fmt.quantity(1234.5, "mg/kg d.s.", lang="en") == "1,234.5 mg/kg d.s."
    assert fmt.quantity(0.05, "mg/kg ds", 2, lang="nl") == "0,05 mg/kg ds"
    assert fmt.quantity(12, "t", lang="en") == "12 t"


@pytest.mark.parametrize(("fraction", "decimals", "nl", "en"), [
    (0.125, 1, "12,5%", "12.5%"),
    (0.5, 0, "50%", "50%"),
    (1, 0, "100%", "100%"),
    (0.98765, 2, "98,77%", "98.77%"),
    (12.345, 1, "1.234,5%", "1,234.5%"),
])
def test_percent(fraction: float, decimals: int, nl: str, en: str) -> None:
    assert fmt.percent(fraction, decimals, lang="nl") == nl
    assert fmt.percent(fraction, decimals, lang="en") == en


@pytest.mark.parametrize(("value", "nl", "en"), [
    (dt.date(2026, 12, 7), "7 december 2026", "7 December 2026"),
    ("2026-12-07", "7 december 2026", "7 December 2026"),
    (dt.datetime(2026, 3, 1, 23, 59), "1 maart 2026", "1 March 2026"),
    ("2026-05-31 08:00:00", "31 mei 2026", "31 May 2026"),
])
def test_date(value: dt.date | str, nl: str, en: str) -> None:
    assert fmt.date(value, lang="nl") == nl
    assert fmt.date(value, lang="en") == en


def test_short_date_month_and_time() -> None:
    day = dt.date(2026, 12, 7)
    assert fmt.short_date(day, lang="nl") == "07-12-2026"
    assert fmt.short_date(day, lang="en") == "07/12/2026"
    assert fmt.month(dt.date(2026, 10, 15), lang="nl") == "oktober 2026"
    assert fmt.month(dt.date(2026, 10, 15), lang="en") == "October 2026"
    moment = dt.datetime(2026, 12, 7, 14, 5, 59)
    assert fmt.date_time(moment, lang="nl") == "7 december 2026 14:05"
    assert fmt.date_time(moment, lang="en") == "7 December 2026 14:05"


def test_missing_values_read_as_a_dash() -> None:
    assert {fmt.money(None), fmt.number(None), fmt.quantity(None, "t"), fmt.percent(None),
            fmt.date(None), fmt.short_date(None), fmt.month(None),
            fmt.date_time(None)} == {"–"}


def test_formatting_follows_the_current_language() -> None:
    assert fmt.money(1000) == f"€{NBSP}1.000,00"
    with use_language("en"):
        assert fmt.money(1000) == "€1,000.00"
        assert fmt.date("2026-12-07") == "7 December 2026"
