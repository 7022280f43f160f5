"""Indices, and the second stage: invoices and payments made FROM the store's
``expected_charges`` (TAR 9201 §2.2, §2.3), with a few invoices deliberately wrong.

The wrong invoices are listed in ``expected_invoice_errors.csv`` so that a test or a
person can check that ``invoice_check`` finds exactly them.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from pipelines.demo.common import TODAY, add_months

VAT = Decimal("0.21")
CENT = Decimal("0.01")

# Employee salary index, third quarter (TAR 9201 §2.2.11: S_r = Q3 2022, S_n = Q3 of the
# year before the adjustment).
SALARY_Q3 = {2022: 118.37, 2023: 127.64, 2024: 130.52, 2025: 133.98, 2026: 136.41}
# Belgian legal interest rate for commercial transactions, % per year, per half-year
# (TAR 9201 §2.3.2 adds one percentage point).
LEGAL_INTEREST = {
    "2022-H1": 8.0, "2022-H2": 8.0, "2023-H1": 10.5, "2023-H2": 12.0, "2024-H1": 12.5,
    "2024-H2": 12.25, "2025-H1": 11.15, "2025-H2": 10.15, "2026-H1": 10.15, "2026-H2": 10.15,
}
# Travel fee per trip in Belgium and car cost per km, per year (FOD BOSA table).
TRAVEL_FEE = {2022: 221.41, 2023: 234.35, 2024: 239.04, 2025: 243.82, 2026: 247.47}
CAR_KM = {2022: 0.4032, 2023: 0.4269, 2024: 0.4259, 2025: 0.4237, 2026: 0.4246}


def indices_frame() -> pl.DataFrame:
    rows = (
        [("salary_q3", str(y), v) for y, v in SALARY_Q3.items()]
        + [("legal_interest", p, v) for p, v in LEGAL_INTEREST.items()]
        + [("travel_fee", str(y), v) for y, v in TRAVEL_FEE.items()]
        + [("car_km", str(y), v) for y, v in CAR_KM.items()]
    )
    return pl.DataFrame(rows, schema={"index_name": pl.String, "period": pl.String,
                                      "value": pl.Float64}, orient="row")


def _money(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def _month_end(day: dt.date) -> dt.date:
    return add_months(dt.date(day.year, day.month, 1), 1) - dt.timedelta(days=1)


def due_date(invoice_date: dt.date) -> dt.date:
    """TAR 9201 §2.3.2: 30 days end of month."""
    return _month_end(invoice_date + dt.timedelta(days=30))


def invoice_frames(charges: pl.DataFrame, rng: random.Random
                   ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(invoice lines, payments, manifest of deliberately wrong invoices).

    One invoice per certificate × month of the expected charges, dated the month's last day
    (or today for the running month).
    """
    if charges.is_empty():
        return _empty_invoices(), _empty_payments(), _empty_manifest()
    charges = charges.filter(pl.col("fee_date") <= TODAY).with_columns(
        month=pl.col("fee_date").dt.truncate("1mo"))
    groups = charges.sort("month", "certificate_number", "fee_date", "fee_code",
                          "description").partition_by(
        ["month", "certificate_number"], maintain_order=True, as_dict=False)
    invoices: list[dict] = []
    for no, group in enumerate(groups, start=1):
        month = group["month"][0]
        invoice_date = min(_month_end(month), TODAY)
        invoice_id = f"F{month:%Y%m}-{no:05d}"
        lines = [
            {"invoice_id": invoice_id, "certificate_number": r["certificate_number"],
             "invoice_date": invoice_date, "fee_code": r["fee_code"],
             "description": r["description"],
             "quantity": Decimal(str(r["quantity"])) if r["quantity"] is not None else None,
             "unit_price": Decimal(str(r["unit_price"])) if r["unit_price"] is not None
             else None,
             "amount_excl_vat": _money(Decimal(str(r["amount_excl_vat"])))}
            for r in group.iter_rows(named=True)
        ]
        invoices.append({"invoice_id": invoice_id, "lines": lines,
                         "expected": sum(x["amount_excl_vat"] for x in lines)})
    manifest = _make_errors(invoices, rng)
    line_rows = []
    for inv in invoices:
        for line_no, line in enumerate(inv["lines"], start=1):
            line_rows.append(line | {"line_no": line_no, "vat_rate": VAT})
    lines_df = pl.DataFrame(
        [{k: (str(v) if isinstance(v, Decimal) else v) for k, v in r.items()}
         for r in line_rows],
        schema={"invoice_id": pl.String, "certificate_number": pl.String,
                "invoice_date": pl.Date, "line_no": pl.Int64, "fee_code": pl.String,
                "description": pl.String, "quantity": pl.String, "unit_price": pl.String,
                "amount_excl_vat": pl.String, "vat_rate": pl.String},
    ).select("invoice_id", "certificate_number", "invoice_date", "line_no", "fee_code",
             "description", "quantity", "unit_price", "amount_excl_vat", "vat_rate")
    return lines_df, _payments(invoices, rng), manifest


def _make_errors(invoices: list[dict], rng: random.Random) -> pl.DataFrame:
    """About five invoices made wrong on purpose: a missing line, a wrong unit price, an
    extra line. Returns the manifest (what invoice_check should find)."""
    multi = [i for i in invoices if len(i["lines"]) >= 2]
    priced = [i for i in invoices if any(x["unit_price"] for x in i["lines"])]
    rows = []
    picked: set[str] = set()

    def pick(pool: list[dict]) -> dict | None:
        pool = [i for i in pool if i["invoice_id"] not in picked]
        if not pool:
            return None
        inv = rng.choice(pool)
        picked.add(inv["invoice_id"])
        return inv

    plan = ["missing_line", "missing_line", "wrong_unit_price", "wrong_unit_price",
            "extra_line"]
    for error in plan:
        inv = pick(multi if error == "missing_line" else priced if error ==
                   "wrong_unit_price" else invoices)
        if inv is None:
            continue
        lines = inv["lines"]
        if error == "missing_line":
            lines.pop()
        elif error == "wrong_unit_price":
            line = next(x for x in lines if x["unit_price"])
            line["unit_price"] = _money(line["unit_price"] * Decimal("1.10"))
            line["amount_excl_vat"] = _money(line["unit_price"] * (line["quantity"] or 1))
        else:
            lines.append(dict(lines[0]))
        invoiced = sum(x["amount_excl_vat"] for x in lines)
        rows.append({"invoice_id": inv["invoice_id"],
                     "certificate_number": lines[0]["certificate_number"],
                     "period": f"{lines[0]['invoice_date']:%Y-%m}", "error": error,
                     "expected_excl_vat": str(inv["expected"]),
                     "invoiced_excl_vat": str(invoiced),
                     "difference": str(invoiced - inv["expected"])})
    return pl.DataFrame(rows, schema=_empty_manifest().schema) if rows else _empty_manifest()


def _payments(invoices: list[dict], rng: random.Random) -> pl.DataFrame:
    """Most paid on time, some late, some after a registered reminder, a few unpaid."""
    rows = []
    for inv in invoices:
        invoice_date = inv["lines"][0]["invoice_date"]
        total = _money(sum(x["amount_excl_vat"] for x in inv["lines"]) * (1 + VAT))
        due = due_date(invoice_date)
        fate = rng.random()
        paid_on: dt.date | None
        reminder: dt.date | None = None
        if fate < 0.78:
            paid_on = invoice_date + dt.timedelta(days=rng.randint(3, (due - invoice_date).days))
        elif fate < 0.90:
            paid_on = due + dt.timedelta(days=rng.randint(3, 75))
        elif fate < 0.96:
            reminder = due + dt.timedelta(days=21)
            # Some pay within the 8 days after the reminder, others later (+15 %, >= €200).
            paid_on = reminder + dt.timedelta(days=rng.choice((5, 7, 12, 25, 40)))
        else:
            reminder = due + dt.timedelta(days=21) if rng.random() < 0.5 else None
            paid_on = None
        if paid_on and paid_on > TODAY:
            paid_on = None
        if reminder and reminder > TODAY:
            reminder = None
        if paid_on is None and reminder is None:
            continue
        rows.append({"invoice_id": inv["invoice_id"], "paid_on": paid_on,
                     "amount": str(total) if paid_on else None, "reminder_sent_on": reminder})
    return pl.DataFrame(rows, schema=_empty_payments().schema) if rows else _empty_payments()


def _empty_invoices() -> pl.DataFrame:
    return pl.DataFrame(schema={
        "invoice_id": pl.String, "certificate_number": pl.String, "invoice_date": pl.Date,
        "line_no": pl.Int64, "fee_code": pl.String, "description": pl.String,
        "quantity": pl.String, "unit_price": pl.String, "amount_excl_vat": pl.String,
        "vat_rate": pl.String})


def _empty_payments() -> pl.DataFrame:
    return pl.DataFrame(schema={"invoice_id": pl.String, "paid_on": pl.Date,
                                "amount": pl.String, "reminder_sent_on": pl.Date})


def _empty_manifest() -> pl.DataFrame:
    return pl.DataFrame(schema={
        "invoice_id": pl.String, "certificate_number": pl.String, "period": pl.String,
        "error": pl.String, "expected_excl_vat": pl.String, "invoiced_excl_vat": pl.String,
        "difference": pl.String})
