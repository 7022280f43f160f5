"""Billing page: invoice check per month with the tariff rule, receivables by age,
revenue; access per role.

Store and hand-worked values: tests/dashboard/mgmt_store.py (as of 2025-06-30).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import queries
from dashboard.viewer import BODY, producer, staff
from tests.dashboard.mgmt_app import charts, frame_with, metrics, open_app, open_page_alone
from tests.dashboard.mgmt_store import AS_OF, build

H1 = producer("Groen Substraat BV", ("BRL-001",), ("H1",))
H2 = producer("Veilig Wonen BV", ("P1",), ("H2",))
FINANCE = staff("finance", "F")


@pytest.fixture(scope="module", autouse=True)
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = build(tmp_path_factory.mktemp("billing") / "mgmt.duckdb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CERT_DB", str(path))
        yield path


@pytest.mark.parametrize("viewer", [FINANCE, BODY])
def test_invoice_check_shows_the_line_and_its_rule(viewer) -> None:  # noqa: ANN001
    at = open_app(viewer, None if viewer is FINANCE else "billing")  # finance's home page
    assert not at.exception
    assert [t.value for t in at.title] == ["Billing"]
    # The one month with invoices: 2025-04. HOURLY 100.00 invoiced, no tariff rule of a
    # BRL 9341 certificate expects it: not_expected (shown in words), difference +100.00.
    assert at.selectbox(key="bill_period").value == "2025-04"
    lines = frame_with(at, "fee_code")
    row = lines.iloc[0]
    assert (row["certificate_number"], row["fee_code"], row["status"]) == (
        "BRL-001", "HOURLY", "not expected (no tariff rule produced it)")
    assert (row["expected_excl_vat"], row["invoiced_excl_vat"], row["difference"]) == (
        0.0, 100.0, 100.0)
    assert row["rule"].startswith("TAR 9201 §2.2.5")
    assert metrics(at)["Certificates with a difference"] == "1"
    # 2025-04 lies in the 12 months before the as-of month 2025-06: the Overview's tile
    # counts it, and the page names the month where that difference is.
    assert queries.check_differences_by_month(viewer, AS_OF) == {"2025-04": 1}
    assert any("2025-04: 1" in c.value for c in at.caption)
    assert at.selectbox(key="bill_period").format_func("2025-04") == "2025-04 · 1 differing"


def test_receivables_by_age_and_the_bucket_filter() -> None:
    at = open_app(FINANCE, params={"section": "receivables"})
    assert not at.exception
    # INV1: 121.00 due 2025-05-31 (end of the month of 2025-04-01 + 30 days, TAR 9201
    # §2.3.2); 30 days overdue on 2025-06-30 -> bucket 0–30.
    tiles = metrics(at)
    assert tiles["0–30 days"] == "€121.00"
    assert tiles["> 90 days"] == "€0.00"
    open_rows = frame_with(at, "invoice_id")
    assert list(open_rows["invoice_id"]) == ["INV1"]
    assert list(open_rows["days_overdue"]) == [30]
    assert charts(at) == 1
    at.multiselect(key="bill_buckets").set_value(["> 90"]).run()
    assert not at.exception
    assert "invoice_id" not in {c for t in at.dataframe for c in t.value.columns}
    assert at.query_params["bucket"] == "> 90"


def test_revenue_over_time() -> None:
    at = open_app(FINANCE, params={"section": "revenue"})
    assert not at.exception
    assert charts(at) == 1
    per_code = frame_with(at, "fee_code")
    # INV1's HOURLY line, 2025, BRL 9341 (the scheme by its name, not brl9341): nothing
    # expected by the tariff, 100.00 invoiced.
    assert per_code[["year", "scheme", "fee_code"]].values.tolist() == [
        [2025, "BRL 9341", "HOURLY"]]
    assert per_code[["expected_excl_vat", "invoiced_excl_vat", "difference"]].values.tolist(
    ) == [[0.0, 100.0, 100.0]]


@pytest.mark.parametrize("viewer", [staff("college", "C"), H1])
def test_refused_to_college_and_producers(viewer) -> None:  # noqa: ANN001
    at = open_page_alone(viewer, "billing")
    assert not at.exception
    assert [e.value for e in at.error] == ["This page is not available to you."]
    assert not at.dataframe


def test_billing_queries_keep_to_the_viewers_rows() -> None:
    assert queries.receivables(H2, AS_OF).is_empty()  # INV1 is BRL-001's
    assert queries.receivables(H1, AS_OF)["invoice_id"].to_list() == ["INV1"]
    assert queries.invoice_check_lines(H2, AS_OF, "2025-04").is_empty()
    assert queries.revenue(H1, AS_OF).is_empty()  # company-wide sums: the body only


def test_audits_without_times_section() -> None:
    # The store has the view billing_audits_without_times; the one audit (A1, BRL 9341) is
    # not billed by TAR 9201, so none lacks its times.
    at = open_app(FINANCE, params={"section": "no_times"})
    assert not at.exception
    assert [s.value for s in at.success] == ["Every audit has a start and end time."]
    assert queries.audits_without_times(BODY, AS_OF).is_empty()


def test_an_audit_without_times_is_listed(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # An asbestos person certificate's periodic audit is billed by TAR 9201 (§2.2.4.1);
    # without start and end time it is billed as 2 h in office hours, so it is listed.
    import duckdb

    from pipelines.store import refresh

    path = build(tmp_path / "times.duckdb")
    con = duckdb.connect(str(path))
    try:
        con.execute("insert into certificates (certificate_number, scheme, holder_id,"
                    " applied_on, issued_on) values ('ADI-1', 'asbestos_person', 'H1',"
                    " date '2023-11-01', date '2024-01-01')")
        con.execute("insert into audits (audit_id, certificate_number, audit_type, audit_date,"
                    " country, inspector, outcome) values ('A2', 'ADI-1', 'periodic',"
                    " date '2025-05-20', 'BE', 'I1', 'pass')")
        refresh(con)
    finally:
        con.close()
    monkeypatch.setenv("CERT_DB", str(path))
    rows = queries.audits_without_times(BODY, AS_OF)
    assert rows.select("audit_id", "missing").rows() == [("A2", "start_time and end_time")]
    assert queries.audits_without_times(H2, AS_OF).is_empty()  # ADI-1 is H1's, not H2's
    at = open_app(FINANCE, params={"section": "no_times"})
    assert not at.exception
    assert list(frame_with(at, "audit_id")["audit_id"]) == ["A2"]
