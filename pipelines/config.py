"""Configuration in one place; every setting can be overridden from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    db_path: Path
    sql_dir: Path
    reference_dir: Path
    demo_files_dir: Path
    # Files with more rows than this get a progress bar while they load.
    progress_min_rows: int
    # Rows validated and loaded per step; bounds memory on very large files.
    chunk_rows: int
    # How long a writer waits for readers to release the store file.
    lock_timeout_s: float
    # How long a writer waits in the queue of writers (issue 12, docs/concurrency.md).
    writer_wait_s: float = 600.0
    # DuckDB memory_limit of writers ("8GB", "40%"); None: DuckDB's default, 80 % of RAM.
    writer_memory_limit: str | None = None


def settings() -> Settings:
    env = os.environ
    return Settings(
        db_path=Path(env.get("CERT_DB", REPO_ROOT / "data" / "certification.duckdb")),
        sql_dir=Path(env.get("CERT_SQL_DIR", REPO_ROOT / "sql")),
        reference_dir=Path(env.get("CERT_REFERENCE_DIR", REPO_ROOT / "data" / "reference")),
        demo_files_dir=Path(env.get("CERT_DEMO_FILES", REPO_ROOT / "data" / "demo_files")),
        progress_min_rows=int(env.get("CERT_PROGRESS_MIN_ROWS", "50000")),
        chunk_rows=int(env.get("CERT_CHUNK_ROWS", "250000")),
        lock_timeout_s=float(env.get("CERT_LOCK_TIMEOUT_S", "30")),
        writer_wait_s=float(env.get("CERT_WRITER_WAIT_S", "600")),
        writer_memory_limit=env.get("CERT_WRITER_MEMORY_LIMIT") or None,
    )
