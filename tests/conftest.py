"""Shared fixtures: stores built from the real sql/ files and data/reference/ CSVs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines.store import init_connection, init_store

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES_DIR = REPO_ROOT / "data" / "sources"  # the Dutch source texts, copied from the seeds


@pytest.fixture
def store() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory store with schema, reference data and every view."""
    con = duckdb.connect()
    init_connection(con)
    yield con
    con.close()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A store file under tmp_path, initialised and closed (for CLI and ingestion tests)."""
    return init_store(tmp_path / "store.duckdb")


@pytest.fixture(scope="module")
def read_store() -> Iterator[duckdb.DuckDBPyConnection]:
    """One in-memory store per test module, for tests that only read (reference data, the
    views' shape): building a store takes about a second, so read-only tests share one."""
    con = duckdb.connect()
    init_connection(con)
    yield con
    con.close()
