"""Benchmark of the COPRO TAR 9201 billing views.

The billing is split in two (see pipelines.store, "materialize: table"):
  * the stored tables (as-of independent: rates, every fee of every date, the expected-vs-invoiced
    comparison per certificate x month, invoice totals, payment running totals, interest parts,
    monthly revenue sums), recomputed by ``refresh`` after each ingestion: reported per table and
    in total (median of N runs of ``create or replace table t as select * from t__compute``);
  * the as-of views a dashboard session queries with its own as-of date (expected_charges,
    billing_invoice_check_lines, invoice_check, billing_invoice_status, receivables, revenue):
    each materialized into a temp table, median of N runs, and all of them in one pass.
Target: all billing views under 1 s on the scale-100 demo (2 cores).

Measured on /tmp/b100.duckdb (scale-100 demo: 7 049 certificates, 252 687 activity rows,
47 232 audits, 197 549 invoices / 392 042 lines, 191 250 payments), 2 threads, a shared machine
(load average 3-6 during the runs):
  before (every view computed from the base tables at query time): all billing views chained
  2.75 s (expected_charges 0.69 s, invoice_check 1.18 s, receivables 1.11 s standalone);
  after (as-of views over the stored tables, load average 2.4): all six as-of views 0.84 s
  (0.64-0.88; CPU 0.83 s), each 0.01-0.18 s; the refresh of the 11 stored billing tables 4.2 s
  (CPU 4.2 s), paid once per ingestion.

Store, in order of preference:
  --db PATH      an existing store (its data is used as is; schema and views are re-applied
                 from sql/, or from CERT_SQL_DIR, and the stored tables refreshed)
  --synthetic    fill a fresh store bench/out/billing_synthetic.duckdb directly in SQL at the
                 demo's scale-100 volume: ~3 000 asbestos certificates, 100 000 activity rows,
                 30 000 audits, 20 000 invoices with 60 000 lines, payments, indices
  (neither)      /tmp/b100.duckdb when present, else bench/out/demo_100.duckdb, built when
                 missing (``python -m pipelines demo --db bench/out/demo_100.duckdb --scale 100``)

Usage: python bench/billing.py [--db PATH | --synthetic] [--runs 3] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from pipelines.config import settings  # noqa: E402
from pipelines.store import COMPUTE_SUFFIX, init_store, view_files  # noqa: E402

OUT_DIR = REPO_ROOT / "bench" / "out"
DEMO_DB = OUT_DIR / "demo_100.duckdb"
WORK_COPY_DB = Path("/tmp/b100.duckdb")  # a working copy of the demo store, when present
SYNTHETIC_DB = OUT_DIR / "billing_synthetic.duckdb"

# The as-of views (a dashboard session's queries), in dependency order.
VIEWS = (
    "expected_charges",
    "billing_invoice_check_lines",
    "invoice_check",
    "billing_invoice_status",
    "receivables",
    "revenue",
)
BILLING_PREFIX = "billing_"  # the stored billing tables: materialized views named billing_*
TABLES = ("certificates", "persons", "audits", "activity", "invoices", "invoice_lines",
          "payments", "indices")

# Deterministic (setseed) synthetic data at the scale-100 volume. Person certificates are
# linked to process certificates; attests are monthly rows per person; audits mix field,
# process, extra (some on Saturdays / in the evening, some abroad); invoices are 3 lines each.
SYNTHETIC_SQL = """
select setseed(0.9201);
delete from payments; delete from invoice_lines; delete from invoices; delete from activity;
delete from audits; delete from persons; delete from certificates; delete from indices;
insert into certificates (certificate_number, scheme, holder_id, issued_on, applied_on,
    ended_on, country, adi_count, one_person_firm, uses_copro_template)
select 'PR-' || i, 'asbestos_process', 'H-' || i,
       date '2019-01-01' + cast(random() * 2000 as integer),
       date '2018-10-01' + cast(random() * 2000 as integer),
       case when i % 17 = 0 then date '2025-06-30' end,
       case when i % 25 = 0 then 'NL' else 'BE' end,
       1 + (i % 12), i % 5 = 0, i % 4 <> 0
from range(600) t(i);
insert into certificates (certificate_number, scheme, holder_id, issued_on, applied_on,
    parent_certificate_number)
select 'PE-' || i, 'asbestos_person', 'H-' || (i % 600),
       date '2019-01-01' + cast(random() * 2200 as integer),
       date '2018-12-01' + cast(random() * 2200 as integer), 'PR-' || (i % 600)
from range(2400) t(i);
insert into persons (person_id, certificate_number)
select 'P-' || i, 'PE-' || i from range(2400) t(i);
insert into activity (certificate_number, activity_date, activity, quantity, person_id,
    reference, source_file, source_line)
select 'PE-' || (i % 2400), date '2020-01-01' + cast(random() * 2480 as integer), 'attest',
       1 + cast(random() * 12 as integer), 'P-' || (i % 2400), 'ATT-' || i, 'activity.csv',
       i + 2
from range(96000) t(i);
insert into activity (certificate_number, activity_date, activity, quantity, reference,
    source_file, source_line)
select 'PR-' || (i % 600), date '2020-01-01' + cast(random() * 2480 as integer),
       (['hourly_work', 'useless_trip', 'transfer_out', 'application', 'transfer_in'])
           [1 + (i % 5)],
       0.25 + random() * 4, 'ACT-' || i, 'activity.csv', 96002 + i
from range(4000) t(i);
insert into audits (audit_id, certificate_number, audit_type, audit_date, start_time, end_time,
    country, combined_with_field_audit, travel_hours, distance_km, overnight_stays)
select 'AU-' || i,
       case when i % 3 = 0 then 'PR-' || (i % 600) else 'PE-' || (i % 2400) end,
       case when i % 3 = 0 then (case when i % 30 = 0 then 'extra' else 'process' end)
            else 'field' end,
       date '2020-01-01' + cast(random() * 2480 as integer),
       case when i % 50 = 0 then null else time '08:00' + to_minutes(cast(random() * 600
           as integer)) end,
       case when i % 50 = 0 then null else time '11:00' + to_minutes(cast(random() * 600
           as integer)) end,
       case when i % 40 = 0 then 'NL' else 'BE' end,
       case when i % 7 = 0 then null else random() < 0.5 end,
       case when i % 40 = 0 then 2.5 end, case when i % 40 = 0 then 412 end,
       case when i % 80 = 0 then 1 end
from range(30000) t(i);
insert into invoices (invoice_id, certificate_number, invoice_date)
select 'F-' || i,
       case when i % 4 = 0 then 'PR-' || (i % 600) else 'PE-' || (i % 2400) end,
       date '2020-01-31' + cast(random() * 2450 as integer)
from range(20000) t(i);
insert into invoice_lines (invoice_id, line_no, fee_code, quantity, unit_price,
    amount_excl_vat, vat_rate)
select 'F-' || i, l + 1, (['ATTEST_T1', 'AUDIT_ATTEST', 'TRAVEL_BE'])[1 + l], 1,
       cast(10 + random() * 900 as decimal(12, 2)), cast(10 + random() * 900 as decimal(12, 2)),
       case when i % 500 = 0 then 0.06 else 0.21 end
from range(20000) t(i), range(3) u(l);
insert into payments (invoice_id, paid_on, amount, reminder_sent_on)
select 'F-' || i, i.invoice_date + cast(10 + random() * 120 as integer),
       case when i % 9 = 0 then 100.00 else 999999.00 end, null
from range(20000) t(i) join invoices i on i.invoice_id = 'F-' || t.i
where t.i % 10 <> 0;
insert into payments (invoice_id, paid_on, amount, reminder_sent_on)
select 'F-' || i, null, null, i.invoice_date + 70
from range(20000) t(i) join invoices i on i.invoice_id = 'F-' || t.i
where t.i % 6 = 0;
insert into indices (index_name, period, value) values
    ('salary_q3', '2022', 118.37), ('salary_q3', '2023', 127.64), ('salary_q3', '2024', 130.52),
    ('salary_q3', '2025', 133.98), ('travel_fee', '2024', 239.04), ('travel_fee', '2025', 243.82),
    ('car_km', '2024', 0.4259), ('car_km', '2025', 0.4237),
    ('legal_interest', '2023-H1', 10.5), ('legal_interest', '2023-H2', 12.0),
    ('legal_interest', '2024-H1', 12.5), ('legal_interest', '2024-H2', 12.25),
    ('legal_interest', '2025-H1', 11.15), ('legal_interest', '2025-H2', 10.15),
    ('legal_interest', '2026-H1', 10.15), ('legal_interest', '2026-H2', 10.15);
"""


def synthetic_store() -> Path:
    SYNTHETIC_DB.unlink(missing_ok=True)
    init_store(SYNTHETIC_DB)
    with duckdb.connect(str(SYNTHETIC_DB)) as con:
        con.execute(SYNTHETIC_SQL)
    return SYNTHETIC_DB


def demo_store() -> Path:
    if not DEMO_DB.exists():
        subprocess.run([sys.executable, "-m", "pipelines", "demo", "--db", str(DEMO_DB),
                        "--scale", "100"], check=True, cwd=REPO_ROOT)
    return DEMO_DB


CPU: list[float] = []  # process CPU seconds of every timed statement (all DuckDB threads)


def _time(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    """Wall seconds; the process CPU seconds are appended to CPU (shared machines: the CPU time
    over the thread count bounds what the wall time would be on idle cores)."""
    cpu = time.process_time()
    start = time.perf_counter()
    con.execute(sql)
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - start


def billing_tables() -> list[str]:
    """The materialized billing views, in dependency order (as pipelines.store.refresh)."""
    return [v.name for v in view_files(settings().sql_dir)
            if v.materialized and v.name.startswith(BILLING_PREFIX)]


def _median_line(name: str, rows: int | str, times: list[float]) -> str:
    return (f"{name:32} {rows:>9,} {statistics.median(times):>9.3f}   "
            if isinstance(rows, int) else f"{name:32} {rows:>9} {statistics.median(times):>9.3f}   "
            ) + " ".join(f"{t:.3f}" for t in times)


def run(db: Path, runs: int, threads: int | None) -> None:
    init_store(db)  # schema, views and every stored table from the current sql/
    con = duckdb.connect(str(db))
    if threads:
        con.execute(f"set threads = {threads}")
    volumes = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
    n_threads = con.execute("select current_setting('threads')").fetchone()[0]
    as_of = con.execute("select as_of from as_of_date").fetchone()[0]
    print(f"store {db}  threads={n_threads}  as_of={as_of}")
    print("  " + ", ".join(f"{t} {n:,}" for t, n in volumes.items()))

    # 1. refresh of the stored tables (each from its __compute view, reading the tables
    #    refreshed before it, as pipelines.store.refresh does after an ingestion)
    tables = billing_tables()
    print(f"\nREFRESH (stored tables){'':9} {'rows':>9} {'median s':>9}   runs")
    per_table: dict[str, list[float]] = {t: [] for t in tables}
    totals, cpu_totals = [], []
    for _ in range(runs):
        CPU.clear()
        for t in tables:
            per_table[t].append(_time(
                con, f"create or replace table {t} as select * from {t}{COMPUTE_SUFFIX}"))
        totals.append(sum(per_table[t][-1] for t in tables))
        cpu_totals.append(sum(CPU))
    for t in tables:
        rows = con.execute(f"select count(*) from {t}").fetchone()[0]
        print(_median_line(t, rows, per_table[t]))
    print(_median_line("ALL stored billing tables", "", totals))
    print(f"  process CPU s per refresh (median): {statistics.median(cpu_totals):.3f}")

    # 2. the as-of views over the stored tables: each standalone, then all in one pass
    print(f"\nAS-OF VIEWS{'':21} {'rows':>9} {'median s':>9}   runs")
    per_view: dict[str, list[float]] = {v: [] for v in VIEWS}
    totals, cpu_totals = [], []
    for _ in range(runs):
        CPU.clear()
        for v in VIEWS:
            per_view[v].append(_time(
                con, f"create or replace temp table bench_{v} as select * from {v}"))
        totals.append(sum(per_view[v][-1] for v in VIEWS))
        cpu_totals.append(sum(CPU))
    for v in VIEWS:
        rows = con.execute(f"select count(*) from bench_{v}").fetchone()[0]
        print(_median_line(v, rows, per_view[v]))
        con.execute(f"drop table bench_{v}")
    print(_median_line("ALL billing as-of views", "", totals))
    print(f"  process CPU s per pass (median): {statistics.median(cpu_totals):.3f} over "
          f"{n_threads} threads; machine load average {os.getloadavg()[0]:.1f}")
    con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int)
    args = parser.parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    db = args.db or (synthetic_store() if args.synthetic
                     else WORK_COPY_DB if WORK_COPY_DB.exists() else demo_store())
    run(db, args.runs, args.threads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
