"""`python -m pipelines report`: refusals as one line on stderr with exit code 2."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from pipelines.i18n.cli import _
from pipelines.report import ReportRefused, write_report
from pipelines.report.model import with_names_default


def parse_timestamp(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ReportRefused(_("--frozen-at {text}: not a timestamp (YYYY-MM-DD or "
                              "YYYY-MM-DD HH:MM:SS)").format(text=repr(text))) from exc


def run_report(db_path: Path, args: argparse.Namespace) -> int:
    with_names = with_names_default() if args.with_names is None else args.with_names
    try:
        frozen_at = parse_timestamp(args.frozen_at) if args.frozen_at else None
        write_report(db_path, args.year, args.scheme, args.out, frozen_at=frozen_at,
                     with_names=with_names, lang=getattr(args, "lang", None))
    except ReportRefused as exc:
        print(_("report refused: {reason}").format(reason=exc), file=sys.stderr)
        return 2
    print(_("report written: {path}").format(path=args.out))
    return 0
