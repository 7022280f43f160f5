"""Kind detection counts the columns a kind does not know; upserts change only the columns
a file has (issue 8)."""

from __future__ import annotations

from decimal import Decimal

from pipelines.ingest import ingest_file

from .conftest import write


def site(con, site_id):
    return con.sql("select name, site_kind, n_window from sites where site_id = ?",
                   params=[site_id]).fetchall()


def test_lab_file_without_its_report_number_is_not_a_site_file(master, tmp_path):
    # measured before: taken for a site file; S1 "loaded" and lost its name
    text = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,"
            "unit\nBSB-001,S1,boomgranulaat,P1,M1,2024-05-02,lead,0.5,mg/kg ds\n")
    result = ingest_file(master, write(tmp_path, "lab.csv", text))
    assert result.error == ("line 1: the header fits no kind fully; closest is lab, which "
                            "lacks lab_report_id (rapportnummer); add the column(s) or pass "
                            "--kind")
    assert site(master, "S1") == [("Hoofdvestiging", "production", 5)]


def test_columns_no_kind_knows_are_reported_not_dropped_silently(master, tmp_path):
    text = "site_id,certificate_number,naam,opmerking\nS7,BSB-001,Noord,nieuw\n"
    result = ingest_file(master, write(tmp_path, "s.csv", text))
    assert (result.kind, result.rows_loaded) == ("site", 1)
    assert result.notes == ["columns not read (not site columns): opmerking"]


def test_header_no_kind_knows(master, tmp_path):
    result = ingest_file(master, write(tmp_path, "x.csv", "foo,bar\n1,2\n"))
    assert result.error == "line 1: cannot tell the kind of file from its header (foo, bar);" \
                           " pass --kind"


def test_site_file_without_n_window_keeps_the_stored_window(master, tmp_path):
    # measured before: S9's window of 10 went back to the default 5 (and with it its
    # sampling frequency, BRL 9341 bijlage II) because the file had no n_window column
    assert site(master, "S9") == [("Elders", "production", 10)]
    text = "site_id,certificate_number,name\nS9,PKVW-002,Elders Noord\nS5,BSB-001,Nieuw\n"
    result = ingest_file(master, write(tmp_path, "names.csv", text))
    assert result.rows_loaded == 2
    assert site(master, "S9") == [("Elders Noord", "production", 10)]
    assert site(master, "S5") == [("Nieuw", "production", 5)]  # a new site: the default
    # the same rows again (another file: other line ends) change nothing
    again = ingest_file(master, write(tmp_path, "names2.csv", text.replace("\n", "\r\n")))
    assert (again.rows_loaded, again.rows_unchanged) == (0, 2)


def test_an_empty_cell_in_a_column_the_file_has_is_what_the_file_says(master, tmp_path):
    text = "site_id,certificate_number,name,n_window\nS9,PKVW-002,Elders,\n"
    ingest_file(master, write(tmp_path, "w.csv", text))
    assert site(master, "S9") == [("Elders", "production", 5)]


def test_certificate_and_invoice_upserts_keep_absent_columns(master, tmp_path):
    ingest_file(master, write(tmp_path, "c1.csv", "certificate_number,scheme,holder_id,"
                              "holder_name,country\nK9,pkvw,H9,Slot BV,NL\n"))
    ingest_file(master, write(tmp_path, "c2.csv", "certificate_number,scheme,holder_id,"
                              "holder_name,ended_on\nK9,pkvw,H9,Slot BV,2025-06-30\n"))
    assert master.sql("select country, ended_on::varchar from certificates"
                      " where certificate_number = 'K9'").fetchall() == [("NL", "2025-06-30")]
    header = "invoice_id,certificate_number,invoice_date,line_no,amount_excl_vat"
    ingest_file(master, write(tmp_path, "i1.csv", f"{header},vat_rate\n"
                              "F1,K9,2025-01-31,1,60,0.09\n"))
    ingest_file(master, write(tmp_path, "i2.csv", f"{header}\nF1,K9,2025-01-31,1,70\n"))
    assert master.sql("select amount_excl_vat, vat_rate from invoice_lines").fetchall() == [
        (Decimal("70.00"), Decimal("0.0900"))]
