"""issue 27: stored values a table shows as words in the reader's language: a finding's
severity and status (process_findings), a lot's status (lot_status)."""

from __future__ import annotations

import pytest

from dashboard import glossary
from pipelines.i18n import use_language


@pytest.mark.parametrize(("column", "value", "nl", "en"), [
    ("severity", "major", "ernstig", "major"),
    ("severity", "minor", "minder ernstig", "minor"),
    ("status", "resolved", "opgelost", "resolved"),
    ("status", "not_assessable", "niet te beoordelen", "not assessable"),
    ("status", "exceeds", "overschrijdt", "exceeds"),
])
def test_a_stored_value_in_dutch_and_english(column: str, value: str, nl: str,
                                             en: str) -> None:
    with use_language("nl"):
        assert glossary.value_label(column, value) == nl
    with use_language("en"):
        assert glossary.value_label(column, value) == en
