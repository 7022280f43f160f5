"""The `refresh` and `demo` subcommands (the demo's normal run is tested by the fixture of
tests/pipelines/test_demo.py, which builds its store through `python -m pipelines demo`;
`report` is left to its own tests)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.pipelines.test_cli import run


def test_refresh_recomputes_the_materialized_tables(store_path: Path) -> None:
    # Rows written straight into the store (not through ingest, which refreshes itself) show
    # in a materialized table only after `refresh`.
    with duckdb.connect(str(store_path)) as con:
        con.execute("insert into invoices (invoice_id, certificate_number, invoice_date)"
                    " values ('F1', 'K1', '2025-01-31')")
        con.execute("insert into invoice_lines (invoice_id, line_no, fee_code, amount_excl_vat,"
                    " vat_rate) values ('F1', 1, 'HOURLY', 125.82, 0.21)")
        assert con.sql("select count(*) from billing_invoiced_months").fetchall() == [(0,)]
    done = run("refresh", "--db", str(store_path))
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert line.startswith("refreshed: ")
    assert "billing_invoiced_months" in line.removeprefix("refreshed: ").split(", ")
    with duckdb.connect(str(store_path), read_only=True) as con:
        assert con.sql("select certificate_number, period, fee_code, invoiced_excl_vat::varchar"
                       " from billing_invoiced_months").fetchall() == [
            ("K1", "2025-01", "HOURLY", "125.82")]


def test_refresh_refuses_a_missing_store(tmp_path: Path) -> None:
    missing = tmp_path / "nope.duckdb"
    done = run("refresh", "--db", str(missing))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert str(missing) in done.stderr
    assert not missing.exists()


def test_demo_refuses_scale_zero(tmp_path: Path) -> None:
    done = run("demo", "--db", str(tmp_path / "d.duckdb"), "--scale", "0",
               "--files-dir", str(tmp_path / "files"))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "scale" in done.stderr
