"""Benchmark of the certificate-lifecycle views (issue 4).

Two parts, each the median of N runs, wall and CPU time:
  1. refresh: the stored (``-- materialize: table``) lifecycle tables, recomputed in
     dependency order as ``pipelines.store.refresh`` does after an ingest (as-of
     independent: deviation deadlines, sample history, minimum-work periods, production
     stops, event log, status transitions, audit-coverage years);
  2. as-of views: every lifecycle view evaluated in turn (``create or replace temp table t
     as select * from <view>``) on a read-only connection, as a dashboard session does.
Target (issue 4): all the as-of views together under 1 s on the scale-100 demo store.

Store, in order of preference:
  --db PATH        an existing store (its data is used as is)
  (default)        /tmp/l100.duckdb when present (a working copy of the demo store)
  --synthetic      fill a fresh store under bench/out/ directly in SQL at a comparable
                   volume (default 3 000 certificates, 50 000 audits, 50 000 deviations,
                   500 000 activity rows)
  (neither)        reuse bench/out/demo_100.duckdb, building it first with
                   ``python -m pipelines demo --db bench/out/demo_100.duckdb --scale 100``

Usage: python bench/lifecycle.py [--db PATH | --synthetic] [--as-of YYYY-MM-DD] [--runs 3]
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

from pipelines.store import COMPUTE_SUFFIX, init_store, view_files  # noqa: E402

OUT_DIR = REPO_ROOT / "bench" / "out"
DEMO_DB = OUT_DIR / "demo_100.duckdb"
SYNTHETIC_DB = OUT_DIR / "lifecycle_synthetic.duckdb"
WORK_COPY_DB = Path("/tmp/l100.duckdb")

# The stored tables behind the lifecycle views (refresh() recomputes them after an ingest).
MATERIALIZED = (
    "deviation_deadlines",
    "pkvw_sample_history",
    "pkvw_minimum_work_periods",
    "production_stop_history",
    "lifecycle_event_log",
    "certificate_status_transitions",
    "audit_coverage_years",
)

# In dependency order, so that each timing is the view's own full evaluation.
VIEWS = (
    "deviation_status",
    "complaint_status",
    "pkvw_sample_steps",
    "pkvw_sample_requirement",
    "pkvw_minimum_work",
    "lifecycle_production_stops",
    "lifecycle_events",
    "certificate_status_history",
    "certificate_status",
    "audit_coverage",
    "public_register",
)

# Deterministic random lifecycle data: half PKVW, half BRL 9341 certificates, each
# issued between 2012 and 2022; audits (a third PKVW samples), deviations with ~10 % left
# open, dwellings / production stops / stock deliveries / complaints as activity.
SYNTHETIC_SQL = """
select setseed(0.4);
delete from deviations; delete from audits; delete from activity; delete from sites;
delete from certificates;
insert into certificates (certificate_number, scheme, holder_id, applied_on, issued_on,
                          certified_fitter)
select 'C' || i, case when i % 2 = 0 then 'pkvw' else 'brl9341' end, 'H' || (i // 2),
       d - 200, case when i % 50 = 0 then null else d end, i % 3 = 0
from (select i, date '2012-01-01' + (random() * 3650)::integer as d
      from range($n_certs) t(i));
insert into sites (site_id, certificate_number, site_kind)
select 'S' || c.i || '-' || k, 'C' || c.i, case when k = 0 then 'production' else 'depot' end
from range($n_certs) c(i), range(3) s(k)
where c.i % 2 = 1;
insert into audits (audit_id, certificate_number, audit_type, audit_date,
                    dwellings_in_sample, dwellings_with_deviation_a, site_id)
select 'A' || j, 'C' || c, kind, date '2012-06-01' + (random() * 5000)::integer,
       case when kind = 'sample' then 1 + (random() * 8)::integer end,
       case when kind = 'sample' then
            case when random() < 0.8 then 0 when random() < 0.7 then 1
                 else (random() * 7)::integer end end,
       case when kind = 'depot' then 'S' || c || '-1' end
from (select j, (random() * ($n_certs - 1))::integer as c from range($n_audits) t(j)),
     lateral (select case when c % 2 = 0
                          then (['sample', 'periodic', 'sample'])[1 + j % 3]
                          else (['periodic', 'depot', 'sample', 'extra'])[1 + j % 4] end
                     as kind);
insert into deviations (deviation_id, audit_id, certificate_number, category, requirement,
                        found_on, extended_until, closed_on)
select 'D' || a.j, a.audit_id, a.certificate_number,
       case when random() < 0.3 then 'A' else 'B' end, 'R' || (random() * 20)::integer,
       a.audit_date,
       case when random() < 0.1 then a.audit_date + 100 end,
       case when random() < 0.9 then a.audit_date + (random() * 150)::integer end
from (select row_number() over () as j, * from audits using sample $n_devs rows) a;
insert into activity (certificate_number, activity_date, activity, quantity, reference)
select 'C' || c, date '2012-01-01' + (random() * 5000)::integer,
       case when c % 2 = 0 then (['dwelling_completed', 'dwelling_completed',
                                  'complaint_received', 'complaint_closed'])[1 + j % 4]
            else (['production_stop', 'production_start', 'delivery_from_stock',
                   'complaint_received'])[1 + j % 4] end,
       1 + (random() * 2)::integer, 'K' || (j // 4)
from (select j, (random() * ($n_certs - 1))::integer as c from range($n_activity) t(j));
"""


def build_synthetic(path: Path, n_certs: int, n_audits: int, n_devs: int,
                    n_activity: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    init_store(path)
    sql = (SYNTHETIC_SQL.replace("$n_certs", str(n_certs)).replace("$n_audits", str(n_audits))
           .replace("$n_devs", str(n_devs)).replace("$n_activity", str(n_activity)))
    with duckdb.connect(str(path)) as con:
        con.execute(sql)
    return path


def ensure_demo() -> Path:
    if not DEMO_DB.exists():
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pipelines", "demo", "--db", str(DEMO_DB), "--scale", "100"],
            cwd=REPO_ROOT, check=True,
        )
    return DEMO_DB


def volumes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("certificates", "sites", "audits", "deviations", "activity")}


class Timing:
    """Median wall-clock and CPU seconds per view and for the whole set."""

    def __init__(self) -> None:
        self.wall: dict[str, list[float]] = {v: [] for v in VIEWS}
        self.cpu: dict[str, list[float]] = {v: [] for v in VIEWS}
        self.total_wall: list[float] = []
        self.total_cpu: list[float] = []
        self.rows: dict[str, int] = {}


def time_views(con: duckdb.DuckDBPyConnection, runs: int) -> Timing:
    # CPU time (all threads of this process) is reported next to wall time because the
    # bench machine is shared: under load the wall time mostly measures waiting.
    timing = Timing()
    for _ in range(runs):
        total_wall = total_cpu = 0.0
        for view in VIEWS:
            wall, cpu = time.perf_counter(), time.process_time()
            con.execute(f"create or replace temp table bench_t as select * from {view}")
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            timing.wall[view].append(wall)
            timing.cpu[view].append(cpu)
            total_wall += wall
            total_cpu += cpu
            timing.rows[view] = con.execute("select count(*) from bench_t").fetchone()[0]
        timing.total_wall.append(total_wall)
        timing.total_cpu.append(total_cpu)
    return timing


def time_refresh(db: Path, runs: int, threads: int | None) -> tuple[list[float], list[float],
                                                                   dict[str, float]]:
    """Recompute the lifecycle tables in dependency order (as refresh() does); returns the
    total wall and CPU seconds per run and the median CPU ms per table."""
    from pipelines.config import settings

    order = [v.name for v in view_files(settings().sql_dir) if v.name in MATERIALIZED]
    walls: list[float] = []
    cpus: list[float] = []
    per_table: dict[str, list[float]] = {name: [] for name in order}
    with duckdb.connect(str(db)) as con:
        if threads:
            con.execute(f"set threads = {threads}")
        for _ in range(runs):
            wall0, cpu0 = time.perf_counter(), time.process_time()
            con.execute("begin transaction")
            for name in order:
                cpu = time.process_time()
                con.execute(f"create or replace table {name} as"
                            f" select * from {name}{COMPUTE_SUFFIX}")
                per_table[name].append(time.process_time() - cpu)
            con.execute("commit")
            walls.append(time.perf_counter() - wall0)
            cpus.append(time.process_time() - cpu0)
    return walls, cpus, {k: statistics.median(v) * 1000 for k, v in per_table.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument("--certificates", type=int, default=3000)
    parser.add_argument("--audits", type=int, default=50_000)
    parser.add_argument("--deviations", type=int, default=50_000)
    parser.add_argument("--activity", type=int, default=500_000)
    parser.add_argument("--as-of", default=None, help="as-of date (default: the store's)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()

    if args.db:
        db = args.db
    elif args.synthetic:
        db = build_synthetic(SYNTHETIC_DB, args.certificates, args.audits, args.deviations,
                             args.activity)
    elif WORK_COPY_DB.exists():
        db = WORK_COPY_DB
    else:
        db = ensure_demo()
    init_store(db)  # the views of this checkout, applied to the store's data
    r_wall, r_cpu, r_tables = time_refresh(db, args.runs, args.threads)
    con = duckdb.connect(str(db), read_only=True)
    if args.threads:
        con.execute(f"set threads = {args.threads}")
    if args.as_of:
        con.execute(f"set variable as_of = date '{args.as_of}'")
    print(f"store: {db}")
    print("volumes: " + ", ".join(f"{k} {v:,}" for k, v in volumes(con).items()))
    print("as of:", con.execute("select as_of from as_of_date").fetchone()[0])
    print("load average:", " ".join(f"{x:.1f}" for x in os.getloadavg()),
          f"on {os.cpu_count()} cpus")
    print(f"refresh of the stored lifecycle tables, median of {args.runs}:"
          f" wall {statistics.median(r_wall):.3f} s, cpu {statistics.median(r_cpu):.3f} s")
    for name, ms in r_tables.items():
        print(f"  {name:<32} cpu {ms:8.1f} ms")
    t = time_views(con, args.runs)
    print(f"  {'view':<28} {'wall ms':>8} {'cpu ms':>8} {'rows':>9}")
    for view in VIEWS:
        print(f"  {view:<28} {statistics.median(t.wall[view]) * 1000:8.1f}"
              f" {statistics.median(t.cpu[view]) * 1000:8.1f} {t.rows[view]:>9,}")
    wall, cpu = statistics.median(t.total_wall), statistics.median(t.total_cpu)
    print(f"all lifecycle as-of views, median of {args.runs}: wall {wall:.3f} s,"
          f" cpu {cpu:.3f} s (target < 1 s)")
    status = con.execute(
        "select status, count(*) from certificate_status group by 1 order by 1").fetchall()
    print("certificate_status: " + ", ".join(f"{s} {n}" for s, n in status))
    con.close()


if __name__ == "__main__":
    main()
