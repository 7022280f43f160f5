"""The quarantine reasons that need what is already stored: each one produced by a row that
conflicts with an earlier file, while the good rows of the same file still load."""

from __future__ import annotations

from pipelines.ingest import ingest_file

from .conftest import write


def quarantined(con, name):
    return con.sql("select source_line, column_name, reason from quarantine"
                   " where source_file = ? order by source_line", params=[name]).fetchall()


def test_a_stored_lot_keeps_its_product(master, tmp_path):
    header = "certificate_number,site_id,product,lot_id,produced_on\n"
    first = "BSB-001,S1,boomgranulaat,P1,2024-01-05\n"
    ingest_file(master, write(tmp_path, "a.csv", header + first))
    result = ingest_file(master, write(tmp_path, "b.csv", header
                                       + "BSB-001,S1,daktuinsubstraat,P1,2024-01-05\n"
                                       + "BSB-001,S1,daktuinsubstraat,P2,2024-01-06\n"))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert quarantined(master, "b.csv") == [
        (2, "lot_id", "lot 'P1' of site 'S1' is already recorded for product 'boomgranulaat'"
                      " of certificate 'BSB-001'")]


def test_an_activity_with_a_stored_reference_is_a_duplicate(master, tmp_path):
    header = "certificate_number,date,activity,quantity,reference\n"
    ingest_file(master, write(tmp_path, "a.csv", header + "ADI-003,2025-01-03,attest,1,AT-1\n"
                              + "ADI-003,2025-01-03,attest,1,AT-3\n"))
    result = ingest_file(master, write(tmp_path, "b.csv", header
                                       + "ADI-003,2025-01-05,attest,1,AT-1\n"
                                       + "ADI-003,2025-01-04,attest,1,AT-2\n"
                                       + "ADI-003,2025-01-03,attest,1,AT-3\n"))
    # AT-3 is the very row stored before: already loaded (issue 8), not a duplicate
    assert (result.rows_loaded, result.rows_unchanged, result.rows_quarantined) == (1, 1, 1)
    assert quarantined(master, "b.csv") == [
        (2, "reference", "duplicate activity: attest 'AT-1' is already stored with other"
                         " values (a.csv line 2)")]


def test_a_stored_invoice_keeps_its_certificate_and_date(master, tmp_path):
    header = "invoice_id,certificate_number,invoice_date,line_no,amount_excl_vat\n"
    ingest_file(master, write(tmp_path, "a.csv", header + "F1,ADI-003,2025-01-31,1,60\n"))
    result = ingest_file(master, write(tmp_path, "b.csv", header
                                       + "F1,ADI-003,2025-02-28,2,20\n"
                                       + "F2,ADI-003,2025-02-28,1,20\n"))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert quarantined(master, "b.csv") == [
        (2, "invoice_id", "invoice 'F1' is stored for certificate 'ADI-003' dated 2025-01-31")]


def test_a_stored_payment_sent_again_is_already_loaded(master, tmp_path):
    ingest_file(master, write(tmp_path, "inv.csv", "invoice_id,certificate_number,invoice_date,"
                              "line_no,amount_excl_vat\nF1,ADI-003,2025-01-31,1,60\n"))
    header = "invoice_id,paid_on,amount\n"
    ingest_file(master, write(tmp_path, "a.csv", header + "F1,2025-02-20,30\n"))
    result = ingest_file(master, write(tmp_path, "b.csv", header
                                       + "F1,2025-02-20,30\n" + "F1,2025-03-01,42.60\n"))
    # a payment is its values: the same one again is recognised, not quarantined (issue 8)
    assert (result.rows_loaded, result.rows_unchanged, result.rows_quarantined) == (1, 1, 0)
    assert master.sql("select count(*) from payments").fetchall() == [(2,)]


def test_a_depot_visit_names_a_known_site(master, tmp_path):
    header = "audit_id,certificate_number,audit_type,audit_date,site_id\n"
    result = ingest_file(master, write(tmp_path, "a.csv", header
                                       + "A1,BSB-001,depot,2025-03-01,S2\n"
                                       + "A2,BSB-001,depot,2025-03-02,S8\n"))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert quarantined(master, "a.csv") == [(3, "site_id", "unknown site 'S8'")]
