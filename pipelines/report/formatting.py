"""Numbers and dates as the PDF prints them (fixed, locale-independent)."""

from __future__ import annotations


def number(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "–"
    if float(value).is_integer():
        text = f"{int(value):+,}" if signed else f"{int(value):,}"
    else:  # at most 2 decimals, no trailing zero (49.8, 1.38)
        text = (f"{value:+,.2f}" if signed else f"{value:,.2f}").rstrip("0").rstrip(".")
    return "0" if signed and text in ("+0", "-0") else text
