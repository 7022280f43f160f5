"""The months the Billing page offers (queries.billing_periods): up to the as-of date, and
the as-of month only once something of it is due on or before that date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from dashboard import queries
from dashboard.viewer import BODY
from pipelines.store import refresh


@pytest.fixture
def attest_store(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # An asbestos person certificate issued 2024-01-01 with 200 attests on 2024-01-15
    # (COPRO TAR 9201): application fee on 2024-01-01 (§2.2.2.1); attest and audit
    # contributions of January on 2024-01-31 (§2.2.4.1, §2.2.6); no attest in 2025, so the
    # yearly minimums (ATTEST_MIN 50 × 20, AUDIT_ATTEST_MIN 50 × 5) fall on 2025-12-31.
    with duckdb.connect(str(store_path)) as con:
        con.execute("insert into certificates (certificate_number, scheme, holder_id,"
                    " issued_on) values ('PE1', 'asbestos_person', 'H', date '2024-01-01')")
        con.execute("insert into activity (certificate_number, activity_date, activity,"
                    " quantity, source_file, source_line) values"
                    " ('PE1', date '2024-01-15', 'attest', 200, 'attests.csv', 2)")
        refresh(con)
    monkeypatch.setenv("CERT_DB", str(store_path))
    return store_path


def test_the_as_of_month_only_once_a_fee_of_it_is_due(attest_store: Path) -> None:
    assert queries.billing_periods(BODY, date(2024, 1, 20)) == ["2024-01"]
    # 2025-12-10: the December minimums are not due until the 31st, nothing else in 2025.
    assert queries.billing_periods(BODY, date(2025, 12, 10)) == ["2024-01"]
    assert queries.billing_periods(BODY, date(2025, 12, 31)) == ["2025-12", "2024-01"]
    # a later month: December whole
    assert queries.billing_periods(BODY, date(2026, 2, 1)) == ["2025-12", "2024-01"]
