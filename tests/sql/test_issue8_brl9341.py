"""Issue 8, BRL 9341 rules: admission test on too few lots (§9.1.2.1), the extra periodic
assessment after a production stop (§3.3), outsourced sampling (§5.5).

Expected values worked out by hand from data/sources/brl-9341-steenachtige-substraten.txt.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from pipelines.store import refresh
from tests.sql.test_brl9341_helpers import add_analysis, add_series, add_site, set_as_of


def test_admission_with_a_component_on_three_lots_is_not_passed(
        store: duckdb.DuckDBPyConnection) -> None:
    # §9.1.2.1: "ten minste de laatste 5 partijen"; "Het product voldoet als voor alle
    # meetwaarden van de onderzochte componenten voldaan wordt aan de toetsingseis".
    # Benzene (limit 1, log10 = 0), 5 lots, y = -0.3 -0.2 -0.3 -0.2 -0.25: ȳ = -0.25,
    # s = 0.05, ȳ + 0.69 s = -0.2155 <= 0 -> passes.
    # Lead (limit 2.3) on only 3 of those lots, 3.0 each (> 2.3 on every lot): fewer than 5
    # lots -> the test cannot be applied -> not assessable, so the admission is not passed
    # (measured case of issue 8: it used to pass).
    add_site(store, "S1")
    lots = add_series(store, "S1", "benzene", [10**y for y in (-0.3, -0.2, -0.3, -0.2, -0.25)],
                      purpose="admission", start=date(2025, 1, 6))
    for i, lot in enumerate(lots[:3]):
        add_analysis(store, "S1", lot, "lead", 3.0, date(2025, 1, 6) + timedelta(7 * i),
                     purpose="admission")
    refresh(store)  # the admission lots are a stored table, as after an ingest
    rows = store.execute(
        "select component, n_obs, upper_log10, component_passed, component_status,"
        " admission_passed, admission_status from brl9341_admission_test order by component"
    ).fetchall()
    assert rows[0][:2] == ("benzene", 5)
    assert rows[0][2] == pytest.approx(-0.2155, abs=1e-9)
    assert rows[0][3:] == (True, "passed", None, "not_assessable")
    assert rows[1][:2] == ("lead", 3)
    assert rows[1][3:] == (None, "not_assessable", None, "not_assessable")


def test_admission_fails_when_a_component_with_five_lots_fails(
        store: duckdb.DuckDBPyConnection) -> None:
    # §9.1.2.1: benzene 2.0 on 5 lots: ȳ = log10(2) = 0.30103, s = 0 -> 0.30103 > 0 -> fails;
    # lead on 3 lots is not assessable; one failing component fails the admission.
    add_site(store, "S1")
    lots = add_series(store, "S1", "benzene", [2.0] * 5, purpose="admission",
                      start=date(2025, 1, 6))
    for i, lot in enumerate(lots[:3]):
        add_analysis(store, "S1", lot, "lead", 1.0, date(2025, 1, 6) + timedelta(7 * i),
                     purpose="admission")
    refresh(store)  # the admission lots are a stored table, as after an ingest
    assert store.execute(
        "select distinct admission_passed, admission_status from brl9341_admission_test"
    ).fetchall() == [(False, "failed")]


def _brl_cert(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("insert into certificates (certificate_number, scheme, holder_id, issued_on)"
                " values ('B1', 'brl9341', 'H1', date '2018-01-01')")


def _activity(con: duckdb.DuckDBPyConnection, day: str, activity: str) -> None:
    con.execute("insert into activity (certificate_number, activity_date, activity)"
                " values ('B1', ?, ?)", [day, activity])


def _audit(con: duckdb.DuckDBPyConnection, audit_id: str, audit_type: str, day: str,
           outcome: str | None) -> None:
    con.execute("insert into audits (audit_id, certificate_number, audit_type, audit_date,"
                " outcome) values (?, 'B1', ?, ?, ?)", [audit_id, audit_type, day, outcome])


def _status(con: duckdb.DuckDBPyConnection, day: date) -> str:
    set_as_of(con, day)
    return con.execute("select status from certificate_status"
                       " where certificate_number = 'B1'").fetchone()[0]


def test_suspension_after_stop_lifted_by_the_extra_assessment(
        store: duckdb.DuckDBPyConnection) -> None:
    # §3.3: stop 2022-03-01, no delivery from stock -> suspended from 2023-03-02 (stop + 1
    # year + 1 day). "Bij een nieuwe aanvang van de productie zal middels een extra
    # periodieke beoordeling worden nagegaan of het certificaat kan worden behouden":
    # production restarts 2023-06-01; the extra assessment of 2023-06-20 finds deviations
    # (not passed), the one of 2023-09-15 passes -> suspended until 2023-09-14, active from
    # 2023-09-15 (not from the restart on 2023-06-01).
    _brl_cert(store)
    _activity(store, "2022-03-01", "production_stop")
    _activity(store, "2023-06-01", "production_start")
    _audit(store, "X1", "extra", "2023-06-20", "deviations")
    _audit(store, "X2", "extra", "2023-09-15", "pass")
    refresh(store)
    assert _status(store, date(2023, 3, 2)) == "suspended"
    assert _status(store, date(2023, 6, 1)) == "suspended"
    assert _status(store, date(2023, 9, 14)) == "suspended"
    assert _status(store, date(2023, 9, 15)) == "active"
    row = store.execute("select restarted_on, suspended_on, assessment_audit_id,"
                        " suspension_lifted_on from lifecycle_production_stops").fetchone()
    assert row == (date(2023, 6, 1), date(2023, 3, 2), "X2", date(2023, 9, 15))


def test_restart_without_assessment_stays_suspended(store: duckdb.DuckDBPyConnection) -> None:
    # §3.3 as above, restart 2023-06-01 and no extra assessment recorded: still suspended at
    # the end of 2024 (the restart ended the stop, so no lapse at stop + 3 years).
    _brl_cert(store)
    _activity(store, "2022-03-01", "production_stop")
    _activity(store, "2023-06-01", "production_start")
    refresh(store)
    assert _status(store, date(2024, 12, 31)) == "suspended"


def _supervised(con: duckdb.DuckDBPyConnection, year: int) -> tuple[int, int]:
    set_as_of(con, date(year, 12, 31))
    return con.execute(
        "select required_supervised_sampling, shortfall from audit_coverage"
        " where certificate_number = 'B1' and year = ?", [year]).fetchone()


@pytest.mark.parametrize(("outsourced", "required_2023"), [(False, 1), (True, 0)])
def test_outsourced_sampling_needs_no_supervised_sampling(
        store: duckdb.DuckDBPyConnection, outsourced: bool, required_2023: int) -> None:
    # §5.5: "Bij verificatie monsterneming wordt tenminste 1x per 5 jaar de monsterneming
    # onder toezicht van de CI uitgevoerd. Bij uitbesteding van de monsterneming aan een
    # externe voor deze verrichting erkende monsternemer vervalt de externe controle op de
    # monsterneming." Issued 2018-01-01, no sampling under supervision: due 2023-01-01, so
    # required in 2023 (1) - unless the site outsources its sampling (0).
    # 2023 control visits: 2 required (§8.6), two periodic audits performed.
    _brl_cert(store)
    store.execute("insert into sites (site_id, certificate_number, outsourced_sampling)"
                  " values ('S1', 'B1', ?)", [outsourced])
    _audit(store, "P1", "periodic", "2023-03-01", "pass")
    _audit(store, "P2", "periodic", "2023-09-01", "pass")
    refresh(store)
    assert _supervised(store, 2023) == (required_2023, required_2023)


def test_site_file_loads_outsourced_sampling(store: duckdb.DuckDBPyConnection,
                                             tmp_path) -> None:
    # §5.5 site attribute: yes/no, default no; the Dutch column name is accepted too.
    from pipelines.ingest import ingest_file

    _brl_cert(store)
    path = tmp_path / "sites.csv"
    path.write_text("productielocatie;certificaatnummer;monsterneming_uitbesteed\n"
                    "S1;B1;ja\nS2;B1;nee\n", encoding="utf-8")
    ingest_file(store, path, "site")
    other = tmp_path / "sites_plain.csv"
    other.write_text("site_id,certificate_number\nS3,B1\n", encoding="utf-8")
    ingest_file(store, other, "site")
    assert store.execute("select site_id, outsourced_sampling from sites order by 1"
                         ).fetchall() == [("S1", True), ("S2", False), ("S3", False)]
