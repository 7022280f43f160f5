"""A file loads atomically (all its good rows or none) and idempotently."""

from __future__ import annotations

import pytest

from pipelines.ingest import ingest_file, load

from .conftest import write

HEADER = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,"
          "unit,lab_report_id\n")
ROWS = "".join(f"BSB-001,S1,boomgranulaat,P{i},M{i},2024-05-02,lead,0.{i + 1},mg/kg ds,R1\n"
               for i in range(5))


def counts(con):
    return con.sql("select (select count(*) from analyses), (select count(*) from lots),"
                   " (select count(*) from quarantine), (select count(*) from ingestion_log)"
                   ).fetchall()[0]


def test_same_file_twice_adds_nothing(master, tmp_path):
    path = write(tmp_path, "lab.csv", HEADER + ROWS)
    first = ingest_file(master, path)
    before = counts(master)
    second = ingest_file(master, path)
    assert (first.rows_loaded, second.rows_loaded, second.rows_quarantined) == (5, 0, 0)
    assert second.already_ingested
    assert counts(master) == before == (5, 5, 0, 3)


def test_same_rows_under_another_name_are_already_loaded_not_new_rows(master, tmp_path):
    ingest_file(master, write(tmp_path, "lab.csv", HEADER + ROWS))
    copy = ingest_file(master, write(tmp_path, "lab_copy.csv", HEADER + ROWS + "\n"))
    # recognised as the rows stored before: not loaded again, and no flood of "duplicates"
    assert (copy.rows_loaded, copy.rows_unchanged, copy.rows_quarantined) == (0, 5, 0)
    assert counts(master)[0] == 5


def test_rejected_rows_load_when_the_file_is_taken_again_after_the_master_data(
        master, tmp_path):
    rows = ROWS + "BSB-002,S7,boomgranulaat,P9,M9,2024-05-02,lead,0.3,mg/kg ds,R1\n"
    path = write(tmp_path, "lab.csv", HEADER + rows)
    first = ingest_file(master, path)
    assert (first.rows_loaded, first.rows_quarantined) == (5, 1)
    ingest_file(master, write(tmp_path, "c.csv", "certificate_number,scheme,holder_id,"
                              "holder_name\nBSB-002,brl9341,H9,Nieuw BV\n"))
    ingest_file(master, write(tmp_path, "s.csv", "site_id,certificate_number\nS7,BSB-002\n"))
    second = ingest_file(master, path)
    # the 5 rows of the first run are kept once; the row rejected then now loads
    assert (second.rows_loaded, second.rows_unchanged, second.rows_quarantined) == (1, 5, 0)
    assert master.sql("select count(*) from analyses").fetchall() == [(6,)]
    assert master.sql("select count(*) from quarantine where source_file = 'lab.csv'"
                      ).fetchall() == [(0,)]
    # and a third run finds nothing to do
    assert ingest_file(master, path).already_ingested


def test_failure_midway_leaves_nothing(master, tmp_path, monkeypatch):
    ingest_file(master, write(tmp_path, "lab1.csv", HEADER + ROWS))
    before = counts(master)
    stored = master.sql("select * from analyses order by all").fetchall()
    bad = ROWS.replace(",P", ",Q").replace(",R1", ",R2") + "x,y,z,1,2,3,4,5,6,7\n"

    def fail_after_writing(*args, **kwargs):  # the rows are written, then something breaks
        original(*args, **kwargs)
        raise RuntimeError("disk full")

    original = load.write_rows
    monkeypatch.setattr("pipelines.ingest.write_rows", fail_after_writing)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_file(master, write(tmp_path, "lab2.csv", HEADER + bad))
    assert counts(master) == before  # no analyses, lots, quarantine rows or log line of lab2
    assert master.sql("select * from analyses order by all").fetchall() == stored
    monkeypatch.undo()
    retry = ingest_file(master, tmp_path / "lab2.csv")  # the same file loads fine afterwards
    assert (retry.rows_loaded, retry.rows_quarantined) == (5, 1)


def test_ingest_files_brings_the_materialized_tables_up_to_date(master, tmp_path):
    from pipelines.ingest import ingest_files

    path = write(tmp_path, "lab.csv", HEADER + ROWS)
    ingest_files(master, [path])
    # five lots of lead at S1: the stored BRL 9341 history has one row per lot x component
    assert master.sql("select count(*) from brl9341_observation_history").fetchall() == [(5,)]
    assert master.sql("select n_obs from sampling_frequency where component = 'lead'"
                      ).fetchall() == [(5,)]
