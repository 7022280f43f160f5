"""Readers never block writers, writers never break readers (issue 12), in small: reader
processes read through dashboard.db in a loop while two CLI ingests run at the same time.
The full load test with Streamlit sessions is bench/concurrency.py."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.pipelines.test_incremental import base_store, lab_csv, write

READER = """
import json, sys, time
from dashboard import db
path, stop = sys.argv[1], sys.argv[2]
import pathlib
seen, errors = [], []
while not pathlib.Path(stop).exists():
    try:
        frame = db.read_frame(
            "select (select count(*) from analyses) as analyses,"
            " (select count(*) from brl9341_observation_history) as observations",
            path=path, timeout_s=2)
        seen.append([frame["analyses"][0], frame["observations"][0]])
    except Exception as exc:  # any error shown to a reader counts
        errors.append(f"{type(exc).__name__}: {exc}")
    time.sleep(0.01)
print(json.dumps({"seen": seen, "errors": errors}))
"""


def test_two_ingests_next_to_three_readers(tmp_path: Path) -> None:
    db = base_store(tmp_path)
    rng = random.Random(12)
    # 6 lots × 3 components per file, one observation per row (one sample per lot)
    files = [write(tmp_path, f"lab_{site}.csv", lab_csv(rng, site, [
        (f"{site}-L{i}", date(2023, 1, 1) + timedelta(days=20 * i)) for i in range(6)], 0.3))
        for site in ("S1", "S2")]
    stop = tmp_path / "stop"
    env = os.environ | {"CERT_LOCK_TIMEOUT_S": "3"}  # a lock conflict fails fast
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)],
                                cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(3)]
    time.sleep(1.0)  # readers are reading before the writers start
    ingests = [subprocess.Popen([sys.executable, "-m", "pipelines", "ingest", "--db", str(db),
                                 str(f)], cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for f in files]
    outcomes = [p.communicate(timeout=120) + (p.returncode,) for p in ingests]
    time.sleep(0.5)
    stop.touch()
    results = [json.loads(p.communicate(timeout=60)[0]) for p in readers]

    assert [code for _, _, code in outcomes] == [0, 0], outcomes
    assert [r["errors"] for r in results] == [[], [], []]
    seen = {tuple(s) for r in results for s in r["seen"]}
    # every state a reader saw is a whole number of files, refreshed (never half a file,
    # never rows without their stored tables)
    assert seen <= {(0, 0), (18, 18), (36, 36)}, seen
    assert (36, 36) in seen  # the readers saw both files arrive
