"""Finds numbers and dates in English notation in text meant to be Dutch (issue 27
point 5: a Dutch page must show ``€ 49.252,40`` and ``7 december 2026``, never
``€49,252.40`` or ``2026-12-07``). For tests of rendered pages, reports and the digest.

Only what is English beyond doubt is reported: ``1.234`` is a Dutch thousand and ``1,234``
a Dutch decimal, so a lone group of three digits after a point or comma is left alone.
Article citations stay as the sources write them (``§2.2.11``, ``art. 1.39``, ``bijlage
II``, ``4.3.3``) and are not numbers in this sense.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Month names whose English form differs from the Dutch one in every position; the others
# (April, September, November, December: Dutch writes them lower case) only count right
# after a day number or in the US order, where Dutch would write them lower case.
_MONTHS_EN_ONLY = "January|February|March|May|June|July|August|October"
_MONTHS_SHARED = "April|September|November|December"
_MONTHS_ABBR = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"

_CHECKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso date", re.compile(r"(?<![\w.-])\d{4}-\d{2}-\d{2}(?![\w-])")),
    ("slash date", re.compile(r"(?<![\w/])\d{1,2}/\d{1,2}/\d{2,4}(?![\w/])")),
    ("english month", re.compile(rf"\b(?:{_MONTHS_EN_ONLY})\b")),
    ("english month", re.compile(rf"\b\d{{1,2}} (?:{_MONTHS_SHARED}|{_MONTHS_ABBR})\b")),
    ("english month",
     re.compile(rf"\b(?:{_MONTHS_SHARED}|{_MONTHS_ABBR}) \d{{1,2}}(?:st|nd|rd|th)?,")),
    # €49,252.40 €49 €1,234: the sign right before the digits is English (nl: "€ 49")
    ("english money", re.compile(r"€\d[\d.,]*")),
    # 49,252.40 / 1,234,567: comma groups and a decimal point, or two comma groups
    ("english number", re.compile(r"(?<![\w.,])(?<!\w-)\d{1,3}(?:,\d{3})+\.\d+(?![\w.,]?\d)")),
    ("english number", re.compile(r"(?<![\w.,])(?<!\w-)\d{1,3}(?:,\d{3}){2,}(?![\w.,]?\d)")),
    # 1.5 12.50 0.1234: a decimal point not followed by exactly three digits; not in a code
    # (P-2026.01: a number right after a letter and a hyphen)
    ("english number", re.compile(r"(?<![\w.,§/])(?<!\w-)\d+\.(?:\d{1,2}|\d{4,})(?![\w.,]?\d)")),
)
# Words before a number that make it a citation of an article, not a quantity.
_CITATION = re.compile(
    r"(?:§|\bart\.?|\bartikel|\bparagraaf|\bhoofdstuk|\bbijlage|\btabel|\bsection|\bversie"
    r"|\bversion|\bv)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int


def english_notation(text: str, ignore: tuple[str, ...] = ()) -> list[Finding]:
    """Every number or date in ``text`` written the English way, in order of position.
    ``ignore``: exact strings to pass over (a product code that looks like a number)."""
    findings: dict[int, Finding] = {}
    for kind, pattern in _CHECKS:
        for match in pattern.finditer(text):
            if match.group() in ignore or _CITATION.search(text[:match.start()]):
                continue
            findings.setdefault(match.start(), Finding(kind, match.group(), match.start()))
    return sorted(findings.values(), key=lambda f: f.start)


def assert_dutch_notation(text: str, ignore: tuple[str, ...] = ()) -> None:
    """Raises AssertionError listing each English number or date in ``text``."""
    found = english_notation(text, ignore)
    if found:
        listed = "; ".join(f"{f.kind} {f.text!r} at {f.start}: "
                           f"…{text[max(0, f.start - 30):f.start + 30]}…" for f in found)
        raise AssertionError(f"English notation in Dutch text: {listed}")
