"""The watched inbox (issue 25): files that land are ingested once complete, moved to done/
or failed/ with a report, the watch survives a bad file, and SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.watch import is_temporary, watch

CERTS = "certificate_number,scheme,holder_id,holder_name\nBSB-001,brl9341,H1,Groen BV\n"
SITES = "site_id,certificate_number\nS1,BSB-001\n"


def _wait_for(predicate, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture
def watching(store_path: Path, tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    stop = threading.Event()
    taken: list[tuple[str, str]] = []
    thread = threading.Thread(target=watch, args=(store_path, inbox, stop), kwargs={
        "settle_s": 0.5, "poll_s": 0.2,
        "on_file": lambda folder, target: taken.append((folder, target.name))})
    thread.start()
    yield inbox, taken
    stop.set()
    thread.join(timeout=30)
    assert not thread.is_alive()


def test_temporary_names_are_not_taken() -> None:
    assert is_temporary(".certs.csv") and is_temporary("certs.csv.part")
    assert is_temporary("~$certs.xlsx") and is_temporary("certs.csv.report.txt")
    assert not is_temporary("certs.csv")


def test_good_file_goes_to_done_bad_file_to_failed_and_the_watch_goes_on(
        watching, store_path: Path) -> None:
    inbox, taken = watching
    # delivered the safe way: written under a temporary name, then renamed
    (inbox / "certs.csv.part").write_text(CERTS, encoding="utf-8")
    (inbox / "certs.csv.part").rename(inbox / "certs.csv")
    _wait_for(lambda: taken == [("done", "certs.csv")])
    # a file that is no table at all: failed, with its reason in the report
    (inbox / "garbage.xlsx").write_bytes(b"not a spreadsheet")
    _wait_for(lambda: len(taken) == 2)
    assert taken[1] == ("failed", "garbage.xlsx")
    report = (inbox / "failed" / "garbage.xlsx.report.txt").read_text(encoding="utf-8")
    assert report.startswith("garbage.xlsx: not ingested: not a readable XLSX file")
    # still watching: a file written in place (no rename) is taken once it settled
    (inbox / "sites.csv").write_text(SITES, encoding="utf-8")
    _wait_for(lambda: len(taken) == 3)
    assert taken[2] == ("done", "sites.csv")
    assert (inbox / "done" / "sites.csv.report.txt").read_text(encoding="utf-8") \
        .startswith("sites.csv: 1 row loaded, 0 rows quarantined")
    assert sorted(p.name for p in inbox.iterdir()) == ["done", "failed"]
    con = duckdb.connect(str(store_path), read_only=True)
    try:
        rows = con.sql("select file, source, outcome from imports order by started_at"
                       ).fetchall()
        assert con.sql("select site_id from sites").fetchall() == [("S1",)]
    finally:
        con.close()
    assert rows == [("certs.csv", "inbox", "loaded"), ("garbage.xlsx", "inbox", "refused"),
                    ("sites.csv", "inbox", "loaded")]


def test_a_second_file_of_the_same_name_keeps_the_first_in_done(watching) -> None:
    inbox, taken = watching
    for expected in (1, 2):
        (inbox / "certs.part").write_text(CERTS, encoding="utf-8")
        (inbox / "certs.part").rename(inbox / "certs.csv")
        _wait_for(lambda n=expected: len(taken) == n)
    assert [folder for folder, _ in taken] == ["done", "done"]
    assert len([p for p in (inbox / "done").iterdir()
                if not p.name.endswith(".report.txt")]) == 2


def test_sigterm_stops_the_command_cleanly(store_path: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines", "watch", "--db", str(store_path), "--settle",
         "0.5", str(inbox)], cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        (inbox / "certs.tmp").write_text(CERTS, encoding="utf-8")
        (inbox / "certs.tmp").rename(inbox / "certs.csv")
        _wait_for(lambda: (inbox / "done" / "certs.csv.report.txt").exists(), 60)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert out.splitlines() == ["done: certs.csv"]
    assert "stopping (SIGTERM)" in err and "stopped after 1 file(s)" in err
