"""Shared fixtures: stores built from the real sql/ files and data/reference/ CSVs.

Building a store (schema, reference data, about 60 views, the first refresh) costs about half
a second of CPU, and most tests want a fresh one. The store is therefore built once per run
(``_store_template``, with ``init_store``, exactly as the command line does) and each test
gets a copy: ``COPY FROM DATABASE`` into memory, or a copy of the file.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines.store import init_store

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
