"""Issue 22 point 12: a lab's corrected report.

Labs withdraw and reissue results. A lab row that names the report it corrects
(replaces_report_id, vervangt_rapport) replaces that report's analysis of the same sample
and component: the old analysis leaves `analyses` for `analyses_replaced`, with when and
by which file and line. A plain repeat with another value stays a duplicate.

Limits (BRL 9341 bijlage IV tabel 2, data/reference/ref_limits.csv): lead 2.3 mg/kg d.s.
A lot exceeds when its observation (the mean of its analyses, bijlage II "Per partij kan
er maar één analyseresultaat zijn") is above the limit.

Measured on the code before: the corrected row (same sample, lead 1.0) was quarantined as
"duplicate analysis ... already stored with other values" and the lot stayed `exceeds`.
"""

from __future__ import annotations

import pytest

from pipelines.ingest import ingest_file
from pipelines.store import refresh

from .conftest import write

HEADER = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,"
          "unit,lab_report_id,vervangt_rapport\n")


def row(report: str, component: str, value: str, replaces: str = "", sample: str = "M1",
        lot: str = "P1") -> str:
    return (f"BSB-001,S1,boomgranulaat,{lot},{sample},2024-03-05,{component},{value},"
            f"mg/kg ds,{report},{replaces}\n")


def current(con) -> list[tuple]:
    return con.sql("select lab_report_id, sample_id, component, value from analyses"
                   " order by all").fetchall()


def lead_status(con) -> tuple:
    refresh(con)  # the stored lot tables, as an ingest through connect_write does
    return con.sql("select observation, n_analyses, exceeds from lot_compliance"
                   " where component = 'lead'").fetchall()[0]


@pytest.fixture
def original(master, tmp_path):
    # R1: lead 3.0 (above 2.3: the lot exceeds), zinc 1.0
    result = ingest_file(master, write(tmp_path, "R1.csv", HEADER + row("R1", "lead", "3.0")
                                       + row("R1", "zinc", "1.0")))
    assert (result.rows_loaded, result.rows_quarantined) == (2, 0)
    assert lead_status(master) == (3.0, 1, True)
    return master


def test_a_corrected_report_replaces_the_analysis_and_keeps_the_old_one(original, tmp_path):
    con = original
    result = ingest_file(con, write(tmp_path, "R2.csv", HEADER + row("R2", "lead", "1.0",
                                                                     replaces="R1")))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 0)
    # zinc is not in the corrected report: R1's zinc stays in force (per sample x component)
    assert current(con) == [("R1", "M1", "zinc", 1.0), ("R2", "M1", "lead", 1.0)]
    # the lot is now judged on 1.0 alone (not the mean 2.0 of both): 1.0 <= 2.3
    assert lead_status(con) == (1.0, 1, False)
    stg = con.sql("select lab_report_id, value from stg_analyses where component = 'lead'")
    assert stg.fetchall() == [("R2", 1.0)]
    at = con.sql("select ingested_at from ingestion_log where file_name = 'R2.csv'"
                 ).fetchall()[0][0]
    assert con.sql("select lab_report_id, component, value, source_file, source_line,"
                   " replaced_at, replaced_by_file, replaced_by_line, replaced_by_report_id"
                   " from analyses_replaced").fetchall() == [
        ("R1", "lead", 3.0, "R1.csv", 2, at, "R2.csv", 2, "R2")]


def test_a_report_corrected_under_its_own_number(original, tmp_path):
    con = original
    result = ingest_file(con, write(tmp_path, "R1v2.csv", HEADER + row("R1", "lead", "1.5",
                                                                       replaces="R1")))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 0)
    assert current(con) == [("R1", "M1", "lead", 1.5), ("R1", "M1", "zinc", 1.0)]
    assert lead_status(con) == (1.5, 1, False)
    # corrected again: 1.5 goes to the history too, next to 3.0
    ingest_file(con, write(tmp_path, "R1v3.csv", HEADER + row("R1", "lead", "2.0",
                                                              replaces="R1")))
    assert current(con) == [("R1", "M1", "lead", 2.0), ("R1", "M1", "zinc", 1.0)]
    assert con.sql("select value, replaced_by_file from analyses_replaced order by 1"
                   ).fetchall() == [(1.5, "R1v3.csv"), (3.0, "R1v2.csv")]


def test_a_plain_repeat_with_another_value_stays_quarantined(original, tmp_path):
    con = original
    result = ingest_file(con, write(tmp_path, "again.csv", HEADER + row("R1", "lead", "1.0")))
    assert (result.rows_loaded, result.rows_quarantined) == (0, 1)
    (line, column, reason), = con.sql("select source_line, column_name, reason"
                                      " from quarantine").fetchall()
    assert (line, column) == (2, "component")
    assert reason == ("duplicate analysis: report 'R1', sample 'M1', lead is already stored"
                      " with other values (R1.csv line 2); a corrected report names the"
                      " report it replaces in replaces_report_id")
    assert lead_status(con) == (3.0, 1, True)  # nothing stored changed


def test_a_replaced_value_does_not_come_back_unmarked(original, tmp_path):
    con = original
    ingest_file(con, write(tmp_path, "R2.csv", HEADER + row("R2", "lead", "1.0", "R1")))
    # the original report re-saved under another name: its lead is no longer in force
    result = ingest_file(con, write(tmp_path, "R1-copy.csv",
                                    HEADER + row("R1", "lead", "3.0")))
    assert (result.rows_loaded, result.rows_quarantined) == (0, 1)
    assert con.sql("select reason from quarantine").fetchall() == [
        ("duplicate analysis: report 'R1', sample 'M1', lead was replaced by report 'R2'"
         " (R2.csv line 2)",)]
    assert lead_status(con) == (1.0, 1, False)


def test_the_corrected_report_must_be_stored_and_in_force(original, tmp_path):
    con = original
    ingest_file(con, write(tmp_path, "R2.csv", HEADER + row("R2", "lead", "1.0", "R1")))
    text = HEADER + (row("R3", "lead", "0.5", replaces="R9")  # R9 unknown
                     + row("R4", "lead", "0.7", replaces="R1")  # R1's lead is R2's now
                     + row("R5", "lead", "0.2", replaces="R1", sample="M7"))  # R1 has no M7
    result = ingest_file(con, write(tmp_path, "bad.csv", text))
    assert (result.rows_loaded, result.rows_quarantined) == (0, 3)
    assert con.sql("select source_line, column_name, reason from quarantine order by 1"
                   ).fetchall() == [
        (2, "replaces_report_id", "replaces report 'R9', which has no analysis of sample"
                                  " 'M1' stored; ingest that report first"),
        (3, "replaces_report_id", "replaces report 'R1', whose lead of sample 'M1' was"
                                  " already replaced by report 'R2' (R2.csv line 2); name"
                                  " the report in force"),
        (4, "replaces_report_id", "replaces report 'R1', which has no analysis of sample"
                                  " 'M7' stored; ingest that report first"),
    ]
    assert current(con) == [("R1", "M1", "zinc", 1.0), ("R2", "M1", "lead", 1.0)]


def test_a_correction_may_add_a_component_and_is_idempotent(original, tmp_path):
    con = original
    text = HEADER + row("R2", "lead", "1.0", "R1") + row("R2", "arseen", "0.1", "R1")
    first = ingest_file(con, write(tmp_path, "R2.csv", text))
    assert (first.rows_loaded, first.rows_quarantined) == (2, 0)
    # the same file re-saved with CRLF line ends (another SHA-256): nothing changes
    again = ingest_file(con, write(tmp_path, "R2-crlf.csv", text.replace("\n", "\r\n")))
    assert (again.rows_loaded, again.rows_unchanged, again.rows_quarantined) == (0, 2, 0)
    assert current(con) == [("R1", "M1", "zinc", 1.0), ("R2", "M1", "arsenic", 0.1),
                            ("R2", "M1", "lead", 1.0)]
    assert con.sql("select count(*) from analyses_replaced").fetchall() == [(1,)]


def test_two_rows_of_one_file_cannot_replace_the_same_analysis(original, tmp_path):
    con = original
    text = HEADER + row("R2", "lead", "1.0", "R1") + row("R3", "lead", "1.1", "R1")
    result = ingest_file(con, write(tmp_path, "two.csv", text))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert con.sql("select source_line, reason from quarantine").fetchall() == [
        (3, "report 'R1', sample 'M1', lead is replaced twice in this file (see line 2)")]
    assert lead_status(con) == (1.0, 1, False)


def test_the_original_file_run_again_keeps_its_replaced_row_as_loaded(master, tmp_path):
    # R1.csv had a rejected row (unknown site S7), so it is run again once S7 exists; its
    # lead row was loaded then and replaced since: it is "unchanged", not a duplicate
    original = HEADER + row("R1", "lead", "3.0") + row("R1", "zinc", "1.0").replace(
        "S1,", "S7,", 1)
    first = ingest_file(master, write(tmp_path, "R1.csv", original))
    assert (first.rows_loaded, first.rows_quarantined) == (1, 1)
    ingest_file(master, write(tmp_path, "R2.csv", HEADER + row("R2", "lead", "1.0", "R1")))
    ingest_file(master, write(tmp_path, "s.csv", "site_id,certificate_number\nS7,BSB-001\n"))
    again = ingest_file(master, tmp_path / "R1.csv")
    assert (again.rows_loaded, again.rows_unchanged, again.rows_quarantined) == (1, 1, 0)
    assert master.sql("select count(*) from quarantine").fetchall() == [(0,)]
    assert current(master) == [("R1", "M1", "zinc", 1.0), ("R2", "M1", "lead", 1.0)]
