"""Number notation per file and column (issue 8; docs/readings.md "Numbers in input files").

Dutch lab reports and the sources write thousands with a dot: BRL 9341 bijlage IV gives the
sulfate limit as "2.430 mg/kg d.s." (2 430). Measured on the code before: such a value was
stored as 2.43, under its limit of 1 730 by a factor of a thousand.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from pipelines.ingest import ingest_file

from .conftest import write

HEADER = ("certificaatnummer;productielocatie;product;partij;monster;monsternamedatum;"
          "component;waarde;eenheid;rapportnummer\n")


def lab_row(component: str, value: str, sample: str = "M1") -> str:
    return f"BSB-001;S1;boomgranulaat;P1;{sample};05-03-2024;{component};{value};mg/kg ds;R1\n"


def stored(con):
    return dict(con.sql("select component, value from analyses").fetchall())


def test_dot_thousands_in_a_dutch_file(master, tmp_path):
    # '0,12' shows the decimal comma: the dot of '2.430' separates thousands
    text = HEADER + lab_row("sulfaat", "2.430") + lab_row("arseen", "0,12")
    result = ingest_file(master, write(tmp_path, "nl.csv", text))
    assert (result.rows_loaded, result.rows_quarantined) == (2, 0)
    assert stored(master) == {"sulfate": 2430.0, "arsenic": 0.12}


def test_dot_decimal_in_an_english_file(master, tmp_path):
    # '0.5' shows the decimal point ('0.' is never a thousands group): '2.430' is 2.43
    text = HEADER + lab_row("sulfaat", "2.430") + lab_row("arseen", "0.5")
    result = ingest_file(master, write(tmp_path, "en.csv", text))
    assert result.rows_loaded == 2
    assert stored(master) == {"sulfate": 2.43, "arsenic": 0.5}


def test_column_of_only_ambiguous_values_is_quarantined_with_how_to_resolve(master, tmp_path):
    text = HEADER + lab_row("sulfaat", "2.430") + lab_row("chloride", "1.250") \
        + lab_row("lood", "12")
    result = ingest_file(master, write(tmp_path, "amb.csv", text))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 2)
    assert stored(master) == {"lead": 12.0}  # nothing guessed
    reasons = master.sql("select source_line, column_name, reason from quarantine"
                         " order by 1").fetchall()
    assert reasons[0] == (2, "value", "ambiguous number '2.430' in column value: 2430 or 2.43? "
                          "No value in this column of the file shows whether it uses a decimal"
                          " comma or point; write 2430, or 2.4300 if a decimal is meant")
    # resolved as the reason says: the file loads
    fixed = HEADER + lab_row("sulfaat", "2430") + lab_row("chloride", "1.2500", "M2")
    again = ingest_file(master, write(tmp_path, "amb.csv", fixed))
    assert again.rows_quarantined == 0
    assert stored(master) == {"lead": 12.0, "sulfate": 2430.0, "chloride": 1.25}


def test_notation_is_the_whole_files_even_when_validated_in_chunks(master, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setenv("CERT_CHUNK_ROWS", "2")
    rows = lab_row("sulfaat", "2.430") + lab_row("chloride", "1.250") \
        + lab_row("lood", "7", "M3") + lab_row("arseen", "0,5")  # the evidence comes last
    result = ingest_file(master, write(tmp_path, "chunks.csv", HEADER + rows))
    assert result.rows_loaded == 4
    assert stored(master)["sulfate"] == 2430.0 and stored(master)["chloride"] == 1250.0


def test_each_column_has_its_own_notation(master, tmp_path):
    # the loq column writes a decimal point, the value column a decimal comma
    text = ("certificate_number;site_id;product;lot_id;sample_id;sampled_on;component;value;"
            "loq;unit;lab_report_id\n"
            "BSB-001;S1;boomgranulaat;P1;M1;2024-03-05;sulfaat;2.430;1.000;mg/kg ds;R1\n"
            "BSB-001;S1;boomgranulaat;P1;M1;2024-03-05;lood;0,5;0.5;mg/kg ds;R1\n")
    result = ingest_file(master, write(tmp_path, "cols.csv", text))
    assert result.rows_loaded == 2
    assert master.sql("select component, value, loq from analyses order by 1").fetchall() == [
        ("lead", 0.5, 0.5), ("sulfate", 2430.0, 1.0)]


def test_amounts_follow_the_notation_of_their_column(master, tmp_path):
    text = ("factuurnummer;certificaatnummer;factuurdatum;regel;bedrag_excl_btw\n"
            "F1;BSB-001;31-01-2025;1;1.250\n"
            "F1;BSB-001;31-01-2025;2;60,50\n")
    result = ingest_file(master, write(tmp_path, "inv.csv", text))
    assert result.rows_loaded == 2
    assert master.sql("select line_no, amount_excl_vat from invoice_lines order by 1"
                      ).fetchall() == [(1, Decimal("1250.00")), (2, Decimal("60.50"))]


def test_spreadsheet_numbers_are_numbers(master, tmp_path):
    # an XLSX cell holds a number, not text: 1.125 read from it is one and an eighth
    path = tmp_path / "lab.xlsx"
    pl.DataFrame({
        "certificate_number": ["BSB-001"], "site_id": ["S1"], "product": ["boomgranulaat"],
        "lot_id": ["P1"], "sample_id": ["M1"], "sampled_on": ["2024-03-05"],
        "component": ["lood"], "value": [1.125], "unit": ["mg/kg ds"], "lab_report_id": ["R1"],
    }).write_excel(path)
    result = ingest_file(master, path)
    assert result.rows_loaded == 1
    assert stored(master) == {"lead": pytest.approx(1.125)}
