"""Render time of every dashboard page with Streamlit's AppTest (issue 9, issue 26 targets).

    python bench/pages.py [--db /tmp/d100/demo.duckdb] [--as-of YYYY-MM-DD] [--runs 5]
                          [--pause 0] [--only URL_PATH ...] [--json FILE]
                          [--college-filter year-before|year-after|scheme]

Every page of dashboard/navigation.py's registry whose file exists is measured (so pages
added later are covered), as a viewer whose role may open it. Per page, ``--runs`` times:
- cold: the app's frame is rendered, the previous run's background work is waited for
  (the College page's prefetch: its CPU time is not this render's), the query cache is
  cleared, and the page is opened (first render with an empty cache: every query runs);
- filter change: one filter of the page is changed (a cache miss for the new value),
  ``--pause`` seconds after the page showed (0: at once; 2-3: a person reading the page
  first, which lets background work such as the College page's prefetch of the
  neighbouring years finish; its CPU time is then not in the filter change's figures).
Reported: the median of the runs (wall clock, and this process's CPU time, which a busy
machine does not inflate), against the targets cold < 1.5 s, filter < 0.5 s (issue 26),
as a table and as JSON (standard output after the table, or ``--json FILE``).
AppTest runs the page scripts in this process, without a browser: the figures are the
server's work for a page (queries, tables, downloads' widgets), not the browser drawing it.
Some pages also get rows for a section picked through the URL (``page?section=...``).

The store is read as the dashboard reads it (CERT_DB); views missing from an older store
are added first (dashboard.bootstrap.ensure_store), outside the timings.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

COLD_TARGET_S = 1.5
FILTER_TARGET_S = 0.5
APP = str(REPO_ROOT / "dashboard" / "app.py")

def _year_next_to(options: list[object], current: object, step: int) -> int:
    """AppTest lists a selectbox's options as text; the value is the year itself."""
    years = [int(str(o)) for o in options]
    return years[years.index(int(str(current))) + step]


# The filter a page's "filter change" sets: (widget kind, key, value from the options).
Pick = Callable[[list[object], object], object]
FILTERS: dict[str, tuple[str, str, Pick]] = {
    "overview": ("multiselect", "worklist_kinds", lambda opts, cur: ["deviation"]),
    "certificates": ("multiselect", "cert_statuses", lambda opts, cur: ["suspended"]),
    "billing": ("selectbox", "bill_period",
                lambda opts, cur: next(o for o in opts if o != cur)),
    # the year before the shown one (the comparison a reader makes); --college-filter
    "college": ("selectbox", "report_year",
                lambda opts, cur: _year_next_to(opts, cur, +1)),  # newest first: +1 is before
}
COLLEGE_FILTERS: dict[str, tuple[str, str, Pick]] = {
    "year-before": FILTERS["college"],
    "year-after": ("selectbox", "report_year", lambda opts, cur: _year_next_to(opts, cur, -1)),
    "scheme": ("selectbox", "report_scheme",
               lambda opts, cur: next(o for o in opts if o != cur)),
}
# Extra rows: a page opened on another section through the URL.
VARIANTS: dict[str, list[dict[str, str]]] = {
    "certificates": [{"section": "deviations"}, {"section": "audits"},
                     {"section": "public"}],
    "billing": [{"section": "receivables"}, {"section": "revenue"}],
}
EXTRA_FILTERS: dict[tuple[str, str], tuple[str, str, Pick]] = {
    ("certificates", "deviations"): ("toggle", "dev_open", lambda opts, cur: not cur),
    ("certificates", "audits"): ("multiselect", "cert_schemes", lambda opts, cur: [opts[0]]),
    ("certificates", "public"): ("multiselect", "cert_schemes", lambda opts, cur: [opts[0]]),
    ("billing", "receivables"): ("multiselect", "bill_buckets", lambda opts, cur: ["> 90"]),
    ("billing", "revenue"): ("multiselect", "rev_schemes", lambda opts, cur: [opts[0]]),
}


def viewer_for(roles: frozenset[str], producer_viewer: object) -> object:
    from dashboard.viewer import BODY, staff

    if "management" in roles:
        return BODY
    for role in ("finance", "college", "admin"):
        if role in roles:
            return staff(role, f"bench {role}")  # type: ignore[arg-type]
    return producer_viewer


def a_producer(as_of: date) -> object:
    """The holder with the most certificates (a producer's view with the most rows)."""
    from dashboard import queries
    from dashboard.viewer import BODY, producer

    holders = queries.viewer_options(BODY, as_of)
    row = max(holders.iter_rows(named=True), key=lambda r: len(r["certificate_numbers"]))
    return producer(row["holder_name"], row["certificate_numbers"], [row["holder_id"]])


def change_filter(at: object, url_path: str, section: str | None) -> str | None:
    """Change one filter of the page (known ones by key, else the first usable widget of
    the main area); returns a description, or None when the page has no filter."""
    spec = EXTRA_FILTERS.get((url_path, section or "")) or FILTERS.get(url_path)
    main = at.main  # type: ignore[attr-defined]
    if spec is not None:
        kind, key, pick = spec
        widget = getattr(at, kind)(key=key)
        options = list(getattr(widget, "options", []))
        widget.set_value(pick(options, widget.value))
        return f"{kind} {key}"
    for box in main.selectbox:
        if len(box.options) > 1:
            box.set_value(next(o for o in box.options if o != box.value))
            return f"selectbox {box.label}"
    for box in main.multiselect:
        if box.options:
            box.set_value([box.options[0]])
            return f"multiselect {box.label}"
    for toggle in main.toggle:
        toggle.set_value(not toggle.value)
        return f"toggle {toggle.label}"
    for box in main.checkbox:
        box.set_value(not box.value)
        return f"checkbox {box.label}"
    return None


def idle() -> None:
    """Waits for this process's background threads of the dashboard (the College page's
    prefetch, dashboard.queries) to finish."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and thread.name.startswith("prefetch"):
            thread.join()


def measure(page_file: str, viewer: object, as_of: date, params: dict[str, str],
            url_path: str, runs: int, pause_s: float = 0.0,
            ) -> tuple[list[float], list[float], list[float], list[float], str | None, str]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    cold: list[float] = []
    changed: list[float] = []
    cold_cpu: list[float] = []
    changed_cpu: list[float] = []
    what: str | None = None
    problem = ""
    for _ in range(runs):
        at = AppTest.from_file(APP, default_timeout=300)
        at.session_state["viewer"] = viewer
        at.session_state["as_of"] = as_of
        for key, value in params.items():
            at.query_params[key] = value
        at.run()  # the frame and the role's home page
        # a cold render starts in an idle process: the previous run's background work (the
        # College page's prefetch of the years next to the one picked) would otherwise be
        # counted in this render's CPU time and slow its wall clock
        idle()
        st.cache_data.clear()
        start, cpu = time.perf_counter(), time.process_time()
        at.switch_page(f"app_pages/{page_file}").run()
        cold.append(time.perf_counter() - start)
        cold_cpu.append(time.process_time() - cpu)
        if at.exception:
            problem = at.exception[0].value.splitlines()[0][:80]
            break
        what = change_filter(at, url_path, params.get("section"))
        if what is None:
            continue
        time.sleep(pause_s)
        start, cpu = time.perf_counter(), time.process_time()
        at.run()
        changed.append(time.perf_counter() - start)
        changed_cpu.append(time.process_time() - cpu)
        if at.exception:
            problem = at.exception[0].value.splitlines()[0][:80]
            break
    return cold, changed, cold_cpu, changed_cpu, what, problem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/d100/demo.duckdb")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pause", type=float, default=0.0,
                        help="seconds between the page showing and the filter change")
    parser.add_argument("--only", nargs="*", help="url paths to measure (default: all)")
    parser.add_argument("--json", type=Path, help="write the figures as JSON to this file")
    parser.add_argument("--college-filter", choices=sorted(COLLEGE_FILTERS),
                        default="year-before", help="the College page's filter change")
    args = parser.parse_args(argv)
    FILTERS["college"] = COLLEGE_FILTERS[args.college_filter]
    os.environ["CERT_DB"] = str(Path(args.db).resolve())

    from dashboard.bootstrap import ensure_store
    from dashboard.navigation import PAGES, PAGES_DIR

    started = time.perf_counter()
    ensure_store(Path(args.db))
    print(f"store {args.db}: views checked in {time.perf_counter() - started:.1f} s; "
          f"as of {args.as_of}, median of {args.runs}")
    producer_viewer = a_producer(args.as_of)

    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")
    header = (f"{'page':<32} {'viewer':<11} {'cold s':>7} {'filter s':>8} "
              f"{'cold cpu':>8} {'filt cpu':>8}  {'ok':<3} filter changed")
    print(header)
    print("-" * len(header))
    failures = 0
    results: list[dict[str, object]] = []
    for spec in PAGES:
        if not (PAGES_DIR / spec.file).exists():
            continue
        if args.only and spec.url_path not in args.only:
            continue
        viewer = viewer_for(spec.roles, producer_viewer)
        for params in [{}, *VARIANTS.get(spec.url_path, [])]:
            cold, changed, cold_cpu, changed_cpu, what, problem = measure(
                spec.file, viewer, args.as_of, params, spec.url_path, args.runs, args.pause)
            name = spec.url_path + ("?" + "&".join(f"{k}={v}" for k, v in params.items())
                                    if params else "")
            cold_s = statistics.median(cold)
            filter_s = statistics.median(changed) if changed else None
            ok = (not problem and cold_s < COLD_TARGET_S
                  and (filter_s is None or filter_s < FILTER_TARGET_S))
            failures += not ok
            shown = f"{filter_s:8.2f}" if filter_s is not None else f"{'—':>8}"
            shown_cpu = (f"{statistics.median(changed_cpu):8.2f}" if changed_cpu
                         else f"{'—':>8}")
            results.append({
                "page": name, "viewer": getattr(viewer, "role", "?"),
                "cold_s": round(cold_s, 3),
                "filter_s": round(filter_s, 3) if filter_s is not None else None,
                "cold_cpu_s": round(statistics.median(cold_cpu), 3),
                "filter_cpu_s": (round(statistics.median(changed_cpu), 3) if changed_cpu
                                 else None),
                "ok": ok, "filter_changed": what, "problem": problem or None,
            })
            print(f"{name:<32} {getattr(viewer, 'role', '?'):<11} {cold_s:7.2f} {shown} "
                  f"{statistics.median(cold_cpu):8.2f} {shown_cpu}  "
                  f"{'yes' if ok else 'NO':<3} {problem or what or '(no filter)'}",
                  flush=True)
    print(f"targets: cold < {COLD_TARGET_S} s, filter change < {FILTER_TARGET_S} s "
          f"(wall clock); {failures} row(s) miss a target")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
          "cpu = this process's CPU time (all threads), which other load does not inflate")
    report = {"db": str(args.db), "as_of": args.as_of.isoformat(), "runs": args.runs,
              "method": "streamlit AppTest, in process",
              "targets_s": {"cold": COLD_TARGET_S, "filter": FILTER_TARGET_S},
              "rows_missing_a_target": failures, "pages": results}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"JSON: {args.json}")
    else:
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
