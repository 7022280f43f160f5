"""Quarantine reasons as a message key and its values (issue 27 point 4): each row check
stores the English reason as before plus reason_key/reason_args, from which
pipelines.i18n.keys.render shows the reason in Dutch (the default) or English."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest

from pipelines.i18n.keys import REASONS, render
from pipelines.ingest import ingest_file
from pipelines.ingest.cells import reason

from .conftest import write

HEADER = ("certificaatnummer;productielocatie;product;partij;monster;monsternamedatum;"
          "component;waarde;eenheid;rapportnummer\n")


def quarantined(con, name: str) -> list[tuple]:
    return con.sql("select source_line, reason, reason_key, reason_args from quarantine"
                   " where source_file = ? order by source_line", params=[name]).fetchall()


def test_lab_rows_carry_keys_shown_in_dutch_and_in_the_stored_english(master, tmp_path):
    text = HEADER + (
        "BSB-001;S1;boomgranulaat;P1;M1;05-03-2024;arseen;0,12;mg/kg ds;R1\n"
        "BSB-001;S1;boomgranulaat;P1;M2;05-03-2024;kryptoniet;0,12;mg/kg ds;R1\n"
        "BSB-001;S1;boomgranulaat;P1;M3;05-03-2024;lood;0,12;g/l;R1\n"
        "BSB-001;S1;boomgranulaat;P1;M4;05-03-2024;zink;<0;mg/kg ds;R1\n"
        "BSB-001;S1;boomgranulaat;P1;M5;31-12-1989;koper;1,5;mg/kg ds;R1\n"
        "BSB-001;S1;boomgranulaat;P1;M1;05-03-2024;arseen;0,12;mg/kg ds;R1\n"
    )
    result = ingest_file(master, write(tmp_path, "lab.csv", text))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 5)
    rows = quarantined(master, "lab.csv")
    assert [(line, key) for line, _, key, _ in rows] == [
        (3, "unknown_component"), (4, "unknown_unit"), (5, "loq_not_positive"),
        (6, "date_too_early"), (7, "duplicate_lab_in_file")]
    dutch = [render(key, args, english) for _, english, key, args in rows]
    assert dutch == [
        "onbekende component 'kryptoniet'",
        "onbekende eenheid 'g/l' (verwacht mg/kg ds of µg/kg ds)",
        "'<0' in kolom value is geen bepalingsgrens: een bepalingsgrens is groter dan 0",
        "onwaarschijnlijke datum 31 december 1989 (vóór 1 januari 1990)",
        "dubbele analyse in dit bestand (lab_report_id + sample_id + component: gelijk aan"
        " regel 2)",
    ]
    # the English as stored before the keys: unchanged
    assert [english for _, english, _, _ in rows] == [
        "unknown component 'kryptoniet'",
        "unknown unit 'g/l' (expected mg/kg ds or µg/kg ds)",
        "'<0' in column value is no LOQ: a LOQ is above 0",
        "implausible date 1989-12-31 (before 1990-01-01)",
        "duplicate analysis in this file (lab_report_id + sample_id + component: same as"
        " line 2)",
    ]
    # in English the key gives the stored text back (dates then in the English notation)
    english = [render(key, args, "-", lang="en") for _, _, key, args in rows]
    assert english[:3] + english[4:] == [e for i, (_, e, _, _) in enumerate(rows) if i != 3]
    assert english[3] == "implausible date 31 December 1989 (before 1 January 1990)"
    assert json.loads(rows[3][3]) == {"day_on": "1989-12-31", "earliest_on": "1990-01-01"}


def test_invoice_amount_and_a_lot_with_two_products(master, tmp_path):
    text = HEADER + (
        "BSB-001;S1;boomgranulaat;P1;M1;05-03-2024;arseen;0,12;mg/kg ds;R1\n"
        "BSB-001;S1;daktuinsubstraat;P1;M2;05-03-2024;arseen;0,12;mg/kg ds;R1\n"
    )
    ingest_file(master, write(tmp_path, "lab2.csv", text))
    (line, english, key, args), = quarantined(master, "lab2.csv")
    assert (line, key) == (3, "lot_product_differs")
    assert english == ("lot 'P1' has product 'daktuinsubstraat' here but 'boomgranulaat'"
                       " on line 2")
    assert render(key, args, english) == (
        "partij 'P1' heeft hier product 'daktuinsubstraat', maar 'boomgranulaat' op regel 2")
    invoices = ("invoice_id,certificate_number,invoice_date,line_no,quantity,unit_price,"
                "amount_excl_vat\n"
                "F1,BSB-001,2024-01-10,1,3,1234.5,3703.6\n")
    ingest_file(master, write(tmp_path, "inv.csv", invoices))
    (_, english, key, args), = quarantined(master, "inv.csv")
    assert key == "amount_mismatch"
    assert english == ("amount_excl_vat 3703.6 differs from quantity × unit_price = 3 × 1234.5"
                       " = 3703.5 by more than 0.01")
    # values as read from the file stay as read; the tolerance is the body's own number
    assert render(key, args, english) == (
        "amount_excl_vat 3703.6 wijkt meer dan 0,01 af van quantity × unit_price = 3 × 1234.5"
        " = 3703.5")


def test_reading_and_store_checks_have_no_key_and_show_the_english(master, tmp_path):
    text = HEADER + "BSB-404;S1;boomgranulaat;P1;M1;05-03-2024;arseen;0,12;mg/kg ds;R1\n"
    ingest_file(master, write(tmp_path, "lab3.csv", text))
    (_, english, key, args), = quarantined(master, "lab3.csv")
    assert (key, args) == (None, None)
    assert render(key, args, english) == english
    assert "BSB-404" in english


def test_a_reason_must_be_given_every_value_of_its_template():
    with pytest.raises(ValueError, match="lot_product_differs"):
        reason("lot_product_differs", lot=pl.lit("P1"))
    with pytest.raises(KeyError):
        reason("no_such_key")


def test_every_reason_key_is_given_by_an_ingestion_check():
    """No key in REASONS that no check writes (a dead key would still need its Dutch)."""
    root = Path(__file__).parents[3] / "pipelines" / "ingest"
    code = (root / "validate.py").read_text() + (root / "cells.py").read_text()
    used = set(re.findall(r'"(\w+)"', code))
    dead = {k for k in REASONS if k not in used and not k.startswith("duplicate_")}
    assert dead == set()


def test_the_operator_reads_english_unless_cert_lang_says_otherwise(master, tmp_path,
                                                                     monkeypatch):
    text = HEADER + "BSB-001;S1;boomgranulaat;P1;M1;05-03-2024;kryptoniet;0,12;mg/kg ds;R1\n"
    monkeypatch.delenv("CERT_LANG", raising=False)
    result = ingest_file(master, write(tmp_path, "lab4.csv", text))
    assert result.problems == [
        "lab4.csv, line 2, column component: unknown component 'kryptoniet'"]
    monkeypatch.setenv("CERT_LANG", "nl")
    result = ingest_file(master, write(tmp_path, "lab5.csv", text))
    assert result.problems == [
        # the whole line in Dutch, not only the reason (issue 27 point 4)
        "lab5.csv, regel 2, kolom component: onbekende component 'kryptoniet'"]
