"""Certificates and audits page: register filters, status timeline, afwijkingen register
with deadline colours, audits, public register; access per role.

Store and hand-worked values: tests/dashboard/mgmt_store.py (as of 2025-06-30).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import queries
from dashboard.viewer import BODY, producer, staff
from tests.dashboard.mgmt_app import charts, frame_with, metrics, open_app, open_page_alone
from tests.dashboard.mgmt_store import AS_OF, build

H1 = producer("Groen Substraat BV", ("BRL-001",), ("H1",))
FINANCE = staff("finance", "F")


@pytest.fixture(scope="module", autouse=True)
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = build(tmp_path_factory.mktemp("certificates") / "mgmt.duckdb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CERT_DB", str(path))
        yield path


@pytest.mark.parametrize("viewer", [BODY, FINANCE])
def test_register_and_status_filter(viewer) -> None:  # noqa: ANN001
    at = open_app(viewer, "certificates")
    assert not at.exception
    assert [t.value for t in at.title] == ["Certificates and audits"]
    register = frame_with(at, "holder_name")
    assert sorted(register["certificate_number"]) == ["BRL-001", "P1"]
    # P1: afwijking D1 not corrected by 2025-05-10 -> suspended from 2025-05-11 (§4.3.3).
    p1 = register[register["certificate_number"] == "P1"].iloc[0]
    assert (p1["status"], p1["status_since"]) == ("Suspended", date(2025, 5, 11))
    at.multiselect(key="cert_statuses").set_value(["suspended"]).run()
    assert not at.exception
    assert list(frame_with(at, "holder_name")["certificate_number"]) == ["P1"]
    assert at.query_params["status"] == "suspended"
    assert metrics(at)["Certificates"] == "1"


def test_a_link_lands_filtered() -> None:
    at = open_app(BODY, "certificates", {"scheme": "brl9341"})
    assert list(frame_with(at, "holder_name")["certificate_number"]) == ["BRL-001"]


def test_status_timeline_with_reasons() -> None:
    at = open_app(BODY, "certificates", {"section": "detail", "certificate": "P1"})
    assert not at.exception
    assert charts(at) == 1
    history = frame_with(at, "previous_status")
    # applied 2019-06-01 (in admission), issued 2020-01-01, suspended 2025-05-11.
    assert list(history["status"]) == ["In admission", "Active", "Suspended"]
    assert list(history["status_since"]) == [date(2019, 6, 1), date(2020, 1, 1),
                                             date(2025, 5, 11)]
    assert history["article"].iloc[-1] == "CCV PKVW §4.3.2-§4.3.3"
    # the first period has no previous status and the last no end: empty cells shown as
    # "—" (the grid's placeholder), never the text "None"
    assert pd.isna(history["previous_status"].iloc[0])
    assert pd.isna(history["status_until"].iloc[-1])
    assert "None" not in set(history["previous_status"].dropna())
    grid = next(t for t in at.dataframe if "previous_status" in t.value.columns)
    assert grid.proto.placeholder == "—"
    # the scheme by its name, not its code (pkvw)
    assert metrics(at)["Scheme"] == "CCV PKVW"
    # D1 still open: withdrawal 6 months after the suspension, 2025-11-11 (§4.3.3).
    assert metrics(at)["Withdrawn or lapsed on, unless lifted"] == "11 November 2025"
    assert sorted(frame_with(at, "deviation_id")["deviation_id"]) == ["D1", "D2"]


def test_deviation_register_marks_deadlines() -> None:
    at = open_app(BODY, "certificates", {"section": "deviations"})
    assert not at.exception
    table = frame_with(at, "deviation_id")
    urgency = dict(zip(table["deviation_id"], table["urgency"], strict=True))
    # D1 deadline 2025-05-10 passed and open: red; D2 deadline 2025-07-05 is 5 days away:
    # amber; D3 closed 2025-02-01 in time.
    assert urgency == {"D1": "past due", "D2": "due within 14 days", "D3": ""}
    assert metrics(at)["Past deadline"] == "1"
    at.toggle(key="dev_open").set_value(True).run()
    assert sorted(frame_with(at, "deviation_id")["deviation_id"]) == ["D1", "D2"]


def test_audits_public_register_and_other_sections() -> None:
    at = open_app(BODY, "certificates", {"section": "audits", "certificate": "BRL-001"})
    assert not at.exception
    assert charts(at) == 1
    rows = frame_with(at, "shortfall")
    row_2025 = rows[rows["year"] == 2025].iloc[0]
    assert (row_2025["performed"], row_2025["next_audit_due"]) == (0, date(2025, 4, 1))
    public = open_app(BODY, "certificates", {"section": "public"})
    assert sorted(frame_with(public, "holder_name")["holder_name"]) == [
        "Groen Substraat BV", "Veilig Wonen BV"]
    for section in ("pkvw", "complaints", "stops"):
        other = open_app(BODY, "certificates", {"section": section})
        assert not other.exception, section
        assert other.info or other.dataframe, section  # a table or a plain empty state


@pytest.mark.parametrize("viewer", [staff("college", "C"), H1])
def test_refused_to_college_and_producers(viewer) -> None:  # noqa: ANN001
    at = open_page_alone(viewer, "certificates")
    assert not at.exception
    assert [e.value for e in at.error] == ["This page is not available to you."]
    assert not at.dataframe


def test_a_producer_never_gets_another_holders_certificates() -> None:
    assert queries.certificate_register(H1, AS_OF)["certificate_number"].to_list() == [
        "BRL-001"]
    assert queries.deviations(H1, AS_OF).is_empty()  # D1-D3 belong to P1
    assert queries.status_history(H1, AS_OF, "P1").is_empty()
    assert queries.public_register(H1, AS_OF)["certificate_number"].to_list() == ["BRL-001"]
    assert queries.deviations(BODY, AS_OF).height == 3


def test_process_findings_section_and_the_producer_filter() -> None:
    # The lab reports R1 (2025-03-01) and R2 (2025-06-01) of BRL-001 name no lab: no
    # ISO/IEC 17025 accreditation covers them (BRL 9341 §1.4), two open major findings.
    at = open_app(BODY, "certificates", {"section": "findings"})
    assert not at.exception
    shown = metrics(at)
    assert (shown["Open, major"], shown["Open, minor"], shown["Not assessable"]) == ("2", "0", "0")
    rows = frame_with(at, "detail")
    assert list(rows["subject"]) == ["lab report R2 (lab not named)",
                                     "lab report R1 (lab not named)"]
    # A check filter that matches nothing empties the table and stays in the URL.
    other = open_app(BODY, "certificates", {"section": "findings", "check": "lot_size"})
    assert other.query_params.get("check") == "lot_size"
    assert [i.value for i in other.info] == [
        "No findings of the process checks for this selection on the as-of date."]
    # Row filter in SQL: P1's holder never gets BRL-001's findings.
    veilig = producer("Veilig Wonen BV", ("P1",), ("H2",))
    assert queries.process_findings(veilig, AS_OF).is_empty()
    assert queries.process_findings(H1, AS_OF).height == 2
