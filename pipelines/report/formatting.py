"""Numbers as the report's PDF and the statement print them, in the report's language
(pipelines.i18n.fmt: ``1.234,5`` in Dutch, ``1,234.5`` in English)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pipelines.i18n import fmt


def number(value: float | None, signed: bool = False, *, lang: str | None = None) -> str:
    """A whole number as it is, otherwise at most 2 decimals without trailing zeros
    (49.8, 1.38); ``signed``: a change, "+12" (zero stays "0")."""
    if value is None:
        return "–"
    # ties away from zero, as DuckDB's round() (the figure equals the one SQL rounded)
    rounded = Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if rounded == 0:
        return "0"
    text = fmt.number(int(rounded) if rounded == rounded.to_integral_value() else
                      float(rounded), lang=lang)
    return "+" + text if signed and rounded > 0 else text
