"""Ingestion benchmark: the demo's input files at scale N (default 100, ~1.3 M analyses).

Times, in the same run and on the same files:
  1. DuckDB's own read_csv of every CSV file into a table, no validation (the yardstick);
  2. our ingestion (read, validate, check against the store, load, one transaction per
     file) into a fresh store, in a child process so its peak memory is its own.
Prints rows per second of both, the ratio (target: ingestion >= 1/3 of read_csv) and the
peak resident memory of the ingestion process.

    python bench/ingest.py [--scale 100] [--out bench/out]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def prepare_files(scale: int, out: Path) -> list[tuple[Path, str]]:
    from pipelines.demo import write_base_files

    files_dir = out / f"files_{scale}"
    files_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    files = write_base_files(files_dir, scale)
    print(f"generated {len(files)} demo files at scale {scale} in "
          f"{time.perf_counter() - started:.1f} s ({files_dir})")
    return files


def duckdb_read_csv(files: list[tuple[Path, str]]) -> tuple[int, float, float]:
    """Rows, wall seconds and CPU seconds of DuckDB reading every file into a table."""
    con = duckdb.connect()
    rows, started, cpu = 0, time.perf_counter(), time.process_time()
    for i, (path, _) in enumerate(files):
        if path.suffix != ".csv":
            continue
        con.execute(f"create table t{i} as select * from read_csv(?)", [str(path)])
        rows += con.execute(f"select count(*) from t{i}").fetchall()[0][0]
    return rows, time.perf_counter() - started, time.process_time() - cpu


def child(files_json: str, db: str) -> None:
    """Runs in a fresh process: ingest the files, print rows, seconds, peak RSS (JSON)."""
    from pipelines.ingest import ingest_files
    from pipelines.store import connect_write, init_store

    paths = [Path(p) for p, _ in json.loads(files_json)]
    init_store(db)
    with connect_write(db) as con:
        started, cpu = time.perf_counter(), time.process_time()
        # as the CLI does it: kinds detected, master data first, next file read while the
        # current one is written; the materialized tables are refreshed separately below
        results = ingest_files(con, paths, progress=False, refresh=False)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    for result in results:
        assert result.error is None, result.summary
    rows = sum(r.rows_read for r in results)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "cpu": cpu, "peak_mb": peak_mb}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    files = prepare_files(args.scale, args.out)
    csv_files = [(p, k) for p, k in files if p.suffix == ".csv"]
    size_mb = sum(p.stat().st_size for p, _ in csv_files) / 1e6
    print(f"{len(csv_files)} CSV files, {size_mb:.0f} MB (the XLSX audit file is left out of "
          "both sides)")

    ref_rows, ref_s, ref_cpu = duckdb_read_csv(csv_files)
    db = args.out / f"bench_ingest_{args.scale}.duckdb"
    db.unlink(missing_ok=True)
    Path(f"{db}.wal").unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps([(str(p), k) for p, k in csv_files]),
         str(db)], capture_output=True, text=True, check=True, cwd=REPO)
    ours = json.loads(done.stdout.strip().splitlines()[-1])

    ref_rate = ref_rows / ref_s
    our_rate = ours["rows"] / ours["seconds"]
    print(f"duckdb read_csv : {ref_rows:>10,} rows in {ref_s:6.2f} s = {ref_rate:>12,.0f} rows/s")
    print(f"our ingestion   : {ours['rows']:>10,} rows in {ours['seconds']:6.2f} s = "
          f"{our_rate:>12,.0f} rows/s, peak RSS {ours['peak_mb']:,.0f} MB")
    print(f"ratio ingestion / read_csv = {our_rate / ref_rate:.2f} (target >= 0.33)")
    # On a shared machine wall time moves with the load; CPU seconds much less so.
    print(f"CPU seconds: read_csv {ref_cpu:.2f}, ingestion {ours['cpu']:.2f};"
          f" ratio by CPU = {(ours['rows'] / ours['cpu']) / (ref_rows / ref_cpu):.2f}, "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
