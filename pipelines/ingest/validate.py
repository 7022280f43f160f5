"""From a frame of strings to typed rows plus the reasons rows are rejected.

Checks that need only the row itself (types, enums, units, component names) happen here
in Polars; checks against stored data (unknown certificate, duplicate analysis already
stored) happen in SQL inside the load transaction (see load.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from pipelines.ingest import cells
from pipelines.ingest.kinds import KINDS, Column, Kind
from pipelines.ingest.read import LINE, UnreadableFile

ERROR_SCHEMA = {LINE: pl.Int64, "column_name": pl.String, "bad_value": pl.String,
                "reason": pl.String}

# Lab units, normalised (lower case, no spaces or dots) -> factor to mg/kg d.s.
UNITS = {
    "mg/kgds": 1.0, "mg/kg": 1.0, "mg/kgdm": 1.0, "mg/kgdrogestof": 1.0,
    "µg/kgds": 0.001, "μg/kgds": 0.001, "ug/kgds": 0.001,
    "µg/kg": 0.001, "μg/kg": 0.001, "ug/kg": 0.001, "µg/kgdm": 0.001, "ug/kgdm": 0.001,
}


@dataclass(frozen=True)
class Lookups:
    """Reference data the row checks need, read from the store once per file."""

    component_aliases: dict[str, str]
    products: dict[str, str]
    today: dt.date


@dataclass
class Validated:
    rows: pl.DataFrame  # typed, kind column names, plus _line; only good rows
    errors: pl.DataFrame  # _line, column_name, bad_value, reason


def header_map(kind: Kind, header: list[str]) -> dict[str, str]:
    """kind column -> header column present in the file."""
    found: dict[str, str] = {}
    for column in kind.columns:
        for candidate in (column.name, *column.aliases):
            if candidate in header:
                found[column.name] = candidate
                break
    return found


def detect_kind(header: list[str]) -> Kind:
    best: tuple[int, Kind] | None = None
    for kind in KINDS.values():
        mapped = header_map(kind, header)
        if not all(c in mapped for c in kind.detect):
            continue
        required = [c.name for c in kind.columns if c.required]
        score = len(mapped) + (100 if all(c in mapped for c in required) else 0)
        if best is None or score > best[0]:
            best = (score, kind)
    if best is None:
        raise UnreadableFile(
            "line 1: cannot tell the kind of file from its header "
            f"({', '.join(h for h in header if h != LINE)}); pass --kind"
        )
    return best[1]


def _error(mask: pl.Expr, column: str, reason: pl.Expr | str, value: pl.Expr) -> pl.Expr:
    """A struct (column, value, reason) where mask holds, else NULL."""
    reason = pl.lit(reason) if isinstance(reason, str) else reason
    return pl.when(mask).then(
        pl.struct(pl.lit(column).alias("column_name"), value.alias("bad_value"),
                  reason.alias("reason"))
    )


def _parse_column(column: Column, raw: pl.Expr) -> tuple[pl.Expr, list[pl.Expr]]:
    """Parsed expression and its error expressions for one declared column."""
    name, present = column.name, raw.is_not_null()
    errors: list[pl.Expr] = []
    if column.required:
        errors.append(_error(raw.is_null(), name, f"missing value for {name}", raw))
    if column.type == "enum":
        assert column.values is not None
        parsed = raw.str.to_lowercase().replace_strict(column.values, default=None)
        expected = ", ".join(sorted(set(column.values.values())))
        errors.append(_error(present & parsed.is_null(), name,
                             pl.format("unknown {} '{}' (expected {})", pl.lit(name), raw,
                                       pl.lit(expected)), raw))
    elif column.type == "int":
        parsed = cells.to_int(raw)
        errors.append(_error(present & parsed.is_null(), name,
                             pl.format("not a whole number: '{}'", raw), raw))
        if column.values:
            allowed = [int(v) for v in column.values]
            errors.append(_error(parsed.is_not_null() & ~parsed.is_in(allowed), name,
                                 pl.format("{} must be one of {}", pl.lit(name),
                                           pl.lit(", ".join(map(str, allowed)))), raw))
    elif column.type == "float":
        parsed = cells.to_float(raw)
        errors.append(_error(present & parsed.is_null(), name,
                             pl.format("not a number: '{}'", raw), raw))
    elif column.type == "decimal":
        parsed = cells.to_decimal(raw)
        errors.append(_error(present & parsed.is_null(), name,
                             pl.format("not an amount: '{}'", raw), raw))
    elif column.type == "date":
        parsed = cells.to_date(raw)
        errors.append(_error(present & parsed.is_null(), name,
                             pl.format("unparseable date '{}' (expected YYYY-MM-DD or "
                                       "DD-MM-YYYY)", raw), raw))
    elif column.type == "time":
        parsed = cells.to_time(raw)
        errors.append(_error(present & parsed.is_null(), name,
                             pl.format("unparseable time '{}' (expected HH:MM)", raw), raw))
    elif column.type == "bool":
        parsed = cells.to_bool(raw)
        errors.append(_error(present & parsed.is_null(), name,
                             pl.format("not yes/no: '{}'", raw), raw))
    else:
        parsed = raw
    if column.non_negative and column.type in ("int", "float", "decimal"):
        errors.append(_error(parsed < 0, name, pl.format("negative value {}", raw), raw))
    if column.default is not None:
        if column.type == "decimal":
            default = pl.lit(column.default).cast(pl.Decimal(18, 6))
        elif column.type == "int":
            default = pl.lit(int(column.default), pl.Int64)
        else:
            default = pl.lit(column.default)
        parsed = pl.coalesce(parsed, default)
    return parsed.alias(name), errors


def _lab_columns(lookups: Lookups) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """The lab-specific cells: below-LOQ values, units, component and product names."""
    raw_value = pl.col("_raw_value")
    below = raw_value.str.starts_with("<") | raw_value.str.starts_with("≤") | pl.col(
        "below_loq")
    number = cells.to_float(raw_value.str.replace(r"^[<≤]\s*", ""))
    unit_key = pl.col("_raw_unit").str.to_lowercase().str.replace_all(r"[\s.]", "")
    factor = unit_key.replace_strict(UNITS, default=None, return_dtype=pl.Float64)
    component = pl.col("_raw_component").str.to_lowercase().replace_strict(
        lookups.component_aliases, default=None)
    product = pl.col("_raw_product").str.to_lowercase().replace_strict(
        lookups.products, default=None)
    loq = pl.when(below).then(pl.coalesce(number, pl.col("loq"))).otherwise(pl.col("loq"))
    parsed = [
        (pl.when(below).then(loq).otherwise(number) * factor).alias("value"),
        below.alias("below_loq"),
        (loq * factor).alias("loq"),
        component.alias("component"),
        product.alias("product"),
    ]
    errors = [
        _error(raw_value.is_not_null() & number.is_null() & ~(below & pl.col("loq")
               .is_not_null()), "value", pl.format("unparseable value '{}'", raw_value),
               raw_value),
        _error(number < 0, "value", pl.format("negative value {}", raw_value), raw_value),
        _error(pl.col("_raw_unit").is_not_null() & factor.is_null(), "unit",
               pl.format("unknown unit '{}' (expected mg/kg ds or µg/kg ds)",
                         pl.col("_raw_unit")), pl.col("_raw_unit")),
        _error(pl.col("_raw_component").is_not_null() & component.is_null(), "component",
               pl.format("unknown component '{}'", pl.col("_raw_component")),
               pl.col("_raw_component")),
        _error(pl.col("_raw_product").is_not_null() & product.is_null(), "product",
               pl.format("unknown product '{}'", pl.col("_raw_product")),
               pl.col("_raw_product")),
        _error(pl.col("sampled_on") > pl.lit(lookups.today), "sampled_on",
               pl.format("sampling date {} lies in the future", pl.col("sampled_on")
                         .cast(pl.String)), pl.col("sampled_on").cast(pl.String)),
    ]
    return parsed, errors


def validate(frame: pl.DataFrame, kind: Kind, lookups: Lookups) -> Validated:
    header = [c for c in frame.columns if c != LINE]
    mapping = header_map(kind, header)
    missing = [c for c in kind.columns if c.required and c.name not in mapping]
    if missing:
        names = ", ".join(
            f"{c.name}" + (f" ({c.aliases[0]})" if c.aliases else "") for c in missing)
        raise UnreadableFile(f"line 1: missing column {names} for a "
                             f"{kind.name} file")
    raw = frame.select(
        pl.col(LINE).cast(pl.Int64),
        *[(pl.col(mapping[c.name]) if c.name in mapping else pl.lit(None, pl.String))
          .alias(c.name) for c in kind.columns],
    )
    parsed_exprs, error_exprs = [], []
    for column in kind.columns:
        parsed, errors = _parse_column(column, pl.col(column.name))
        parsed_exprs.append(parsed)
        error_exprs.extend(errors)
    if kind.name == "lab":
        raw = raw.rename({"value": "_raw_value", "unit": "_raw_unit",
                          "component": "_raw_component", "product": "_raw_product"})
        # The generic parsers see the raw cells under their own names.
        raw = raw.with_columns(pl.col("_raw_value").alias("value"),
                               pl.col("_raw_unit").alias("unit"),
                               pl.col("_raw_component").alias("component"),
                               pl.col("_raw_product").alias("product"))
    # One context: the error expressions must see the raw text, not the parsed values.
    typed = raw.with_columns(
        *parsed_exprs, pl.concat_list(error_exprs).list.drop_nulls().alias("_errors"))
    if kind.name == "lab":
        lab_parsed, lab_errors = _lab_columns(lookups)
        typed = typed.with_columns(lab_parsed).with_columns(
            pl.concat_list([pl.col("_errors"), pl.concat_list(lab_errors).list.drop_nulls()])
            .alias("_errors"))
    errors = (
        typed.select(LINE, "_errors").filter(pl.col("_errors").list.len() > 0)
        .explode("_errors").unnest("_errors")
    )
    as_reported = ["_raw_value", "_raw_unit"] if kind.name == "lab" else []
    good = typed.filter(pl.col("_errors").list.len() == 0).select(
        LINE, *[c.name for c in kind.columns], *as_reported)
    good, duplicates = _split_duplicates(good, kind)
    errors = pl.concat([errors.cast(ERROR_SCHEMA), duplicates.cast(ERROR_SCHEMA)])
    return Validated(rows=good, errors=errors.sort(LINE))


def _split_duplicates(rows: pl.DataFrame, kind: Kind) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A key may appear once per file; later lines with the same key are rejected."""
    key = list(kind.key)
    checked = rows.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key)) \
        if kind.optional_key else rows
    first = checked.group_by(key).agg(pl.col(LINE).min().alias("_first_line"))
    dups = checked.join(first, on=key, nulls_equal=True).filter(
        pl.col(LINE) != pl.col("_first_line"))
    if dups.is_empty():
        return rows, pl.DataFrame(schema=ERROR_SCHEMA)
    label = " + ".join(key)
    errors = dups.select(
        LINE,
        pl.lit(key[0]).alias("column_name"),
        pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator=" / ",
                      ignore_nulls=True).alias("bad_value"),
        pl.format("duplicate {} in this file ({}: same as line {})",
                  pl.lit(_noun(kind)), pl.lit(label), pl.col("_first_line")).alias("reason"),
    )
    return rows.join(dups.select(LINE), on=LINE, how="anti"), errors


def _noun(kind: Kind) -> str:
    return {"lab": "analysis", "invoice": "invoice line", "index": "index value"}.get(
        kind.name, kind.name)
