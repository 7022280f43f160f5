"""The process-record kinds (issue 13): sampling records, lab accreditations and staff
qualifications load through the same path as every kind, with Dutch column names, store
checks that quarantine with a reason, and idempotence."""

from __future__ import annotations

import datetime as dt

from pipelines.ingest import ingest_file

from .conftest import write


def _reasons(con, file_name: str) -> list[tuple]:
    return con.sql("select source_line, column_name, reason from quarantine"
                   " where source_file = ? order by source_line", params=[file_name]).fetchall()


def test_sampling_records_in_dutch_with_their_checks(master, tmp_path) -> None:
    text = (
        "certificaatnummer;productielocatie;partij;monster;aantal_grepen;eerste_greep_op;"
        "laatste_greep_op;ontvangen_door_lab_op\n"
        "BSB-001;S1;L1;M1;6;01-01-2024;29-01-2024;05-02-2024\n"
        "BSB-001;S1;L1;M2;32;2024-01-10;2024-01-05;\n"        # last grab before the first
        "BSB-001;S1;L2;M3;6;2024-02-01;2024-02-10;2024-02-09\n"  # at the lab before last grab
        "BSB-001;S404;L3;M4;6;2024-02-01;2024-02-10;\n"         # unknown site
        "BSB-001;S1;L4;M5;-3;2024-02-01;2024-02-10;\n"          # negative grabs
    )
    path = write(tmp_path, "monstername.csv", text)
    result = ingest_file(master, path)
    assert result.kind == "sampling"
    assert (result.rows_loaded, result.rows_quarantined) == (1, 4)
    reasons = _reasons(master, "monstername.csv")
    assert [(line, column) for line, column, _ in reasons] == [
        (3, "last_grab_on"), (4, "received_at_lab_on"), (5, "site_id"), (6, "grabs")]
    assert reasons[0][2] == "last grab 2024-01-05 is before the first grab 2024-01-10"
    assert reasons[2][2] == "unknown site 'S404'"
    stored = master.sql("select sample_id, grabs, first_grab_on, last_grab_on,"
                        " received_at_lab_on from sampling_records").fetchall()
    assert stored == [("M1", 6, dt.date(2024, 1, 1), dt.date(2024, 1, 29),
                       dt.date(2024, 2, 5))]
    again = ingest_file(master, path)
    assert again.rows_loaded == 0


def test_lab_accreditations_with_component_scope(store, tmp_path) -> None:
    text = (
        "laboratorium,accreditatienummer,reikwijdte,geldig_vanaf,geldig_tot\n"
        "LabA,L100,*,2020-01-01,2024-03-31\n"
        "LabB,L200,As,2024-01-01,\n"
        "LabC,L300,unobtainium,2024-01-01,\n"     # no component of bijlage III/IV
        "LabD,L400,zink,2024-01-01,2023-01-01\n"  # ends before it starts
    )
    result = ingest_file(store, write(tmp_path, "accreditaties.csv", text))
    assert result.kind == "accreditation"
    assert (result.rows_loaded, result.rows_quarantined) == (2, 2)
    assert [(line, column) for line, column, _ in _reasons(store, "accreditaties.csv")] == [
        (4, "scope"), (5, "valid_until")]


def test_staff_qualifications_need_a_known_person(master, tmp_path) -> None:
    persons = "person_id,certificate_number,name\np1,PKVW-002,Jan Slot\n"
    assert ingest_file(master, write(tmp_path, "persons.csv", persons)).rows_loaded == 1
    text = (
        "persoon;kwalificatie;behaald_op\n"
        "p1;VOG;2019-06-30\n"
        "p1;diploma adviseur;01-01-2023\n"
        "p9;vog;2020-01-01\n"          # unknown person
        "p1;rijbewijs;2020-01-01\n"    # not a qualification of the scheme
    )
    result = ingest_file(master, write(tmp_path, "kwalificaties.csv", text))
    assert result.kind == "qualification"
    assert (result.rows_loaded, result.rows_quarantined) == (2, 2)
    assert [(line, column) for line, column, _ in _reasons(master, "kwalificaties.csv")] == [
        (4, "person_id"), (5, "qualification")]
    assert master.sql("select qualification from staff_qualifications order by 1").fetchall() \
        == [("diploma_adviser",), ("vog",)]
