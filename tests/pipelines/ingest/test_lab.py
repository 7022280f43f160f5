"""Lab results: messy real-world files, BRL 9341 bijlage II (below-LOQ at the LOQ)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest import ingest_file
from pipelines.store import refresh

from .conftest import write

HEADER_NL = ("certificaatnummer;productielocatie;product;partij;productiedatum;monster;"
             "monsternamedatum;component;waarde;eenheid;laboratorium;rapportnummer;doel\n")


def test_messy_semicolon_file_with_bom_dutch_names_and_decimal_commas(master, tmp_path):
    text = "\ufeff" + HEADER_NL + (
        "BSB-001;S1;Boomgranulaat;P1;01-03-2024;M1;05-03-2024;arseen;0,12;mg/kg ds;Eurofins;"
        "R1;productie\n"
        "BSB-001;S1;boomgranulaat;P1;01-03-2024;M2;05-03-2024;As;<0,05;mg/kg d.s.;Eurofins;"
        "R1;productie\n"
        "BSB-001;S1;tree granulate;P1;01-03-2024;M1;05-03-2024;Zn;1.250,5;µg/kg ds;Eurofins;"
        "R1;\n"
        "BSB-001;S1;boomgranulaat;P1;01-03-2024;M1;05-03-2024;sulfaat;1730;mg/kg ds;Eurofins;"
        "R1;toelating\n"
        "\n\n"  # trailing blank lines
    )
    result = ingest_file(master, write(tmp_path, "lab.csv", text))
    assert (result.kind, result.rows_loaded, result.rows_quarantined) == ("lab", 4, 0)
    rows = master.sql(
        "select component, value, below_loq, loq, purpose, product, source_line"
        " from analyses order by source_line").fetchall()
    assert rows == [
        ("arsenic", 0.12, False, None, "production", "boomgranulaat", 2),
        # '<0,05': below LOQ, counts at its LOQ 0.05 (BRL 9341 bijlage II)
        ("arsenic", 0.05, True, 0.05, "production", "boomgranulaat", 3),
        # 1.250,5 µg/kg = 1250.5 µg/kg = 1.2505 mg/kg
        ("zinc", pytest.approx(1.2505), False, None, "production", "boomgranulaat", 4),
        ("sulfate", 1730.0, False, None, "admission", "boomgranulaat", 5),
    ]
    lot = master.sql("select produced_on::varchar, certificate_number from lots").fetchall()
    assert lot == [("2024-03-01", "BSB-001")]


def test_comma_file_with_english_names_and_iso_dates(master, tmp_path):
    text = (
        "certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,loq,unit,lab_report_id\n"
        'BSB-001,S1,boomgranulaat,P7,M1,2024-05-02,lead,"0,8",,mg/kg ds,R7\n'
        "BSB-001,S1,boomgranulaat,P7,M1,2024-05-02,cadmium,<0.01,,mg/kg ds,R7\n"
        "BSB-001,S1,boomgranulaat,P7,M1,2024-05-02,mercury,,0.005,mg/kg ds,R7\n"
    )
    result = ingest_file(master, write(tmp_path, "lab_en.csv", text))
    # the third row has no value at all: quarantined, the others load
    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    assert master.sql("select component, value, below_loq from analyses order by 1").fetchall() \
        == [("cadmium", 0.01, True), ("lead", 0.8, False)]
    reason = master.sql("select source_line, column_name, reason from quarantine").fetchall()
    assert reason == [(4, "value", "missing value for value")]


def test_xlsx_lab_file(master, tmp_path):
    path = tmp_path / "lab.xlsx"
    pl.DataFrame({
        "Certificaatnummer": ["BSB-001", "BSB-001"], "Productielocatie": ["S1", "S1"],
        "Product": ["daktuinsubstraat", "daktuinsubstraat"], "Partij": ["D1", "D1"],
        "Monster": ["M1", "M1"], "Monsternamedatum": ["12-06-2024", "12-06-2024"],
        "Component": ["nikkel", "Ni"], "Waarde": ["0,2", "0,3"], "Eenheid": ["mg/kg ds"] * 2,
        "Rapportnummer": ["R1", "R2"],
    }).write_excel(path)
    result = ingest_file(master, path)
    assert (result.kind, result.rows_loaded, result.rows_quarantined) == ("lab", 2, 0)
    # duplicates of one lot are kept as analyses and averaged into one observation
    refresh(master)  # the stored lot tables, as an ingest through connect_write does
    obs = master.sql("select component, observation, n_analyses from lot_compliance").fetchall()
    assert obs == [("nickel", pytest.approx(0.25), 2)]


SOON = dt.date.today() + dt.timedelta(days=40)  # in the future, but not implausibly far
BAD_ROWS = [
    # (row after the header, column, reason fragment)
    ("BSB-001;S1;boomgranulaat;P1;;M1;05-03-2024;unobtainium;1;mg/kg ds;L;R1;", "component",
     "unknown component 'unobtainium'"),
    ("BSB-001;S1;boomgranulaat;P1;;M1;05-03-2024;lood;-0,3;mg/kg ds;L;R1;", "value",
     "negative value -0,3"),
    ("BSB-001;S1;boomgranulaat;P1;;M1;31-02-2024;lood;1;mg/kg ds;L;R1;", "sampled_on",
     "unparseable date '31-02-2024'"),
    ("BSB-999;S1;boomgranulaat;P1;;M1;05-03-2024;lood;1;mg/kg ds;L;R1;", "certificate_number",
     "unknown certificate 'BSB-999'"),
    ("BSB-001;S7;boomgranulaat;P1;;M1;05-03-2024;lood;1;mg/kg ds;L;R1;", "site_id",
     "unknown site 'S7'"),
    ("PKVW-002;S1;boomgranulaat;P1;;M1;05-03-2024;lood;1;mg/kg ds;L;R1;", "site_id",
     "site 'S1' belongs to certificate 'BSB-001', not 'PKVW-002'"),
    ("BSB-001;S1;compost;P1;;M1;05-03-2024;lood;1;mg/kg ds;L;R1;", "product",
     "unknown product 'compost'"),
    ("BSB-001;S1;boomgranulaat;P1;;M1;05-03-2024;lood;1;g/l;L;R1;", "unit",
     "unknown unit 'g/l'"),
    ("BSB-001;S1;boomgranulaat;P1;;M1;05-03-2024;lood;veel;mg/kg ds;L;R1;", "value",
     "unparseable value 'veel'"),
    (f"BSB-001;S1;boomgranulaat;P1;;M1;{SOON:%d-%m-%Y};lood;1;mg/kg ds;L;R1;", "sampled_on",
     "lies in the future"),
    ("BSB-001;S1;boomgranulaat;P1;;M1;05-03-2099;lood;1;mg/kg ds;L;R1;", "sampled_on",
     "implausible date 2099-03-05 (more than a year after the as-of date"),
    ("BSB-001;S1;boomgranulaat;P1;;M1;05-03-24;lood;1;mg/kg ds;L;R1;", "sampled_on",
     "date '05-03-24' has a two-digit year"),
    ("BSB-001;S1;boomgranulaat;P1;;M1;05-03-2024;lood;<;mg/kg ds;L;R1;", "value",
     "'<' in column value without a number: write the LOQ after it (e.g. <0,05)"),
    ("BSB-001;S1;boomgranulaat;P1;;M1;05-03-2024;lood;NaN;mg/kg ds;L;R1;", "value",
     "unparseable value 'NaN'"),
    ("BSB-001;S1;boomgranulaat;P1;;M1;05-03-2024;lood;1e309;mg/kg ds;L;R1;", "value",
     "implausible number '1e309'"),
    ("BSB-001;S1;boomgranulaat;P1;;M1;05-03-2024;lood;1;mg/kg ds;" + "L" * 5000 + ";R1;", "lab",
     "field of 5000 characters (at most 1000)"),
    ("BSB-001;S1;boomgranulaat;P1;;M1;05-03-2024;lood;1;mg/kg ds;L;R1;onderzoek", "purpose",
     "unknown purpose 'onderzoek'"),
    ("BSB-001;S1;boomgranulaat;P1;;M1;05-03-2024;lood;1;mg/kg ds;L;;", "lab_report_id",
     "missing value for lab_report_id"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS,
                         ids=[r[2].split("'")[0].strip() or r[1] for r in BAD_ROWS])
def test_every_lab_quarantine_reason(master, tmp_path, row, column, reason):
    good = "BSB-001;S1;boomgranulaat;P1;;M9;05-03-2024;zink;1;mg/kg ds;L;R9;\n"
    result = ingest_file(master, write(tmp_path, "bad.csv", HEADER_NL + good + row + "\n"))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)  # good rows still load
    stored = master.sql(
        "select source_file, source_line, column_name, reason, raw_row from quarantine"
    ).fetchall()
    assert len(stored) == 1
    file, line, col, why, raw = stored[0]
    assert (file, line, col) == ("bad.csv", 3, column)
    assert reason in why
    assert '"certificaatnummer"' in raw  # the row as read is kept for the person fixing it
    named = master.sql("select certificate_number from quarantine").fetchall()[0][0]
    assert named == row.split(";")[0]  # so the producer it names can see it
    assert result.problems[0].startswith(f"bad.csv, line 3, column {column}: ")


def test_duplicate_analysis_in_file_and_in_store(master, tmp_path):
    row = "BSB-001;S1;boomgranulaat;P1;;M1;05-03-2024;lood;1;mg/kg ds;L;R1;\n"
    first = ingest_file(master, write(tmp_path, "a.csv", HEADER_NL + row + row))
    assert (first.rows_loaded, first.rows_quarantined) == (1, 1)
    assert "duplicate analysis in this file" in master.sql(
        "select reason from quarantine").fetchall()[0][0]
    # the same analysis in another file with another value (a report sent twice, changed)
    changed = row.replace("lood;1;", "Pb;2;")
    second = ingest_file(master, write(tmp_path, "b.csv", HEADER_NL + changed))
    assert (second.rows_loaded, second.rows_quarantined) == (0, 1)
    why = master.sql("select reason from quarantine where source_file = 'b.csv'").fetchall()
    assert why == [("duplicate analysis: report 'R1', sample 'M1', lead is already stored "
                    "with other values (a.csv line 2); a corrected report names the report"
                    " it replaces in replaces_report_id",)]
    # the very same analysis again (as "Pb"): already loaded, nothing quarantined (issue 8)
    third = ingest_file(master, write(tmp_path, "c.csv", HEADER_NL + row.replace("lood", "Pb")))
    assert (third.rows_loaded, third.rows_unchanged, third.rows_quarantined) == (0, 1, 0)


def test_lot_cannot_change_product(master, tmp_path):
    rows = ("BSB-001;S1;boomgranulaat;P1;;M1;05-03-2024;lood;1;mg/kg ds;L;R1;\n"
            "BSB-001;S1;daktuinsubstraat;P1;;M2;05-03-2024;lood;1;mg/kg ds;L;R1;\n")
    result = ingest_file(master, write(tmp_path, "lot.csv", HEADER_NL + rows))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert "has product 'daktuinsubstraat' here but 'boomgranulaat' on line 2" in \
        result.problems[0]


def test_cp1252_file_from_dutch_excel(master, tmp_path):
    text = HEADER_NL + "BSB-001;S1;boomgranulaat;P1;;M1;05-03-2024;zink;800;µg/kg ds;L;R1;\n"
    result = ingest_file(master, write(tmp_path, "excel.csv", text, encoding="cp1252"))
    assert result.rows_loaded == 1
    assert master.sql("select value from analyses").fetchall() == [(pytest.approx(0.8),)]


def test_progress_bar_on_large_file(master, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CERT_PROGRESS_MIN_ROWS", "10")
    monkeypatch.setenv("CERT_CHUNK_ROWS", "7")  # several chunks: chunking must not lose rows
    rows = "".join(
        f"BSB-001;S1;boomgranulaat;P{i};;M{i};05-03-2024;zink;1;mg/kg ds;L;R1;\n"
        for i in range(25))
    result = ingest_file(master, write(tmp_path, "big.csv", HEADER_NL + rows))
    assert result.rows_loaded == 25
    assert "big.csv" in capsys.readouterr().err  # tqdm writes to stderr


def test_missing_required_column_rejects_the_file(master, tmp_path):
    text = "certificaatnummer;productielocatie;product;partij;monster;monsternamedatum;waarde\n"
    result = ingest_file(master, write(tmp_path, "short.csv", text + "a;b;c;d;e;f;g\n"),
                         kind="lab")
    assert result.error is not None and "line 1: missing column component" in result.error
    assert master.sql("select count(*) from ingestion_log").fetchall() == [(2,)]  # masters only


def test_ingested_file_path_is_only_its_name(master, tmp_path: Path):
    sub = tmp_path / "inbox"
    sub.mkdir()
    row = "BSB-001;S1;boomgranulaat;P1;;M1;05-03-2024;lood;1;mg/kg ds;L;R1;\n"
    ingest_file(master, write(sub, "x.csv", HEADER_NL + row))
    assert master.sql("select source_file from analyses").fetchall() == [("x.csv",)]
