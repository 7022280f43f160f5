"""Audits and deviations of the demo (BRL 9341 §8.6, CCV PKVW §4.2-§4.3, TAR 9201 §2.2).

BRL 9341: an admission audit, two control visits a year and a yearly visit to each depot.
PKVW: an audit every 18 months, sample inspections of completed dwellings, A/B deviations
with their deadlines (some closed in time, one late, one open -> suspension, one open
after an extension -> withdrawal). Asbestos: a yearly process audit per firm and a field
audit per person, with start/end times (some beyond 2 h, one on a Saturday), one firm
abroad (travel hours and km) and one extra audit after a complaint.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import polars as pl

from pipelines.demo.common import (
    INSPECTORS,
    TODAY,
    YEARS,
    Certificate,
    World,
    add_months,
    random_day,
    weekday_on_or_after,
)

AUDIT_COLUMNS = (
    "audit_id", "certificate_number", "audit_type", "audit_date", "start_time", "end_time",
    "country", "combined_with_field_audit", "dwellings_in_sample",
    "dwellings_with_deviation_a", "inspector", "outcome", "site_id", "travel_hours",
    "distance_km", "overnight_stays",
)
DEVIATION_COLUMNS = (
    "deviation_id", "audit_id", "certificate_number", "category", "requirement", "found_on",
    "extended_until", "closed_on",
)
REQUIREMENTS = {
    "brl9341": ("BRL 9341 §5.5.3 monsterneming", "BRL 9341 §5.4 productiebeheersing",
                "BRL 9341 §6.2 registratie partijen", "BRL 9341 §5.6 merken en afleveren"),
    "pkvw": ("CCV PKVW §3.2.4 vakbekwaamheid", "CCV PKVW §3.3.2 verklaring omtrent gedrag",
             "CCV PKVW bijlage 3 inbraakwerende maatregelen", "CCV PKVW §3.2.7 opleverdossier"),
    "asbestos_process": ("TRA 9201 §4 inventarisatierapport", "TRA 9201 §5 kwaliteitssysteem",
                         "TRA 9201 §6 registratie attesten"),
    "asbestos_person": ("TRA 9201 §4.2 monsterneming", "TRA 9201 §4.3 rapportage"),
}
# CCV PKVW §4.3: correction deadline in months after the finding.
DEADLINE_MONTHS = {"A": 2, "B": 3}


class _Audits:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.audits: list[dict[str, Any]] = []
        self.deviations: list[dict[str, Any]] = []

    def audit(self, cert: Certificate, audit_type: str, day: dt.date, *,
              start: str | None = "09:00", end: str | None = None, **extra: Any
              ) -> dict[str, Any]:
        day = weekday_on_or_after(day) if not extra.pop("weekend_ok", False) else day
        if end is None and start is not None:
            minutes = self.rng.choice((120, 150, 165, 180, 210))
            h, m = map(int, start.split(":"))
            total = h * 60 + m + minutes
            end = f"{total // 60:02d}:{total % 60:02d}"
        row = {c: None for c in AUDIT_COLUMNS}
        row.update(certificate_number=cert.certificate_number, audit_type=audit_type,
                   audit_date=day, start_time=start, end_time=end, country=cert.country,
                   inspector=self.rng.choice(INSPECTORS), outcome="pass", **extra)
        self.audits.append(row)
        return row

    def deviation(self, audit: dict[str, Any], category: str, *, requirement: str | None = None,
                  closed_after_days: int | None = None, extended_until: dt.date | None = None,
                  scheme: str | None = None) -> None:
        found = audit["audit_date"]
        audit["outcome"] = "deviations"
        if audit.get("dwellings_in_sample") is None and category == "A":
            audit["outcome"] = "fail" if self.rng.random() < 0.3 else "deviations"
        closed = None
        if closed_after_days is not None:
            closed = found + dt.timedelta(days=closed_after_days)
            if closed > TODAY:
                closed = None
        self.deviations.append({
            "deviation_id": None, "_audit": audit,
            "certificate_number": audit["certificate_number"], "category": category,
            "requirement": requirement or self.rng.choice(REQUIREMENTS[scheme or "pkvw"]),
            "found_on": found, "extended_until": extended_until, "closed_on": closed,
        })

    def random_deviations(self, audit: dict[str, Any], scheme: str, p: float) -> None:
        if self.rng.random() >= p:
            return
        for _ in range(self.rng.choice((1, 1, 2))):
            category = "A" if self.rng.random() < 0.25 else "B"
            # Closed within the deadline (A 2 months, B 3 months); recent ones still open.
            limit = DEADLINE_MONTHS[category] * 30 - 5
            days = self.rng.randint(10, limit)
            if audit["audit_date"] + dt.timedelta(days=days) > TODAY:
                self.deviation(audit, category, scheme=scheme)
            else:
                self.deviation(audit, category, closed_after_days=days, scheme=scheme)


def _years_from(day: dt.date) -> range:
    """Histories start at the certificate's issue (the status rules look back that far)."""
    return range(day.year, TODAY.year + 1)


def _brl(a: _Audits, world: World) -> None:
    rng = a.rng
    for cert in world.by_scheme("brl9341"):
        assert cert.issued_on is not None
        end = min(cert.production_stop or TODAY, TODAY)
        adm = a.audit(cert, "admission", cert.issued_on - dt.timedelta(days=21))
        a.random_deviations(adm, "brl9341", 0.3)
        depots = [s for s in world.sites
                  if s.certificate_number == cert.certificate_number and s.site_kind == "depot"]
        for year in YEARS:
            # BRL 9341 §8.6: 2 control visits per calendar year (one short for late_start 2025).
            visits = [dt.date(year, 3, 1), dt.date(year, 9, 1)]
            if cert.scenario == "late_start" and year == 2025:
                visits = visits[:1]
            for base in visits:
                day = base + dt.timedelta(days=rng.randint(0, 60))
                if cert.issued_on < day <= end:
                    visit = a.audit(cert, "periodic", day)
                    a.random_deviations(visit, "brl9341", 0.2)
            for depot in depots:
                day = dt.date(year, 5, 15) + dt.timedelta(days=rng.randint(0, 90))
                if cert.issued_on < day <= end:
                    a.audit(cert, "depot", day, start="13:30", site_id=depot.site_id)


def _pkvw(a: _Audits, world: World) -> None:
    rng = a.rng
    for cert in world.by_scheme("pkvw"):
        end = min(cert.ended_on or TODAY, TODAY)
        if cert.issued_on is None:  # in admission: the admission audit only
            a.audit(cert, "admission", dt.date(2026, 7, 7))
            continue
        a.audit(cert, "admission", cert.issued_on - dt.timedelta(days=30))
        # CCV PKVW §4.2.2: an audit every 18 months.
        periodic: list[dict[str, Any]] = []
        k = 1
        while (day := add_months(cert.issued_on, 18 * k)) <= end:
            day -= dt.timedelta(days=rng.randint(0, 40))
            periodic.append(a.audit(cert, "periodic", day))
            k += 1
        for visit in periodic:
            if cert.scenario in ("", "ended"):
                a.random_deviations(visit, "pkvw", 0.4)
        # Sample inspections of completed dwellings, about twice a year.
        for year in _years_from(cert.issued_on):
            for half in (0, 1):
                day = dt.date(year, 1 + 6 * half, 1) + dt.timedelta(days=rng.randint(0, 170))
                if cert.issued_on < day <= end:
                    in_sample = rng.randint(1, 3)
                    a.audit(cert, "sample", day, start="10:00",
                            dwellings_in_sample=in_sample, dwellings_with_deviation_a=0)
        _pkvw_scenario(a, cert)


def _pkvw_scenario(a: _Audits, cert: Certificate) -> None:
    s = cert.scenario
    if s == "open_a_deviation":
        # Found 2026-06-10, deadline 2026-08-10 (A: 2 months), still open -> suspended.
        visit = a.audit(cert, "extra", dt.date(2026, 6, 10))
        a.deviation(visit, "A", requirement=REQUIREMENTS["pkvw"][2])
    elif s == "withdrawn":
        # B found 2025-09-01, deadline 2025-12-01 extended once by 2 months to 2026-02-01;
        # still open -> suspended 2026-02-02 and withdrawn 6 months later.
        visit = a.audit(cert, "extra", dt.date(2025, 9, 1))
        a.deviation(visit, "B", requirement=REQUIREMENTS["pkvw"][1],
                    extended_until=dt.date(2026, 2, 1))
    elif s == "deviation_closed_late":
        # A found 2025-02-10, deadline 2025-04-10, closed 2025-05-02: suspended in between.
        visit = a.audit(cert, "extra", dt.date(2025, 2, 10))
        a.deviation(visit, "A", requirement=REQUIREMENTS["pkvw"][3], closed_after_days=81)
    elif s == "sample_suspension":
        # 3 of 4 dwellings with an A deviation: 2 <= N <= 5 -> suspension, one step down.
        visit = a.audit(cert, "sample", dt.date(2026, 3, 17), start="10:00",
                        dwellings_in_sample=4, dwellings_with_deviation_a=3)
        a.deviation(visit, "A", requirement=REQUIREMENTS["pkvw"][2], closed_after_days=40)
    elif s == "":
        n = int(cert.certificate_number[-4:])
        if n == 9:
            # One dwelling with an A deviation: same step, full verification of the sample.
            visit = a.audit(cert, "sample", dt.date(2025, 11, 4), start="10:00",
                            dwellings_in_sample=3, dwellings_with_deviation_a=1)
            a.deviation(visit, "A", requirement=REQUIREMENTS["pkvw"][2], closed_after_days=30)
        elif n == 10:
            # A B deviation on the same requirement as at the previous assessment: counts as A.
            first = a.audit(cert, "extra", dt.date(2024, 10, 1))
            a.deviation(first, "B", requirement=REQUIREMENTS["pkvw"][3], closed_after_days=45)
            again = a.audit(cert, "extra", dt.date(2026, 4, 14))
            a.deviation(again, "B", requirement=REQUIREMENTS["pkvw"][3], closed_after_days=50)


def _asbestos(a: _Audits, world: World) -> None:
    rng = a.rng
    persons_of: dict[str, list[Certificate]] = {}
    for cert in world.by_scheme("asbestos_person"):
        persons_of.setdefault(cert.parent_certificate_number or "", []).append(cert)
    for firm in world.by_scheme("asbestos_process"):
        assert firm.issued_on is not None
        abroad = firm.country != "BE"
        for year in _years_from(firm.issued_on):
            day = random_day(rng, dt.date(year, 2, 1), dt.date(year, 11, 15))
            if not (firm.issued_on < day <= TODAY):
                continue
            combined = rng.random() < 0.5
            start = "09:00"
            end = rng.choice(("11:00", "11:00", "11:20", "11:45", "12:10"))
            extra: dict[str, Any] = {}
            if abroad:
                extra = {"travel_hours": 2.5, "distance_km": 412.0,
                         "overnight_stays": 1 if year == 2024 else 0}
            process = a.audit(firm, "process", day, start=start, end=end,
                              combined_with_field_audit=combined, **extra)
            a.random_deviations(process, "asbestos_process", 0.2)
            for i, person in enumerate(persons_of.get(firm.certificate_number, [])):
                assert person.issued_on is not None
                field_day = process["audit_date"] if (combined and i == 0) else random_day(
                    rng, dt.date(year, 1, 15), dt.date(year, 11, 20))
                if not (person.issued_on < field_day <= TODAY):
                    continue
                field_end = rng.choice(("10:30", "10:30", "10:45", "11:15", "11:40"))
                weekend = firm.scenario == "many_attests" and i == 0 and year == 2025
                if weekend:
                    # TAR 9201 §2.2.9: a Saturday audit (x 1,5).
                    field_day = dt.date(2025, 6, 14)
                field = a.audit(person, "field", field_day, start="08:30", end=field_end,
                                weekend_ok=weekend, **extra)
                a.random_deviations(field, "asbestos_person", 0.1)
        if firm.scenario == "complaint_extra_audit":
            # TAR 9201 §2.2.4: extra audit after a written complaint.
            a.audit(firm, "extra", dt.date(2025, 10, 8), start="09:00", end="12:40")


def audit_frames(world: World, rng: random.Random) -> tuple[pl.DataFrame, pl.DataFrame]:
    a = _Audits(rng)
    _brl(a, world)
    _pkvw(a, world)
    _asbestos(a, world)
    audits = sorted(a.audits, key=lambda r: (r["audit_date"], r["certificate_number"],
                                             r["audit_type"]))
    for no, row in enumerate(audits, start=1):
        row["audit_id"] = f"AUD-{row['audit_date'].year}-{no:05d}"
    deviations = sorted(a.deviations, key=lambda r: (r["found_on"], r["certificate_number"]))
    for no, row in enumerate(deviations, start=1):
        row["audit_id"] = row.pop("_audit")["audit_id"]
        row["deviation_id"] = f"AFW-{row['found_on'].year}-{no:04d}"
    audit_df = pl.DataFrame(audits, schema={
        "audit_id": pl.String, "certificate_number": pl.String, "audit_type": pl.String,
        "audit_date": pl.Date, "start_time": pl.String, "end_time": pl.String,
        "country": pl.String, "combined_with_field_audit": pl.Boolean,
        "dwellings_in_sample": pl.Int64, "dwellings_with_deviation_a": pl.Int64,
        "inspector": pl.String, "outcome": pl.String, "site_id": pl.String,
        "travel_hours": pl.Float64, "distance_km": pl.Float64, "overnight_stays": pl.Int64,
    })
    deviation_df = pl.DataFrame(deviations, schema={
        "deviation_id": pl.String, "audit_id": pl.String, "certificate_number": pl.String,
        "category": pl.String, "requirement": pl.String, "found_on": pl.Date,
        "extended_until": pl.Date, "closed_on": pl.Date,
    }).select(DEVIATION_COLUMNS)
    return audit_df.select(AUDIT_COLUMNS), deviation_df
