"""Values that parse but cannot be true are quarantined, never stored (issue 8).

Measured on the code before: '24-03-01' was stored as the year 24 (no limit applies then,
so the lot showed as compliant); NaN, inf, 1e309 and a 40-digit number were stored as
numbers; a bare '<' with a loq column loaded as the LOQ; a 5 000-character name loaded.
"""

from __future__ import annotations

import datetime as dt

from pipelines.ingest import ingest_file

from .conftest import write


def reasons(con, name):
    return con.sql("select source_line, column_name, reason from quarantine"
                   " where source_file = ? order by 1", params=[name]).fetchall()


def test_two_digit_years_and_dates_out_of_range(store, tmp_path):
    text = ("certificate_number,scheme,holder_id,holder_name,issued_on\n"
            "K1,pkvw,H1,A,24-03-01\n"
            "K2,pkvw,H2,B,1989-12-31\n"
            "K3,pkvw,H3,C,01-01-1990\n"
            "K4,pkvw,H4,D,2100-01-01\n")
    result = ingest_file(store, write(tmp_path, "c.csv", text))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 3)
    assert store.sql("select certificate_number, issued_on from certificates").fetchall() \
        == [("K3", dt.date(1990, 1, 1))]
    got = reasons(store, "c.csv")
    assert got[0] == (2, "issued_on", "date '24-03-01' has a two-digit year; write the year "
                                      "in full (YYYY-MM-DD or DD-MM-YYYY)")
    assert got[1] == (3, "issued_on", "implausible date 1989-12-31 (before 1990-01-01)")
    assert got[2][2].startswith("implausible date 2100-01-01 (more than a year after the "
                                "as-of date")


def test_latest_date_follows_a_later_as_of_date(store, tmp_path):
    # a year after the as-of date of the store (settings.as_of), when that is after today
    as_of = dt.date.today() + dt.timedelta(days=3 * 365)
    store.execute("update settings set as_of = ?", [as_of])
    inside = as_of + dt.timedelta(days=300)
    outside = as_of + dt.timedelta(days=400)
    text = ("certificate_number,scheme,holder_id,holder_name,ended_on\n"
            f"K1,pkvw,H1,A,{inside}\nK2,pkvw,H2,B,{outside}\n")
    result = ingest_file(store, write(tmp_path, "c.csv", text))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)


def test_nan_inf_and_huge_numbers(master, tmp_path):
    text = ("certificate_number,site_id,product,lot_id,produced_on,lot_size_tonnes\n"
            "BSB-001,S1,boomgranulaat,P1,2024-01-05,NaN\n"
            "BSB-001,S1,boomgranulaat,P2,2024-01-05,inf\n"
            "BSB-001,S1,boomgranulaat,P3,2024-01-05,1e309\n"
            f"BSB-001,S1,boomgranulaat,P4,2024-01-05,{'9' * 40}\n"
            "BSB-001,S1,boomgranulaat,P5,2024-01-05,250\n")
    result = ingest_file(master, write(tmp_path, "lots.csv", text))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 4)
    assert master.sql("select lot_id, lot_size_tonnes from lots").fetchall() == [("P5", 250.0)]
    got = [r[2] for r in reasons(master, "lots.csv")]
    assert got[:2] == ["not a number: 'NaN'", "not a number: 'inf'"]
    assert got[2] == "implausible number '1e309' (infinite or more than 15 digits)"
    assert got[3].startswith("implausible number '9999")


def test_a_bare_less_than_is_refused_even_with_a_loq(master, tmp_path):
    text = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,"
            "loq,unit,lab_report_id\n"
            "BSB-001,S1,boomgranulaat,P1,M1,2024-03-05,lood,<,\"0,05\",mg/kg ds,R1\n")
    result = ingest_file(master, write(tmp_path, "lt.csv", text))
    assert (result.rows_loaded, result.rows_quarantined) == (0, 1)
    assert reasons(master, "lt.csv") == [
        (2, "value", "'<' in column value without a number: write the LOQ after it (e.g. <0,05)")]


def test_a_field_longer_than_a_sane_maximum(master, tmp_path):
    name = "Hoofdvestiging " * 400  # 6 000 characters
    text = f"site_id,certificate_number,name\nS7,BSB-001,{name}\nS8,BSB-001,Noord\n"
    result = ingest_file(master, write(tmp_path, "s.csv", text))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    (line, column, reason), = reasons(master, "s.csv")
    assert (line, column, reason) == (2, "name", "field of 5999 characters (at most 1000)")
    bad_value = master.sql("select bad_value from quarantine").fetchall()[0][0]
    assert len(bad_value) < 50  # the reason and value stay short
    assert len(result.problems[0]) < 200
