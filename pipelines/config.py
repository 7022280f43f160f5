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
    # Where `demo` writes its input files; None: beside the store it builds.
    demo_files_dir: Path | None
    # Files with more rows than this get a progress bar while they load.
    progress_min_rows: int
    # Rows validated and loaded per step; bounds memory on very large files.
    chunk_rows: int
    # How long a writer waits for readers to release the store file.
    lock_timeout_s: float
    # Access control (issues 10, 24; docs/security.md): a dashboard session ends after this
    # many idle minutes, and in any case this many hours after the login.
    session_idle_minutes: float = 30.0
    session_max_hours: float = 12.0
    # Login attempts are counted BEFORE the password is checked (pipelines/users.py). Per
    # user name: login_free_attempts_user attempts without a wait, then a wait from the
    # previous attempt of login_delay_base_s, doubling with every attempt, capped at
    # login_delay_max_s (a delay, never a lockout). With the defaults a burst of any size
    # gets at most 10 passwords checked in its first minute (5 free, then after 1, 2, 4, 8
    # and 16 s). Per client address the same with login_free_attempts_client and
    # login_client_delay_max_s. Attempts older than login_window_s are forgotten.
    login_free_attempts_user: int = 5
    login_free_attempts_client: int = 20
    login_delay_base_s: float = 1.0
    login_delay_max_s: float = 30.0
    login_client_delay_max_s: float = 300.0
    login_window_s: float = 900.0
    # Addresses or networks (CIDR) of the reverse proxies whose X-Forwarded-For header is
    # believed; empty: the header is ignored and the TCP peer is the client.
    trusted_proxies: tuple[str, ...] = ()
    # The College of Experts sees aggregates; holder names only when the body allows it.
    college_sees_holder_names: bool = False
    # How long a writer waits in the queue of writers (issue 12, docs/concurrency.md).
    writer_wait_s: float = 600.0
    # DuckDB memory_limit of writers ("8GB", "40%"); None: DuckDB's default, 80 % of RAM.
    writer_memory_limit: str | None = None
    # CPU priority (nice increment) of the CLI's writing commands (ingest, refresh, demo):
    # the dashboard's readers go first on a shared machine and an ingest takes the idle
    # CPU (docs/concurrency.md); 0 = unchanged.
    writer_nice: int = 10
    # The public register (issue 24): lookups per client address in a sliding window.
    register_lookups: int = 20
    register_window_s: float = 600.0
    # The daily digest (issue 26 point 13, pipelines/digest.py): the dashboard's address as
    # its readers reach it (the links in the mail), the SMTP server that relays the mail
    # (HOST:PORT, no login: a relay on the machine or the body's network), the sender, and
    # how many items each part of a mail lists before it says "and N more".
    dashboard_url: str = "http://127.0.0.1:8501"
    smtp_server: str = "localhost:25"
    mail_from: str = "certification-monitor@localhost"
    digest_max_items: int = 50
    # Dashboard uploads (issue 24): the most one file may hold, in MB. The files travel over
    # the websocket (dashboard/file_input.py), whose client-message limit,
    # server.maxWidgetStateSize in .streamlit/config.toml, bounds what one upload may hold.
    upload_max_mb: float = 50.0


def settings() -> Settings:
    env = os.environ
    return Settings(
        db_path=Path(env.get("CERT_DB", REPO_ROOT / "data" / "certification.duckdb")),
        sql_dir=Path(env.get("CERT_SQL_DIR", REPO_ROOT / "sql")),
        reference_dir=Path(env.get("CERT_REFERENCE_DIR", REPO_ROOT / "data" / "reference")),
        demo_files_dir=Path(env["CERT_DEMO_FILES"]) if env.get("CERT_DEMO_FILES") else None,
        progress_min_rows=int(env.get("CERT_PROGRESS_MIN_ROWS", "50000")),
        chunk_rows=int(env.get("CERT_CHUNK_ROWS", "250000")),
        lock_timeout_s=float(env.get("CERT_LOCK_TIMEOUT_S", "30")),
        session_idle_minutes=float(env.get("CERT_SESSION_IDLE_MIN", "30")),
        session_max_hours=float(env.get("CERT_SESSION_MAX_HOURS", "12")),
        login_free_attempts_user=int(env.get("CERT_LOGIN_FREE_USER", "5")),
        login_free_attempts_client=int(env.get("CERT_LOGIN_FREE_CLIENT", "20")),
        login_delay_base_s=float(env.get("CERT_LOGIN_DELAY_BASE_S", "1")),
        login_delay_max_s=float(env.get("CERT_LOGIN_DELAY_MAX_S", "30")),
        login_client_delay_max_s=float(env.get("CERT_LOGIN_CLIENT_DELAY_MAX_S", "300")),
        login_window_s=float(env.get("CERT_LOGIN_WINDOW_S", "900")),
        trusted_proxies=tuple(p.strip() for p in env.get("CERT_TRUSTED_PROXIES", "").split(",")
                              if p.strip()),
        college_sees_holder_names=env.get("CERT_COLLEGE_HOLDER_NAMES", "").lower()
        in {"1", "true", "yes"},
        writer_wait_s=float(env.get("CERT_WRITER_WAIT_S", "600")),
        writer_memory_limit=env.get("CERT_WRITER_MEMORY_LIMIT") or None,
        writer_nice=int(env.get("CERT_WRITER_NICE", "10")),
        register_lookups=int(env.get("CERT_REGISTER_LOOKUPS", "20")),
        register_window_s=float(env.get("CERT_REGISTER_WINDOW_S", "600")),
        dashboard_url=env.get("CERT_DASHBOARD_URL", "http://127.0.0.1:8501").rstrip("/"),
        smtp_server=env.get("CERT_SMTP", "localhost:25"),
        mail_from=env.get("CERT_MAIL_FROM", "certification-monitor@localhost"),
        digest_max_items=int(env.get("CERT_DIGEST_MAX_ITEMS", "50")),
        upload_max_mb=float(env.get("CERT_UPLOAD_MAX_MB", "50")),
    )
