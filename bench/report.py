"""Benchmark of the yearly report (issue 11): the figures (view yearly_report as of
31 December), the frozen copy (--frozen-at: an in-memory copy of the store up to the
moment, views and stored tables recomputed), the XLSX and the PDF.

    python -m bench.report --db /tmp/report/demo.duckdb --year 2025 [--runs 3]

Reports the median wall and CPU time of each step over --runs runs. No target is set by
the issue. Measured on the scale-1 demo (76 certificates, ~13 500 analyses), year 2025,
all schemes, 2 cores shared (load average 13-15 during the run): figures 1.60 s wall /
0.29 s CPU; XLSX 0.02 s; PDF 2.83 s wall / 0.53 s CPU; frozen copy + figures 3.71 s wall /
1.23 s CPU.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines.report.model import build_report
from pipelines.report.pdf import pdf_bytes
from pipelines.report.source import frozen_copy
from pipelines.report.xlsx import xlsx_bytes


def _measure(label: str, runs: int, step: Callable[[], object]) -> object:
    walls, cpus, result = [], [], None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        result = step()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    print(f"{label:<34} wall {statistics.median(walls):6.2f} s   "
          f"cpu {statistics.median(cpus):6.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/report/demo.duckdb"))
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with duckdb.connect(str(args.db), read_only=True) as con:
        report = _measure("figures (all schemes)", args.runs,
                          lambda: build_report(con, args.year, None))
    _measure("XLSX", args.runs, lambda: xlsx_bytes(report))
    _measure("PDF (Typst, charts via vl-convert)", args.runs, lambda: pdf_bytes(report))

    def frozen() -> object:
        copy = frozen_copy(args.db, datetime.now())
        try:
            return build_report(copy, args.year, None, frozen_at=datetime.now())
        finally:
            copy.close()

    _measure("frozen copy + figures", args.runs, frozen)


if __name__ == "__main__":
    main()
