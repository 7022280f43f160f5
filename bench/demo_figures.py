"""The demo's headline figures, to compare two builds (e.g. before and after a rule change).

    python bench/demo_figures.py --db /tmp/a/demo.duckdb [--as-of 2026-12-07] > a.json
    python bench/demo_figures.py --db /tmp/b/demo.duckdb --compare a.json

Prints one JSON object: overdue series, exceedances, process findings, worklist items,
the yearly report's measures and controls, and billed and expected amounts per year.
With --compare, prints only the figures that differ, old -> new.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from pipelines.store import connect

QUERIES = {
    "sampling_frequency.overdue": "select count(*) from sampling_frequency where overdue",
    "sampling_plan.overdue": "select count(*) from sampling_plan where overdue",
    "lot_compliance.exceeds": "select count(*) from lot_compliance where exceeds",
    "lot_status.not_compliant": "select count(*) from lot_status where not compliant",
    "worklist": "select kind, count(*) from worklist group by all order by 1",
    "process_findings": "select \"check\" || ' / ' || status, count(*) from process_findings"
                        " group by all order by 1",
    "yearly_report.measures_controls": "select scheme || ' ' || year || ' ' || indicator,"
                                       " value from yearly_report where section in"
                                       " ('measures', 'controls') order by 1",
    "expected_charges.excl_vat_per_year": "select year(fee_date)::varchar,"
                                          " round(sum(amount_excl_vat), 2)::double"
                                          " from expected_charges group by all order by 1",
    "invoice_check.differences": "select count(*) filter (where difference <> 0),"
                                 " round(sum(abs(difference)), 2)::double from invoice_check",
    "receivables.open": "select count(*), round(sum(open_amount), 2)::double from receivables",
}


def figures(db: Path, as_of: date | None) -> dict[str, object]:
    con = connect(db)
    try:
        if as_of:
            con.execute("set variable as_of = ?::date", [as_of])
        out: dict[str, object] = {}
        for name, sql in QUERIES.items():
            try:
                rows = con.sql(sql).fetchall()
            except Exception as exc:  # a view a build does not have
                out[name] = f"error: {str(exc).splitlines()[0]}"
                continue
            if len(rows) == 1 and len(rows[0]) == 1:
                out[name] = rows[0][0]
            elif all(len(r) == 2 for r in rows) and not (len(rows) == 1 and name.startswith(
                    ("invoice_check", "receivables"))):
                out[name] = {str(k): v for k, v in rows}
            else:
                out[name] = [list(r) for r in rows]
        return out
    finally:
        con.close()


def _flat(data: object, prefix: str = "") -> dict[str, object]:
    if isinstance(data, dict):
        flat: dict[str, object] = {}
        for key, value in data.items():
            flat.update(_flat(value, f"{prefix}{key}." if prefix or key else key))
        return flat
    return {prefix.rstrip("."): data}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    parser.add_argument("--compare", type=Path, default=None,
                        help="a JSON file of an earlier run: print what differs")
    args = parser.parse_args()
    now = json.loads(json.dumps(figures(args.db, args.as_of), default=str))
    if args.compare is None:
        json.dump(now, sys.stdout, indent=1, sort_keys=True)
        print()
        return 0
    before, after = _flat(json.loads(args.compare.read_text())), _flat(now)
    for key in sorted(before.keys() | after.keys()):
        if before.get(key) != after.get(key):
            print(f"{key}: {before.get(key, '-')} -> {after.get(key, '-')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
