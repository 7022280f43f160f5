"""Shared fixtures: stores built from the real sql/ files and data/reference/ CSVs.

Building a store (schema, reference data, about 60 views, the first refresh) costs about half
a second of CPU, and most tests want a fresh one. The store is therefore built once per run
(``_store_template``, with ``init_store``, exactly as the command line does) and each test
gets a copy: ``COPY FROM DATABASE`` into memory, or a copy of the file. The same holds for
the hand-made yearly-report store (``_report_template``, tests/sql/yearly_report_data.py,
about 2 s of CPU to build): built once per worker, copied per test with ``copy_store``.
The demo store (``demo_build``, about 13 s of CPU) is built once per run, for every worker.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines.authfile import SUFFIX as AUTH_SUFFIX
from pipelines.store import init_store, snapshot_dir

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES_DIR = REPO_ROOT / "data" / "sources"  # the Dutch source texts, copied from the seeds


@pytest.fixture(scope="session")
def _store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file with schema, reference data and every view, built once per run."""
    return init_store(tmp_path_factory.mktemp("template") / "template.duckdb")


def memory_copy(template: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    path = str(template).replace("'", "''")
    con.execute(f"attach '{path}' as template (read_only)")
    con.execute("copy from database template to memory")
    con.execute("detach template")
    return con


@pytest.fixture
def store(_store_template: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory store with schema, reference data and every view."""
    con = memory_copy(_store_template)
    yield con
    con.close()


@pytest.fixture
def store_path(tmp_path: Path, _store_template: Path) -> Path:
    """A store file under tmp_path, initialised and closed (for CLI and ingestion tests)."""
    path = tmp_path / "store.duckdb"
    shutil.copyfile(_store_template, path)
    return path


@pytest.fixture(scope="module")
def read_store(_store_template: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """One in-memory store per test module, for tests that only read (reference data, the
    views' shape)."""
    con = memory_copy(_store_template)
    yield con
    con.close()


def copy_store(source: Path, target: Path) -> Path:
    """A copy of a closed store file with what its writer left beside it (the published
    snapshots, the auth file), as if it had been built at ``target``. The copies keep
    their modification times (copy2): the snapshot pointer names the store's mtime, so a
    copy of a published store is read through its snapshot, like the original."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    for suffix in (".wal", AUTH_SUFFIX):
        beside = source.with_name(source.name + suffix)
        if beside.exists():
            shutil.copy2(beside, target.with_name(target.name + suffix))
    if snapshot_dir(source).is_dir():
        shutil.copytree(snapshot_dir(source), snapshot_dir(target))
    return target


@pytest.fixture(scope="session")
def _report_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made yearly-report store (tests/sql/yearly_report_data.py), built once per
    worker. Never handed to a test itself: ``report_store`` copies it."""
    from tests.sql.yearly_report_data import build_store

    return build_store(tmp_path_factory.mktemp("report_template") / "report.duckdb")


@pytest.fixture
def report_store(tmp_path: Path, _report_template: Path) -> Path:
    """A yearly-report store file of this test's own (it may write it)."""
    return copy_store(_report_template, tmp_path / "report.duckdb")


@dataclass(frozen=True)
class DemoBuild:
    """The demo store built by `python -m pipelines demo` (scale 1), and what it said."""

    db: Path
    files: Path
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> DemoBuild:
    """The demo store, built ONCE PER RUN through the command line (so the subcommand is
    tested): the first xdist worker that asks builds it in the run's shared temporary folder
    under a file lock, the others wait for it and read what it wrote. Read it only (it is
    shared between processes); a test that writes, or needs the demo mark of its own path,
    works on a ``copy_store`` copy (see tests/dashboard/test_browser.py)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    folder = root / "demo_build"
    record = folder / "build.json"
    with (root / "demo_build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            folder.mkdir(exist_ok=True)
            done = subprocess.run(
                [sys.executable, "-m", "pipelines", "demo", "--db", str(folder / "demo.duckdb"),
                 "--scale", "1", "--files-dir", str(folder / "files")],
                cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
            record.write_text(json.dumps({"returncode": done.returncode,
                                          "stdout": done.stdout, "stderr": done.stderr}))
    said = json.loads(record.read_text())
    return DemoBuild(folder / "demo.duckdb", folder / "files", said["returncode"],
                     said["stdout"], said["stderr"])
