"""Files holding names or passwords are created owner-only (issue 24, goal 6;
docs/security.md "Audit log and public register"): the report written by the command line
(with and without --with-names), the demo's input files and their folder, the users/audit
file and its WAL, the store. Each is checked under the permissive umask 022, with which
a plain open() would give 0644, so the modes come from the project, not the environment."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from pipelines import audit, users
from pipelines.authfile import auth_path

OWNER_ONLY = 0o600


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_report_files_are_owner_only(umask_022: None, tmp_path: Path) -> None:
    from pipelines.report import write_report
    from tests.sql.yearly_report_data import build_store

    store = build_store(tmp_path / "r.duckdb")
    named = tmp_path / "out" / "named.xlsx"
    write_report(store, 2024, "pkvw", named, with_names=True)
    assert mode(named) == OWNER_ONLY
    # a file already there with a wider mode is narrowed when it is written over
    pdf = tmp_path / "named.pdf"
    pdf.write_bytes(b"old")
    os.chmod(pdf, 0o644)
    write_report(store, 2024, "pkvw", pdf, with_names=True)
    assert mode(pdf) == OWNER_ONLY and pdf.read_bytes().startswith(b"%PDF")
    # and through the command line, which also sets umask 077 for what libraries write
    from pipelines.__main__ import main

    anonymous = tmp_path / "anonymous.xlsx"
    assert main(["report", "--db", str(store), "--year", "2024", "--scheme", "pkvw",
                 "--out", str(anonymous)]) == 0
    assert mode(anonymous) == OWNER_ONLY
    assert os.umask(0o022) == 0o022  # main() gave the caller's umask back


def test_demo_input_files_are_owner_only(umask_022: None, tmp_path: Path) -> None:
    from pipelines.demo import write_base_files
    from pipelines.demo.writer import write_messy, write_plain, write_xlsx
    from pipelines.files import private_dir

    folder = private_dir(tmp_path / "demo_files")
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    written = [path for path, _kind in write_base_files(folder, scale=1)]
    assert {p.name for p in written} >= {"certificates.csv", "persons.csv", "audits.xlsx"}
    assert {p.name: mode(p) for p in folder.iterdir()} == {
        p.name: OWNER_ONLY for p in folder.iterdir()}
    # the billing files (invoices, payments) use the same writers
    frame = pl.DataFrame({"holder_name": ["Groen Substraat BV"], "amount": [1.5]})
    for write, name in ((write_plain, "p.csv"), (write_messy, "m.csv"),
                        (write_xlsx, "x.xlsx")):
        path = write(frame, tmp_path / name)
        assert mode(path) == OWNER_ONLY, name


def test_users_and_audit_file_and_store_are_owner_only(umask_022: None,
                                                       tmp_path: Path) -> None:
    from pipelines.store import init_store

    store = init_store(tmp_path / "s.duckdb")
    assert mode(store) == OWNER_ONLY
    users.add_user(store, "anna", "admin", "a long password")  # an argon2 hash
    audit.record(store, "anna", "login", "password", "10.0.0.1")
    assert mode(auth_path(store)) == OWNER_ONLY
    for suffix in ("-wal", "-shm"):  # SQLite gives them the database file's mode
        side = auth_path(store).with_name(auth_path(store).name + suffix)
        if side.exists():
            assert mode(side) == OWNER_ONLY, suffix
