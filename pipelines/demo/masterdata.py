"""Certificate holders, certificates, sites and persons of the demo.

The first few certificates of each scheme carry a fixed scenario (the states every view
must be able to show); the rest are ordinary and grow with ``scale``.
"""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

from pipelines.demo.common import (
    PLACES,
    TODAY,
    Certificate,
    Person,
    Site,
    World,
    add_months,
    company_name,
    person_name,
    random_day,
)

PRODUCTS = ("boomgranulaat", "daktuinsubstraat")

# BRL 9341 producers: index -> scenario (rules.md §1-§4 states the demo must show).
BRL_SCENARIOS = {
    0: "sulfate_transition",     # early-2022 sulfate under the transitional limit; a complaint
    1: "drift",                  # zinc/copper drift -> k falls -> lot-inspection regime
    2: "all_below_loq",          # every component below LOQ at one site
    3: "production_stopped",     # stopped > 1 year ago -> suspended
    4: "lapsed",                 # stopped > 3 years ago -> lapsed
    5: "late_start",             # issued 2024 (admission lots in 2024), audit shortfall 2025
}
PKVW_SCENARIOS = {
    0: "in_admission",
    1: "open_a_deviation",       # A open past its deadline -> suspended
    2: "withdrawn",              # B, extended once, still open 6 months after suspension
    3: "minimum_work_missed",    # < 3 dwellings in 12 months
    4: "complaint_late",         # complaint handled in > 2 months
    5: "deviation_closed_late",
    6: "sample_suspension",      # sample with 3 dwellings with an A deviation
    7: "ended",                  # certificate ended at the holder's request
}
ASBESTOS_SCENARIOS = {
    0: "one_person_firm",
    1: "abroad",                 # country NL: travel hours and km
    2: "no_copro_template",
    3: "many_attests",           # a person with > 250 attests in 2025
    4: "few_attests",            # a person with < 50 attests in 2025
    5: "complaint_extra_audit",
    6: "many_adi",               # > 6 ADI: highest yearly contribution
}


class _Ids:
    def __init__(self) -> None:
        self.holder = 0

    def next_holder(self) -> str:
        self.holder += 1
        return f"H{self.holder:05d}"


def _brl(rng: random.Random, ids: _Ids, index: int) -> tuple[Certificate, list[Site]]:
    scenario = BRL_SCENARIOS.get(index, "")
    number = f"BRL9341-{index + 1:04d}"
    if scenario == "late_start":
        issued = dt.date(2024, 5, 6)
    elif scenario or index < 8:
        issued = random_day(rng, dt.date(2022, 4, 1), dt.date(2022, 9, 30))
    else:
        issued = random_day(rng, dt.date(2022, 4, 1), dt.date(2025, 6, 30))
    # Admission: the application, then 5 or 10 admission lots in the months before issue.
    applied = add_months(issued, -4)
    cert = Certificate(
        certificate_number=number, scheme="brl9341", holder_id=ids.next_holder(),
        holder_name=company_name(rng, "Substraten"), issued_on=issued, applied_on=applied,
        scenario=scenario,
    )
    if scenario == "production_stopped":
        cert.production_stop = dt.date(2025, 8, 29)
    elif scenario == "lapsed":
        cert.production_stop = dt.date(2023, 4, 14)
    n_production = rng.choice((1, 1, 1, 2, 2))
    if scenario in ("production_stopped", "lapsed"):
        n_production = 1
    if scenario in ("sulfate_transition", "drift", "all_below_loq"):
        n_production = max(n_production, 2)
    sites: list[Site] = []
    for s in range(n_production):
        products = PRODUCTS if rng.random() < 0.5 else (rng.choice(PRODUCTS),)
        if scenario in ("drift", "all_below_loq", "sulfate_transition") and s == 0:
            products = PRODUCTS
        site = Site(
            site_id=f"{number}-P{s + 1}", certificate_number=number,
            name=f"Productielocatie {rng.choice(PLACES)}", site_kind="production",
            n_window=rng.choice((5, 5, 10)), products=products,
            lots_per_year=rng.randint(10, 24),
        )
        for product in products:
            site.scenario[product] = "normal"
        if s == 0 and scenario == "drift":
            site.scenario["boomgranulaat"] = "drift"
            site.n_window = 5
        if s == 0 and scenario == "all_below_loq":
            site.scenario["daktuinsubstraat"] = "all_below_loq"
            site.n_window = 5
        if s == 0 and scenario == "sulfate_transition":
            site.scenario["boomgranulaat"] = "sulfate_transition"
            site.n_window = 10
        sites.append(site)
    n_depots = 1 if scenario == "sulfate_transition" else rng.choice((0, 0, 1, 2))
    for d in range(n_depots):
        sites.append(Site(
            site_id=f"{number}-D{d + 1}", certificate_number=number,
            name=f"Depot {rng.choice(PLACES)}", site_kind="depot", n_window=5,
        ))
    return cert, sites


def _pkvw(rng: random.Random, ids: _Ids, index: int) -> Certificate:
    scenario = PKVW_SCENARIOS.get(index, "")
    number = f"PKVW-{index + 1:04d}"
    if scenario == "in_admission":
        applied, issued = dt.date(2026, 4, 14), None
    else:
        issued = random_day(rng, dt.date(2019, 1, 1), dt.date(2023, 12, 31))
        applied = add_months(issued, -rng.randint(3, 9))
    return Certificate(
        certificate_number=number, scheme="pkvw", holder_id=ids.next_holder(),
        holder_name=company_name(rng, "Beveiliging"), issued_on=issued, applied_on=applied,
        ended_on=dt.date(2024, 12, 31) if scenario == "ended" else None,
        certified_fitter=rng.random() < 0.4, scenario=scenario,
    )


def _asbestos(rng: random.Random, ids: _Ids, index: int,
              person_no: list[int]) -> tuple[list[Certificate], list[Person]]:
    scenario = ASBESTOS_SCENARIOS.get(index, "")
    number = f"ADI-PROC-{index + 1:04d}"
    if scenario == "one_person_firm":
        adi = 1
    elif scenario == "many_adi":
        adi = 8
    else:
        adi = rng.randint(2, 6)
    # A few firms applied inside the window (application fees); the others long before.
    if index % 4 == 3:
        issued = random_day(rng, dt.date(2022, 3, 1), dt.date(2025, 6, 30))
    else:
        issued = random_day(rng, dt.date(2019, 1, 1), dt.date(2021, 6, 30))
    applied = add_months(issued, -rng.randint(2, 5))
    process = Certificate(
        certificate_number=number, scheme="asbestos_process", holder_id=ids.next_holder(),
        holder_name=company_name(rng, "Asbestinventarisatie"), issued_on=issued,
        applied_on=applied, country="NL" if scenario == "abroad" else "BE", adi_count=adi,
        one_person_firm=adi == 1,
        uses_copro_template=scenario != "no_copro_template" and rng.random() < 0.85,
        scenario=scenario,
    )
    certs, persons = [process], []
    for p in range(adi):
        person_no[0] += 1
        person_id = f"PER-{person_no[0]:05d}"
        name = person_name(rng)
        p_issued = issued if p == 0 else max(issued, random_day(rng, issued, TODAY))
        if p_issued > dt.date(2026, 9, 30):
            p_issued = issued
        cert = Certificate(
            certificate_number=f"ADI-PERS-{person_no[0]:05d}", scheme="asbestos_person",
            holder_id=person_id, holder_name=name, issued_on=p_issued,
            applied_on=add_months(p_issued, -2), parent_certificate_number=number,
            country=process.country,
        )
        rate = rng.uniform(6.0, 14.0)
        p_scenario = ""
        if p == 0 and scenario == "many_attests":
            rate, p_scenario = 27.0, "many_attests"
        elif p == 0 and scenario == "few_attests":
            rate, p_scenario = 3.0, "few_attests"
        certs.append(cert)
        persons.append(Person(person_id, name, cert.certificate_number, number, rate,
                              p_scenario))
    return certs, persons


def build_world(rng: random.Random, scale: int) -> World:
    ids = _Ids()
    certificates: list[Certificate] = []
    sites: list[Site] = []
    persons: list[Person] = []
    for i in range(8 * scale):
        cert, cert_sites = _brl(rng, ids, i)
        certificates.append(cert)
        sites.extend(cert_sites)
    for i in range(12 * scale):
        certificates.append(_pkvw(rng, ids, i))
    person_no = [0]
    for i in range(10 * scale):
        certs, firm_persons = _asbestos(rng, ids, i, person_no)
        certificates.extend(certs)
        persons.extend(firm_persons)
    return World(certificates, sites, persons)


def certificates_frame(world: World) -> pl.DataFrame:
    rows = [
        {
            "certificate_number": c.certificate_number, "scheme": c.scheme,
            "holder_id": c.holder_id, "holder_name": c.holder_name, "issued_on": c.issued_on,
            "applied_on": c.applied_on, "ended_on": c.ended_on, "country": c.country,
            "adi_count": c.adi_count,
            # Booleans as the spreadsheet has them; the ingestion reads true/false.
            "one_person_firm": str(c.one_person_firm).lower(),
            "uses_copro_template": str(c.uses_copro_template).lower(),
            "parent_certificate_number": c.parent_certificate_number,
            "certified_fitter": str(c.certified_fitter).lower(),
        }
        for c in world.certificates
    ]
    return pl.DataFrame(rows, schema_overrides={
        "issued_on": pl.Date, "applied_on": pl.Date, "ended_on": pl.Date, "adi_count": pl.Int64,
        "parent_certificate_number": pl.String,
    })


def sites_frame(world: World) -> pl.DataFrame:
    return pl.DataFrame([
        {"site_id": s.site_id, "certificate_number": s.certificate_number, "name": s.name,
         "site_kind": s.site_kind, "n_window": s.n_window}
        for s in world.sites
    ])


def persons_frame(world: World) -> pl.DataFrame:
    return pl.DataFrame([
        {"person_id": p.person_id, "certificate_number": p.certificate_number, "name": p.name}
        for p in world.persons
    ])
