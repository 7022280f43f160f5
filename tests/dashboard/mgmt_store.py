"""A small hand-made store for the management pages (Overview, Certificates, Billing).

As of 2025-06-30. Rows, and what the rules make of them (worked out by hand):

Certificates: P1 (pkvw, holder H2 "Veilig Wonen BV"), BRL-001 (brl9341, holder H1
"Groen Substraat BV"), both issued 2020-01-01.

Afwijkingen of P1 (CCV PKVW §4.3.2: correction deadline A 2 months, B 3 months after the
finding; §4.3.3: suspended from the day after a missed deadline, withdrawn when still open
6 months after the suspension):
  D1 A found 2025-03-10, open    -> deadline 2025-05-10, past (51 days on 2025-06-30);
                                    P1 suspended from 2025-05-11, withdrawal 2025-11-11
  D2 B found 2025-04-05, open    -> deadline 2025-07-05, due within 14 days (5 days)
  D3 B found 2025-01-10, closed 2025-02-01 (in time) -> not on the worklist
  (D1's requirement holds HTML and Markdown: the pages must show it as plain text.)

Audits of BRL-001 (BRL 9341 §8.6: next control visit within 6 months of the last):
  A1 periodic 2024-10-01 -> next due 2025-04-01, overdue by 90 days on 2025-06-30

Invoice INV1 of BRL-001 dated 2025-04-01, one line HOURLY 1 × 100.00 excl. VAT, 21 % VAT
(121.00), unpaid. COPRO TAR 9201 §2.3.2: due at the end of the month of invoice date + 30
days = 2025-05-31, so 30 days overdue on 2025-06-30 (ageing 0–30). No tariff rule expects
an HOURLY fee of a BRL 9341 certificate (TAR 9201 covers the asbestos schemes), so the line
is "not_expected": invoice check 2025-04 expected 0.00, invoiced 100.00, difference 100.00.

Lots of BRL-001 at site S1 (BRL 9341 §4.2, limits bijlage IV: arsenic 0.9):
  L1 2025-03-01 arsenic 0.6 -> compliant; L2 2025-06-01 arsenic 1.2 -> exceeds.
  Lots tested in the 12 months up to 2025-06-30: 2, compliant share 50 %; a year earlier
  (up to 2024-06-30): none.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from pipelines.store import init_store, refresh

AS_OF = date(2025, 6, 30)


def build(path: Path) -> Path:
    init_store(path)
    con = duckdb.connect(str(path))
    try:
        con.execute("""
            insert into certificate_holders (holder_id, holder_name) values
                ('H1', 'Groen Substraat BV'), ('H2', 'Veilig Wonen BV')
        """)
        con.execute("""
            insert into certificates (certificate_number, scheme, holder_id, applied_on,
                issued_on) values
                ('P1', 'pkvw', 'H2', date '2019-06-01', date '2020-01-01'),
                ('BRL-001', 'brl9341', 'H1', date '2019-06-01', date '2020-01-01')
        """)
        # P1 completes 5 dwellings every March: the PKVW minimum work (§3.2.7, 3 in each
        # 12 months) is met, so only the afwijkingen act on its status.
        con.executemany(
            "insert into activity (certificate_number, activity_date, activity, quantity)"
            " values ('P1', ?, 'dwelling_completed', 5)",
            [[date(year, 3, 1)] for year in range(2020, 2026)],
        )
        con.execute("""
            insert into deviations (deviation_id, audit_id, certificate_number, category,
                requirement, found_on, extended_until, closed_on) values
                ('D1', null, 'P1', 'A', 'R1 <b>hinge</b> **x**', date '2025-03-10', null,
                 null),
                ('D2', null, 'P1', 'B', 'R2', date '2025-04-05', null, null),
                ('D3', null, 'P1', 'B', 'R3', date '2025-01-10', null, date '2025-02-01')
        """)
        con.execute("""
            insert into audits (audit_id, certificate_number, audit_type, audit_date,
                country, inspector, outcome) values
                ('A1', 'BRL-001', 'periodic', date '2024-10-01', 'BE', 'I1', 'pass')
        """)
        con.execute("""
            insert into invoices (invoice_id, certificate_number, invoice_date) values
                ('INV1', 'BRL-001', date '2025-04-01')
        """)
        con.execute("""
            insert into invoice_lines (invoice_id, line_no, fee_code, description, quantity,
                unit_price, amount_excl_vat, vat_rate) values
                ('INV1', 1, 'HOURLY', 'Prestatievergoeding', 1, 100, 100, 0.21)
        """)
        con.execute("""
            insert into sites (site_id, certificate_number, name) values ('S1', 'BRL-001', 'V')
        """)
        con.execute("""
            insert into lots (site_id, lot_id, certificate_number, product) values
                ('S1', 'L1', 'BRL-001', 'boomgranulaat'),
                ('S1', 'L2', 'BRL-001', 'boomgranulaat')
        """)
        con.execute("""
            insert into analyses (certificate_number, site_id, lot_id, product, sample_id,
                sampled_on, component, value, below_loq, lab_report_id, purpose) values
                ('BRL-001', 'S1', 'L1', 'boomgranulaat', 'M1', date '2025-03-01', 'arsenic',
                 0.6, false, 'R1', 'production'),
                ('BRL-001', 'S1', 'L2', 'boomgranulaat', 'M2', date '2025-06-01', 'arsenic',
                 1.2, false, 'R2', 'production')
        """)
        refresh(con)  # the stored rule tables from the rows above
    finally:
        con.close()
    return path
