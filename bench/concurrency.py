"""Load test (issue 12, goals 3 and 4): dashboard sessions reading while CLI ingests write.

1. builds (or reuses) a demo store at --scale (default 5) under --work, and copies it for
   this run (so every run starts from the same store);
2. writes --ingests lab files of --rows rows each (new lots of the store's own analyses);
3. starts Streamlit on 127.0.0.1:--port over the store and opens --readers real sessions
   over its websocket (/_stcore/stream, Streamlit's protobuf protocol, as the browser
   does): each session logs in with one of --accounts (the demo accounts, round robin:
   management, finance, college, producer), then reruns a page of its role's navigation
   in a loop (round robin) and times
   the run from the rerun request to ``script_finished``, waiting --think seconds between
   runs (a person reading the page);
4. after --warmup seconds, starts the ingests at once (``python -m pipelines ingest``, one
   process each) and lets the sessions read until all ingests ended plus --tail seconds;
   meanwhile a probe reads the analyses count through dashboard.db every 50 ms;
5. reports failed ingests (exit code, first line), reader errors (exceptions shown, error
   alerts, "busy" warnings, failed runs), reader latency p50/p95/p99 (all runs, and the
   runs while ingests were running), and whether the probe ever saw part of a file.

Bounded: at most --max-seconds in total; every server and process it starts is stopped.
Usage: python bench/concurrency.py [--work /tmp/x/conc] [--scale 5] [--readers 20]
                                   [--ingests 5] [--rows 50000] [--port 8597] [--think 2]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect as websocket_connect

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from dashboard import db as dash_db  # noqa: E402
from pipelines.store import connect_write  # noqa: E402

PY = sys.executable
# The demo store's accounts (README, "Demo accounts"): the readers are the dashboard's users.
DEMO_ACCOUNTS = ("management:demo-management,finance:demo-finance,college:demo-college,"
                 "producer:demo-producer")
RUN_TIMEOUT_S = 60.0  # a page run that takes longer counts as an error shown to the reader


def build_store(work: Path, scale: int) -> Path:
    store = work / f"demo_{scale}.duckdb"
    if not store.exists():
        t = time.perf_counter()
        subprocess.run([PY, "-m", "pipelines", "demo", "--db", str(store), "--scale",
                        str(scale), "--files-dir", str(work / f"files_{scale}")],
                       cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL)
        print(f"demo store scale {scale} built in {time.perf_counter() - t:.1f} s")
    return store


def fresh_copy(base: Path, work: Path) -> Path:
    """A copy of the built store (and its users) for this run: every run ingests the same
    new rows into the same store, instead of files the store already holds."""
    run = work / "run"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir()
    for suffix in ("", ".wal", ".auth.sqlite"):
        source = base.with_name(base.name + suffix)
        if source.exists():
            shutil.copy2(source, run / source.name)
    return run / base.name


def write_lab_files(store: Path, work: Path, n_files: int, rows: int) -> list[Path]:
    """New lots: the store's analyses again under new lot, sample and report ids."""
    files = []
    with connect_write(store) as con:  # the writer's turn; also publishes a snapshot
        for k in range(n_files):
            path = work / f"load_{k}.csv"
            con.execute(
                f"copy (select certificate_number, site_id, product,"
                f" 'LOAD{k}-' || lot_id as lot_id, sampled_on as produced_on,"
                f" 100 as lot_size_tonnes, 'LOAD{k}-' || sample_id as sample_id, sampled_on,"
                f" component, value, loq, 'mg/kg ds' as unit, lab,"
                f" 'LOAD{k}-' || lab_report_id as lab_report_id, purpose"
                f" from (select a.* replace (a.lot_id || '-' || r.range as lot_id,"
                f" a.sample_id || '-' || r.range as sample_id, a.lab_report_id || '-' ||"
                f" r.range as lab_report_id) from analyses a, range({rows}) r"
                f" where a.purpose = 'production' and a.lot_id not like 'LOAD%'"
                f" and r.range < {rows} // (select count(*) from analyses) + 1)"
                f" order by site_id, lot_id, component limit {rows})"
                f" to '{path}' (header, delimiter ',')")
            files.append(path)
    return files


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Session:
    """One browser tab: a websocket, reruns of a page, timings and errors."""

    def __init__(self, url: str, number: int, think_s: float,
                 account: tuple[str, str] | None = None):
        self.url, self.number, self.think_s = url, number, think_s
        self.account = account  # (user name, password): log in first, then read its pages
        self.runs: list[tuple[float, float]] = []  # (start time, seconds)
        self.run_pages: list[str] = []  # the page of each run, by name
        self.errors: list[str] = []
        self.pages: list[str] = []
        self.logged_in = account is None
        self._login_ids: dict[str, str] = {}  # widget label -> widget id, from the form
        self._page_names: list[str] = []
        self.stopped = False  # set by the driver; checked between runs (cancelling a task
        # blocked in asyncio.wait_for can be swallowed on Python 3.11)

    async def _run(self, ws, page_hash: str, login: bool = False) -> None:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_script_hash = page_hash
        msg.rerun_script.widget_states.SetInParent()
        if login:  # the browser sends a form's values with its submit button
            assert self.account is not None
            for label, value in (("User name", self.account[0]),
                                 ("Password", self.account[1])):
                widget = msg.rerun_script.widget_states.widgets.add()
                widget.id, widget.string_value = self._login_ids[label], value
            widget = msg.rerun_script.widget_states.widgets.add()
            widget.id, widget.trigger_value = self._login_ids["Log in"], True
        start = time.monotonic()
        await ws.send(msg.SerializeToString())
        while True:
            data = await asyncio.wait_for(ws.recv(), timeout=RUN_TIMEOUT_S)
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "navigation":  # the page list changes with the login
                self.pages = [p.page_script_hash for p in fwd.navigation.app_pages]
                self._page_names = [p.page_name for p in fwd.navigation.app_pages]
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self._check(fwd.delta.new_element)
            elif kind == "script_finished":
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun (after the login): the same run goes on
                self.runs.append((start, time.monotonic() - start))
                names = dict(zip(self.pages, self._page_names, strict=False))
                self.run_pages.append(names.get(page_hash, "(default page)"))
                return

    def _check(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind in ("text_input", "button") and not self.logged_in:
            widget = getattr(element, kind)
            self._login_ids[widget.label] = widget.id
        if kind == "exception":
            self.errors.append(f"exception: {element.exception.message[:200]}")
        elif kind == "alert":
            body = element.alert.body
            if element.alert.format == 1 or "busy" in body.lower() \
                    or "behind" in body.lower():
                self.errors.append(f"alert: {body[:200]}")

    async def loop(self, until: float) -> None:
        try:
            ws = await websocket_connect(self.url, subprotocols=["streamlit"], max_size=None)
        except Exception as exc:  # noqa: BLE001 - a reader that cannot connect is an error
            self.errors.append(f"connect: {exc}")
            return
        try:
            page = ""  # the first run: the default page; then the navigation, round robin
            while time.monotonic() < until and not self.stopped:
                try:
                    await self._run(ws, page)
                    if not self.logged_in:  # the first run showed the login form
                        await self._run(ws, "", login=True)
                        self.logged_in = "Log in" not in self._page_names
                        if not self.logged_in:
                            self.errors.append(f"login failed for {self.account[0]}")
                            return
                        self.runs.pop()  # the login run is not a page read
                        self.run_pages.pop()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - shown to the reader as a failure
                    self.errors.append(f"run: {type(exc).__name__}: {exc}")
                    return
                if self.pages:
                    page = self.pages[(self.number + len(self.runs)) % len(self.pages)]
                await asyncio.sleep(self.think_s)
        finally:
            await ws.close()


def wait_for_server(port: int, deadline: float) -> None:
    import urllib.request

    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                        timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("streamlit did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_concurrency"))
    parser.add_argument("--scale", type=int, default=5)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--ingests", type=int, default=5)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--port", type=int, default=8597)
    parser.add_argument("--warmup", type=float, default=15.0)
    parser.add_argument("--think", type=float, default=2.0,
                        help="seconds a session waits between the end of a run and the next"
                             " (a person reading the page); 0.2 = a stress test")
    parser.add_argument("--accounts", default=DEMO_ACCOUNTS,
                        help="user:password,... the sessions log in with, round robin (the"
                             " demo accounts); '' = anonymous sessions (login and verify"
                             " pages only)")
    parser.add_argument("--tail", type=float, default=10.0)
    parser.add_argument("--max-seconds", type=float, default=900.0)
    args = parser.parse_args()
    hard_stop = time.monotonic() + args.max_seconds
    args.work.mkdir(parents=True, exist_ok=True)
    store = fresh_copy(build_store(args.work, args.scale), args.work)
    files = write_lab_files(store, args.work, args.ingests, args.rows)
    with duckdb.connect(str(dash_db.read_path(store)), read_only=True) as con:
        base = con.sql("select count(*) from analyses").fetchall()[0][0]
    print(f"store {store}: {base} analyses; {len(files)} files of {args.rows} rows")

    env = os.environ | {"CERT_DB": str(store)}
    server = subprocess.Popen(
        [PY, "-m", "streamlit", "run", "dashboard/app.py", "--server.address", "127.0.0.1",
         "--server.port", str(args.port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false"], cwd=REPO_ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    probe_seen: set[int] = set()
    probe_errors: list[str] = []
    stop_probe = threading.Event()

    def probe() -> None:
        while not stop_probe.is_set():
            try:
                frame = dash_db.read_frame("select count(*) as n from analyses", path=store)
                probe_seen.add(int(frame["n"][0]))
            except Exception as exc:  # noqa: BLE001
                probe_errors.append(str(exc))
            time.sleep(0.05)

    ingests: list[tuple[subprocess.Popen, float]] = []
    results: list[tuple[int, float, str]] = []
    try:
        wait_for_server(args.port, time.monotonic() + 60)
        accounts = [tuple(a.split(":", 1)) for a in args.accounts.split(",") if a]
        sessions = [Session(f"ws://127.0.0.1:{args.port}/_stcore/stream", i, args.think,
                            accounts[i % len(accounts)] if accounts else None)
                    for i in range(args.readers)]

        async def drive() -> tuple[float, float]:
            loop_until = hard_stop - 30
            tasks = [asyncio.create_task(s.loop(loop_until)) for s in sessions]
            warm_until = time.monotonic() + args.warmup
            while time.monotonic() < warm_until or not all(s.runs or s.errors
                                                           for s in sessions):
                await asyncio.sleep(0.5)
                if time.monotonic() > loop_until - 60:
                    break
            print(f"sessions warm: {sum(1 for s in sessions if s.runs)} of {len(sessions)}"
                  f" after {time.monotonic() - warm_until + args.warmup:.0f} s", flush=True)
            t0 = time.monotonic()
            for path in files:
                ingests.append((subprocess.Popen(
                    [PY, "-m", "pipelines", "ingest", "--db", str(store), str(path)],
                    cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    text=True), time.monotonic()))
            ended: dict[int, float] = {}
            while len(ended) < len(ingests) and time.monotonic() < loop_until:
                for i, (p, _) in enumerate(ingests):
                    if i not in ended and p.poll() is not None:
                        ended[i] = time.monotonic()
                await asyncio.sleep(0.2)
            t1 = time.monotonic()
            for i, (p, started) in enumerate(ingests):
                out, err = p.communicate(timeout=max(1, hard_stop - time.monotonic()))
                lines = (out + err).strip().splitlines()
                results.append((p.returncode, ended.get(i, time.monotonic()) - started,
                                " | ".join(line for line in lines if "rows/s" not in line
                                           )[:300]))
            await asyncio.sleep(args.tail)
            for s in sessions:  # the sessions would read until loop_until: end them now
                s.stopped = True
            await asyncio.wait(tasks, timeout=RUN_TIMEOUT_S + 15)
            for task in tasks:
                task.cancel()
            return t0, t1

        threading.Thread(target=probe, daemon=True).start()
        t0, t1 = asyncio.run(drive())
    finally:
        stop_probe.set()
        for p, _ in ingests:
            if p.poll() is None:
                p.kill()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()

    failed = [r for r in results if r[0] != 0]
    print(f"ingests: {len(results)}, failed: {len(failed)}; durations "
          + ", ".join(f"{d:.1f} s" for _, d, _ in results))
    for code, _, text in failed:
        print(f"  exit {code}: {text}")
    # a session's first run loads the app (imports, bootstrap): reported apart
    first = [s.runs[0][1] for s in sessions if s.runs]
    all_runs = [d for s in sessions for _, d in s.runs[1:]]
    before = [d for s in sessions for start, d in s.runs[1:] if start < t0]
    during = [d for s in sessions for start, d in s.runs[1:] if t0 <= start <= t1]
    after = [d for s in sessions for start, d in s.runs[1:] if start > t1]
    errors = [e for s in sessions for e in s.errors]
    print(f"reader sessions: {len(sessions)}, runs: {len(all_runs)}, errors shown: "
          f"{len(errors)}")
    for e in errors[:5]:
        print(f"  {e}")
    for label, values in (("first run of each session", first),
                          ("later runs", all_runs), ("later runs before the ingests", before),
                          ("later runs during ingests", during),
                          ("later runs after the ingests", after)):
        if values:
            print(f"reader latency ({label}, n={len(values)}): p50 "
                  f"{statistics.median(values):.2f} s, p95 {percentile(values, 0.95):.2f} s,"
                  f" p99 {percentile(values, 0.99):.2f} s")
    by_page: dict[str, list[float]] = {}
    for s in sessions:
        for (_, d), name in list(zip(s.runs, s.run_pages, strict=True))[1:]:
            by_page.setdefault(name, []).append(d)
    print("reader latency per page (later runs): " + "; ".join(
        f"{name} n={len(v)} p50 {statistics.median(v):.2f} p95 {percentile(v, 0.95):.2f}"
        for name, v in sorted(by_page.items(), key=lambda kv: -percentile(kv[1], 0.95))))
    loaded = [int(t.split(" rows loaded")[0].rsplit(" ", 1)[-1]) for _, _, t in results
              if " rows loaded" in t]
    whole = {base + sum(c) for r in range(len(loaded) + 1)
             for c in itertools.combinations(loaded, r)}
    partial = sorted(probe_seen - whole)
    print(f"probe: {len(probe_seen)} distinct analyses counts seen, errors "
          f"{len(probe_errors)}; counts that are not a whole number of files: "
          f"{partial or 'none'}")


if __name__ == "__main__":
    main()
