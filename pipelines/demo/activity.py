"""What certificate holders did: attests, completed dwellings, applications, production
stops, complaints. These drive fees (TAR 9201 §2.2.6) and status rules (CCV PKVW minimum
work, BRL 9341 §3.3 production stops, CCV §3.3.1 complaint handling)."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import polars as pl

from pipelines.demo.common import TODAY, World, add_months
from pipelines.demo.lab import COMPLAINTS

COLUMNS = ("certificate_number", "date", "activity", "quantity", "person_id", "reference")


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    month = dt.date(first.year, first.month, 1)
    out = []
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def _month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def activity_frame(world: World, rng: random.Random, np_rng: np.random.Generator
                   ) -> pl.DataFrame:
    rows: list[tuple] = []
    last_full_month = dt.date(TODAY.year, TODAY.month, 1) - dt.timedelta(days=1)

    for cert in world.certificates:
        if cert.applied_on:
            rows.append((cert.certificate_number, cert.applied_on, "application", 1.0, None,
                         f"AANVR-{cert.certificate_number}"))
        if cert.production_stop:
            rows.append((cert.certificate_number, cert.production_stop, "production_stop",
                         1.0, None, f"STOP-{cert.certificate_number}"))

    # PKVW: dwellings completed under certificate, one line per month (CCV PKVW minimum work:
    # >= 3 in each 12 consecutive months).
    for cert in world.by_scheme("pkvw"):
        if cert.issued_on is None:
            continue
        last = min(cert.ended_on or last_full_month, last_full_month)
        for month in _month_starts(cert.issued_on, last):
            if cert.scenario == "minimum_work_missed" and month.year >= 2025:
                # 2 dwellings in 2025, then a slow 2026: the minimum is missed.
                quantity = 1 if (month.year, month.month) in ((2025, 3), (2025, 10), (2026, 2),
                                                               (2026, 5), (2026, 9)) else 0
            else:
                quantity = int(np_rng.poisson(1.8))
            if quantity:
                rows.append((cert.certificate_number, _month_end(month), "dwelling_completed",
                             float(quantity), None,
                             f"WON-{cert.certificate_number}-{month:%Y%m}"))

    # Asbestos persons: attests delivered per month (TAR 9201 §2.2.6 attest contribution).
    person_cert = {c.certificate_number: c for c in world.by_scheme("asbestos_person")}
    for person in world.persons:
        cert = person_cert[person.certificate_number]
        assert cert.issued_on is not None
        for month in _month_starts(cert.issued_on, last_full_month):
            rate = person.attests_per_month
            if person.scenario in ("many_attests", "few_attests") and month.year != 2025:
                rate = 10.0
            quantity = int(np_rng.poisson(rate))
            if quantity:
                rows.append((cert.certificate_number, _month_end(month), "attest",
                             float(quantity), person.person_id,
                             f"ATT-{person.person_id}-{month:%Y%m}"))

    rows.extend(_complaints(world))
    df = pl.DataFrame(rows, schema={
        "certificate_number": pl.String, "date": pl.Date, "activity": pl.String,
        "quantity": pl.Float64, "person_id": pl.String, "reference": pl.String,
    }, orient="row")
    # Quantities are counts: written without a decimal part.
    return df.with_columns(pl.col("quantity").cast(pl.Int64)).sort(
        "date", "certificate_number", "activity", "reference")


def _complaints(world: World) -> list[tuple]:
    """Complaints received and closed (CCV §3.3.1: handled within 2 months)."""
    out: list[tuple] = []
    number = 0

    def complaint(cert_number: str, received: dt.date, closed: dt.date | None) -> None:
        nonlocal number
        number += 1
        ref = f"KL-{received.year}-{number:03d}"
        out.append((cert_number, received, "complaint_received", 1.0, None, ref))
        if closed:
            out.append((cert_number, closed, "complaint_closed", 1.0, None, ref))

    brl = {c.scenario: c for c in world.by_scheme("brl9341") if c.scenario}
    for scenario, (day, rejected) in COMPLAINTS.items():
        closed = day + dt.timedelta(days=43 if rejected else 49)
        complaint(brl[scenario].certificate_number, day, closed)
    pkvw = world.by_scheme("pkvw")
    by_scenario = {c.scenario: c for c in pkvw if c.scenario}
    # Handled late: received 2025-03-03, closed 2025-06-20 (> 2 months).
    complaint(by_scenario["complaint_late"].certificate_number, dt.date(2025, 3, 3),
              dt.date(2025, 6, 20))
    if len(pkvw) > 10:
        complaint(pkvw[9].certificate_number, dt.date(2026, 2, 10), dt.date(2026, 3, 16))
        complaint(pkvw[10].certificate_number, dt.date(2026, 10, 26), None)  # still open
    firm = next(c for c in world.by_scheme("asbestos_process")
                if c.scenario == "complaint_extra_audit")
    complaint(firm.certificate_number, dt.date(2025, 9, 15), dt.date(2025, 10, 30))
    return out
