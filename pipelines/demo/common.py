"""Shared pieces of the demo: its calendar, the master-data records, name lists."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

# The demo covers five years up to "today" (the project's reference date).
TODAY = dt.date(2026, 11, 23)
START = dt.date(2022, 1, 1)
YEARS = tuple(range(START.year, TODAY.year + 1))


@dataclass
class Certificate:
    certificate_number: str
    scheme: str
    holder_id: str
    holder_name: str
    issued_on: dt.date | None
    applied_on: dt.date | None
    ended_on: dt.date | None = None
    country: str = "BE"
    adi_count: int | None = None
    one_person_firm: bool = False
    uses_copro_template: bool = True
    parent_certificate_number: str | None = None
    certified_fitter: bool = False
    # Not written to the certificate file: what the demo makes this certificate show.
    scenario: str = ""
    production_stop: dt.date | None = None


@dataclass
class Site:
    site_id: str
    certificate_number: str
    name: str
    site_kind: str  # production / depot
    n_window: int
    products: tuple[str, ...] = ()
    lots_per_year: int = 0
    # product -> lab scenario ("normal", "drift", "all_below_loq")
    scenario: dict[str, str] = field(default_factory=dict)


@dataclass
class Person:
    person_id: str
    name: str
    certificate_number: str  # the person's own certificate (asbestos_person)
    process_certificate: str
    attests_per_month: float
    scenario: str = ""


@dataclass
class World:
    certificates: list[Certificate]
    sites: list[Site]
    persons: list[Person]

    def by_scheme(self, scheme: str) -> list[Certificate]:
        return [c for c in self.certificates if c.scheme == scheme]

    def by_scenario(self, scenario: str) -> Certificate:
        return next(c for c in self.certificates if c.scenario == scenario)


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


PLACES = (
    "Zeebrugge", "Gent", "Antwerpen", "Brugge", "Kortrijk", "Hasselt", "Genk", "Mechelen",
    "Leuven", "Aalst", "Roeselare", "Turnhout", "Geel", "Lommel", "Beveren", "Zelzate",
    "Oudenaarde", "Tienen", "Lier", "Diest", "Ieper", "Tielt", "Eeklo", "Maaseik",
    "Venlo", "Tilburg", "Breda", "Eindhoven", "Moerdijk", "Terneuzen",
)
COMPANY_WORDS = (
    "Groen", "Substraat", "Bodem", "Boom", "Dak", "Natuur", "Terra", "Veld", "Kempen",
    "Schelde", "Polder", "Leie", "Maas", "Dijle", "Demer", "Nete", "Zand", "Klei", "Steen",
    "Veilig", "Slot", "Woon", "Asbest", "Inventa", "Expert", "Control", "Check", "Safe",
)
LEGAL_FORMS = ("NV", "BV", "BVBA", "CVBA", "bv")
FIRST_NAMES = (
    "Jan", "Piet", "Els", "An", "Koen", "Sofie", "Bart", "Lien", "Tom", "Eva", "Wim",
    "Inge", "Dirk", "Griet", "Joris", "Nele", "Stijn", "Ilse", "Pieter", "Hanne", "Wouter",
    "Karen", "Luc", "Marijke", "Bram", "Lotte", "Jeroen", "Fien", "Maarten", "Katrien",
)
LAST_NAMES = (
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Dubois", "Lambert", "Hermans", "Aerts", "Vermeulen", "Van Damme",
    "De Backer", "Verstraete", "Desmet", "Michiels", "Smets", "Bogaert", "Stevens",
    "Van den Broeck", "De Clercq", "Martens", "Vandenberghe", "Coppens", "Declercq", "Segers",
)
INSPECTORS = ("K. Verhulst", "M. Declerck", "S. Bauwens", "R. Hendrickx", "L. Cools")


def company_name(rng: random.Random, kind: str) -> str:
    return (f"{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_WORDS).lower()} {kind} "
            f"{rng.choice(PLACES)} {rng.choice(LEGAL_FORMS)}")


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
