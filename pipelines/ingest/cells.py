"""Vectorised cell parsers. Each returns an expression for the parsed value; a value that
is present but comes out NULL is a parse error reported by the caller."""

from __future__ import annotations

import polars as pl

TRUE = ("true", "1", "yes", "y", "ja", "j", "waar", "x", "t")
FALSE = ("false", "0", "no", "n", "nee", "onwaar", "f", "-")


def number_text(expr: pl.Expr) -> pl.Expr:
    """'1.234,5' / '1,234.5' / '0,05' / '0.124' / '12' -> '1234.5' / '1234.5' / '0.05' /
    '0.124' / '12'. A lone dot is a decimal point ('1.250' is 1.25): a dot is read as a
    thousands separator only before a decimal comma or when it repeats ('1.250.000')."""
    s = expr.str.replace_all(r"[\s\u00a0']", "")
    dutch_thousands = s.str.contains(r"^[-+]?\d{1,3}((\.\d{3})+,\d+|(\.\d{3}){2,})$")
    english_thousands = s.str.contains(r"^[-+]?\d{1,3}(,\d{3})+\.\d+$")
    return (
        pl.when(dutch_thousands).then(s.str.replace_all(r"\.", "").str.replace(",", "."))
        .when(english_thousands).then(s.str.replace_all(",", ""))
        .otherwise(s.str.replace(",", "."))
    )


def to_float(expr: pl.Expr) -> pl.Expr:
    return number_text(expr).cast(pl.Float64, strict=False)


def to_decimal(expr: pl.Expr) -> pl.Expr:
    # Money stays decimal from text to store: never through a float.
    return number_text(expr).cast(pl.Decimal(18, 6), strict=False)


def to_int(expr: pl.Expr) -> pl.Expr:
    f = to_float(expr)
    return pl.when(f == f.round(0)).then(f.cast(pl.Int64, strict=False))


def to_date(expr: pl.Expr) -> pl.Expr:
    # YYYY-MM-DD (also with a time part, as spreadsheets give it) or day first.
    s = expr.str.slice(0, 10)
    return pl.coalesce(
        s.str.to_date("%Y-%m-%d", strict=False),
        s.str.to_date("%d-%m-%Y", strict=False),
        s.str.to_date("%d/%m/%Y", strict=False),
        s.str.to_date("%d.%m.%Y", strict=False),
    )


def to_time(expr: pl.Expr) -> pl.Expr:
    s = expr.str.replace(r"^(\d{1,2})[u.h](\d{2})$", "$1:$2")
    return pl.coalesce(
        s.str.to_time("%H:%M", strict=False),
        s.str.to_time("%H:%M:%S", strict=False),
        # A spreadsheet time cell read as text: "1899-12-31 09:30:00" or "09:30:00.000"
        s.str.slice(-8).str.to_time("%H:%M:%S", strict=False),
    )


def to_bool(expr: pl.Expr) -> pl.Expr:
    s = expr.str.to_lowercase()
    return pl.when(s.is_in(TRUE)).then(True).when(s.is_in(FALSE)).then(False)


PARSERS = {"float": to_float, "decimal": to_decimal, "int": to_int, "date": to_date,
           "time": to_time, "bool": to_bool}


def parse_distinct(values: pl.Series, type_: str) -> pl.Expr:
    """An expression mapping each text of ``values`` to its parsed value.

    Files repeat the same dates, units and flags thousands of times; parsing each distinct
    text once and mapping it back is many times faster than parsing every cell. Plain
    numbers take a fast cast; only what it cannot read goes through the regexes.
    """
    distinct = values.drop_nulls().unique()
    frame = distinct.to_frame("text")
    parse = PARSERS[type_]
    if type_ in ("float", "decimal"):
        target = pl.Float64 if type_ == "float" else pl.Decimal(18, 6)
        fast = pl.col("text").str.replace(",", ".", literal=True).cast(target, strict=False)
        frame = frame.with_columns(fast.alias("parsed"))
        slow = frame.filter(pl.col("parsed").is_null()).with_columns(
            parse(pl.col("text")).alias("parsed"))
        frame = pl.concat([frame.filter(pl.col("parsed").is_not_null()), slow])
    else:
        frame = frame.with_columns(parse(pl.col("text")).alias("parsed"))
    return pl.col(values.name).replace_strict(
        frame["text"], frame["parsed"], default=None, return_dtype=frame["parsed"].dtype)
