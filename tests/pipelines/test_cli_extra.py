"""The `refresh` and `demo` subcommands (the demo's normal run is tested by the fixture of
tests/pipelines/test_demo.py, which builds its store through `python -m pipelines demo`;
`report` is left to its own tests)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.pipelines.conftest import CliRun


def test_refresh_recomputes_the_materialized_tables(cli: CliRun, store_path: Path) -> None:
    # Rows written straight into the store (not through ingest, which refreshes itself) show
    # in a materialized table only after `refresh`.
    with duckdb.connect(str(store_path)) as con:
        con.execute("insert into invoices (invoice_id, certificate_number, invoice_date)"
                    " values ('F1', 'K1', '2025-01-31')")
        con.execute("insert into invoice_lines (invoice_id, line_no, fee_code, amount_excl_vat,"
                    " vat_rate) values ('F1', 1, 'HOURLY', 125.82, 0.21)")
        assert con.sql("select count(*) from billing_invoiced_months").fetchall() == [(0,)]
    done = cli("refresh", "--db", str(store_path))
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert line.startswith("refreshed: ")
    assert "billing_invoiced_months" in line.removeprefix("refreshed: ").split(", ")
    with duckdb.connect(str(store_path), read_only=True) as con:
        assert con.sql("select certificate_number, period, fee_code, invoiced_excl_vat::varchar"
                       " from billing_invoiced_months").fetchall() == [
            ("K1", "2025-01", "HOURLY", "125.82")]


def test_refresh_refuses_a_missing_store(cli: CliRun, tmp_path: Path) -> None:
    missing = tmp_path / "nope.duckdb"
    done = cli("refresh", "--db", str(missing))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert str(missing) in done.stderr
    assert not missing.exists()


def test_demo_refuses_scale_zero(cli: CliRun, tmp_path: Path) -> None:
    done = cli("demo", "--db", str(tmp_path / "d.duckdb"), "--scale", "0",
               "--files-dir", str(tmp_path / "files"))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "scale" in done.stderr


def test_writing_commands_run_at_the_configured_niceness_once(tmp_path: Path) -> None:
    # issue 12: the CLI's writers yield the CPU to the dashboard (CERT_WRITER_NICE, default
    # 10); a second call does not push the process further down.
    import os
    import subprocess
    import sys

    code = ("import os; from pipelines.__main__ import _lower_priority; "
            "_lower_priority(7); _lower_priority(7); print(os.nice(0))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=60)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == max(7, os.nice(0))


def test_only_the_writing_commands_lower_the_priority(monkeypatch, tmp_path: Path) -> None:
    from pipelines import __main__ as cli

    asked: list[int] = []
    monkeypatch.setattr(cli, "_lower_priority", asked.append)
    monkeypatch.setattr(cli, "_run", lambda args, db_path: 0)
    monkeypatch.setenv("CERT_WRITER_NICE", "4")
    store = tmp_path / "s.duckdb"
    for argv in (["ingest", "--db", str(store), "x.csv"], ["demo", "--db", str(store)]):
        assert cli.main(argv) == 0
    assert asked == [4, 4]
    assert cli.main(["users", "list", "--db", str(store)]) == 0
    assert asked == [4, 4]
