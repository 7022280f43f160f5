"""Fixtures for ingestion tests: a store with two certificates and their sites."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import ingest_file

CERTIFICATES = (
    "certificaatnummer;schema;holder_id;certificaathouder;afgegeven_op;aangevraagd_op;eenmanszaak\n"
    "BSB-001;brl9341;H1;Groenrecycling Noord BV;01-02-2020;2019-10-01;nee\n"
    "PKVW-002;pkvw;H2;Veilig Wonen Oost;2021-03-04;;\n"
    "ADI-003;asbestos_process;H3;Asbest Inventaris NV;2022-01-10;;ja\n"
    "ADI-003-P1;asbestos_person;H3;Asbest Inventaris NV;2022-01-10;;ja\n"
)
SITES = (
    "site_id,certificate_number,name,site_kind,n_window\n"
    "S1,BSB-001,Hoofdvestiging,production,5\n"
    "S2,BSB-001,Depot Zwolle,depot,\n"
    "S9,PKVW-002,Elders,production,10\n"
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def master(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    for name, text in (("certificates.csv", CERTIFICATES), ("sites.csv", SITES)):
        result = ingest_file(store, write(tmp_path, name, text))
        assert result.error is None and result.rows_quarantined == 0, result.problems
    return store
