"""A small hand-made store for the yearly report (year 2024, previous year 2023).

Every row is listed here with what it means; the tests work out every indicator by hand
from these rows (tests/sql/test_yearly_report.py) and read the files back
(tests/pipelines/test_report.py). Rows carry ingested_at BASE_INGESTED; LATE rows
(ingested after FREEZE) are added by add_late_rows() for the frozen-report tests.

BRL 9341 (limit arsenic 0.9 mg/kg d.s., data/reference/ref_limits.csv):
  B1 holder H1 ("Granulaat *BV* #1 [x]" - markup characters on purpose), applied
     2022-01-10, issued 2022-03-01; site S1 (production, n = 5), product boomgranulaat.
     lots: L1 prod 2023-02-01 sampled 2023-02-03 arsenic 0.3
           L2 prod 2023-05-01 sampled 2023-05-03 arsenic 0.5
           L3 prod 2023-08-01 not tested
           L4 prod 2024-01-10 sampled 2024-01-12 arsenic 1.8 (exceeds, factor 2.0)
           L5 prod 2024-03-01 sampled 2024-03-03 arsenic 0.45
           L6 prod 2024-04-01 not tested
     complaint samples of L5 (§9.3) on 2024-09-01: 1.0, 1.2, 1.4 (X3 1.2 <= 1.4 x 0.9)
     control visits (periodic): 2023-04-01, 2023-10-01, 2024-05-01
     complaint K1 received 2024-03-10, closed 2024-04-20
  B2 holder H4 ("Tweede BV"), applied 2023-11-01, issued 2024-02-15; visit 2024-06-01.
CCV PKVW:
  P1 holder H2 ("Sloten & Zo"), applied 2021-01-01, issued 2021-06-01, no certified fitter.
     audits (periodic) A1 2023-03-01, A2 2024-08-01; sample audit AS1 2024-10-01,
     2 dwellings, 0 with an A-deviation.
     dwellings completed: 4 on each of 2021-07-15, 2022-01-15, 2022-07-15, 2023-01-15,
     2023-07-15, 2024-01-15, 2024-07-15.
     D1 B "CCV PKVW §3.2.7 opleverdossier" found 2023-03-01 (A1), closed 2023-05-01
     D2 B same requirement found 2024-08-01 (A2), closed 2024-10-15
     D3 A "CCV PKVW bijlage 3 inbraakwerende maatregelen" found 2024-11-20, open
     complaint K3 received 2023-02-01, closed 2023-05-01; K2 received 2024-11-15, open
  P2 holder H3 ("Deur BV"), applied 2024-03-01, not issued (in admission).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from pipelines.store import connect_write, init_store, refresh

BASE_INGESTED = datetime(2025, 1, 5, 10, 0, 0)
FREEZE = datetime(2025, 2, 1, 0, 0, 0)
LATE_INGESTED = datetime(2025, 3, 1, 9, 0, 0)
HOLDER_NAMES = {"H1": "Granulaat *BV* #1 [x]", "H2": "Sloten & Zo", "H3": "Deur BV",
                "H4": "Tweede BV"}

PROVENANCE = ", source_file, ingested_at"


def _rows(con: duckdb.DuckDBPyConnection, table: str, columns: str, rows: list[tuple],
          when: datetime = BASE_INGESTED, file: str = "hand.csv") -> None:
    marks = ", ".join("?" for _ in columns.split(","))
    con.executemany(
        f"insert into {table} ({columns}{PROVENANCE}) values ({marks}, ?, ?)",
        [(*row, file, when) for row in rows])


def fill(con: duckdb.DuckDBPyConnection) -> None:
    _rows(con, "certificate_holders", "holder_id, holder_name",
          list(HOLDER_NAMES.items()), file="certificates.csv")
    _rows(con, "certificates",
          "certificate_number, scheme, holder_id, applied_on, issued_on", [
              ("B1", "brl9341", "H1", "2022-01-10", "2022-03-01"),
              ("B2", "brl9341", "H4", "2023-11-01", "2024-02-15"),
              ("P1", "pkvw", "H2", "2021-01-01", "2021-06-01"),
              ("P2", "pkvw", "H3", "2024-03-01", None),
          ], file="certificates.csv")
    _rows(con, "sites", "site_id, certificate_number, name",
          [("S1", "B1", "Werf")], file="sites.csv")
    _rows(con, "lots", "site_id, lot_id, certificate_number, product, produced_on", [
        ("S1", lot, "B1", "boomgranulaat", day) for lot, day in (
            ("L1", "2023-02-01"), ("L2", "2023-05-01"), ("L3", "2023-08-01"),
            ("L4", "2024-01-10"), ("L5", "2024-03-01"), ("L6", "2024-04-01"))
    ], file="lots.csv")
    lab = [("L1", "M1", "2023-02-03", 0.3, "production"),
           ("L2", "M2", "2023-05-03", 0.5, "production"),
           ("L4", "M4", "2024-01-12", 1.8, "production"),
           ("L5", "M5", "2024-03-03", 0.45, "production"),
           ("L5", "K1a", "2024-09-01", 1.0, "complaint"),
           ("L5", "K1b", "2024-09-01", 1.2, "complaint"),
           ("L5", "K1c", "2024-09-01", 1.4, "complaint")]
    _rows(con, "analyses",
          "certificate_number, site_id, lot_id, product, sample_id, sampled_on, component,"
          " value, below_loq, lab_report_id, purpose",
          [("B1", "S1", lot, "boomgranulaat", sample, day, "arsenic", value, False, "R",
            purpose) for lot, sample, day, value, purpose in lab], file="lab.csv")
    _rows(con, "audits",
          "audit_id, certificate_number, audit_type, audit_date, dwellings_in_sample,"
          " dwellings_with_deviation_a", [
              ("V1", "B1", "periodic", "2023-04-01", None, None),
              ("V2", "B1", "periodic", "2023-10-01", None, None),
              ("V3", "B1", "periodic", "2024-05-01", None, None),
              ("V4", "B2", "periodic", "2024-06-01", None, None),
              ("A1", "P1", "periodic", "2023-03-01", None, None),
              ("A2", "P1", "periodic", "2024-08-01", None, None),
              ("AS1", "P1", "sample", "2024-10-01", 2, 0),
          ], file="audits.csv")
    _rows(con, "deviations",
          "deviation_id, audit_id, certificate_number, category, requirement, found_on,"
          " closed_on", [
              ("D1", "A1", "P1", "B", "CCV PKVW §3.2.7 opleverdossier", "2023-03-01",
               "2023-05-01"),
              ("D2", "A2", "P1", "B", "CCV PKVW §3.2.7 opleverdossier", "2024-08-01",
               "2024-10-15"),
              ("D3", None, "P1", "A", "CCV PKVW bijlage 3 inbraakwerende maatregelen",
               "2024-11-20", None),
          ], file="deviations.csv")
    dwellings = [("P1", day, "dwelling_completed", 4, None) for day in (
        "2021-07-15", "2022-01-15", "2022-07-15", "2023-01-15", "2023-07-15", "2024-01-15",
        "2024-07-15")]
    complaints = [("B1", "2024-03-10", "complaint_received", 1, "K1"),
                  ("B1", "2024-04-20", "complaint_closed", 1, "K1"),
                  ("P1", "2023-02-01", "complaint_received", 1, "K3"),
                  ("P1", "2023-05-01", "complaint_closed", 1, "K3"),
                  ("P1", "2024-11-15", "complaint_received", 1, "K2")]
    _rows(con, "activity", "certificate_number, activity_date, activity, quantity, reference",
          dwellings + complaints, file="activity.csv")
    for i, (name, kind) in enumerate((("certificates.csv", "certificate"),
                                      ("sites.csv", "site"), ("lots.csv", "lot"),
                                      ("lab.csv", "lab"), ("audits.csv", "audit"),
                                      ("deviations.csv", "deviation"),
                                      ("activity.csv", "activity")), start=1):
        con.execute("insert into ingestion_log values (?, ?, ?, ?, ?, 1, 1, 0, 0)",
                    [i, name, f"{i:02d}" + "ab" * 31, kind, BASE_INGESTED])


def add_late_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Rows ingested after FREEZE (2025-03-01): a 2024 deviation and a 2024 lot test."""
    _rows(con, "deviations",
          "deviation_id, audit_id, certificate_number, category, requirement, found_on", [
              ("D9", None, "P1", "B", "CCV PKVW §3.3.2 verklaring omtrent gedrag",
               "2024-12-01")], when=LATE_INGESTED, file="late.csv")
    _rows(con, "analyses",
          "certificate_number, site_id, lot_id, product, sample_id, sampled_on, component,"
          " value, below_loq, lab_report_id, purpose",
          [("B1", "S1", "L6", "boomgranulaat", "M6", "2024-04-03", "arsenic", 2.7, False,
            "R", "production")], when=LATE_INGESTED, file="late.csv")
    con.execute("insert into ingestion_log values (99, 'late.csv', ?, 'lab', ?, 2, 2, 0, 0)",
                ["ff" * 32, LATE_INGESTED])


def build_store(path: Path) -> Path:
    init_store(path)
    with connect_write(path) as con:
        fill(con)
        refresh(con)
    return path
