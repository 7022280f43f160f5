"""Reading the Dutch source texts (data/sources/) for tests that compare reference data and
rules with what the sources literally say: tables of BRL 9341 and amounts of TAR 9201."""

from __future__ import annotations

import re
from decimal import Decimal

from tests.conftest import SOURCES_DIR

BRL = (SOURCES_DIR / "brl-9341-steenachtige-substraten.txt").read_text(encoding="utf-8")
TAR = (SOURCES_DIR / "copro-tar-9201-tariefreglement.txt").read_text(encoding="utf-8")


def dutch_number(text: str) -> Decimal:
    """'1.250,5' -> 1250.5, '0,69' -> 0.69, '2100' -> 2100; '234.35' (TAR 9201 §2.2.5 writes
    this one amount with a decimal point: two digits after it cannot be a thousands group)."""
    if "," in text:
        return Decimal(text.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d+\.\d{2}", text):
        return Decimal(text)
    return Decimal(text.replace(".", ""))


def brl_table(title_start: str) -> dict[str, Decimal]:
    """name -> value from the tab-separated table following the given title line of
    BRL 9341 (bijlage III tabel 1, bijlage IV tabel 2); names lower case, without
    footnote marks and symbols in brackets."""
    lines = BRL[BRL.index(title_start):].splitlines()[1:]
    values: dict[str, Decimal] = {}
    started = False
    for line in lines:
        if "\t" not in line:
            if started and line.strip():
                break
            continue
        name, value = line.split("\t")[:2]
        if name.lower().startswith("component"):
            started = True
            continue
        name = re.sub(r"\s*<sup>.*?</sup>|\s*\(.*?\)", "", name).strip().lower()
        values[name] = dutch_number(value.strip())
    return values


def brl_rows(header_start: str) -> list[list[str]]:
    """The tab-separated rows of the BRL 9341 table whose header line starts with
    ``header_start`` (the header itself excluded), up to the first line without a tab."""
    lines = BRL[BRL.index(header_start):].splitlines()[1:]
    rows = []
    for line in lines:
        if "\t" not in line:
            break
        rows.append([cell.strip() for cell in line.split("\t")])
    return rows


def frequency(text: str) -> tuple[int | None, int, int]:
    """A frequency of BRL 9341 bijlage II as (lots_per_test, min_tests, min_tests_years):
    '1 op 10 partijen, doch ten minste 5× per 3 jaar' -> (10, 5, 3); '1× per jaar' ->
    (None, 1, 1); '1 keuring per 10 partijen (minimaal 5 per 3 jaar)' -> (10, 5, 3);
    'overeenkomstig het partijkeuringsregime, doch ten minste 10× per jaar' -> (1, 10, 1)."""
    lots_match = re.search(r"(?:1 op|per) (\d+) partijen", text)
    lots = int(lots_match.group(1)) if lots_match else (
        1 if "partijkeuringsregime" in text or "elke partij" in text else None)
    tests = re.search(r"(\d+)(?:×| keuringen| keuring)? per (?:(\d+) )?jaar", text)
    assert tests is not None, text
    return lots, int(tests.group(1)), int(tests.group(2) or 1)


# A heading of the body of TAR 9201 ("2.2.4.1 Bijdragen ..."); the table of contents
# separates number and title with a tab, the body with a space.
_TAR_HEADING = re.compile(r"^(\d+(?:\.\d+)+) \S", re.M)
_EURO = re.compile(r"€\s*\**\s*(\d[\d.,]*\d|\d)")


def tar_amounts() -> list[tuple[str, str]]:
    """Every euro amount of TAR 9201 in reading order, as (article, amount as printed),
    the article being the numbered heading the amount stands under."""
    found = []
    headings = [(m.start(), m.group(1)) for m in _TAR_HEADING.finditer(TAR)]
    for match in _EURO.finditer(TAR):
        article = [number for start, number in headings if start < match.start()][-1]
        found.append((article, match.group(1)))
    return found
