"""A new version of a file whose rows were loaded before (issue 8): rows without a key are
not loaded twice, and the quarantine of the first version does not stay behind for rows
that are now loaded."""

from __future__ import annotations

from pipelines.ingest import ingest_file

from .conftest import write

ACTIVITY = "certificate_number,date,activity,quantity\n"
DONE = "PKVW-002,2024-05-01,dwelling_completed,1\n"


def activity_count(con):
    return con.sql("select count(*) from activity").fetchall()[0][0]


def test_activity_rows_without_reference_are_not_duplicated(master, tmp_path):
    # measured before: version 2 loaded 2 rows, the first a second time (3 stored, not 2)
    ingest_file(master, write(tmp_path, "act.csv", ACTIVITY + DONE))
    v2 = ingest_file(master, write(tmp_path, "act.csv", ACTIVITY + DONE
                                   + "PKVW-002,2024-05-02,dwelling_completed,1\n"))
    assert (v2.rows_loaded, v2.rows_unchanged, v2.rows_quarantined) == (1, 1, 0)
    assert activity_count(master) == 2


def test_identical_rows_without_reference_count_occurrence_by_occurrence(master, tmp_path):
    # two dwellings completed on one day, then a third that day in the next version
    ingest_file(master, write(tmp_path, "act.csv", ACTIVITY + DONE * 2))
    v2 = ingest_file(master, write(tmp_path, "act.csv", ACTIVITY + DONE * 3))
    assert (v2.rows_loaded, v2.rows_unchanged) == (1, 2)
    v3 = ingest_file(master, write(tmp_path, "act.csv", ACTIVITY + DONE * 3 + "\n"))
    assert (v3.rows_loaded, v3.rows_unchanged) == (0, 3)
    assert activity_count(master) == 3
    # another file that happens to hold the same row is another dwelling: it counts
    other = ingest_file(master, write(tmp_path, "other.csv", ACTIVITY + DONE))
    assert other.rows_loaded == 1


LAB = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,"
       "unit,lab_report_id\n")


def lab_row(site: str, sample: str, value: str = "0.5") -> str:
    return f"BSB-001,{site},boomgranulaat,P{sample},{sample},2024-05-02,lead,{value}," \
           "mg/kg ds,R1\n"


def quarantine(con):
    return con.sql("select source_line, reason from quarantine order by 1").fetchall()


def test_quarantine_of_the_first_version_goes_when_its_row_loads(master, tmp_path):
    # measured before: "unknown site 'S7'" of version 1 stayed next to the loaded row
    v1 = ingest_file(master, write(tmp_path, "lab.csv", LAB + lab_row("S1", "M1")
                                   + lab_row("S7", "M2") + lab_row("S8", "M3")))
    assert v1.rows_quarantined == 2
    ingest_file(master, write(tmp_path, "s.csv", "site_id,certificate_number\nS7,BSB-001\n"))
    # version 2 ends before line 4 (issue 22 changed this test: its line 4 held another
    # row, M4, which now counts as line 4 corrected in place)
    v2 = ingest_file(master, write(tmp_path, "lab.csv", LAB + lab_row("S1", "M1")
                                   + lab_row("S7", "M2")))
    assert (v2.rows_loaded, v2.rows_unchanged, v2.rows_quarantined) == (1, 1, 0)
    # M3 (site S8) is not in version 2: its problem is not solved, so it stays
    assert quarantine(master) == [(4, "unknown site 'S8'")]


def test_a_correction_that_changes_the_key_leaves_the_quarantine(master, tmp_path):
    """Issue 22 point 11: line 3 corrected in place. Its component is part of the lab key
    (report, sample, component), so before the key 'loodd' of version 1 matched no row of
    version 2 and "unknown component 'loodd'" stayed next to the loaded row."""
    bad = lab_row("S1", "M2").replace(",lead,", ",loodd,")
    v1 = ingest_file(master, write(tmp_path, "lab.csv", LAB + lab_row("S1", "M1") + bad))
    assert (v1.rows_loaded, v1.rows_quarantined) == (1, 1)
    assert quarantine(master) == [(3, "unknown component 'loodd'")]
    good = lab_row("S1", "M2").replace(",lead,", ",lood,")
    v2 = ingest_file(master, write(tmp_path, "lab.csv", LAB + lab_row("S1", "M1") + good))
    assert (v2.rows_loaded, v2.rows_unchanged, v2.rows_quarantined) == (1, 1, 0)
    assert quarantine(master) == []
    assert master.sql("select sample_id, component from analyses order by 1").fetchall() \
        == [("M1", "lead"), ("M2", "lead")]


def test_a_line_still_wrong_after_a_key_change_is_reported_under_the_new_version(
        master, tmp_path):
    bad = lab_row("S1", "M2").replace(",lead,", ",loodd,")
    ingest_file(master, write(tmp_path, "lab.csv", LAB + lab_row("S1", "M1") + bad))
    worse = lab_row("S1", "M2").replace(",lead,", ",lod,")
    ingest_file(master, write(tmp_path, "lab.csv", LAB + lab_row("S1", "M1") + worse))
    assert quarantine(master) == [(3, "unknown component 'lod'")]


def test_a_corrected_row_replaces_its_quarantine(store, tmp_path):
    header = "certificate_number,scheme,holder_id,holder_name,adi_count\n"
    ingest_file(store, write(tmp_path, "c.csv", header + "K1,pkvw,H1,A,drie\n"))
    assert [r[1] for r in quarantine(store)] == ["not a whole number: 'drie'"]
    v2 = ingest_file(store, write(tmp_path, "c.csv", header + "K1,pkvw,H1,A,3\n"))
    assert v2.rows_loaded == 1
    assert quarantine(store) == []


def test_a_row_still_wrong_in_the_new_version_is_reported_once(store, tmp_path):
    header = "certificate_number,scheme,holder_id,holder_name,adi_count\n"
    ingest_file(store, write(tmp_path, "c.csv", header + "K1,pkvw,H1,A,drie\n"))
    ingest_file(store, write(tmp_path, "c.csv", header + "K1,pkvw,H1,A,vier\n"))
    assert [r[1] for r in quarantine(store)] == ["not a whole number: 'vier'"]
