"""Issue 22, point 10: implausible invoice and payment amounts are quarantined.

COPRO TAR 9201 §2.3 (facturatie) bills the fees of §2.2 to the supplier; an invoice line is
quantity × unit price (§2.2.5 "prestatievergoeding per uur", §2.2.6 "per attest"). Nothing in
the tariff is negative: a negative amount can only be a credit note, which names the invoice
it corrects (column ``corrects_invoice_id``, Dutch ``corrigeert_factuur``). A payment can only
be negative as a refund of a credit note. Each bad row is quarantined with a one-line reason
naming file, line and column; the good rows of the file still load.

Master data (conftest): ADI-003 (asbestos process) and ADI-003-P1 (asbestos person).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb

from pipelines.ingest import ingest_file
from pipelines.store import refresh
from tests.pipelines.ingest.conftest import write

HEADER = "invoice_id,certificate_number,invoice_date,line_no,fee_code,quantity,unit_price," \
         "amount_excl_vat,corrects_invoice_id\n"
# F1: 3 attests × € 20.00 = 60.00 (§2.2.6), ADI-003, January 2025.
F1 = "F1,ADI-003,2025-01-31,1,ATTEST_T1,3,20.00,60.00,\n"


def _ingest(con: duckdb.DuckDBPyConnection, tmp_path: Path, name: str, text: str):
    result = ingest_file(con, write(tmp_path, name, text))
    assert result.error is None, result.error
    return result


def _quarantine(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple]:
    return con.sql("select source_line, column_name, bad_value, reason from quarantine"
                   " where source_file = ? order by source_line, column_name",
                   params=[name]).fetchall()


def test_a_negative_line_that_is_no_credit_note_is_quarantined(master, tmp_path):
    text = HEADER + F1 + "F2,ADI-003,2025-02-28,1,ATTEST_T1,-1,20.00,-20.00,\n"
    result = _ingest(master, tmp_path, "inv.csv", text)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    negative = ("negative {} {} on an invoice that is no credit note: only a credit note may"
                " be negative, and it names the invoice it corrects in corrects_invoice_id")
    assert _quarantine(master, "inv.csv") == [
        (3, "amount_excl_vat", "-20.00", negative.format("amount_excl_vat", "-20.00")),
        (3, "quantity", "-1", negative.format("quantity", "-1")),
    ]
    # one line naming file, line and column, for the person who runs the ingest
    assert result.problems[0] == ("inv.csv, line 3, column amount_excl_vat: "
                                  + negative.format("amount_excl_vat", "-20.00"))
    assert master.sql("select invoice_id from invoices").fetchall() == [("F1",)]


def test_a_credit_note_naming_its_invoice_loads(master, tmp_path):
    # C1 takes one attest off F1: -1 × 20.00 = -20.00; the Dutch column name works too.
    _ingest(master, tmp_path, "inv.csv", HEADER + F1)
    text = ("factuurnummer;certificaatnummer;factuurdatum;regel;tariefcode;aantal;"
            "eenheidsprijs;bedrag_excl_btw;corrigeert_factuur\n"
            "C1;ADI-003;15-02-2025;1;ATTEST_T1;-1;20,00;-20,00;F1\n")
    result = _ingest(master, tmp_path, "credit.csv", text)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 0)
    assert master.sql("select invoice_id, corrects_invoice_id from invoices order by 1"
                      ).fetchall() == [("C1", "F1"), ("F1", None)]
    assert master.sql("select amount_excl_vat from invoice_lines where invoice_id = 'C1'"
                      ).fetchall() == [(Decimal("-20.00"),)]


def test_a_credit_note_must_name_a_known_invoice_of_its_certificate(master, tmp_path):
    _ingest(master, tmp_path, "inv.csv", HEADER + F1)
    text = HEADER + (
        "C1,ADI-003,2025-02-15,1,ATTEST_T1,-1,20.00,-20.00,F9\n"      # 2: unknown invoice
        "C2,ADI-003-P1,2025-02-15,1,ATTEST_T1,-1,20.00,-20.00,F1\n"   # 3: F1 is ADI-003's
        "C3,ADI-003,2025-02-15,1,ATTEST_T1,-1,20.00,-20.00,C3\n"      # 4: itself
        "C4,ADI-003,2025-02-15,1,ATTEST_T1,-1,20.00,-20.00,F1\n"      # 5: good
        "C5,ADI-003,2025-02-15,1,ATTEST_T1,-1,20.00,-20.00,C4\n"      # 6: C4 is a credit note
        "C6,ADI-003,2025-02-15,1,ATTEST_T1,-1,20.00,-20.00,F1\n"      # 7: good
        "C6,ADI-003,2025-02-15,2,ATTEST_T1,-1,20.00,-20.00,\n"        # 8: C6 names F1 above
    )
    result = _ingest(master, tmp_path, "credit.csv", text)
    assert (result.rows_loaded, result.rows_quarantined) == (2, 5)
    assert _quarantine(master, "credit.csv") == [
        (2, "corrects_invoice_id", "F9",
         "credit note names unknown invoice 'F9' in corrects_invoice_id (ingest that invoice"
         " first)"),
        (3, "corrects_invoice_id", "F1",
         "credit note of certificate 'ADI-003-P1' names invoice 'F1' of certificate 'ADI-003'"),
        (4, "corrects_invoice_id", "C3", "a credit note cannot correct itself"),
        (6, "corrects_invoice_id", "C4",
         "invoice 'C4' is itself a credit note (correcting 'F1'): name the invoice it corrects"),
        # line 8 names no invoice, so its negative amount is refused first (one reason a cell)
        (8, "amount_excl_vat", "-20.00",
         "negative amount_excl_vat -20.00 on an invoice that is no credit note: only a credit"
         " note may be negative, and it names the invoice it corrects in corrects_invoice_id"),
        (8, "quantity", "-1",
         "negative quantity -1 on an invoice that is no credit note: only a credit note may be"
         " negative, and it names the invoice it corrects in corrects_invoice_id"),
    ]


def test_lines_of_one_credit_note_name_the_same_invoice(master, tmp_path):
    text = HEADER + F1 + "F2,ADI-003,2025-01-31,1,ATTEST_T1,1,20.00,20.00,\n" + (
        "C1,ADI-003,2025-02-15,1,ATTEST_T1,-1,20.00,-20.00,F1\n"
        "C1,ADI-003,2025-02-15,2,ATTEST_T1,-1,20.00,-20.00,F2\n")
    result = _ingest(master, tmp_path, "inv.csv", text)
    assert (result.rows_loaded, result.rows_quarantined) == (3, 1)
    assert _quarantine(master, "inv.csv") == [
        (5, "corrects_invoice_id", "F2",
         "lines of invoice 'C1' disagree on corrects_invoice_id (see line 4)")]


def test_quantity_times_unit_price_must_give_the_amount(master, tmp_path):
    # 3 × 20.00 = 60.00: 60.01 is within € 0.01 (rounding), 60.02 is not.
    # Car transport (§2.2.11: the total is rounded, not the €/km): 2.5 km × 0.4269 = 1.06725,
    # invoiced 1.07 (0.00275 off): loads. 1 × 525.00 invoiced 1 234.56: quarantined.
    text = HEADER + (
        "F1,ADI-003,2025-01-31,1,ATTEST_T1,3,20.00,60.01,\n"
        "F1,ADI-003,2025-01-31,2,ATTEST_T1,3,20.00,60.02,\n"
        "F1,ADI-003,2025-01-31,3,TRANSPORT_CAR,2.5,0.4269,1.07,\n"
        "F1,ADI-003,2025-01-31,4,AUDIT_EXTRA,1,525.00,1234.56,\n")
    result = _ingest(master, tmp_path, "inv.csv", text)
    assert (result.rows_loaded, result.rows_quarantined) == (2, 2)
    assert _quarantine(master, "inv.csv") == [
        (3, "amount_excl_vat", "60.02", "amount_excl_vat 60.02 differs from quantity ×"
         " unit_price = 3 × 20.00 = 60 by more than 0.01"),
        (5, "amount_excl_vat", "1234.56", "amount_excl_vat 1234.56 differs from quantity ×"
         " unit_price = 1 × 525.00 = 525 by more than 0.01"),
    ]
    assert master.sql("select line_no from invoice_lines order by 1").fetchall() == [(1,), (3,)]


def test_a_negative_payment_only_as_a_refund_of_a_credit_note(master, tmp_path):
    _ingest(master, tmp_path, "inv.csv", HEADER + F1
            + "C1,ADI-003,2025-02-15,1,ATTEST_T1,-1,20.00,-20.00,F1\n")
    # F1 paid in full: 60.00 + 21 % = 72.60; C1 takes 20.00 + 4.20 off: refunded on C1.
    pay = ("invoice_id,paid_on,amount\n"
           "F1,2025-02-10,72.60\n"
           "C1,2025-02-20,-24.20\n"
           "F1,2025-02-21,-24.20\n")
    result = _ingest(master, tmp_path, "pay.csv", pay)
    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    assert _quarantine(master, "pay.csv") == [
        (4, "amount", "-24.20", "negative amount -24.20 on invoice 'F1', which is no credit"
         " note: a negative payment (a refund) is accepted only on a credit note that names"
         " the invoice it corrects")]
    # the refund counts for the invoice the credit note corrects (billing_payment_days):
    # due 60.00 - 20.00 = 40.00 + VAT 12.60 - 4.20 = 48.40, paid 72.60 - 24.20 = 48.40
    master.execute("set variable as_of = date '2025-03-31'")
    refresh(master)
    assert master.sql("select invoice_id, amount_due, paid_amount, open_amount"
                      " from billing_invoice_status").fetchall() == [
        ("F1", Decimal("48.40"), Decimal("48.40"), Decimal("0.00"))]
