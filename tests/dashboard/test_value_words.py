"""issue 27: stored values a table shows as words in the reader's language: a finding's
severity and status (process_findings), a lot's status (lot_status), a lifecycle event's
kind, an analysis's purpose, a limit's table, the receivables' "paid late" bucket, the
register's sanctions."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard import glossary
from pipelines.i18n import use_language


@pytest.mark.parametrize(("column", "value", "nl", "en"), [
    ("severity", "major", "ernstig", "major"),
    ("severity", "minor", "minder ernstig", "minor"),
    ("status", "resolved", "opgelost", "resolved"),
    ("status", "not_assessable", "niet te beoordelen", "not assessable"),
    ("status", "exceeds", "overschrijdt", "exceeds"),
    ("event_kind", "issued", "Verleend", "Issued"),
    ("event_kind", "deviation_suspension", "Afwijking niet op tijd gecorrigeerd",
     "Deviation not corrected in time"),
    ("purpose", "production", "productie", "production"),
    ("table_kind", "composition", "samenstelling (bijlage III)", "composition (bijlage III)"),
    ("ageing_bucket", "paid late", "te laat betaald", "paid late"),
    ("ageing_bucket", "31–60", "31–60", "31–60"),
])
def test_a_stored_value_in_dutch_and_english(column: str, value: str, nl: str,
                                             en: str) -> None:
    with use_language("nl"):
        assert glossary.value_label(column, value) == nl
    with use_language("en"):
        assert glossary.value_label(column, value) == en


def test_the_registers_sanctions_in_dutch_and_english() -> None:
    """CCV PKVW §4.3.3-§4.3.4: suspended on 11 May 2025 until 2 June 2025, then a warning;
    the view's list of kind, date, until and article, in one line per language."""
    from dashboard.queries import _sanctions_text

    sanctions = [
        {"kind": "suspension", "date": date(2025, 5, 11), "until": date(2025, 6, 2),
         "article": "CCV PKVW §4.3.2-§4.3.3"},
        {"kind": "warning", "date": date(2025, 7, 1), "until": None,
         "article": "CCV PKVW bijlage 4"},
    ]
    with use_language("nl"):
        assert _sanctions_text(sanctions) == (
            "schorsing 11 mei 2025 tot 2 juni 2025 (CCV PKVW §4.3.2-§4.3.3); "
            "waarschuwing 1 juli 2025 (CCV PKVW bijlage 4)")
    with use_language("en"):
        assert _sanctions_text(sanctions) == (
            "suspension 11 May 2025 until 2 June 2025 (CCV PKVW §4.3.2-§4.3.3); "
            "warning 1 July 2025 (CCV PKVW bijlage 4)")
    assert _sanctions_text([]) is None


def test_an_invoice_checks_differing_lines_in_dutch() -> None:
    """invoice_check.line_differences by key: each differing line's fee code and its status
    in words (billing_invoice_check_lines.status), "; " between lines."""
    from pipelines.i18n.keys import render_detail

    args = {"items": [
        {"key": "line_difference", "args": {"fee_code": "HOURLY", "status": "not_expected"}},
        {"key": "line_difference", "args": {"fee_code": "AUDIT", "status": "amount_differs"}},
    ]}
    assert render_detail("line_differences", args, "-", lang="nl") == (
        "HOURLY niet verwacht (geen tariefregel leverde deze op); AUDIT bedrag wijkt af")
    assert render_detail("line_differences", args, "-", lang="en") == (
        "HOURLY not expected (no tariff rule produced it); AUDIT amount differs")
