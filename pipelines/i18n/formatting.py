"""Numbers, money, dates and percentages in the reader's notation, through Babel
(issue 27 point 2). Every function takes ``lang`` (None: the current language).

Dutch (nl_NL): ``€ 49.252,40`` (a no-break space after the sign, as CLDR writes it, so the
amount never wraps away from it), ``1.234,5 mg/kg ds``, ``7 december 2026``, ``12,5%``.
English (en_GB): ``€49,252.40``, ``1,234.5 mg/kg d.s.``, ``7 December 2026``, ``12.5%``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent

from pipelines.i18n.language import BABEL_LOCALES, current_language

Number = int | float | Decimal
NBSP = "\u00a0"
# What a missing value reads as, in tables and text alike (the PDF's "–" too).
MISSING = "–"


@contextmanager
def _half_away_from_zero() -> Iterator[None]:
    """Babel rounds in the current decimal context (half to even by default); ties go away
    from zero here, as DuckDB's round() does, so a figure shown equals the one the SQL
    rounded (€ 0,005 -> € 0,01)."""
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        yield


def _locale(lang: str | None) -> Locale:
    return _parsed(BABEL_LOCALES[current_language(lang)])


@functools.cache
def _parsed(name: str) -> Locale:
    """A parsed Locale: Babel parses a locale name again on every call (half the time of
    formatting a number)."""
    return Locale.parse(name)


def _pattern(decimals: int | None) -> str | None:
    """A fixed number of decimals, or None: Babel's default (up to 3, no trailing zeros)."""
    if decimals is None:
        return None
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def number(value: Number | None, decimals: int | None = None, *,
           lang: str | None = None) -> str:
    """``1234.5`` -> ``1.234,5`` (nl) / ``1,234.5`` (en); ``decimals`` fixes the count."""
    if value is None:
        return MISSING
    with _half_away_from_zero():
        return format_decimal(value, format=_pattern(decimals), locale=_locale(lang),
                              decimal_quantization=decimals is not None)


def quantity(value: Number | None, unit: str, decimals: int | None = None, *,
             lang: str | None = None) -> str:
    """A number with its unit: ``1.234,5 mg/kg ds``. The unit is written as given (pass
    it through the catalogue when it has words: ``mg/kg ds`` / ``mg/kg d.s.``)."""
    if value is None:
        return MISSING
    return f"{number(value, decimals, lang=lang)} {unit}"


def money(amount: Number | None, currency: str = "EUR", *, lang: str | None = None) -> str:
    """``49252.40`` -> ``€ 49.252,40`` (nl) / ``€49,252.40`` (en); always 2 decimals."""
    if amount is None:
        return MISSING
    with _half_away_from_zero():
        return format_currency(amount, currency, locale=_locale(lang))


def percent(fraction: Number | None, decimals: int = 0, *, lang: str | None = None) -> str:
    """A fraction as a percentage: ``0.125`` -> ``12,5%`` (nl, decimals=1) / ``12.5%``."""
    if fraction is None:
        return MISSING
    with _half_away_from_zero():
        return format_percent(fraction, format=_pattern(decimals) + "%",
                              locale=_locale(lang), decimal_quantization=True)


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, str):  # ISO text as DuckDB and the URL carry it
        return dt.date.fromisoformat(value[:10])
    return value.date() if isinstance(value, dt.datetime) else value


def date(value: dt.date | str | None, *, lang: str | None = None) -> str:
    """``2026-12-07`` -> ``7 december 2026`` (nl) / ``7 December 2026`` (en)."""
    if value is None:
        return MISSING
    return format_date(_as_date(value), format="long", locale=_locale(lang))


def short_date(value: dt.date | str | None, *, lang: str | None = None) -> str:
    """For narrow table cells: ``07-12-2026`` (nl) / ``07/12/2026`` (en)."""
    if value is None:
        return MISSING
    return format_date(_as_date(value), format="short", locale=_locale(lang))


def month(value: dt.date | str | None, *, lang: str | None = None) -> str:
    """``december 2026`` / ``December 2026`` (a trend's period, a billing month)."""
    if value is None:
        return MISSING
    return format_date(_as_date(value), format="LLLL yyyy", locale=_locale(lang))


def date_time(value: dt.datetime | None, *, lang: str | None = None) -> str:
    """``7 december 2026 14:05`` / ``7 December 2026 14:05`` (24-hour clock in both); the
    time as given (the audit log's times are UTC: say so in the label)."""
    if value is None:
        return MISSING
    return f"{date(value, lang=lang)} " + format_datetime(value, format="HH:mm",
                                                        locale=_locale(lang))
