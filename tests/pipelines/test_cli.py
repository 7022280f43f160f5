"""The command line of the contract: summary lines and exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import REPO_ROOT
from tests.sources import brl_table

CONTRACT_VIEWS = ("lot_compliance", "lot_status", "sampling_frequency", "site_regime",
                  "certificate_status", "audit_coverage", "expected_charges", "invoice_check",
                  "receivables", "yearly_report")


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, env=env, timeout=300)


def test_init_creates_every_contract_view_and_is_harmless_twice(tmp_path: Path):
    db = tmp_path / "s.duckdb"
    assert run("init", "--db", str(db)).returncode == 0
    assert run("init", "--db", str(db)).returncode == 0
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


def test_ingest_prints_one_summary_line_per_file_and_exit_codes(tmp_path: Path):
    db = tmp_path / "s.duckdb"
    certs = tmp_path / "certs.csv"
    certs.write_text("certificate_number;scheme;holder_id;holder_name\n"
                     "K1;pkvw;H1;Slot BV\nK2;unknown;H2;X\n")
    sites = tmp_path / "sites.csv"
    sites.write_text("site_id,certificate_number\nS1,K1\n")
    # sites first on the command line: master data is still taken before what refers to it
    done = run("ingest", "--db", str(db), str(sites), str(certs))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{certs}: 1 rows loaded, 1 rows quarantined",
        f"{sites}: 1 rows loaded, 0 rows quarantined",
    ]
    assert "certs.csv, line 3, column scheme: unknown scheme 'unknown'" in done.stderr
    again = run("ingest", "--db", str(db), str(certs))
    assert again.stdout.splitlines() == [f"{certs}: 0 rows loaded, 1 rows quarantined"]
    missing = run("ingest", "--db", str(db), str(tmp_path / "nope.csv"))
    assert missing.returncode == 1
    assert missing.stdout.strip() == f"{tmp_path / 'nope.csv'}: not ingested: no such file"
    assert run("ingest", "--db", str(db)).returncode == 2  # no FILE: wrong usage
    assert run("ingest", "--db", str(db), "--kind", "beer", str(certs)).returncode == 2


def test_db_defaults_to_cert_db_env(tmp_path: Path):
    import os
    env = os.environ | {"CERT_DB": str(tmp_path / "env.duckdb")}
    assert run("init", env=env).returncode == 0
    assert (tmp_path / "env.duckdb").exists()
