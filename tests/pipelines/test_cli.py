"""The command line of the contract: summary lines and exit codes."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import KINDS
from pipelines.ingest.kinds import SCHEMES
from pipelines.store import init_store
from tests.conftest import REPO_ROOT
from tests.pipelines.conftest import CliRun
from tests.sources import brl_table

CONTRACT_VIEWS = ("lot_compliance", "lot_status", "sampling_frequency", "site_regime",
                  "certificate_status", "audit_coverage", "expected_charges", "invoice_check",
                  "receivables", "yearly_report")


def run_process(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m pipelines ARGS` in a real subprocess: for what is about the process
    itself (the module entry point, its exit status, its environment). Everything else
    runs ``main()`` in the test process (``cli``, tests/pipelines/conftest.py)."""
    return subprocess.run([sys.executable, "-m", "pipelines", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, env=env, timeout=300)


def test_init_creates_every_contract_view_and_is_harmless_twice(cli: CliRun, tmp_path: Path):
    db = tmp_path / "s.duckdb"
    assert cli("init", "--db", str(db)).returncode == 0
    assert cli("init", "--db", str(db)).returncode == 0
    with duckdb.connect(str(db), read_only=True) as con:
        views = {r[0] for r in con.sql("select view_name from duckdb_views()").fetchall()}
        assert set(CONTRACT_VIEWS) <= views
        for view in CONTRACT_VIEWS:  # each one answers, empty on an empty store
            assert con.sql(f"select count(*) from {view}").fetchall() == [(0,)]
        # BRL 9341 bijlage III tabel 1 and bijlage IV tabel 2, one row per component, plus
        # the transitional sulfate value of bijlage IV voetnoot 1 (8 + 19 + 1)
        n_limits = (len(brl_table("Tabel 1. Maximum samenstellingswaarden"))
                    + len(brl_table("Tabel 2. Maximum emissiewaarden")) + 1)
        assert con.sql("select count(*) from ref_limits").fetchall() == [(n_limits,)]


def test_ingest_prints_one_summary_line_per_file_and_exit_codes(cli: CliRun, tmp_path: Path):
    db = tmp_path / "s.duckdb"
    certs = tmp_path / "certs.csv"
    certs.write_text("certificate_number;scheme;holder_id;holder_name\n"
                     "K1;pkvw;H1;Slot BV\nK2;unknown;H2;X\n")
    sites = tmp_path / "sites.csv"
    sites.write_text("site_id,certificate_number\nS1,K1\n")
    # sites first on the command line: master data is still taken before what refers to it
    done = cli("ingest", "--db", str(db), str(sites), str(certs))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [  # "1 row", not "1 rows" (issue 8)
        f"{certs}: 1 row loaded, 1 row quarantined",
        f"{sites}: 1 row loaded, 0 rows quarantined",
    ]
    assert "certs.csv, line 3, column scheme: unknown scheme 'unknown'" in done.stderr
    again = cli("ingest", "--db", str(db), str(certs))
    assert again.stdout.splitlines() == [f"{certs}: 0 rows loaded, 1 row quarantined"]
    missing = cli("ingest", "--db", str(db), str(tmp_path / "nope.csv"))
    assert missing.returncode == 1
    assert missing.stdout.strip() == f"{tmp_path / 'nope.csv'}: not ingested: no such file"
    assert cli("ingest", "--db", str(db)).returncode == 2  # no FILE: wrong usage
    assert cli("ingest", "--db", str(db), "--kind", "beer", str(certs)).returncode == 2


def test_db_defaults_to_cert_db_env(tmp_path: Path):
    import os
    env = os.environ | {"CERT_DB": str(tmp_path / "env.duckdb")}
    assert run_process("init", env=env).returncode == 0
    assert (tmp_path / "env.duckdb").exists()


# --- error paths (issue 8): one line on standard error, an exit code, no traceback --------

def assert_one_line_error(done: subprocess.CompletedProcess, code: int = 1) -> str:
    assert done.returncode == code, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ") and len(lines[0]) < 400
    return lines[0]


@pytest.mark.parametrize("command", ["init", "refresh", "ingest"])
def test_db_that_is_not_a_store_is_refused_in_one_line(cli: CliRun, tmp_path: Path, command: str):
    # measured before: a traceback (IOException) for the folder and the empty file; `init`
    # on a CSV printed "store ready" and wrote a .wal beside it
    data = tmp_path / "lab.csv"
    data.write_text("certificate_number,site_id\nK1,S1\n")
    empty = tmp_path / "empty.duckdb"
    empty.write_bytes(b"")
    folder = tmp_path / "folder"
    folder.mkdir()
    files = [str(data)] if command == "ingest" else []
    for db, said in ((data, "is not a store"), (folder, "is a directory"),
                     (empty, "is an empty file")):
        line = assert_one_line_error(cli(command, "--db", str(db), *files))
        assert said in line
    assert data.read_text() == "certificate_number,site_id\nK1,S1\n"
    assert empty.read_bytes() == b""
    assert not list(tmp_path.glob("*.wal"))


def test_db_in_a_place_that_cannot_be_written_is_refused_in_one_line(cli: CliRun, tmp_path: Path):
    # measured before: FileNotFoundError traceback from mkdir
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    line = assert_one_line_error(cli("init", "--db", str(a_file / "sub" / "s.duckdb")))
    assert "is not a writable folder" in line
    assert_one_line_error(cli("init", "--db", "/proc/no-such-dir/s.duckdb"))


@pytest.mark.parametrize("command", [("refresh",), ("report", "--year", "2024", "--out")])
def test_refresh_and_report_on_a_missing_store_create_nothing(cli: CliRun, tmp_path: Path, command):
    # measured before: `refresh` created an empty, broken store there; `report` a traceback
    db = tmp_path / "missing.duckdb"
    args = [*command, str(tmp_path / "r.xlsx")] if command[0] == "report" else [*command]
    line = assert_one_line_error(cli(*args, "--db", str(db)), code=2)
    assert "no store at" in line and "python -m pipelines init" in line
    assert list(tmp_path.iterdir()) == []


def test_demo_scale_zero_is_a_usage_error(tmp_path: Path):
    # measured before: ValueError traceback
    done = run_process("demo", "--db", str(tmp_path / "d.duckdb"), "--scale", "0")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--scale: must be 1 or more, not 0" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_messages_are_short_and_printable(cli: CliRun, tmp_path: Path):
    # measured before: a header of 254 000 characters was echoed whole in the summary line
    db = init_store(tmp_path / "s.duckdb")
    huge = tmp_path / "huge.csv"
    huge.write_text(",".join(f"col\x01{i}" for i in range(25_000)) + "\n" + "1," * 3 + "\n")
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"site_id,certificate_number,name\nS1\x00,K\x07,x\n")
    done = cli("ingest", "--db", str(db), str(huge), str(nul), "-v")
    for line in done.stdout.splitlines() + done.stderr.splitlines():
        assert len(line) < 500, line[:200]
        assert all(c.isprintable() for c in line), repr(line[:200])
    assert f"{huge}: not ingested: line 1: cannot tell the kind of file" in done.stdout


def _unexplained(parser: argparse.ArgumentParser, path: str, nested: bool) -> list[str]:
    """Options (and, of a top-level subcommand, arguments) without a help text."""
    found = []
    for action in parser._actions:
        if action.dest == "help":
            continue
        if isinstance(action, argparse._SubParsersAction):
            listed = {c.dest: c.help for c in action._choices_actions}
            for name, sub in action.choices.items():
                if not (listed.get(name) or sub.description):
                    found.append(f"{path} {name}")
                found += _unexplained(sub, f"{path} {name}", nested=path != "")
            continue
        if (action.option_strings or not nested) and not (action.help and
                                                          len(action.help) > 15):
            found.append(f"{path} {action.dest}")
    return found


def test_help_of_every_subcommand_explains_every_option(cli: CliRun):
    from pipelines.__main__ import _parser

    parser = _parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    assert {"init", "refresh", "demo", "ingest", "report"} <= set(commands.choices)
    assert _unexplained(parser, "", nested=False) == []
    ingest_help = cli("ingest", "--help").stdout
    for kind in KINDS:  # valid values are listed
        assert kind in ingest_help
    report_help = cli("report", "--help").stdout
    for scheme in SCHEMES:
        assert scheme in report_help
    assert ".xlsx" in report_help
    assert "1 or more" in cli("demo", "--help").stdout


def test_demo_writes_its_files_beside_the_store(tmp_path: Path, monkeypatch):
    # measured before: the files went to data/demo_files/scale_1 inside the repository
    import pipelines.demo as demo
    from pipelines.__main__ import main

    written = []

    def fake_files(files_dir, *args, **kwargs):
        written.append(Path(files_dir))
        return []

    monkeypatch.delenv("CERT_DEMO_FILES", raising=False)
    monkeypatch.setattr(demo, "write_base_files", fake_files)
    monkeypatch.setattr(demo, "write_billing_files", fake_files)
    monkeypatch.setattr(demo, "planted_invoice_errors", lambda files_dir: None)
    assert main(["demo", "--db", str(tmp_path / "demo.duckdb")]) == 0
    assert written == [tmp_path / "demo_files"] * 2
    assert (tmp_path / "demo_files").is_dir()
    assert REPO_ROOT not in written[0].parents
