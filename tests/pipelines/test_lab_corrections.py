"""Issue 22 point 12 beyond one ingest: the frozen yearly report (an analysis a lab
replaced after the frozen-at moment was in force at that moment, so the frozen copy holds
it again, and not the correction ingested after the moment), and a store of an earlier
version, which gains the history table when it is next written."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from pipelines.ingest import ingest_files
from pipelines.report.source import frozen_copy
from pipelines.store import connect_write

HEADER = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,"
          "unit,lab_report_id,replaces_report_id\n")


def ingest(db: Path, folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    with connect_write(db) as con:
        result, = ingest_files(con, [path])
    assert (result.error, result.rows_quarantined) == (None, 0), result.problems


def test_a_frozen_copy_restores_what_was_replaced_after_its_moment(store_path, tmp_path):
    db = store_path
    ingest(db, tmp_path, "c.csv", "certificate_number,scheme,holder_id,holder_name\n"
           "BSB-001,brl9341,H1,Groen BV\n")
    ingest(db, tmp_path, "s.csv", "site_id,certificate_number\nS1,BSB-001\n")
    ingest(db, tmp_path, "R1.csv", HEADER + "BSB-001,S1,boomgranulaat,P1,M1,2024-03-05,"
           "lead,3.0,mg/kg ds,R1,\n")
    time.sleep(0.01)
    moment = datetime.now()  # ingested_at is datetime.now() too (local time)
    time.sleep(0.01)
    ingest(db, tmp_path, "R2.csv", HEADER + "BSB-001,S1,boomgranulaat,P1,M1,2024-03-05,"
           "lead,1.0,mg/kg ds,R2,R1\n")
    con = frozen_copy(db, moment)
    try:
        # at the moment, R1's 3.0 was in force: above lead's 2.3 (BRL 9341 bijlage IV)
        assert con.sql("select lab_report_id, value from analyses").fetchall() == \
            [("R1", 3.0)]
        assert con.sql("select count(*) from analyses_replaced").fetchall() == [(0,)]
        assert con.sql("select observation, exceeds from lot_compliance").fetchall() == \
            [(3.0, True)]
    finally:
        con.close()
    later = frozen_copy(db, datetime.now())
    try:
        assert later.sql("select lab_report_id, value from analyses").fetchall() == \
            [("R2", 1.0)]
    finally:
        later.close()


def test_a_store_of_an_earlier_version_takes_a_correction(store_path, tmp_path):
    import duckdb

    db = store_path
    ingest(db, tmp_path, "c.csv", "certificate_number,scheme,holder_id,holder_name\n"
           "BSB-001,brl9341,H1,Groen BV\n")
    ingest(db, tmp_path, "s.csv", "site_id,certificate_number\nS1,BSB-001\n")
    ingest(db, tmp_path, "R1.csv", HEADER + "BSB-001,S1,boomgranulaat,P1,M1,2024-03-05,"
           "lead,3.0,mg/kg ds,R1,\n")
    con = duckdb.connect(str(db))
    con.execute("drop table analyses_replaced")  # as a store from before issue 22
    con.close()
    ingest(db, tmp_path, "R2.csv", HEADER + "BSB-001,S1,boomgranulaat,P1,M1,2024-03-05,"
           "lead,1.0,mg/kg ds,R2,R1\n")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.sql("select lab_report_id, value from analyses").fetchall() == [("R2", 1.0)]
        assert con.sql("select value from analyses_replaced").fetchall() == [(3.0,)]
