"""Vectorised cell parsers. Each returns an expression for the parsed value; a value that
is present but comes out NULL is a parse error reported by the caller.

Numbers: the notation (decimal comma or decimal point) is decided per file and column
(``notation_of``) from the values that show it, and applied to the values that do not
(``1.250`` is 1250 in a column that also holds ``0,05``, and 1.25 next to ``0.5``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import polars as pl

from pipelines.i18n.keys import REASONS

TRUE = ("true", "1", "yes", "y", "ja", "j", "waar", "x", "t")
FALSE = ("false", "0", "no", "n", "nee", "onwaar", "f", "-")

# Notations of a number column.
COMMA = "comma"  # decimal comma, dot for thousands: 2.430 = 2430, 0,05
POINT = "point"  # decimal point, comma for thousands: 2,430 = 2430, 0.05
MIXED = "mixed"  # both seen in one column: what is ambiguous stays unresolved

_SIGN = r"^[-+]?"
# One separator after 1-3 digits (no leading zero) and exactly three digits: a thousands
# separator in one notation and a decimal separator in the other.
AMBIGUOUS = _SIGN + r"[1-9]\d{0,2}[.,]\d{3}$"
COMMA_ONLY = _SIGN + r"((\d+|\d{1,3}(\.\d{3})+)?,\d+|\d{1,3}(\.\d{3}){2,})$"
POINT_ONLY = _SIGN + r"((\d+|\d{1,3}(,\d{3})+)?\.\d+([eE][-+]?\d+)?|\d{1,3}(,\d{3}){2,})$"
PLAIN = _SIGN + r"\d+([eE][-+]?\d+)?$"
# Beyond this a number is a typing or export error, not a measurement or an amount.
MAX_ABS = 1e15
EARLIEST_DATE = dt.date(1990, 1, 1)


def _compact(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_all(r"[\s\u00a0']", "")


def number_class(expr: pl.Expr) -> pl.Expr:
    """comma / point / ambiguous / plain, or NULL for a text that is not a number."""
    s = _compact(expr)
    return (pl.when(s.str.contains(AMBIGUOUS)).then(pl.lit("ambiguous"))
            .when(s.str.contains(COMMA_ONLY)).then(pl.lit(COMMA))
            .when(s.str.contains(POINT_ONLY)).then(pl.lit(POINT))
            .when(s.str.contains(PLAIN)).then(pl.lit("plain")))


def notation_of(values: pl.Series) -> str | None:
    """The notation a column's unambiguous values show: COMMA, POINT, MIXED or None."""
    texts = _compact(pl.col("t"))
    frame = values.drop_nulls().unique().to_frame("t").filter(pl.col("t").str.contains("[.,]"))
    if frame.is_empty():
        return None
    flags = frame.filter(~texts.str.contains(AMBIGUOUS)).select(
        comma=texts.str.contains(COMMA_ONLY).any(), point=texts.str.contains(POINT_ONLY).any())
    comma, point = flags.row(0) if flags.height else (False, False)
    if comma and point:
        return MIXED
    return COMMA if comma else POINT if point else None


def number_text(expr: pl.Expr, notation: str | None = None,
                kind: pl.Expr | None = None) -> pl.Expr:
    """The number in plain notation ('1234.5'), NULL when it is not one or is ambiguous
    and ``notation`` does not resolve it. ``kind``: its number_class, when known."""
    s = _compact(expr)
    kind = number_class(expr) if kind is None else kind
    resolved = pl.when(kind == "ambiguous").then(
        pl.lit(notation if notation in (COMMA, POINT) else None, pl.String)).otherwise(kind)
    return (
        pl.when(resolved == COMMA).then(s.str.replace_all(".", "", literal=True)
                                        .str.replace(",", ".", literal=True))
        .when(resolved == POINT).then(s.str.replace_all(",", "", literal=True))
        .when(resolved == "plain").then(s)
    )


def _plausible(value: pl.Expr) -> pl.Expr:
    return pl.when(value.abs() < MAX_ABS).then(value)  # NaN, inf and 1e40 are not


def _to_number(expr: pl.Expr, type_: str, notation: str | None,
               kind: pl.Expr | None = None) -> pl.Expr:
    text = number_text(expr, notation, kind)
    if type_ == "decimal":  # money stays decimal from text to store: never through a float
        return _plausible(text.cast(pl.Decimal(18, 6), strict=False))
    value = _plausible(text.cast(pl.Float64, strict=False))
    if type_ == "int":
        return pl.when(value == value.round(0)).then(value.cast(pl.Int64, strict=False))
    return value


def to_float(expr: pl.Expr, notation: str | None = None) -> pl.Expr:
    return _to_number(expr, "float", notation)


def to_decimal(expr: pl.Expr, notation: str | None = None) -> pl.Expr:
    return _to_number(expr, "decimal", notation)


def to_int(expr: pl.Expr, notation: str | None = None) -> pl.Expr:
    return _to_number(expr, "int", notation)


# The year in full: "24-03-01" is not the year 24.
FULL_YEAR = r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})([ T].*)?$"


def to_date(expr: pl.Expr) -> pl.Expr:
    # YYYY-MM-DD (also with a time part, as spreadsheets give it) or day first.
    s = pl.when(expr.str.contains(FULL_YEAR)).then(expr.str.split(" ").list.first()
                                                   .str.split("T").list.first())
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


NUMBER_TYPES = ("float", "decimal", "int")
PARSERS = {"date": to_date, "time": to_time, "bool": to_bool}

_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Reason:
    """Why a cell or row is rejected: the English ``text`` stored as quarantine.reason,
    and the message ``key`` (pipelines/i18n/keys.py REASONS) with its values as JSON
    (``args``), from which a reader sees it in its own language (issue 27 point 4)."""

    text: pl.Expr
    key: pl.Expr
    args: pl.Expr


def reason(key: str, **values: pl.Expr | str | int | float) -> Reason:
    """The reason ``key`` with its values: the English text is the key's template filled
    in, so the stored English and the translated message cannot say different things."""
    template = REASONS[key]
    exprs = {name: v if isinstance(v, pl.Expr) else pl.lit(v) for name, v in values.items()}
    names = _FIELD.findall(template)
    if set(names) != set(exprs):
        raise ValueError(f"reason {key}: values {sorted(exprs)}, template wants {names}")
    text = pl.format(_FIELD.sub("{}", template), *[exprs[n].cast(pl.String) for n in names])
    args = (pl.struct([e.alias(n) for n, e in exprs.items()]).struct.json_encode()
            if exprs else pl.lit("{}"))
    return Reason(text, pl.lit(key, pl.String), args)


def choose(*cases: tuple[pl.Expr, Reason], otherwise: Reason | None = None) -> Reason:
    """when/then over reasons: the first case whose condition holds."""
    def chain(part: str) -> pl.Expr:
        (first, first_reason), *rest = cases
        expr = pl.when(first).then(getattr(first_reason, part))
        for condition, then in rest:
            expr = expr.when(condition).then(getattr(then, part))
        return expr.otherwise(getattr(otherwise, part)) if otherwise else expr
    return Reason(chain("text"), chain("key"), chain("args"))


# type -> key of the reason a text of that type does not parse
PARSE_KEYS = {
    "int": "not_whole_number",
    "float": "not_a_number",
    "decimal": "not_an_amount",
    "date": "unparseable_date",
    "time": "unparseable_time",
    "bool": "not_yes_no",
}
PARSE_MESSAGES = {type_: _FIELD.sub("{}", REASONS[key]) for type_, key in PARSE_KEYS.items()}


def _number_reason(text: pl.Expr, kind: pl.Expr, type_: str, notation: str | None,
                   column: str) -> Reason:
    """Why a number text did not parse (only evaluated for the texts that failed)."""
    value = number_text(text, notation, kind).cast(pl.Float64, strict=False)
    compact = _compact(text)
    decimal = (compact.str.replace(",", ".", literal=True).str.strip_chars_end("0")
               .str.strip_chars_end("."))
    thousands = compact.str.replace_all(r"[.,]", "")
    unresolved = reason("ambiguous_number_mixed" if notation == MIXED else "ambiguous_number",
                        value=text, column=column, thousands=thousands, decimal=decimal,
                        decimal_0=pl.concat_str(compact, pl.lit("0")))
    return choose(
        ((kind == "ambiguous") & pl.lit(notation not in (COMMA, POINT)), unresolved),
        (kind.is_not_null() & (value.is_nan() | (value.abs() >= MAX_ABS)),
         reason("implausible_number", value=text)),
        otherwise=reason(PARSE_KEYS[type_], value=text))


def _date_reason(text: pl.Expr, parsed: pl.Expr, latest: dt.date) -> Reason:
    return choose(
        (text.str.contains(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{1,2}([ T].*)?$"),
         reason("two_digit_year", value=text)),
        (parsed < pl.lit(EARLIEST_DATE),
         reason("date_too_early", day_on=parsed.cast(pl.String),
                earliest_on=EARLIEST_DATE.isoformat())),
        (parsed > pl.lit(latest),
         reason("date_too_late", day_on=parsed.cast(pl.String), latest_on=latest.isoformat())),
        otherwise=reason("unparseable_date", value=text))


def parse_distinct(values: pl.Series, type_: str, *, notation: str | None = None,
                   latest_date: dt.date | None = None,
                   column: str | None = None) -> tuple[pl.Expr, Reason]:
    """Expressions mapping each text of ``values`` to its parsed value and, for the texts
    that do not parse, to the reason (NULL for the texts that do).

    Files repeat the same dates, units and flags thousands of times; parsing each distinct
    text once and mapping it back is many times faster than parsing every cell. Plain
    numbers take a fast cast; only what it cannot read goes through the regexes.
    """
    distinct = values.drop_nulls().unique()
    frame = distinct.to_frame("text")
    text = pl.col("text")
    if type_ in NUMBER_TYPES:
        target = {"float": pl.Float64, "decimal": pl.Decimal(18, 6), "int": pl.Int64}[type_]
        # Digits with at most a sign and a decimal point that cannot be a thousands
        # separator: a plain cast, nothing to decide.
        simple = text.str.contains(r"^[-+]?\d{1,15}$" if type_ == "int" else
                                   r"^[-+]?(\d{1,15}(\.\d*)?|\.\d+)$") \
            & ~text.str.contains(AMBIGUOUS)
        fast = pl.when(simple).then(text.cast(target, strict=False))
        frame = frame.with_columns(fast.alias("parsed"))
        slow = frame.filter(pl.col("parsed").is_null()).with_columns(
            number_class(text).alias("_class"))
        slow = slow.with_columns(_to_number(text, type_, notation, pl.col("_class"))
                                 .alias("parsed"))
        why = _number_reason(text, pl.col("_class"), type_, notation, column or values.name)
        failed = slow.filter(pl.col("parsed").is_null())
        frame = pl.concat([frame.filter(pl.col("parsed").is_not_null()),
                           slow.select("text", "parsed")])
    elif type_ == "date":
        frame = frame.with_columns(to_date(text).alias("_date"))
        latest = latest_date or dt.date.max
        good = pl.col("_date").is_between(pl.lit(EARLIEST_DATE), pl.lit(latest))
        frame = frame.with_columns(pl.when(good).then(pl.col("_date")).alias("parsed"))
        failed = frame.filter(pl.col("parsed").is_null())
        why = _date_reason(text, pl.col("_date"), latest)
    else:
        frame = frame.with_columns(PARSERS[type_](text).alias("parsed"))
        failed = frame.filter(pl.col("parsed").is_null())
        why = reason(PARSE_KEYS[type_], value=text)
    name = pl.col(values.name)
    parsed = name.replace_strict(frame["text"], frame["parsed"], default=None,
                                 return_dtype=frame["parsed"].dtype)
    if failed.is_empty():  # nearly always: no messages to build
        none = pl.lit(None, pl.String)
        return parsed, Reason(none, none, none)
    failed = failed.with_columns(why.text.alias("reason"), why.key.alias("reason_key"),
                                 why.args.alias("reason_args"))
    mapped = [name.replace_strict(failed["text"], failed[part], default=None,
                                  return_dtype=pl.String)
              for part in ("reason", "reason_key", "reason_args")]
    return parsed, Reason(*mapped)
