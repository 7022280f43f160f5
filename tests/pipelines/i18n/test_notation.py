"""The finder of English notation in Dutch text (for the page, report and digest tests of
issue 27 point 5), on hand-made strings, and against the formatter: nothing the Dutch
formatting writes is ever reported, and English money and dates always are."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.i18n import fmt
from pipelines.i18n.notation import assert_dutch_notation, english_notation


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in english_notation(text)]


@pytest.mark.parametrize("text", [
    "Gefactureerd dit jaar: € 49.252,40 op 7 december 2026",
    "Toetsingswaarde 1.234,5 mg/kg ds; 0,5 mg/kg ds; 12,5%",
    "1.234 partijen, 1,234 mg",  # a Dutch thousand and a Dutch decimal, not English
    "BRL 9341 §8.7, Bbl art. 1.39 lid 4, TAR 9201 §2.2.11, paragraaf 4.3.3, bijlage 2.1",
    "ISO/IEC 17025, 1/10 deel van de jaarproductie, 15 % forfait, om 14:05",
    "zie 4.3.3 en versie 1.5",
    "december 2026, april, september",
    "7 dec 2026, 1 mei 2026, 07-12-2026",  # Dutch month abbreviations are lower case
    "Partij P-2026.01 van site S1",
])
def test_dutch_text_passes(text: str) -> None:
    assert found(text) == []
    assert_dutch_notation(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Invoiced €49,252.40", [("english money", "€49,252.40"),
                             ("english number", "49,252.40")]),
    ("op 2026-12-07", [("iso date", "2026-12-07")]),
    ("op 07/12/2026", [("slash date", "07/12/2026")]),
    ("7 December 2026", [("english month", "7 December")]),
    ("December 7, 2026", [("english month", "December 7,")]),
    ("in March", [("english month", "March")]),
    ("k = 1.38", [("english number", "1.38")]),
    ("12.5% conform", [("english number", "12.5")]),
    ("1,234,567 rijen", [("english number", "1,234,567")]),
    ("0.1234 mg/kg ds", [("english number", "0.1234")]),
])
def test_english_notation_is_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_ignore_passes_a_known_code_over() -> None:
    assert found("Rapport 12.50 ontvangen") == [("english number", "12.50")]
    assert english_notation("Rapport 12.50 ontvangen", ignore=("12.50",)) == []


def test_assert_names_what_it_found() -> None:
    with pytest.raises(AssertionError, match="'2026-12-07'"):
        assert_dutch_notation("Peildatum 2026-12-07")


amounts = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2,
                      allow_nan=False, allow_infinity=False)
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))


# no deadline: the first example loads Babel's locale data, slow on a shared machine
@settings(deadline=None, max_examples=100)
@given(amount=amounts, day=days, value=st.floats(-1e9, 1e9, allow_nan=False),
       decimals=st.integers(0, 4))
def test_nothing_the_dutch_formatting_writes_is_reported(
        amount: Decimal, day: dt.date, value: float, decimals: int) -> None:
    text = (f"{fmt.money(amount, lang='nl')} op {fmt.date(day, lang='nl')} "
            f"({fmt.short_date(day, lang='nl')}, {fmt.month(day, lang='nl')}): "
            f"{fmt.quantity(value, 'mg/kg ds', decimals, lang='nl')}, "
            f"{fmt.percent(value / 1e9, decimals, lang='nl')}")
    assert english_notation(text) == []


@settings(deadline=None, max_examples=100)
@given(amount=amounts, day=days)
def test_english_money_and_dates_are_always_reported(amount: Decimal, day: dt.date) -> None:
    assert [f.kind for f in english_notation(fmt.money(amount, lang="en"))][:1] == [
        "english money"]
    assert english_notation(fmt.date(day, lang="en")) != []
    assert english_notation(fmt.short_date(day, lang="en")) != []
