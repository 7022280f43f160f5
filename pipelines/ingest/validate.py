"""From a frame of strings to typed rows plus the reasons rows are rejected.

Checks that need only the row itself (types, enums, units, component names) happen here
in Polars; checks against stored data (unknown certificate, duplicate analysis already
stored) happen in SQL inside the load transaction (see load.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from pipelines.i18n.keys import REASONS
from pipelines.ingest import cells
from pipelines.ingest.cells import Reason, choose, reason
from pipelines.ingest.kinds import KINDS, Column, Kind
from pipelines.ingest.read import LINE, UnreadableFile

# reason: the English text; reason_key, reason_args: the same as a message key and its
# values as JSON (pipelines/i18n/keys.py), NULL for reasons that have none yet.
ERROR_SCHEMA = {LINE: pl.Int64, "column_name": pl.String, "bad_value": pl.String,
                "reason": pl.String, "reason_key": pl.String, "reason_args": pl.String}


def with_reason_keys(errors: pl.DataFrame) -> pl.DataFrame:
    """``errors`` in ERROR_SCHEMA: rejections that give no key (reading, store checks)
    get NULL key and values; the reader then sees the English reason."""
    missing = [pl.lit(None, pl.String).alias(c) for c in ("reason_key", "reason_args")
               if c not in errors.columns]
    return errors.with_columns(missing).select(list(ERROR_SCHEMA)).cast(ERROR_SCHEMA)

# Lab units, normalised (lower case, no spaces or dots) -> factor to mg/kg d.s.
UNITS = {
    "mg/kgds": 1.0, "mg/kg": 1.0, "mg/kgdm": 1.0, "mg/kgdrogestof": 1.0,
    "µg/kgds": 0.001, "μg/kgds": 0.001, "ug/kgds": 0.001,
    "µg/kg": 0.001, "μg/kg": 0.001, "ug/kg": 0.001, "µg/kgdm": 0.001, "ug/kgdm": 0.001,
}


# A cell longer than this is a broken export or a pasted document, not a value.
MAX_FIELD_CHARS = 1000
# A LOQ is a mass fraction of the dry sample: above 10^6 mg/kg d.s. (the whole kilogram)
# it cannot be true, whatever the unit it was written in (issue 22 point 9).
MAX_LOQ_MG_KG = 1_000_000.0


@dataclass(frozen=True)
class Lookups:
    """Reference data the row checks need, read from the store once per file."""

    component_aliases: dict[str, str]
    products: dict[str, str]
    today: dt.date
    # The latest plausible date: a year after the later of the store's as-of date and today.
    latest_date: dt.date | None = None


@dataclass
class Validated:
    rows: pl.DataFrame  # typed, kind column names, plus _line; only good rows
    errors: pl.DataFrame  # ERROR_SCHEMA


def header_map(kind: Kind, header: list[str]) -> dict[str, str]:
    """kind column -> header column present in the file."""
    found: dict[str, str] = {}
    for column in kind.columns:
        for candidate in (column.name, *column.aliases):
            if candidate in header:
                found[column.name] = candidate
                break
    return found


def _describe(columns: list[Column]) -> str:
    return ", ".join(c.name + (f" ({c.aliases[0]})" if c.aliases else "") for c in columns)


def _short_list(names: list[str], limit: int = 8) -> tuple[str, int]:
    """The first ``limit`` names, each cut to 40 characters, and how many more there are."""
    shown = ", ".join(n[:40] + ("…" if len(n) > 40 else "") for n in names[:limit])
    return shown, max(len(names) - limit, 0)


def detect_kind(header: list[str]) -> Kind:
    """The kind whose columns the header fits best.

    Every header column a kind knows counts for it, every column it does not know counts
    against it (a lab file without its report number is not a site file with ten columns
    too many). The closest kind must have all its required columns; otherwise the file is
    refused, naming that kind and what it lacks.
    """
    header = [h for h in header if h != LINE]
    ranked = []
    for order, kind in enumerate(KINDS.values()):
        mapped = header_map(kind, header)
        known = set().union(*({c.name, *c.aliases} for c in kind.columns)) & set(header)
        missing = [c for c in kind.columns if c.required and c.name not in mapped]
        score = len(known) - (len(header) - len(known))
        ranked.append((-score, len(missing), order, kind, missing))
    ranked.sort(key=lambda r: r[:3])
    _, _, _, kind, missing = ranked[0]
    if len(header) == 0 or -ranked[0][0] <= 0:
        shown, more = _short_list(header)
        if more:
            raise UnreadableFile("kind_unknown_more", line=1, columns=shown, more=str(more))
        raise UnreadableFile("kind_unknown", line=1, columns=shown)
    if missing:
        raise UnreadableFile("kind_incomplete", line=1, kind=kind.name,
                             columns=_describe(missing))
    return kind


def unknown_columns(kind: Kind, header: list[str]) -> list[str]:
    """Header columns the kind does not read (reported, never silently dropped)."""
    known = set().union(*({c.name, *c.aliases} for c in kind.columns))
    return [h for h in header if h != LINE and h not in known]


@dataclass(frozen=True)
class Check:
    """A reason to reject a row: where ``mask`` holds, ``column`` is wrong because of
    ``reason``. Masks are cheap booleans evaluated on every row; the messages are built
    only for the few rows that fail."""

    mask: pl.Expr
    column: str
    reason: Reason
    value: pl.Expr


def raw(name: str) -> pl.Expr:
    """The cell as read (text) — parsed values take the plain column name."""
    return pl.col(f"_raw_{name}")


def _check(mask: pl.Expr, column: str, why: Reason, value: pl.Expr | None = None) -> Check:
    return Check(mask, column, why, raw(column) if value is None else value)


def _parse_column(column: Column, frame: pl.DataFrame, notation: str | None,
                  lookups: Lookups) -> tuple[pl.Expr, list[Check]]:
    """Parsed expression and its checks for one declared column."""
    name, text = column.name, raw(column.name)
    present = text.is_not_null()
    checks: list[Check] = []
    if column.required:
        checks.append(_check(text.is_null(), name, reason("missing_value", column=name)))
    if column.type == "enum":
        assert column.values is not None
        parsed = text.str.to_lowercase().replace_strict(column.values, default=None)
        expected = ", ".join(sorted(set(column.values.values())))
        checks.append(_check(present & parsed.is_null(), name, reason(
            "unknown_code", column=name, value=text, expected=expected)))
    elif column.type in cells.PARSE_MESSAGES:
        parsed, why = cells.parse_distinct(
            frame[f"_raw_{name}"], column.type, notation=notation,
            latest_date=lookups.latest_date, column=name)
        checks.append(_check(present & parsed.is_null(), name, why))
        if column.type == "int" and column.values:
            allowed = [int(v) for v in column.values]
            checks.append(_check(parsed.is_not_null() & ~parsed.is_in(allowed), name,
                                 reason("not_one_of", column=name,
                                        allowed=", ".join(map(str, allowed)))))
    else:
        parsed = text
    if column.non_negative and column.type in ("int", "float", "decimal"):
        checks.append(_check(parsed < 0, name, reason("negative_value", value=text)))
    if column.default is not None:
        if column.type == "decimal":
            default = pl.lit(column.default).cast(pl.Decimal(18, 6))
        elif column.type == "int":
            default = pl.lit(int(column.default), pl.Int64)
        else:
            default = pl.lit(column.default)
        parsed = pl.coalesce(parsed, default)
    return parsed.alias(name), checks


def _map_distinct(values: pl.Series, lookup, dtype: pl.DataType) -> pl.Expr:
    """Map each distinct text through a Python function (few distinct values: names,
    units) and the column through the result: one dictionary lookup per distinct text."""
    distinct = values.drop_nulls().unique().to_list()
    return pl.col(values.name).replace_strict(
        distinct, [lookup(v) for v in distinct], default=None, return_dtype=dtype)


def _unit_factor(unit: str) -> float | None:
    return UNITS.get(unit.lower().replace(" ", "").replace(".", ""))


def _lab_columns(frame: pl.DataFrame, lookups: Lookups,
                 notation: str | None) -> tuple[list[pl.Expr], list[Check]]:
    """The lab-specific cells: below-LOQ values, units, component and product names.

    Returns expressions for the lab columns (and helper columns ``_number``,
    ``_unit_factor``) and the checks, which read those columns once they exist.
    """
    text = raw("value")
    below = text.str.starts_with("<") | text.str.starts_with("≤") | pl.col("below_loq")
    number, number_reason = cells.parse_distinct(frame["_value_number"], "float",
                                                 notation=notation, column="value")
    factor = _map_distinct(frame["_raw_unit"], _unit_factor, pl.Float64)
    component = _map_distinct(frame["_raw_component"],
                              lambda v: lookups.component_aliases.get(v.lower()), pl.String)
    product = _map_distinct(frame["_raw_product"], lambda v: lookups.products.get(v.lower()),
                            pl.String)
    loq = pl.when(below).then(pl.coalesce(number, pl.col("loq"))).otherwise(pl.col("loq"))
    parsed = [
        number.alias("_number"),
        factor.alias("_unit_factor"),
        (pl.when(below).then(loq).otherwise(number) * factor).alias("value"),
        below.alias("below_loq"),
        (loq * factor).alias("loq"),
        (pl.col("loq") * factor).alias("_loq_column_mg_kg"),  # the loq column as given
        component.alias("component"),
        product.alias("product"),
    ]
    number, factor, unit = pl.col("_number"), pl.col("_unit_factor"), raw("unit")
    sampled = pl.col("sampled_on").cast(pl.String)
    plain_failure = number_reason.key == "not_a_number"
    bare = text.str.contains(r"^[<≤]\s*$")
    # issue 22 point 9: after "<" only a finite positive number of at most MAX_LOQ_MG_KG
    # is a LOQ. Checked before "unparseable value", which a loq column would let pass.
    after_lt = text.str.contains(r"^[<≤]") & ~bare
    # the value is the LOQ after "<", and when only the below_loq flag says so
    loq_value = after_lt | (pl.col("below_loq") & number.is_not_null())
    loq_mg_kg = number * factor
    loq_column = pl.col("_loq_column_mg_kg")
    checks = [
        # "<" alone: below the LOQ, but which? The loq column may say, the value must too.
        _check(bare, "value", reason("loq_without_number", value=text)),
        _check(loq_value & (number.is_null() | (number <= 0) | (loq_mg_kg > MAX_LOQ_MG_KG)),
               "value", choose(
                   (number_reason.key == "implausible_number",
                    reason("loq_implausible", value=text)),
                   (number.is_null(), reason("loq_not_a_number", value=text)),
                   (number <= 0, reason("loq_not_positive", value=text)),
                   otherwise=reason("loq_too_large", value=text, mg_kg=loq_mg_kg))),
        _check((loq_column <= 0) | (loq_column > MAX_LOQ_MG_KG), "loq", choose(
            (loq_column <= 0, reason("loq_column_not_positive", value=raw("loq"))),
            otherwise=reason("loq_column_too_large", value=raw("loq")))),
        _check(text.is_not_null() & number.is_null()
               & ~(pl.col("below_loq") & pl.col("loq").is_not_null()),
               "value", choose((plain_failure | number_reason.text.is_null(),
                                reason("unparseable_value", value=text)),
                               otherwise=number_reason)),
        _check(number < 0, "value", reason("negative_value", value=text)),
        _check(unit.is_not_null() & factor.is_null(), "unit",
               reason("unknown_unit", value=unit)),
        _check(raw("component").is_not_null() & pl.col("component").is_null(), "component",
               reason("unknown_component", value=raw("component"))),
        _check(raw("product").is_not_null() & pl.col("product").is_null(), "product",
               reason("unknown_product", value=raw("product"))),
        _check(pl.col("sampled_on") > pl.lit(lookups.today), "sampled_on",
               reason("sampled_in_future", sampled_on=sampled), sampled),
        # One lot is one product, also within a file: the first line of the lot decides.
        _check(pl.col("product") != pl.col("_lot_product"), "product",
               reason("lot_product_differs", lot=pl.col("lot_id"), product=pl.col("product"),
                      other=pl.col("_lot_product"), line=pl.col("_lot_line")),
               pl.col("product")),
    ]
    return parsed, checks


def _lot_firsts() -> list[pl.Expr]:
    """The product and line of each lot's first row (rows are in line order). Stored as
    columns: a window evaluated again on the failing rows alone would see other firsts."""
    return [pl.col(c).first().over("site_id", "lot_id").alias(alias)
            for c, alias in (("product", "_lot_product"), (LINE, "_lot_line"))]


NUMBER_TYPES = ("int", "float", "decimal")


def notations(frame: pl.DataFrame, kind: Kind, default: str | None = None
              ) -> dict[str, str | None]:
    """The number notation of each number column of a whole file (cells.notation_of); a
    column that shows none gets ``default`` (spreadsheets: their cells are numbers)."""
    header = [c for c in frame.columns if c != LINE]
    mapping = header_map(kind, header)
    found: dict[str, str | None] = {}
    for column in kind.columns:
        numeric = column.type in NUMBER_TYPES or (kind.name == "lab" and column.name == "value")
        if not numeric or column.name not in mapping:
            continue
        texts = frame[mapping[column.name]]
        if column.name == "value":
            texts = texts.str.replace(r"^[<≤]\s*", "")
        found[column.name] = cells.notation_of(texts) or default
    return found


def _length_checks(texts: pl.DataFrame, kind: Kind) -> list[Check]:
    """Cells longer than MAX_FIELD_CHARS, only for the columns that have one."""
    checks = []
    for column in kind.columns:
        text = texts[f"_raw_{column.name}"]
        if text.dtype != pl.String or (text.str.len_bytes().max() or 0) <= MAX_FIELD_CHARS:
            continue
        length = raw(column.name).str.len_chars()
        checks.append(_check(
            length > MAX_FIELD_CHARS, column.name,
            reason("field_too_long", length=length, limit=MAX_FIELD_CHARS),
            pl.concat_str(raw(column.name).str.slice(0, 40), pl.lit("…"))))
    return checks


def validate(frame: pl.DataFrame, kind: Kind, lookups: Lookups,
             number_notations: dict[str, str | None] | None = None) -> Validated:
    """Typed good rows and the reasons of the rejected ones. ``number_notations``: decided
    on the whole file (notations()) when it is validated in chunks."""
    header = [c for c in frame.columns if c != LINE]
    mapping = header_map(kind, header)
    missing = [c for c in kind.columns if c.required and c.name not in mapping]
    if missing:
        raise UnreadableFile("missing_columns", line=1, columns=_describe(missing),
                             kind=kind.name)
    for column in kind.columns:  # 'name' and 'naam' both: which one is meant?
        names = [n for n in (column.name, *column.aliases) if n in header]
        if len(names) > 1:
            if len(names) == 2:
                raise UnreadableFile("columns_both", line=1, first=repr(names[0]),
                                     second=repr(names[1]), column=column.name)
            raise UnreadableFile("columns_several", line=1,
                                 columns=" and ".join(map(repr, names)), column=column.name)
    if number_notations is None:
        number_notations = notations(frame, kind)
    texts = frame.select(
        pl.col(LINE).cast(pl.Int64),
        *[(pl.col(mapping[c.name]) if c.name in mapping else pl.lit(None, pl.String))
          .alias(f"_raw_{c.name}") for c in kind.columns],
    )
    # First, so that a cell too long is reported for its length, not echoed in full.
    checks = _length_checks(texts, kind)
    parsed_exprs = []
    for column in kind.columns:
        parsed, column_checks = _parse_column(column, texts,
                                              number_notations.get(column.name), lookups)
        parsed_exprs.append(parsed)
        checks.extend(column_checks)
    typed = texts.with_columns(parsed_exprs)
    if kind.name == "lab":
        typed = typed.with_columns(
            raw("value").str.replace(r"^[<≤]\s*", "").alias("_value_number"))
        lab_parsed, lab_checks = _lab_columns(typed, lookups, number_notations.get("value"))
        typed = typed.with_columns(lab_parsed).with_columns(_lot_firsts())
        checks.extend(lab_checks)
    if kind.name == "invoice":
        checks.extend(_invoice_checks())
    failing = pl.any_horizontal(c.mask.fill_null(False) for c in checks)
    typed = typed.with_columns(failing.alias("_failing"))
    # rechunk: pl.format on a filtered frame can panic in Polars 2.1 (binview index)
    errors = _messages(typed.filter("_failing").rechunk(), checks)
    unexplained = typed.filter("_failing").join(errors, on=LINE, how="anti")
    if not unexplained.is_empty():  # a rejected row must always say why
        raise RuntimeError(f"rows rejected without a reason: lines {unexplained[LINE].to_list()}")
    as_reported = ["_raw_value", "_raw_unit"] if kind.name == "lab" else []
    good = typed.filter(~pl.col("_failing")).select(
        LINE, *[c.name for c in kind.columns], *as_reported)
    good, duplicates = _split_duplicates(good, kind)
    errors = pl.concat([errors.cast(ERROR_SCHEMA), duplicates.cast(ERROR_SCHEMA)])
    return Validated(rows=good, errors=errors.sort(LINE))


# Issue 22: an invoice line's amount may differ from quantity × unit_price by rounding only.
AMOUNT_TOLERANCE = "0.01"


def _plain_number(expr: pl.Expr) -> pl.Expr:
    """A decimal as text without trailing zeros (377.460000 -> 377.46, 100.000 -> 100)."""
    text = expr.cast(pl.String)
    return pl.when(text.str.contains(".", literal=True)).then(
        text.str.strip_chars_end("0").str.strip_chars_end(".")).otherwise(text)


def _invoice_checks() -> list[Check]:
    """Invoice lines (issue 22): a negative amount, quantity or unit price only on a credit
    note (a line naming in ``corrects_invoice_id`` the invoice it corrects; the store checks
    of load.py check that invoice), and amount_excl_vat equal to quantity × unit_price within
    €0.01 when both are given."""
    credit_note = pl.col("corrects_invoice_id").is_not_null()
    checks = [
        _check(credit_note & (pl.col("corrects_invoice_id") == pl.col("invoice_id")),
               "corrects_invoice_id", reason("credit_note_corrects_itself")),
    ]
    for column in ("amount_excl_vat", "quantity", "unit_price"):
        checks.append(_check(
            (pl.col(column) < 0) & ~credit_note, column,
            reason("negative_not_credit_note", column=column, value=raw(column))))
    product = (pl.col("quantity") * pl.col("unit_price")).round(6)
    tolerance = pl.lit(AMOUNT_TOLERANCE).cast(pl.Decimal(18, 6))
    checks.append(_check(
        (product - pl.col("amount_excl_vat")).abs() > tolerance, "amount_excl_vat",
        reason("amount_mismatch", amount=raw("amount_excl_vat"), quantity=raw("quantity"),
               unit_price=raw("unit_price"), product=_plain_number(product),
               # the equation in the file's own notation; the tolerance, ours, as a number
               tolerance=float(AMOUNT_TOLERANCE))))
    return checks


def _messages(failing: pl.DataFrame, checks: list[Check]) -> pl.DataFrame:
    """(line, column, value, reason) for every check a failing row fails."""
    if failing.is_empty():
        return pl.DataFrame(schema=ERROR_SCHEMA)
    structs = [
        pl.when(c.mask.fill_null(False)).then(pl.struct(
            pl.lit(c.column).alias("column_name"), c.value.cast(pl.String).alias("bad_value"),
            c.reason.text.alias("reason"), c.reason.key.alias("reason_key"),
            c.reason.args.alias("reason_args")))
        for c in checks
    ]
    # One reason per cell: the first check it fails (a cell too long is not echoed again).
    return (failing.select(LINE, pl.concat_list(structs).list.drop_nulls().alias("e"))
            .explode("e").unnest("e")
            .unique([LINE, "column_name"], keep="first", maintain_order=True))


def _split_duplicates(rows: pl.DataFrame, kind: Kind) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A key may appear once per file; later lines with the same key are rejected."""
    key = list(kind.key)
    checked = rows.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key)) \
        if kind.optional_key else rows
    # The cheap test on every row; the first lines only for the (rare) repeated keys.
    checked = checked.filter(pl.struct(key).is_duplicated())
    first = checked.group_by(key).agg(pl.col(LINE).min().alias("_first_line"))
    dups = checked.join(first, on=key, nulls_equal=True).filter(
        pl.col(LINE) != pl.col("_first_line"))
    if dups.is_empty():
        return rows, pl.DataFrame(schema=ERROR_SCHEMA)
    label = " + ".join(key)
    key_name = f"duplicate_{kind.name}_in_file"
    why = reason(key_name if key_name in REASONS else "duplicate_in_file", columns=label,
                 line=pl.col("_first_line"))
    errors = dups.select(
        LINE,
        pl.lit(key[0]).alias("column_name"),
        pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator=" / ",
                      ignore_nulls=True).alias("bad_value"),
        why.text.alias("reason"), why.key.alias("reason_key"), why.args.alias("reason_args"),
    )
    return rows.join(dups.select(LINE), on=LINE, how="anti"), errors
