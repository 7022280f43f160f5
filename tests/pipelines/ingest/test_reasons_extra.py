"""Ingestion behaviour not covered elsewhere: the unknown-certificate reason in every kind
that names a certificate, "not yes/no" and "not a number", upserts of master data and index
corrections, tab and `|` separators, XLSX files ordered by kind, and a writer waiting for a
reader's lock."""

from __future__ import annotations

import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.ingest import KINDS, ingest_file, ingest_files
from pipelines.store import connect_write

from .conftest import write


def quarantined(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple]:
    return con.sql("select source_line, column_name, bad_value, reason from quarantine"
                   " where source_file = ? order by source_line", params=[name]).fetchall()


# One good row (line 2) and one row naming certificate 'NOPE-9' (line 3) per kind; the good
# rows refer to the conftest's master data (BSB-001 with sites S1/S2, PKVW-002, ADI-003).
UNKNOWN_CERTIFICATE = {
    "site": "site_id,certificate_number\nS3,BSB-001\nS4,NOPE-9\n",
    "person": "person_id,certificate_number,name\nP1,ADI-003-P1,An\nP2,NOPE-9,Bo\n",
    "lot": ("certificate_number,site_id,product,lot_id,produced_on\n"
            "BSB-001,S1,boomgranulaat,L1,2024-01-05\nNOPE-9,S1,boomgranulaat,L2,2024-01-06\n"),
    "lab": ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,"
            "unit,lab_report_id\n"
            "BSB-001,S1,boomgranulaat,L1,M1,2024-05-02,lead,0.5,mg/kg ds,R1\n"
            "NOPE-9,S1,boomgranulaat,L1,M2,2024-05-02,lead,0.5,mg/kg ds,R1\n"),
    "audit": ("audit_id,certificate_number,audit_type,audit_date\n"
              "A1,PKVW-002,periodic,2025-03-01\nA2,NOPE-9,periodic,2025-03-02\n"),
    "deviation": ("deviation_id,certificate_number,category,found_on\n"
                  "D1,PKVW-002,B,2025-03-01\nD2,NOPE-9,B,2025-03-01\n"),
    "activity": ("certificate_number,date,activity,quantity\n"
                 "ADI-003,2025-01-03,attest,1\nNOPE-9,2025-01-03,attest,1\n"),
    "invoice": ("invoice_id,certificate_number,invoice_date,line_no,amount_excl_vat\n"
                "F1,ADI-003,2025-01-31,1,60\nF2,NOPE-9,2025-01-31,1,60\n"),
    "sampling": ("certificate_number,site_id,lot_id,sample_id,grabs,first_grab_on,last_grab_on\n"
                 "BSB-001,S1,L1,M1,6,2024-05-01,2024-05-02\n"
                 "NOPE-9,S1,L1,M2,6,2024-05-01,2024-05-02\n"),
}


def test_every_kind_naming_a_certificate_has_a_case() -> None:
    # the certificate file itself defines certificates; every other kind with the column
    # must reject an unknown one
    naming = {name for name, kind in KINDS.items() if name != "certificate"
              and any(c.name == "certificate_number" for c in kind.columns)}
    assert naming == set(UNKNOWN_CERTIFICATE)


@pytest.mark.parametrize("kind", sorted(UNKNOWN_CERTIFICATE))
def test_unknown_certificate_is_quarantined_in_every_kind(master, tmp_path, kind):
    result = ingest_file(master, write(tmp_path, f"{kind}.csv", UNKNOWN_CERTIFICATE[kind]))
    assert result.error is None, result.error
    assert (result.kind, result.rows_loaded, result.rows_quarantined) == (kind, 1, 1)
    assert quarantined(master, f"{kind}.csv") == [
        (3, "certificate_number", "NOPE-9", "unknown certificate 'NOPE-9'")]
    stored = master.sql("select certificate_number, count(*) from quarantine"
                        " group by all").fetchall()
    assert stored == [("NOPE-9", 1)]


def test_payment_of_an_unknown_invoice(master, tmp_path):
    ingest_file(master, write(tmp_path, "inv.csv", UNKNOWN_CERTIFICATE["invoice"]))
    result = ingest_file(master, write(tmp_path, "pay.csv", "invoice_id,paid_on,amount\n"
                                       "F1,2025-02-10,72.60\nF9,2025-02-10,10\n"))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert quarantined(master, "pay.csv") == [(3, "invoice_id", "F9", "unknown invoice 'F9'")]


def test_not_yes_no_and_not_a_number(store, tmp_path):
    result = ingest_file(store, write(tmp_path, "certs.csv", (
        "certificate_number,scheme,holder_id,holder_name,one_person_firm,uses_copro_template\n"
        "K1,asbestos_process,H1,A,ja,nee\n"
        "K2,asbestos_process,H2,B,misschien,ja\n"
        "K3,asbestos_process,H3,C,nee,2\n")))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 2)
    assert quarantined(store, "certs.csv") == [
        (3, "one_person_firm", "misschien", "not yes/no: 'misschien'"),
        (4, "uses_copro_template", "2", "not yes/no: '2'"),
    ]
    ingest_file(store, write(tmp_path, "sites.csv", "site_id,certificate_number\nS1,K1\n"))
    lots = ingest_file(store, write(tmp_path, "lots.csv", (
        "certificate_number,site_id,product,lot_id,produced_on,lot_size_tonnes\n"
        "K1,S1,boomgranulaat,L1,2024-01-05,\"1.250,5\"\n"
        "K1,S1,boomgranulaat,L2,2024-01-06,veel\n")))
    assert (lots.rows_loaded, lots.rows_quarantined) == (1, 1)
    assert quarantined(store, "lots.csv") == [
        (3, "lot_size_tonnes", "veel", "not a number: 'veel'")]
    assert store.sql("select lot_size_tonnes from lots").fetchall() == [(1250.5,)]


# --- upserts: a changed value replaces the stored one, an identical row is "unchanged" ----

def test_site_upsert(master, tmp_path):
    header = "site_id,certificate_number,name,site_kind,n_window\n"
    first = ingest_file(master, write(tmp_path, "s1.csv", header
                                      + "S5,BSB-001,Noord,production,5\n"
                                      + "S6,BSB-001,Zuid,production,5\n"))
    assert first.rows_loaded == 2
    again = ingest_file(master, write(tmp_path, "s2.csv", header
                                      + "S5,BSB-001,Noord,production,10\n"
                                      + "S6,BSB-001,Zuid,production,5\n"))
    assert (again.rows_loaded, again.rows_unchanged, again.rows_quarantined) == (1, 1, 0)
    assert master.sql("select site_id, n_window, source_file from sites"
                      " where site_id in ('S5', 'S6') order by 1").fetchall() == [
        ("S5", 10, "s2.csv"), ("S6", 5, "s1.csv")]


def test_person_upsert(master, tmp_path):
    header = "person_id,certificate_number,name\n"
    ingest_file(master, write(tmp_path, "p1.csv", header + "P1,ADI-003-P1,An Peeters\n"
                              + "P2,ADI-003-P1,Bo Jacobs\n"))
    again = ingest_file(master, write(tmp_path, "p2.csv", header
                                      + "P1,ADI-003-P1,An Peeters-Maes\n"
                                      + "P2,ADI-003-P1,Bo Jacobs\n"))
    assert (again.rows_loaded, again.rows_unchanged) == (1, 1)
    assert master.sql("select person_id, name from persons order by 1").fetchall() == [
        ("P1", "An Peeters-Maes"), ("P2", "Bo Jacobs")]


def test_lot_upsert(master, tmp_path):
    header = "certificate_number,site_id,product,lot_id,produced_on,lot_size_tonnes\n"
    ingest_file(master, write(tmp_path, "l1.csv", header
                              + "BSB-001,S1,boomgranulaat,L1,2024-01-05,100\n"
                              + "BSB-001,S1,boomgranulaat,L2,2024-01-06,200\n"))
    again = ingest_file(master, write(tmp_path, "l2.csv", header
                                      + "BSB-001,S1,boomgranulaat,L1,2024-01-05,120\n"
                                      + "BSB-001,S1,boomgranulaat,L2,2024-01-06,200\n"))
    assert (again.rows_loaded, again.rows_unchanged, again.rows_quarantined) == (1, 1, 0)
    assert master.sql("select lot_id, lot_size_tonnes from lots order by 1").fetchall() == [
        ("L1", 120.0), ("L2", 200.0)]


def test_index_correction_replaces_the_value(store, tmp_path):
    header = "index_name,period,value\n"
    ingest_file(store, write(tmp_path, "i1.csv", header + "salary_q3,2024,130.25\n"
                             + "legal_interest,2024-H1,12.5\n"))
    again = ingest_file(store, write(tmp_path, "i2.csv", header + "salary_q3,2024,130.52\n"
                                     + "legal_interest,2024-H1,12.5\n"))
    assert (again.rows_loaded, again.rows_unchanged) == (1, 1)
    assert store.sql("select index_name, period, value, source_file from indices order by 1"
                     ).fetchall() == [("legal_interest", "2024-H1", Decimal("12.5"), "i1.csv"),
                                      ("salary_q3", "2024", Decimal("130.52"), "i2.csv")]


# --- separators and XLSX ----------------------------------------------------------------

@pytest.mark.parametrize("sep", ["\t", "|"])
def test_tab_and_pipe_separated_files(master, tmp_path, sep):
    rows = [["certificate_number", "site_id", "product", "lot_id", "sample_id", "sampled_on",
             "component", "value", "unit", "lab_report_id"],
            ["BSB-001", "S1", "boomgranulaat", "L1", "M1", "2024-05-02", "zink", "1,5",
             "mg/kg ds", "R1"],
            ["BSB-001", "S1", "boomgranulaat", "L1", "M1", "2024-05-02", "lood", "0.8",
             "mg/kg ds", "R1"]]
    text = "".join(sep.join(r) + "\n" for r in rows)
    result = ingest_file(master, write(tmp_path, "lab.txt", text))
    assert (result.kind, result.rows_loaded, result.rows_quarantined) == ("lab", 2, 0)
    assert master.sql("select component, value from analyses order by 1").fetchall() == [
        ("lead", 0.8), ("zinc", 1.5)]


def test_xlsx_files_are_ordered_by_kind(store, tmp_path):
    """Given in the wrong order (lab, lots, sites, certificates; all but the certificates
    as workbooks), ingest_files still takes master data first: nothing is quarantined."""
    lab = tmp_path / "1_lab.xlsx"
    pl.DataFrame({"certificate_number": ["K1"], "site_id": ["S1"],
                  "product": ["boomgranulaat"], "lot_id": ["L1"], "sample_id": ["M1"],
                  "sampled_on": ["2024-05-02"], "component": ["lead"], "value": ["0.5"],
                  "unit": ["mg/kg ds"], "lab_report_id": ["R1"]}).write_excel(lab)
    lots = tmp_path / "2_lots.xlsx"
    pl.DataFrame({"certificate_number": ["K1"], "site_id": ["S1"],
                  "product": ["boomgranulaat"], "lot_id": ["L1"],
                  "produced_on": ["2024-05-01"]}).write_excel(lots)
    sites = tmp_path / "3_sites.xlsx"
    pl.DataFrame({"site_id": ["S1"], "certificate_number": ["K1"]}).write_excel(sites)
    certs = write(tmp_path, "4_certs.csv",
                  "certificate_number,scheme,holder_id,holder_name\nK1,brl9341,H1,Groen BV\n")
    results = ingest_files(store, [lab, lots, sites, certs], refresh=False)
    assert [(Path(r.file_name).name, r.kind, r.rows_loaded, r.rows_quarantined)
            for r in results] == [("4_certs.csv", "certificate", 1, 0),
                                  ("3_sites.xlsx", "site", 1, 0),
                                  ("2_lots.xlsx", "lot", 1, 0),
                                  ("1_lab.xlsx", "lab", 1, 0)]


# --- the writer waits for a reader -------------------------------------------------------

def test_writer_waits_for_a_reader_in_another_process(store_path):
    """A read-only connection in another process holds the file for 3 s after saying so;
    the writer (connect_write) fails after a short timeout, and with a long one waits for
    the reader instead of failing, getting in only once the reader is gone."""
    hold_s = 3.0
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import time, duckdb\n"
         f"con = duckdb.connect({str(store_path)!r}, read_only=True)\n"
         "print('held', flush=True)\n"
         f"time.sleep({hold_s})\n"
         "con.close()\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        held_at = time.monotonic()
        with pytest.raises(duckdb.Error), connect_write(store_path, timeout_s=0.2):
            pass
        with connect_write(store_path, timeout_s=60) as con:
            got_in_after = time.monotonic() - held_at
            con.execute("insert into indices (index_name, period, value)"
                        " values ('salary_q3', '2030', 1)")
        assert got_in_after >= hold_s
    finally:
        holder.wait(timeout=60)
    with duckdb.connect(str(store_path), read_only=True) as con:
        assert con.sql("select count(*) from indices").fetchall() == [(1,)]
