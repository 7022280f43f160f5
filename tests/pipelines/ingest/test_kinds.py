"""Every input kind of the contract ingests a messy fixture, and its own bad rows are
quarantined with a reason a person understands."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from pipelines.ingest import ingest_file

from .conftest import write


def load(con, tmp_path, name, text, **kw):
    result = ingest_file(con, write(tmp_path, name, text), **kw)
    assert result.error is None, result.error
    return result


def reasons(con, file_name):
    return con.sql("select source_line, column_name, reason from quarantine"
                   " where source_file = ? order by source_line", params=[file_name]).fetchall()


def test_certificates_master_data(store, tmp_path):
    text = (
        "certificate_number,scheme,holder_id,holder_name,issued_on,applied_on,ended_on,"
        "country,adi_count,one_person_firm,uses_copro_template,parent_certificate_number,"
        "certified_fitter\n"
        "ADI-1,asbestos_process,H1,Asbest NV,2022-01-10,,,BE,4,nee,ja,,\n"
        "ADI-1-P,asbestos_person,H1,Asbest NV,10-01-2022,,,BE,,,,ADI-1,\n"
        "PK-1,PKVW,H2,Slot & Grendel,,2026-02-01,,NL,,,,,yes\n"
        "X-1,brl9341,H3,,2022-01-01,,,,,,,,\n"             # holder name missing
        "X-2,brl9341,H4,Y,2022-01-01,,,,,,,ADI-404,\n"      # unknown parent
        "X-3,brl9341,H5,Z,2022-01-01,,,,drie,,,,\n"         # adi_count not a number
    )
    result = load(store, tmp_path, "certs.csv", text)
    assert (result.kind, result.rows_loaded, result.rows_quarantined) == ("certificate", 3, 3)
    assert store.sql("select certificate_number, scheme, issued_on, country, adi_count,"
                     " one_person_firm, uses_copro_template, certified_fitter from certificates"
                     " order by 1").fetchall() == [
        ("ADI-1", "asbestos_process", dt.date(2022, 1, 10), "BE", 4, False, True, False),
        ("ADI-1-P", "asbestos_person", dt.date(2022, 1, 10), "BE", None, False, True, False),
        ("PK-1", "pkvw", None, "NL", None, False, True, True),
    ]
    assert reasons(store, "certs.csv") == [
        (5, "holder_name", "missing value for holder_name"),
        (6, "parent_certificate_number", "unknown parent certificate 'ADI-404'"),
        (7, "adi_count", "not a whole number: 'drie'"),
    ]


def test_certificate_update_replaces_and_identical_row_is_unchanged(store, tmp_path):
    header = "certificate_number,scheme,holder_id,holder_name,issued_on,ended_on\n"
    load(store, tmp_path, "c1.csv", header + "K1,pkvw,H1,A,2022-01-01,\nK2,pkvw,H2,B,2022-01-01,\n")
    again = load(store, tmp_path, "c2.csv",
                 header + "K1,pkvw,H1,A,2022-01-01,2025-06-30\nK2,pkvw,H2,B,2022-01-01,\n")
    # K1 ended: an update (1 loaded); K2 identical: nothing new
    assert (again.rows_loaded, again.rows_unchanged) == (1, 1)
    assert store.sql("select certificate_number, ended_on::varchar, source_file"
                     " from certificates order by 1").fetchall() == [
        ("K1", "2025-06-30", "c2.csv"), ("K2", None, "c1.csv")]


def test_sites(master, tmp_path):
    text = ("site_id;certificaatnummer;naam;soort_locatie;aantal_waarnemingen\n"
            "S3;BSB-001;Noord;productie;10\nS4;BSB-001;Zuid;opslag;5\nS5;BSB-001;West;depot;7\n")
    result = load(master, tmp_path, "sites2.csv", text)
    assert (result.kind, result.rows_loaded, result.rows_quarantined) == ("site", 1, 2)
    assert [r[1] for r in reasons(master, "sites2.csv")] == ["site_kind", "n_window"]
    assert "n_window must be one of 5, 10" in reasons(master, "sites2.csv")[1][2]


def test_audits_from_xlsx_with_times(master, tmp_path):
    path = tmp_path / "audits.xlsx"
    pl.DataFrame({
        "audit_id": ["A1", "A2", "A3"], "certificaatnummer": ["PKVW-002", "BSB-001", "BSB-001"],
        "audit_type": ["sample", "depot", "periodic"],
        "auditdatum": ["14-09-2024", "2024-10-05", "2024-10-06"],
        "begintijd": ["09:00", "17u30", "25:00"], "eindtijd": ["11:45", "19:00", ""],
        "woningen_in_steekproef": ["10", "", ""], "woningen_met_afwijking_a": ["1", "", ""],
        "site_id": ["", "S2", ""], "outcome": ["deviations", "pass", "pass"],
    }).write_excel(path)
    result = ingest_file(master, path)
    assert (result.kind, result.rows_loaded, result.rows_quarantined) == ("audit", 2, 1)
    assert master.sql("select audit_id, audit_date, start_time, end_time, dwellings_in_sample,"
                      " site_id, country from audits order by 1").fetchall() == [
        ("A1", dt.date(2024, 9, 14), dt.time(9, 0), dt.time(11, 45), 10, None, "BE"),
        ("A2", dt.date(2024, 10, 5), dt.time(17, 30), dt.time(19, 0), None, "S2", "BE"),
    ]
    assert reasons(master, "audits.xlsx") == [
        (4, "start_time", "unparseable time '25:00' (expected HH:MM)")]


def test_deviations_refer_to_their_audit(master, tmp_path):
    load(master, tmp_path, "a.csv", "audit_id,certificate_number,audit_type,audit_date\n"
         "A1,PKVW-002,periodic,2024-01-15\n")
    text = ("deviation_id;audit_id;certificaatnummer;categorie;eis;geconstateerd_op;"
            "verlengd_tot;gesloten_op\n"
            "D1;A1;PKVW-002;a;§4.2;15-01-2024;;10-03-2024\n"
            "D2;A1;PKVW-002;B;§3.1;15-01-2024;15-06-2024;\n"
            "D3;A9;PKVW-002;B;§3.1;15-01-2024;;\n"
            "D4;A1;BSB-001;A;§3.1;15-01-2024;;\n"
            "D5;A1;PKVW-002;C;§3.1;15-01-2024;;\n")
    result = load(master, tmp_path, "dev.csv", text)
    assert (result.kind, result.rows_loaded, result.rows_quarantined) == ("deviation", 2, 3)
    assert master.sql("select deviation_id, category, closed_on from deviations order by 1"
                      ).fetchall() == [("D1", "A", dt.date(2024, 3, 10)), ("D2", "B", None)]
    assert reasons(master, "dev.csv") == [
        (4, "audit_id", "unknown audit 'A9'"),
        (5, "audit_id", "audit 'A1' belongs to certificate 'PKVW-002'"),
        (6, "category", "unknown category 'C' (expected A, B)"),
    ]
    # closing a deviation later is an update of the same deviation, not a new one
    closed = load(master, tmp_path, "dev2.csv", text.splitlines()[0] + "\n"
                  "D2;A1;PKVW-002;B;§3.1;15-01-2024;15-06-2024;01-06-2024\n")
    assert (closed.rows_loaded, closed.rows_quarantined) == (1, 0)
    assert master.sql("select count(*), max(closed_on) from deviations where"
                      " deviation_id = 'D2'").fetchall() == [(1, dt.date(2024, 6, 1))]


def test_activity_with_persons(master, tmp_path):
    load(master, tmp_path, "persons.csv", "person_id,certificate_number,name\n"
         "P1,ADI-003-P1,Jan Janssens\n")
    text = ("certificaatnummer;datum;activiteit;aantal;persoon_id;referentie\n"
            "ADI-003-P1;03-01-2025;attest;1;P1;AT-0001\n"
            "ADI-003-P1;04-01-2025;attest;;P1;AT-0002\n"
            "ADI-003-P1;04-01-2025;attest;1;P1;AT-0002\n"     # same attest twice
            "PKVW-002;05-01-2025;dwelling_completed;3;;\n"
            "PKVW-002;05-01-2025;dwelling_completed;3;;\n"    # no reference: both count
            "ADI-003-P1;06-01-2025;attest;1;P7;AT-0003\n")    # unknown person
    result = load(master, tmp_path, "act.csv", text)
    assert (result.kind, result.rows_loaded, result.rows_quarantined) == ("activity", 4, 2)
    assert master.sql("select activity, sum(quantity) from activity group by 1 order by 1"
                      ).fetchall() == [("attest", 2.0), ("dwelling_completed", 6.0)]
    assert [(r[0], r[1]) for r in reasons(master, "act.csv")] == [
        (4, "certificate_number"), (7, "person_id")]
    assert "duplicate activity in this file" in reasons(master, "act.csv")[0][2]


def test_invoices_and_payments_keep_decimals(master, tmp_path):
    inv = ("factuurnummer;certificaatnummer;factuurdatum;regel;tariefcode;omschrijving;"
           "aantal;eenheidsprijs;bedrag_excl_btw;btw_tarief\n"
           "F1;ADI-003;31-01-2025;1;attest;Attestbijdrage;3;20,00;60,00;0,21\n"
           # quantity × unit price = amount (issue 22: a line that differs is quarantined)
           "F1;ADI-003;31-01-2025;2;audit_extra;Extra audit;2;617,28;1.234,56;0,21\n"
           "F2;ADI-003;28-02-2025;1;attest;Attestbijdrage;1;20;twintig;0,21\n"
           "F3;ADI-003;28-02-2025;1;attest;Attestbijdrage;1;20;20;\n"
           "F3;ADI-003;01-03-2025;2;attest;Attestbijdrage;1;20;20;\n")
    result = load(master, tmp_path, "inv.csv", inv)
    assert (result.kind, result.rows_loaded, result.rows_quarantined) == ("invoice", 3, 2)
    assert master.sql("select invoice_id, line_no, amount_excl_vat, vat_rate from invoice_lines"
                      " order by 1, 2").fetchall() == [
        ("F1", 1, Decimal("60.00"), Decimal("0.2100")),
        ("F1", 2, Decimal("1234.56"), Decimal("0.2100")),
        ("F3", 1, Decimal("20.00"), Decimal("0.2100")),  # VAT defaults to 21 %
    ]
    assert [r[2] for r in reasons(master, "inv.csv")] == [
        "not an amount: 'twintig'",
        "lines of invoice 'F3' disagree on certificate or date (see line 5)"]
    pay = ("invoice_id,paid_on,amount,reminder_sent_on\n"
           "F1,2025-03-15,\"1.566,68\",\n"
           "F3,,,2025-04-10\n"
           "F9,2025-03-01,10,\n"
           "F3,,,\n")
    result = load(master, tmp_path, "pay.csv", pay)
    assert (result.kind, result.rows_loaded, result.rows_quarantined) == ("payment", 2, 2)
    assert master.sql("select amount from payments where invoice_id = 'F1'").fetchall() == [
        (Decimal("1566.68"),)]
    assert [r[2] for r in reasons(master, "pay.csv")] == [
        "unknown invoice 'F9'", "a payment needs paid_on and amount, or reminder_sent_on"]


def test_indices(store, tmp_path):
    text = ("index_name;periode;waarde\nsalary_q3;2022;118,37\nlegal_interest;2025-H1;0,0450\n"
            "salary_q3;2023;abc\nlegal_interest;2025-1;0,04\nbeer;2025;1\n")
    result = load(store, tmp_path, "idx.csv", text)
    assert (result.kind, result.rows_loaded, result.rows_quarantined) == ("index", 2, 3)
    assert store.sql("select index_name, period, value from indices order by 1").fetchall() == [
        ("legal_interest", "2025-H1", Decimal("0.045")), ("salary_q3", "2022", Decimal("118.37"))]
    assert [r[1] for r in reasons(store, "idx.csv")] == ["value", "period", "index_name"]


def test_lots_register_production_without_analysis(master, tmp_path):
    text = ("certificate_number,site_id,product,lot_id,produced_on,lot_size_tonnes\n"
            "BSB-001,S1,boomgranulaat,P20,2025-02-01,450\n"
            "BSB-001,S1,boomgranulaat,P21,2025-02-08,-5\n")
    result = load(master, tmp_path, "lots.csv", text)
    assert (result.kind, result.rows_loaded, result.rows_quarantined) == ("lot", 1, 1)
    assert reasons(master, "lots.csv") == [(3, "lot_size_tonnes", "negative value -5")]


@pytest.mark.parametrize("header,kind", [
    ("certificate_number,scheme,holder_id,holder_name", "certificate"),
    ("site_id,certificate_number,site_kind", "site"),
    ("certificaatnummer;productielocatie;product;partij;monster;monsternamedatum;component;"
     "waarde;eenheid;rapportnummer", "lab"),
    ("certificate_number,site_id,product,lot_id,produced_on", "lot"),
    ("audit_id,certificate_number,audit_type,audit_date", "audit"),
    ("deviation_id,audit_id,certificate_number,category,found_on", "deviation"),
    ("certificate_number,date,activity,quantity", "activity"),
    ("invoice_id,certificate_number,invoice_date,line_no,amount_excl_vat", "invoice"),
    ("invoice_id,paid_on,amount,reminder_sent_on", "payment"),
    ("index_name,period,value", "index"),
    ("person_id,certificate_number,name", "person"),
])
def test_kind_is_detected_from_the_header(store, tmp_path, header, kind):
    result = ingest_file(store, write(tmp_path, "f.csv", header + "\n"))
    assert result.kind == kind


def test_unknown_header_is_a_clear_file_error(store, tmp_path):
    result = ingest_file(store, write(tmp_path, "what.csv", "foo;bar\n1;2\n"))
    assert result.error.startswith("line 1: cannot tell the kind of file from its header")
    assert result.summary == f"{tmp_path}/what.csv: not ingested: {result.error}"
