"""The public register (issue 24, goal 4): exact questions only on Verify a certificate
(a whole certificate number, the QR link's ?certificate=, a holder's whole name), a limit
on lookups per client address that new sessions do not reset, and the full list on its own
page with the fields of Bouwbesluit 2012 art. 1.40 and nothing more.

Store: tests/dashboard/conftest.py: holder H1 'Groen Substraat BV' owns BRL-001 (brl9341,
issued 2020-01-01), H2 'Dakgroen NV' owns BRL-002 (issued 2021-01-01); both active today.
Added here (by hand): H1's second certificate BRL-003 (issued 2022-01-01), a holder whose
name merely contains H1's ('Groen Substraat BV Noord', BRL-004), and BRL-005 of H2 ended on
2023-06-30 (not in force).
"""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries
from pipelines import ratelimit
from pipelines.store import refresh
from tests.dashboard.access_support import APP

SCHEME = "NL-BSB productcertificaat Steenachtige substraten (BRL 9341)"  # schemes.csv


@pytest.fixture
def register_store(dash_store: Path) -> Path:
    con = duckdb.connect(str(dash_store))
    try:
        con.execute("insert into certificate_holders (holder_id, holder_name) values"
                    " ('H3', 'Groen Substraat BV Noord')")
        con.execute("""
            insert into certificates (certificate_number, scheme, holder_id, issued_on,
                                      ended_on) values
                ('BRL-003', 'brl9341', 'H1', date '2022-01-01', null),
                ('BRL-004', 'brl9341', 'H3', date '2022-01-01', null),
                ('BRL-005', 'brl9341', 'H2', date '2021-01-01', date '2023-06-30')
        """)
        refresh(con)
    finally:
        con.close()
    return dash_store


def shown(table) -> dict[str, list]:  # noqa: ANN001 (AppTest's dataframe)
    """The table as a reader sees it: header labels -> cells."""
    labels = json.loads(table.proto.columns)
    frame = table.value.rename(columns={name: spec["label"] for name, spec in labels.items()
                                        if "label" in spec})
    return {column: list(frame[column]) for column in frame.columns}


def verify_page(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/verify.py").run()
    return at


def test_by_whole_certificate_number_only(register_store: Path) -> None:
    at = verify_page()
    at.text_input(key="verify_number").input(" brl-001 ").run()
    table = shown(at.dataframe[0])
    assert set(table) == {"Certificate", "Holder", "Scheme", "Status", "Since"}
    assert (table["Certificate"], table["Holder"]) == (["BRL-001"], ["Groen Substraat BV"])
    for probe in ("BRL-00", "BRL-%", "%", "_RL-001", "' or '1'='1", "BRL-001' --", "BRL"):
        at.text_input(key="verify_number").input(probe).run()
        assert not at.dataframe, probe  # no part of a number, no wildcard


def test_the_qr_link_answers_on_opening(register_store: Path) -> None:
    at = verify_page({"certificate": "BRL-002"})
    assert shown(at.dataframe[0])["Holder"] == ["Dakgroen NV"]


def test_by_whole_holder_name_only(register_store: Path) -> None:
    at = verify_page()
    # case and surrounding / repeated spaces aside: H1's two certificates, not H3's
    at.text_input(key="verify_holder").input("  groen   SUBSTRAAT bv ").run()
    assert shown(at.dataframe[0])["Certificate"] == ["BRL-001", "BRL-003"]
    for probe in ("Groen Substraat", "substraat", "Groen", "Groen Substraat B", "%", "_",
                  "Groen Substraat BV%", "' or '1'='1", ".*"):
        at.text_input(key="verify_holder").input(probe).run()
        assert not at.dataframe, probe
    # the longer name is its own holder: only its certificate
    at.text_input(key="verify_holder").input("Groen Substraat BV Noord").run()
    assert shown(at.dataframe[0])["Certificate"] == ["BRL-004"]


def test_lookups_are_limited_per_client_address(register_store: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_REGISTER_LOOKUPS", "3")
    # AppTest has no connection: every session would count on its own key
    # (dashboard.auth.client_address); give them the one address a real client has
    import dashboard.auth
    monkeypatch.setattr(dashboard.auth, "_peer_and_forwarded", lambda: ("198.51.100.7", []))
    at = verify_page()
    for number in ("BRL-001", "BRL-002", "BRL-404"):  # three lookups (one finds nothing)
        at.text_input(key="verify_number").input(number).run()
        assert not at.warning
    # the same question again (a rerun, another tab's click) is not a new lookup
    at.run()
    assert not at.warning and [i.value for i in at.info][-1].startswith("No certificate")
    at.text_input(key="verify_number").input("BRL-003").run()
    assert not at.dataframe
    assert at.warning[0].value.startswith("Too many lookups from your address. Try again in")
    at.text_input(key="verify_number").input("").run()
    at.text_input(key="verify_holder").input("Dakgroen NV").run()  # names count too
    assert not at.dataframe and at.warning
    # a new session from the same address does not start again from zero
    fresh = verify_page({"certificate": "BRL-001"})
    assert not fresh.dataframe and fresh.warning


def test_the_limit_is_counted_atomically_per_key(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    results: list[float] = []

    def ask() -> None:
        results.append(ratelimit.take(store, "register:10.0.0.1", 5, 600, now=1000.0))

    threads = [threading.Thread(target=ask) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results)[:5] == [0.0] * 5 and all(r == 600.0 for r in sorted(results)[5:])
    # another address has its own count; the window slides
    assert ratelimit.take(store, "register:10.0.0.2", 5, 600, now=1000.0) == 0.0
    assert ratelimit.take(store, "register:10.0.0.1", 5, 600, now=1599.0) == 1.0
    assert ratelimit.take(store, "register:10.0.0.1", 5, 600, now=1600.0) == 0.0


def test_the_full_list_is_one_page_with_the_fields_of_bbl_1_40(register_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()  # not logged in: the page is public
    at.switch_page("app_pages/register.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Public register"]
    # Bbl art. 1.40: scheme, holder, certificate; certificates in force only (BRL-005
    # ended 2023-06-30), every holder of one, ordered by scheme and holder
    assert shown(at.dataframe[0]) == {
        "Scheme": [SCHEME] * 4,
        "Holder": ["Dakgroen NV", "Groen Substraat BV", "Groen Substraat BV",
                   "Groen Substraat BV Noord"],
        "Certificate": ["BRL-002", "BRL-001", "BRL-003", "BRL-004"],
    }
    assert not at.text_input  # a list, not a search
    assert queries.register_list(date.today()).columns == ["scheme", "holder_name",
                                                           "certificate_number"]
