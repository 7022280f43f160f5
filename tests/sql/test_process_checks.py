"""process_findings: the procedural checks of docs/rules.md §7, each on both sides of its
limit, with the expected findings worked out by hand from the article's numbers."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.store import refresh


def _cert(con, number: str, scheme: str) -> None:
    con.execute("insert into certificates (certificate_number, scheme, holder_id, issued_on)"
                " values (?, ?, 'H1', date '2015-01-01')", [number, scheme])


def _findings(con, check: str) -> list[tuple]:
    return con.execute(
        "select subject, found_on::varchar, severity, status, detail from process_findings"
        " where \"check\" = ? order by subject, detail", [check]).fetchall()


@pytest.fixture
def con(store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    _cert(store, "B1", "brl9341")
    _cert(store, "P1", "pkvw")
    _cert(store, "A1", "asbestos_process")  # billed under TAR 9201
    return store


# --- BRL 9341 §5.5.2: a lot is at most 1/10 of its product stream's yearly production ----
# (one product per site here; two products of one site: tests/sql/test_issue22_process.py)

def _lot(con, site: str, lot: str, produced_on: str, tonnes: float | None) -> None:
    con.execute("insert into lots (site_id, lot_id, certificate_number, product, produced_on,"
                " lot_size_tonnes) values (?, ?, 'B1', 'boomgranulaat', ?, ?)",
                [site, lot, produced_on, tonnes])


def test_lot_size_against_a_tenth_of_the_yearly_production(con) -> None:
    # S1 2023: ten lots of 100 t -> production 1 000 t, each lot exactly 1/10: complies.
    for i in range(10):
        _lot(con, "S1", f"A{i}", f"2023-{i + 1:02d}-15", 100.0)
    # S2 2023: one lot of 101 t and nine of 100 t -> production 1 001 t, a tenth 100.1 t:
    # 101 > 100.1 breaks the rule, 100 <= 100.1 does not.
    _lot(con, "S2", "B0", "2023-01-15", 101.0)
    for i in range(1, 10):
        _lot(con, "S2", f"B{i}", f"2023-{i + 1:02d}-15", 100.0)
    # S3 2023: one lot without a size -> the year is not assessable, not a pass.
    _lot(con, "S3", "C0", "2023-03-01", 50.0)
    _lot(con, "S3", "C1", "2023-04-01", None)
    # 2024 is not complete on the as-of date: a single 500 t lot is not judged yet.
    _lot(con, "S1", "A10", "2024-02-01", 500.0)
    con.execute("set variable as_of = date '2024-06-30'")
    found = _findings(con, "lot_size")
    assert [(s, f, sev, st) for s, f, sev, st, _ in found] == [
        ("lot B0 (site S2)", "2023-12-31", "major", "open"),
        ("site S3, boomgranulaat, 2023", "2023-12-31", "info", "not_assessable"),
    ]
    assert "101.0 t is more than 1/10" in found[0][4] and "1001.0 t" in found[0][4]
    assert found[0][4].endswith("(1001.0 t; at most 100.1 t)")
    assert found[1][4].startswith("1 of 2 lots of boomgranulaat produced in 2023 have no size")
    # On 31 December 2024 the 2024 year is complete: 500 t is all of S1's 2024 production.
    con.execute("set variable as_of = date '2024-12-31'")
    assert ("lot A10 (site S1)", "2024-12-31", "major", "open") in [
        r[:4] for r in _findings(con, "lot_size")]


# --- BRL 9341 §5.5.3: grabs within 28 days, at the lab within 7, grabs per regime --------

def _analysis(con, lot: str, sample: str, day: str, lab: str | None = "LabA",
              component: str = "arsenic", report: str = "R1") -> None:
    con.execute(
        "insert into analyses (certificate_number, site_id, lot_id, product, sample_id,"
        " sampled_on, component, value, below_loq, lab, lab_report_id, purpose)"
        " values ('B1', 'S1', ?, 'boomgranulaat', ?, ?, ?, 1.0, false, ?, ?, 'production')",
        [lot, sample, day, component, lab, report])


def _record(con, sample: str, lot: str, grabs: int, first: str, last: str,
            received: str | None) -> None:
    con.execute(
        "insert into sampling_records (certificate_number, site_id, lot_id, sample_id, grabs,"
        " first_grab_on, last_grab_on, received_at_lab_on) values ('B1', 'S1', ?, ?, ?, ?, ?, ?)",
        [lot, sample, grabs, first, last, received])


def test_sampling_record_limits_under_the_lot_inspection_regime(con) -> None:
    # The first lots of a site are in admission: lot-inspection regime, 2 mixed samples per
    # lot of at least 6 grabs each.
    con.execute("insert into sites (site_id, certificate_number, site_kind, n_window)"
                " values ('S1', 'B1', 'production', 5)")
    _analysis(con, "L1", "M1", "2024-01-29")
    _analysis(con, "L1", "M2", "2024-01-30")
    _analysis(con, "L2", "M3", "2024-02-28")
    _analysis(con, "L3", "M4", "2024-03-20")
    # M1: 6 grabs, 1 Jan -> 29 Jan = 28 days, at the lab 5 Feb = 7 days: complies.
    _record(con, "M1", "L1", 6, "2024-01-01", "2024-01-29", "2024-02-05")
    # M2: 5 grabs (< 6), 1 Jan -> 30 Jan = 29 days (> 28), at the lab 7 Feb = 8 days (> 7).
    _record(con, "M2", "L1", 5, "2024-01-01", "2024-01-30", "2024-02-07")
    # M3: 27 days, 28 Feb + 7 = 6 Mar (2024 is a leap year): complies, but L2 has one sample.
    _record(con, "M3", "L2", 6, "2024-02-01", "2024-02-28", "2024-03-06")
    # M4: no record at a site that reports sampling: flagged.
    refresh(con)
    con.execute("set variable as_of = date '2024-12-31'")
    found = _findings(con, "sampling")
    assert [(s, f, sev) for s, f, sev, _, _ in found] == [
        ("lot L2 (site S1)", "2024-02-28", "major"),
        ("sample M2 (lot L1, site S1)", "2024-01-30", "major"),  # 5 grabs
        ("sample M2 (lot L1, site S1)", "2024-02-07", "major"),  # at the lab after 8 days
        ("sample M2 (lot L1, site S1)", "2024-01-30", "major"),  # grabs over 29 days
        ("sample M4 (lot L3, site S1)", "2024-03-20", "minor"),
    ]
    details = [d for *_, d in found]
    assert details[0].startswith("1 mixed sample(s) under the lot-inspection regime")
    assert "5 grabs in the mixed sample; the lot-inspection regime needs at least 6" in details
    assert "grabs taken over 29 days (first 2024-01-01, last 2024-01-30): more than 28" \
        " calendar days" in details
    assert "at the lab 8 days after the last grab (2024-01-30 → 2024-02-07): more than 7 days" \
        in details
    assert details[4].startswith("no sampling record")


def test_the_sampling_regime_needs_32_grabs_in_one_mixed_sample(con) -> None:
    _analysis(con, "L1", "M1", "2024-01-10")
    _analysis(con, "L2", "M2", "2024-02-10")
    _analysis(con, "L3", "M3", "2024-03-10")
    _record(con, "M1", "L1", 6, "2024-01-01", "2024-01-05", "2024-01-06")
    _record(con, "M2", "L2", 32, "2024-02-01", "2024-02-05", "2024-02-06")  # exactly 32
    _record(con, "M3", "L3", 31, "2024-03-01", "2024-03-05", "2024-03-06")  # one short
    refresh(con)
    # The regime after each lot comes from the stored regime events: say L1 moved the site
    # to the sampling regime, which then applies to L2 and L3 (one mixed sample each).
    con.execute("delete from brl9341_regime_events")
    con.execute("insert into brl9341_regime_events (site_id, product, lot_id, event_seq,"
                " regime) values ('S1', 'boomgranulaat', 'L1', 1, 'sampling'),"
                " ('S1', 'boomgranulaat', 'L2', 2, 'sampling'),"
                " ('S1', 'boomgranulaat', 'L3', 3, 'sampling')")
    # recompute the stored per-sample facts from these events (not the events themselves)
    con.execute("create or replace table process_sampling_samples as"
                " select * from process_sampling_samples__compute")
    con.execute("set variable as_of = date '2024-12-31'")
    found = _findings(con, "sampling")
    # L1 itself was taken under admission (lot inspection): 6 grabs suffice, but it is one
    # mixed sample where two are needed.
    assert [(s, d) for s, _, _, _, d in found] == [
        ("lot L1 (site S1)",
         "1 mixed sample(s) under the lot-inspection regime; 2 per lot are needed"),
        ("sample M3 (lot L3, site S1)",
         "31 grabs in the mixed sample; the sampling regime needs at least 32"),
    ]


# --- BRL 9341 §1.4: results count only from an ISO/IEC 17025 accredited lab ---------------

def test_lab_accreditation_on_the_analysis_date(con) -> None:
    con.execute("insert into lab_accreditations values"
                " ('LabA', 'L100', '*', date '2020-01-01', date '2024-03-31', null, null,"
                " null, null), ('LabB', 'L200', 'As', date '2024-01-01', null, null, null,"
                " null, null)")
    _analysis(con, "L1", "M1", "2024-03-31", lab="LabA", report="R1")  # last valid day
    _analysis(con, "L2", "M2", "2024-04-01", lab="LabA", report="R2")  # ended the day before
    _analysis(con, "L3", "M3", "2024-05-01", lab="LabB", report="R3")  # arsenic in scope
    _analysis(con, "L3", "M3", "2024-05-01", lab="LabB", report="R3", component="zinc")
    _analysis(con, "L4", "M4", "2024-05-01", lab=None, report="R4")
    refresh(con)
    con.execute("set variable as_of = date '2024-12-31'")
    found = _findings(con, "lab_accreditation")
    assert [(s, d) for s, _, _, _, d in found] == [
        ("lab report R2 (LabA)", "no ISO/IEC 17025 accreditation valid on 2024-04-01 for"
         " arsenic (lots L2): these results do not count"),
        ("lab report R3 (LabB)", "no ISO/IEC 17025 accreditation valid on 2024-05-01 for"
         " zinc (lots L3): these results do not count"),
        ("lab report R4 (lab not named)", "no ISO/IEC 17025 accreditation valid on"
         " 2024-05-01 for arsenic (lots L4): these results do not count"),
    ]
    per_result = con.sql("select lab_report_id, component, accredited, accreditation_number"
                         " from process_lab_accreditation order by 1, 2").fetchall()
    assert per_result[:3] == [("R1", "arsenic", True, "L100"), ("R2", "arsenic", False, None),
                              ("R3", "arsenic", True, "L200")]


# --- CCV PKVW §2.1, §3.3.2, bijlage 3: VOG ≤ 5 years, diploma, refresher 18 months --------

def _person(con, person: str, *quals: tuple[str, str]) -> None:
    con.execute("insert into persons (person_id, certificate_number, name) values (?, 'P1', ?)",
                [person, f"Name {person}"])
    for qualification, day in quals:
        con.execute("insert into staff_qualifications (person_id, qualification, obtained_on)"
                    " values (?, ?, ?)", [person, qualification, day])


def test_staff_qualifications_against_their_periods(con) -> None:
    # as of 2024-06-30; + 60 days = 2024-08-29.
    # p1: VOG 2019-06-30 valid through 2024-06-30 (exactly 5 years: not older) -> runs out
    #     within 60 days (minor); adviser diploma 2023-01-01 -> refresher due 2024-07-01,
    #     within 60 days (minor).
    _person(con, "p1", ("vog", "2019-06-30"), ("diploma_adviser", "2023-01-01"))
    # p2: VOG 2019-06-29 valid through 2024-06-29 < as-of -> out of date (major); fitter.
    _person(con, "p2", ("vog", "2019-06-29"), ("diploma_fitter", "2020-01-01"))
    # p3: VOG 2019-08-30 valid through 2024-08-30 = as-of + 61 days -> nothing; no diploma.
    _person(con, "p3", ("vog", "2019-08-30"))
    # p4: adviser diploma 2020-01-01, refresher 2022-12-31 -> due 2024-06-30 = as-of: not
    #     yet overdue, within 60 days (minor); VOG 2010-01-01 ran out 2015-01-01, renewed
    #     2016-01-01 (resolved), renewed again 2020-06-01 (in time: no finding).
    _person(con, "p4", ("vog", "2010-01-01"), ("vog", "2016-01-01"), ("vog", "2020-06-01"),
            ("diploma_adviser", "2020-01-01"), ("refresher", "2022-12-31"))
    # p5: adviser diploma 2021-01-01, no refresher -> due 2022-07-01, overdue (major); no VOG.
    _person(con, "p5", ("diploma_adviser", "2021-01-01"))
    con.execute("set variable as_of = date '2024-06-30'")
    found = _findings(con, "staff_qualification")
    assert [(s, f, sev, st, d) for s, f, sev, st, d in found] == [
        ("person p1 (Name p1)", "2024-06-30", "minor", "open",
         "adviser's refresher due on 2024-07-01"),
        ("person p1 (Name p1)", "2024-06-30", "minor", "open",
         "certificate of conduct (VOG) of 2019-06-30 runs out on 2024-06-30"),
        ("person p2 (Name p2)", "2024-06-29", "major", "open",
         "certificate of conduct (VOG) of 2019-06-29 is older than 5 years since 2024-06-29"),
        ("person p3 (Name p3)", "2024-06-30", "major", "open",
         "no diploma preventieadviseur or monteur PKVW on record"),
        ("person p4 (Name p4)", "2024-06-30", "minor", "open",
         "adviser's refresher due on 2024-06-30"),
        ("person p4 (Name p4)", "2015-01-01", "major", "resolved",
         "certificate of conduct (VOG) of 2010-01-01 ran out on 2015-01-01; renewed on"
         " 2016-01-01"),
        ("person p5 (Name p5)", "2022-07-01", "major", "open",
         "adviser's refresher overdue since 2022-07-01 (last training 2021-01-01)"),
        ("person p5 (Name p5)", "2024-06-30", "major", "open",
         "no certificate of conduct (VOG) on record"),
    ]


# --- TAR 9201 §2.2.4.1: audits without start or end time ---------------------------------

def test_audits_without_times_of_tar_9201_certificates(con) -> None:
    con.execute(
        "insert into audits (audit_id, certificate_number, audit_type, audit_date, start_time,"
        " end_time) values"
        " ('a1', 'A1', 'process', date '2024-03-01', time '09:00', time '11:00'),"
        " ('a2', 'A1', 'field', date '2024-03-02', time '09:00', null),"
        " ('a3', 'A1', 'field', date '2024-03-03', null, null),"
        " ('a4', 'P1', 'periodic', date '2024-03-04', null, null),"   # PKVW: not TAR 9201
        " ('a5', 'A1', 'field', date '2024-08-01', null, null)")      # after the as-of date
    con.execute("set variable as_of = date '2024-06-30'")
    assert [(s, f, d) for s, f, _, _, d in _findings(con, "audit_times")] == [
        ("audit a2 (field)", "2024-03-02", "no end time: billed as 2 h in office hours until"
         " completed"),
        ("audit a3 (field)", "2024-03-03", "no start and no end time: billed as 2 h in office"
         " hours until completed"),
    ]


def test_process_findings_has_the_contract_columns(con) -> None:
    columns = [c[0] for c in con.sql("select * from process_findings limit 0").description]
    assert columns == ["check", "article", "certificate_number", "subject", "found_on",
                       "detail", "severity", "status",
                       # issue 27: subject and detail as message keys, after the contract's
                       "subject_key", "subject_args", "detail_key", "detail_args"]
