"""Issue 22 point 9: after '<' only a finite positive number is a LOQ.

BRL 9341 bijlage II ("Meetwaarden kleiner dan bepalingsgrens") counts a value reported
below the limit of quantification at its LOQ; docs/rules.md §1: a value that is not a
finite positive number after its '<' is quarantined, not read as below LOQ.

Measured on the code before: with a loq column, '<NaN', '<inf', '<<1' and '<1e308' loaded
at the loq column's 0.05 (the text after '<' was ignored), '<0' loaded as a LOQ of 0 and
'<2000000' as a LOQ of two tonnes per kilogram.
"""

from __future__ import annotations

import pytest

from pipelines.ingest import ingest_file

from .conftest import write

HEADER = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,"
          "loq,unit,lab_report_id\n")


def row(value: str, loq: str = "0.05", unit: str = "mg/kg ds") -> str:
    return f"BSB-001,S1,boomgranulaat,P1,M1,2024-03-05,lood,{value},{loq},{unit},R1\n"


NOT_A_LOQ = [
    ("<NaN", "'<NaN' in column value is no LOQ: after '<' only a finite positive number is"
             " accepted (e.g. <0,05)"),
    ("<inf", "'<inf' in column value is no LOQ: after '<' only a finite positive number is"
             " accepted (e.g. <0,05)"),
    ("<<1", "'<<1' in column value is no LOQ: after '<' only a finite positive number is"
            " accepted (e.g. <0,05)"),
    ("<1e308", "'<1e308' in column value is no LOQ: an implausible number after '<'"
               " (infinite or more than 15 digits)"),
    ("<-1", "'<-1' in column value is no LOQ: a LOQ is above 0"),
    ("<0", "'<0' in column value is no LOQ: a LOQ is above 0"),
    # 2 000 000 mg/kg d.s. is two kilograms per kilogram of dry sample
    ("<2000000", "'<2000000' in column value is no LOQ: 2000000.0 mg/kg d.s. is more than"
                 " the whole sample (a LOQ is at most 1 000 000 mg/kg d.s.)"),
    ("<", "'<' in column value without a number: write the LOQ after it (e.g. <0,05)"),
]


@pytest.mark.parametrize(("value", "reason"), NOT_A_LOQ, ids=[v for v, _ in NOT_A_LOQ])
def test_what_follows_the_less_than_must_be_a_loq(master, tmp_path, value, reason):
    good = row("<0.05").replace("M1", "M9")
    result = ingest_file(master, write(tmp_path, "lab.csv", HEADER + good + row(value)))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    stored = master.sql("select source_file, source_line, column_name, bad_value, reason"
                        " from quarantine").fetchall()
    assert stored == [("lab.csv", 3, "value", value, reason)]
    assert result.problems == [f"lab.csv, line 3, column value: {reason}"]
    # only the good row is stored, at its LOQ 0.05
    assert master.sql("select sample_id, value, loq from analyses").fetchall() == \
        [("M9", 0.05, 0.05)]


def test_the_bound_is_the_whole_sample_in_any_unit(master, tmp_path):
    # 999 999 999 µg/kg = 999 999.999 mg/kg: below the bound; 10^6 mg/kg exactly is allowed;
    # 1 000 000 001 µg/kg = 1 000 000.001 mg/kg: above it.
    text = HEADER + row("<999999999", "", "µg/kg ds") + row("<1000000", "").replace(
        "M1", "M2") + row("<1000000001", "", "µg/kg ds").replace("M1", "M3")
    result = ingest_file(master, write(tmp_path, "lab.csv", text))
    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    assert master.sql("select sample_id, loq from analyses order by 1").fetchall() == \
        [("M1", pytest.approx(999999.999)), ("M2", 1000000.0)]
    (line, column, reason), = master.sql(
        "select source_line, column_name, reason from quarantine").fetchall()
    assert (line, column) == (4, "value")
    assert "more than the whole sample" in reason


def test_a_loq_column_of_zero_is_no_loq(master, tmp_path):
    # the flag says below LOQ and the loq column gives 0: a LOQ of 0 cannot be
    text = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,"
            "below_loq,loq,unit,lab_report_id\n"
            "BSB-001,S1,boomgranulaat,P1,M1,2024-03-05,lood,n.d.,ja,0,mg/kg ds,R1\n"
            "BSB-001,S1,boomgranulaat,P1,M2,2024-03-05,lood,0,ja,,mg/kg ds,R1\n")
    result = ingest_file(master, write(tmp_path, "lab.csv", text))
    assert (result.rows_loaded, result.rows_quarantined) == (0, 2)
    assert master.sql("select source_line, column_name, reason from quarantine order by 1"
                      ).fetchall() == [
        (2, "loq", "loq '0' is no LOQ: a LOQ is above 0"),
        (3, "value", "'0' in column value is no LOQ: a LOQ is above 0")]
