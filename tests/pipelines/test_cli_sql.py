"""Opening the store for other tools (docs/contract.md, "Opening the store"):
``pipelines.store.connect``, ``python -m pipelines sql`` and ``refresh --scheme``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import ingest_files
from pipelines.store import connect, connect_write
from tests.pipelines.conftest import CliRun


def _invoice(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("insert into invoices (invoice_id, certificate_number, invoice_date)"
                " values ('F1', 'K1', '2025-01-31')")
    con.execute("insert into invoice_lines (invoice_id, line_no, fee_code, amount_excl_vat,"
                " vat_rate) values ('F1', 1, 'HOURLY', 125.82, 0.21)")


def test_connect_reads_contract_names_and_writes_settings(store_path: Path) -> None:
    con = connect(store_path, read_only=False)
    con.execute("update settings set as_of = date '2024-12-31'")
    con.close()
    con = connect(store_path)
    try:
        # the contract's views resolve by their bare names, and the as-of date is the stored one
        assert con.sql("select as_of from as_of_date").fetchall()[0][0].isoformat() \
            == "2024-12-31"
        assert con.sql("select count(*) from lot_status").fetchall() == [(0,)]
        with pytest.raises(duckdb.Error):  # read-only means read-only
            con.execute("update settings set as_of = null")
    finally:
        con.close()


def test_connect_sees_an_ingest_at_once(store_path: Path, tmp_path: Path) -> None:
    # after a write through connect_write (which publishes a snapshot) a new connection
    # sees the written row
    certs = tmp_path / "certs.csv"
    certs.write_text("certificate_number,scheme,holder_id,holder_name,issued_on,applied_on\n"
                     "K9,pkvw,H9,Holder Nine,2024-01-01,2023-12-01\n", encoding="utf-8")
    with connect_write(store_path) as con:
        ingest_files(con, [certs])
    con = connect(store_path)
    try:
        assert con.sql("select certificate_number from certificates").fetchall() == [("K9",)]
    finally:
        con.close()


def test_connect_names_a_missing_store(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.duckdb"):
        connect(tmp_path / "nope.duckdb")


def test_sql_prints_csv_with_header_and_json(cli: CliRun, store_path: Path) -> None:
    done = cli("sql", "--db", str(store_path), "--as-of", "2023-06-30",
               "select as_of, 'a\"b, c' as text, [1, 2] as list from as_of_date")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows == [["as_of", "text", "list"], ["2023-06-30", 'a"b, c', "[1,2]"]]
    done = cli("sql", "--db", str(store_path), "--format", "json",
               "select as_of from as_of_date")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["as_of"] != "2023-06-30"  # --as-of is per call


def test_sql_failure_is_one_line(cli: CliRun, store_path: Path, tmp_path: Path) -> None:
    done = cli("sql", "--db", str(store_path), "select * from no_such_view")
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "no_such_view" in done.stderr
    missing = cli("sql", "--db", str(tmp_path / "none.duckdb"), "select 1")
    assert missing.returncode == 2 and "no store" in missing.stderr


def test_refresh_scheme_recomputes_only_that_scheme(cli: CliRun, store_path: Path) -> None:
    with duckdb.connect(str(store_path)) as con:
        _invoice(con)
    done = cli("refresh", "--db", str(store_path), "--scheme", "brl9341")
    assert done.returncode == 0, done.stderr
    names = done.stdout.strip().removeprefix("refreshed: ").split(", ")
    assert "brl9341_observation_history" in names
    assert not [n for n in names if not n.startswith("brl9341_")]
    with duckdb.connect(str(store_path), read_only=True) as con:  # billing left as it was
        assert con.sql("select count(*) from billing_invoiced_months").fetchall() == [(0,)]
    done = cli("refresh", "--db", str(store_path), "--scheme", "billing")
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(store_path), read_only=True) as con:
        assert con.sql("select count(*) from billing_invoiced_months").fetchall() == [(1,)]
    bad = cli("refresh", "--db", str(store_path), "--scheme", "nonsense")
    assert bad.returncode == 2 and "--scheme" in bad.stderr
