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
# year before the adjustment). Q3 2018 is left out on purpose: the fees of 2019 (the oldest
# certificates) then show `index missing` and the invoice check cannot check them (issue 22).
SALARY_Q3 = {2019: 107.05, 2020: 108.64, 2021: 110.03, 2022: 118.37, 2023: 127.64,
             2024: 130.52, 2025: 133.98, 2026: 136.41}
# Belgian legal interest rate for commercial transactions, % per year, per half-year
# (TAR 9201 §2.3.2 adds one percentage point).
LEGAL_INTEREST = {
    "2022-H1": 8.0, "2022-H2": 8.0, "2023-H1": 10.5, "2023-H2": 12.0, "2024-H1": 12.5,
    "2024-H2": 12.25, "2025-H1": 11.15, "2025-H2": 10.15, "2026-H1": 10.15, "2026-H2": 10.15,
}
# Travel fee per trip in Belgium and car cost per km, per year (FOD BOSA table; 2019 left out
# as the salary index of that year is).
TRAVEL_FEE = {2020: 212.18, 2021: 214.73, 2022: 221.41, 2023: 234.35, 2024: 239.04,
              2025: 243.82, 2026: 247.47}
CAR_KM = {2020: 0.3707, 2021: 0.3707, 2022: 0.4032, 2023: 0.4269, 2024: 0.4259,
          2025: 0.4237, 2026: 0.4246}


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
    (or today for the running month). A fee whose year has no index (TAR 9201 §2.2.11: no
    amount, `index missing`) is not invoiced: the body waits for the index.

    In Polars, with Python only for the few wrong invoices and the payment draws: a dict per
    line (Decimals, strings) took about 12 GB for the 3.9 M lines of a scale-1000 demo.
    """
    if charges.is_empty():
        return _empty_invoices(), _empty_payments(), _empty_manifest()
    lines = (
        charges.filter(pl.col("fee_date") <= TODAY, pl.col("amount_excl_vat").is_not_null())
        .with_columns(month=pl.col("fee_date").dt.truncate("1mo"))
        .sort("month", "certificate_number", "fee_date", "fee_code", "description")
        # the invoice's number: the place of its month × certificate, from 1
        .with_columns(no=pl.struct("month", "certificate_number").rle_id() + 1)
        .with_columns(
            invoice_id=pl.format("F{}-{}", pl.col("month").dt.strftime("%Y%m"),
                                 pl.col("no").cast(pl.String).str.zfill(5)),
            invoice_date=pl.min_horizontal(pl.col("month").dt.month_end(), pl.lit(TODAY)),
        )
        .select("no", "invoice_id", "certificate_number", "invoice_date", "fee_code",
                "description", "quantity", "unit_price", "amount_excl_vat")
    )
    if lines.is_empty():
        return _empty_invoices(), _empty_payments(), _empty_manifest()
    lines = lines.with_columns(_as_text(lines["quantity"]), _as_text(lines["unit_price"]),
                               _as_text(lines["amount_excl_vat"], cents=True))
    wrong, manifest = _make_errors(lines, rng)
    if not wrong.is_empty():
        lines = pl.concat([lines.filter(~pl.col("no").is_in(wrong["no"].unique().implode())),
                           wrong.select(lines.columns)]).sort("no", maintain_order=True)
    lines = lines.with_columns(line_no=pl.int_range(pl.len()).over("no") + 1)
    lines_df = lines.with_columns(vat_rate=pl.lit(str(VAT))).select(
        "invoice_id", "certificate_number", "invoice_date", "line_no", "fee_code",
        "description", "quantity", "unit_price", "amount_excl_vat", "vat_rate")
    return lines_df, _payments(lines, rng), manifest


def _as_text(values: pl.Series, cents: bool = False) -> pl.Series:
    """The value as the invoice prints it, Decimal(str(value)) (amounts to the cent):
    computed once per distinct value (rates and amounts repeat) and looked up."""
    def text(value: object) -> str:
        number = Decimal(str(value))
        return str(_money(number) if cents else number)

    lookup = {v: text(v) for v in values.unique().drop_nulls().to_list()}
    return values.replace_strict(lookup, default=None, return_dtype=pl.String)


def _invoice_rows(lines: pl.DataFrame, no: int) -> list[dict]:
    return lines.filter(pl.col("no") == no).to_dicts()


def _make_errors(lines: pl.DataFrame, rng: random.Random
                 ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """About five invoices made wrong on purpose: a missing line, a wrong unit price, an
    extra line. Returns their lines as made wrong, and the manifest (what invoice_check
    should find)."""
    per_invoice = lines.group_by("no", maintain_order=True).agg(
        n=pl.len(), priced=(pl.col("unit_price").cast(pl.Decimal(38, 4)) != 0).any())
    invoices = per_invoice["no"].to_list()
    multi = per_invoice.filter(pl.col("n") >= 2)["no"].to_list()
    priced = per_invoice.filter(pl.col("priced"))["no"].to_list()
    rows = []
    wrong: list[dict] = []
    picked: set[int] = set()

    def pick(pool: list[int]) -> int | None:
        pool = [i for i in pool if i not in picked]
        if not pool:
            return None
        no = rng.choice(pool)
        picked.add(no)
        return no

    plan = ["missing_line", "missing_line", "wrong_unit_price", "wrong_unit_price",
            "extra_line"]
    for error in plan:
        no = pick(multi if error == "missing_line" else priced if error ==
                  "wrong_unit_price" else invoices)
        if no is None:
            continue
        invoice = _invoice_rows(lines, no)
        expected = sum(Decimal(x["amount_excl_vat"]) for x in invoice)
        if error == "missing_line":
            invoice.pop()
        elif error == "wrong_unit_price":
            line = next(x for x in invoice if x["unit_price"] and Decimal(x["unit_price"]))
            unit_price = _money(Decimal(line["unit_price"]) * Decimal("1.10"))
            quantity = Decimal(line["quantity"]) if line["quantity"] else 1
            line["unit_price"] = str(unit_price)
            line["amount_excl_vat"] = str(_money(unit_price * quantity))
        else:
            invoice.append(dict(invoice[0]))
        invoiced = sum(Decimal(x["amount_excl_vat"]) for x in invoice)
        wrong += invoice
        rows.append({"invoice_id": invoice[0]["invoice_id"],
                     "certificate_number": invoice[0]["certificate_number"],
                     "period": f"{invoice[0]['invoice_date']:%Y-%m}", "error": error,
                     "expected_excl_vat": str(expected),
                     "invoiced_excl_vat": str(invoiced),
                     "difference": str(invoiced - expected)})
    manifest = (pl.DataFrame(rows, schema=_empty_manifest().schema) if rows
                else _empty_manifest())
    return pl.DataFrame(wrong, schema=lines.schema), manifest


def _payments(lines: pl.DataFrame, rng: random.Random) -> pl.DataFrame:
    """Most paid on time, some late, some after a registered reminder, a few unpaid.

    A payment is the amount due as the store computes it (billing_invoice_totals: the VAT
    rounded to the cent per line, half away from zero), in whole cents: VAT on the invoice
    total instead left a cent over or short on about one invoice in five."""
    vat_per_100 = int(VAT * 100)  # 21: VAT in cents = cents × 21 / 100
    cents = (pl.col("amount_excl_vat").cast(pl.Decimal(38, 2)) * 100).cast(pl.Int64)
    vat = cents * vat_per_100
    vat_cents = vat.sign() * ((vat.abs() + 50) // 100)
    invoices = lines.group_by("no", maintain_order=True).agg(
        pl.col("invoice_id").first(), pl.col("invoice_date").first(),
        (cents + vat_cents).sum().alias("due_cents"))
    ids, paid, amounts, reminders = [], [], [], []
    for invoice_id, invoice_date, due_cents in zip(
            invoices["invoice_id"].to_list(), invoices["invoice_date"].to_list(),
            invoices["due_cents"].to_list(), strict=True):
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
        ids.append(invoice_id)
        paid.append(paid_on)
        amounts.append(str(Decimal(due_cents).scaleb(-2)) if paid_on else None)
        reminders.append(reminder)
    if not ids:
        return _empty_payments()
    return pl.DataFrame({"invoice_id": ids, "paid_on": paid, "amount": amounts,
                         "reminder_sent_on": reminders}, schema=_empty_payments().schema)


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
