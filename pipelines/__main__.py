"""Command line: python -m pipelines init|demo|ingest|report (see docs/contract.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.config import settings
from pipelines.ingest import KINDS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipelines",
                                     description="Certification monitoring store")
    commands = parser.add_subparsers(dest="command", required=True)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", type=Path, default=None,
                       help=f"store file (default {settings().db_path}; env CERT_DB)")
        return p

    with_db(commands.add_parser("init", help="create or refresh the store (schema, reference "
                                             "data, views)"))
    with_db(commands.add_parser("refresh", help="recompute the materialized tables (done "
                                                "after every ingest)"))
    demo = with_db(commands.add_parser("demo", help="build the deterministic demo data set"))
    demo.add_argument("--scale", type=int, default=1, help="volume multiplier")
    demo.add_argument("--files-dir", type=Path, default=None,
                      help="where the generated input files are written")
    ingest = with_db(commands.add_parser("ingest", help="ingest CSV/XLSX files"))
    ingest.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ingest.add_argument("--kind", choices=sorted(KINDS))
    ingest.add_argument("--verbose", "-v", action="store_true",
                        help="print the reason of every quarantined row")
    report = with_db(commands.add_parser("report", help="yearly report to the College of "
                                                        "Experts"))
    report.add_argument("--year", type=int, required=True)
    report.add_argument("--scheme", default=None)
    report.add_argument("--out", type=Path, required=True)
    # === issue 11: yearly report options ===
    report.add_argument("--frozen-at", default=None, metavar="TIMESTAMP",
                        help="leave out everything ingested after this moment "
                             "(YYYY-MM-DD[ HH:MM[:SS]])")
    report.add_argument("--with-names", action="store_true", default=None,
                        help="include holder names (default: counts only; setting "
                             "CERT_REPORT_WITH_NAMES=1)")
    # === end issue 11 ===
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    db_path = args.db or settings().db_path

    if args.command == "init":
        from pipelines.store import init_store
        print(f"store ready: {init_store(db_path)}")
        return 0

    if args.command == "refresh":
        from pipelines.store import connect_write, refresh
        with connect_write(db_path) as con:
            names = refresh(con)
        print(f"refreshed: {', '.join(names) or 'nothing to refresh'}")
        return 0

    if args.command == "demo":
        from pipelines.demo import build_demo
        build_demo(Path(db_path), scale=args.scale, files_dir=args.files_dir)
        print(f"demo store ready: {db_path}")
        return 0

    if args.command == "ingest":
        from pipelines.ingest import ingest_files
        from pipelines.store import connect_write, init_store
        if not Path(db_path).exists():
            init_store(db_path)
        with connect_write(db_path) as con:
            results = ingest_files(con, args.files, args.kind)
        for result in results:
            print(result.summary)
            shown = result.problems if args.verbose else result.problems[:5]
            for problem in shown:
                print(f"  {problem}", file=sys.stderr)
            if len(result.problems) > len(shown) or result.rows_quarantined > len(shown):
                print("  ... (all reasons are in the quarantine table)", file=sys.stderr)
        return 1 if any(r.error for r in results) else 0

    if args.command == "report":
        from pipelines.report.cli import run_report
        return run_report(Path(db_path), args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
