"""Benchmark of the materialized tables' refresh (issue 12, goals 1 and 2).

On a COPY of a demo store (the original is not changed), reports:
  1. full refresh: every materialized table, and the three BRL 9341 tables alone;
  2. the bare window query over the same lot observations (rolling mean and sd of log10
     over the last 5 and 10 observations per site × product × component) and the ratio
     full refresh / bare query;
  3. the marginal time of a one-lot lab file (one new lot of the busiest site, as many
     analyses as its last lot): ingest + incremental refresh inside ``connect_write``,
     and the publication of the read-only snapshot (checkpoint + file copy) separately;
  4. a full refresh again after the incremental one, checking that the stored tables equal
     their full recomputation.

Usage: python bench/refresh.py --db /tmp/x/demo.duckdb [--work /tmp/x/bench] [--runs 3]
                               [--in-place]
(env CERT_WRITER_MEMORY_LIMIT=8GB bounds DuckDB's memory, as for every writer)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

import duckdb
import polars as pl

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from pipelines.config import settings  # noqa: E402
from pipelines.ingest import ingest_files  # noqa: E402
from pipelines.store import (  # noqa: E402
    COMPUTE_SUFFIX,
    connect_write,
    init_store,
    publish_snapshot,
    refresh,
    view_files,
    writer_lock,
)

BRL_TABLES = {"brl9341_lot_order", "brl9341_observation_history", "brl9341_regime_events"}
BARE_WINDOW = """
create or replace temp table bare_window as
select site_id, product, component, lot_id, lot_sampled_on,
       avg(log10(observation)) over w5 as mean5, stddev_samp(log10(observation)) over w5 as sd5,
       avg(log10(observation)) over w10 as mean10,
       stddev_samp(log10(observation)) over w10 as sd10
from brl9341_lot_observations
where limit_value is not null and observation > 0
window w5 as (partition by site_id, product, component order by lot_sampled_on, lot_id
              rows between 4 preceding and current row),
       w10 as (partition by site_id, product, component order by lot_sampled_on, lot_id
               rows between 9 preceding and current row)
"""


def timed(fn, runs: int = 1) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def one_lot_file(con: duckdb.DuckDBPyConnection, folder: Path) -> tuple[Path, int]:
    """A lab file with one new lot of the busiest site: its last lot again, a day later."""
    site, lot = con.sql(
        "select site_id, arg_max(lot_id, sampled_on) from analyses where purpose ="
        " 'production' group by site_id order by count(*) desc limit 1").fetchall()[0]
    rows = con.sql(
        "select certificate_number, site_id, product, 'BENCH-' || lot_id as lot_id,"
        " sampled_on + 1 as produced_on, 100 as lot_size_tonnes, 'BENCH-' || sample_id"
        " as sample_id, sampled_on + 1 as sampled_on, component, value, loq, 'mg/kg ds'"
        " as unit, lab, 'BENCH-' || lab_report_id as lab_report_id, purpose from analyses"
        " where site_id = ? and lot_id = ?", params=[site, lot]).pl()
    rows = rows.with_columns(pl.col("value").cast(pl.String))
    path = folder / "bench_one_lot.csv"
    rows.write_csv(path)
    return path, rows.height


def differences(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, int]:
    found = {}
    for name in names:
        n = con.sql(f"select count(*) from ((select * from {name} except all select * from"
                    f" {name}{COMPUTE_SUFFIX}) union all (select * from {name}{COMPUTE_SUFFIX}"
                    f" except all select * from {name}))").fetchall()[0][0]
        if n:
            found[name] = n
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a demo store (not changed)")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder for the copy")
    parser.add_argument("--runs", type=int, default=3, help="runs of the bare query")
    parser.add_argument("--in-place", action="store_true",
                        help="work on --db itself (a scratch store too large to copy)")
    args = parser.parse_args()
    work = args.work or args.db.parent / "bench_refresh"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = args.db if args.in_place else work / "store.duckdb"
    if not args.in_place:
        shutil.copyfile(args.db, db)
    t_init = timed(lambda: init_store(db))  # new views and schema; includes a full refresh
    print(f"store: copy of {args.db} ({db.stat().st_size / 1e6:.0f} MB); init {t_init:.2f} s")

    materialized = [v.name for v in view_files(REPO_ROOT / "sql") if v.materialized]
    limit = settings().writer_memory_limit
    with writer_lock(db), duckdb.connect(
            str(db), config={"memory_limit": limit} if limit else {}) as con:
        n_obs = con.sql("select count(*) from brl9341_lot_observations").fetchall()[0][0]
        t_full = timed(lambda: refresh(con))
        t_brl = timed(lambda: refresh(con, changed={"analyses"}))
        t_bare = timed(lambda: con.execute(BARE_WINDOW), args.runs)
        lot_file, n_rows = one_lot_file(con, work)
    print(f"lot observations: {n_obs}")
    print(f"full refresh ({len(materialized)} tables): {t_full:.2f} s")
    print(f"full refresh of the 3 BRL 9341 tables: {t_brl:.2f} s")
    print(f"bare window query: {t_bare:.2f} s; ratio all/bare {t_full / t_bare:.1f}x,"
          f" BRL/bare {t_brl / t_bare:.1f}x")

    t_publish = timed(lambda: publish_snapshot(db))  # the refreshes above changed the store
    start = time.perf_counter()
    with connect_write(db) as con:
        results = ingest_files(con, [lot_file])
        t_ingest = time.perf_counter() - start
    t_total = time.perf_counter() - start
    print(f"one-lot lab file ({n_rows} analyses): {results[0].summary}")
    print(f"  ingest + incremental refresh: {t_ingest:.2f} s")
    print(f"  + catch-up check, checkpoint, snapshot publication: {t_total - t_ingest:.2f} s"
          f" (total {t_total:.2f} s; the publication after the refreshes above:"
          f" {t_publish:.2f} s)")
    t_copy = timed(lambda: shutil.copyfile(db, work / "copy.duckdb"), 1 if args.in_place else 3)
    print(f"  file copy alone ({db.stat().st_size / 1e6:.0f} MB): {t_copy:.2f} s")
    (work / "copy.duckdb").unlink()
    with duckdb.connect(str(db), read_only=True) as con:
        diff = differences(con, materialized)
    print(f"stored tables vs full recomputation after the incremental ingest: "
          f"{diff or 'identical'}")


if __name__ == "__main__":
    main()
