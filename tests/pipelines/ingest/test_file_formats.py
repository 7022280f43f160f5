"""Garbled files load right, or the lines that cannot be read are quarantined naming the
line (issue 8). Each case was measured on the code before; the test says what happened."""

from __future__ import annotations

import hashlib

from pipelines.ingest import ingest_file

from .conftest import write

SITES = "site_id,certificate_number,name\n"


def names(con):
    return con.sql("select site_id, name, source_line from sites"
                   " where site_id not in ('S1', 'S2', 'S9') order by 1").fetchall()


def quarantined(con, name):
    return con.sql("select source_line, column_name, reason, raw_row from quarantine"
                   " where source_file = ? order by 1", params=[name]).fetchall()


def test_cr_only_line_ends(master, tmp_path):
    # before: one line for the reader, nothing loaded, and the file logged as done
    text = (SITES + "S7,BSB-001,Noord\nS8,BSB-001,Zuid\n").replace("\n", "\r")
    result = ingest_file(master, write(tmp_path, "mac.csv", text))
    assert (result.error, result.rows_loaded, result.rows_quarantined) == (None, 2, 0)
    assert names(master) == [("S7", "Noord", 2), ("S8", "Zuid", 3)]


def test_one_latin1_byte_in_a_utf8_file(master, tmp_path):
    # before: the whole file was decoded as Windows-1252: 'Café' (UTF-8) became 'CafÃ©'
    data = (SITES + "S7,BSB-001,Café Noord\n").encode() + b"S8,BSB-001,Caf\xe9 Zuid\n"
    result = ingest_file(master, write(tmp_path, "mixed.csv", data.decode("latin-1"),
                                       encoding="latin-1"))
    assert result.rows_loaded == 2
    assert names(master) == [("S7", "Café Noord", 2), ("S8", "Café Zuid", 3)]


def test_a_line_mixing_utf8_and_latin1_is_quarantined_with_its_line(master, tmp_path):
    data = SITES.encode() + "S7,BSB-001,Café\n".encode() \
        + "S8,BSB-001,Ré".encode() + b"\xe9\n"
    path = tmp_path / "both.csv"
    path.write_bytes(data)
    result = ingest_file(master, path)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert names(master) == [("S7", "Café", 2)]
    (line, column, reason, raw), = quarantined(master, "both.csv")
    assert (line, column) == (3, None)
    assert reason == ("byte 0xE9 (character 14 of the line) is not UTF-8 while the line "
                      "also has UTF-8 characters; save the file as UTF-8")
    assert result.problems == [f"both.csv, line 3: {reason}"]
    assert '"line"' in raw


def test_a_whole_windows_1252_file_still_loads(master, tmp_path):
    text = SITES + "S7,BSB-001,Café Noord\nS8,BSB-001,Bâtiment\n"
    result = ingest_file(master, write(tmp_path, "ansi.csv", text, encoding="cp1252"))
    assert result.rows_loaded == 2
    assert names(master) == [("S7", "Café Noord", 2), ("S8", "Bâtiment", 3)]


def test_duplicated_header_column(master, tmp_path):
    # before: the first 'name' was kept and the second dropped silently
    text = "site_id,certificate_number,name,naam\nS7,BSB-001,Noord,Zuid\n"
    result = ingest_file(master, write(tmp_path, "dup.csv", "site_id,name,certificate_number,"
                                       "name\nS7,A,BSB-001,B\n"))
    assert result.error == "line 1: column 'name' appears twice (columns 2 and 4)"
    # an English and a Dutch name for one column: the file cannot say which is meant
    both = ingest_file(master, write(tmp_path, "both.csv", text))
    assert both.error == "line 1: columns 'name' and 'naam' both give name; keep one"
    assert names(master) == []


def test_lines_with_too_many_fields(master, tmp_path):
    # before: the extra fields were cut off silently and the line loaded
    text = SITES + "S7,BSB-001,Noord,BV,extra\nS8,BSB-001,Zuid\n"
    result = ingest_file(master, write(tmp_path, "ragged.csv", text))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert names(master) == [("S8", "Zuid", 3)]
    (line, column, reason, raw), = quarantined(master, "ragged.csv")
    assert (line, column) == (2, None)
    assert reason.startswith("5 fields where the header has 3")
    assert "S7,BSB-001,Noord,BV,extra" in raw


def test_a_bare_quote_inside_a_field(master, tmp_path):
    # before: the whole file refused ("CSV malformed") without naming the line
    text = SITES + 'S7,BSB-001,Noord\nS8,BSB-001,Pijp 5" lang\nS9a,BSB-001,"5"" pijp"\n'
    result = ingest_file(master, write(tmp_path, "quote.csv", text))
    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    assert names(master) == [("S7", "Noord", 2), ("S9a", '5" pijp', 4)]
    assert result.problems == [
        'quote.csv, line 3: a quote inside field 3, which is not in quotes; put the field in '
        'quotes and write the quote twice ("5"" pijp")']


def test_resaved_file_with_other_line_ends_is_recognised_not_duplicated(master, tmp_path):
    # before: every row of the re-saved file was quarantined as a "duplicate analysis"
    header = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,"
              "value,unit,lab_report_id\n")
    rows = "".join(f"BSB-001,S1,boomgranulaat,P{i},M{i},2024-05-02,lead,0.{i + 1},mg/kg ds,"
                   "R1\n" for i in range(4))
    ingest_file(master, write(tmp_path, "lab.csv", header + rows))
    resaved = ingest_file(master, write(tmp_path, "lab.csv",
                                        (header + rows).replace("\n", "\r\n")))
    assert (resaved.rows_loaded, resaved.rows_unchanged, resaved.rows_quarantined) == (0, 4, 0)
    assert master.sql("select count(*) from analyses").fetchall() == [(4,)]
    assert master.sql("select count(*) from quarantine").fetchall() == [(0,)]


def test_empty_unnamed_columns_of_a_spreadsheet_export_are_ignored(master, tmp_path):
    text = "site_id;certificate_number;name;;\nS7;BSB-001;Noord;;\n"
    result = ingest_file(master, write(tmp_path, "excel.csv", text))
    assert (result.rows_loaded, result.notes) == (1, [])


def test_a_cr_only_file_logged_as_done_by_the_old_reader_is_taken_again(master, tmp_path):
    # before: the CR-only file was read as one line, 0 rows, and logged as done, so every
    # later run skipped it as "already ingested"
    text = (SITES + "S7,BSB-001,Noord\n").replace("\n", "\r")
    path = write(tmp_path, "mac.csv", text)
    master.execute("insert into ingestion_log values (nextval('ingestion_log_seq'), 'mac.csv',"
                   " ?, 'site', now(), 0, 0, 0, 0)",
                   [hashlib.sha256(path.read_bytes()).hexdigest()])
    result = ingest_file(master, path)
    assert (result.already_ingested, result.rows_loaded) == (False, 1)
    assert ingest_file(master, path).already_ingested  # and now it is done


def test_duplicated_header_column_in_a_workbook(master, tmp_path):
    # before: the reader renamed the second 'name' to 'name_1' and it was dropped silently
    import xlsxwriter

    path = tmp_path / "dup.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for column, (head, value) in enumerate((("site_id", "S7"), ("name", "A"),
                                            ("certificate_number", "BSB-001"),
                                            ("name", "B"))):
        sheet.write_string(0, column, head)
        sheet.write_string(1, column, value)
    workbook.close()
    result = ingest_file(master, path)
    assert result.error == "line 1: column 'name' appears twice (columns 2 and 4)"
    assert names(master) == []


def test_windows_1252_header_and_a_ragged_line(master, tmp_path):
    # the careful reading keeps the Windows-1252 header readable, too
    text = "site_id;certificate_number;naam;opmerking é\nS7;BSB-001;Noord;x\nS8;BSB-001;Zuid;y;z\n"
    result = ingest_file(master, write(tmp_path, "ansi.csv", text, encoding="cp1252"))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert result.notes == ["columns not read (not site columns): opmerking_é"]


def test_a_file_that_cannot_be_opened_is_that_files_error(master, tmp_path, monkeypatch):
    path = write(tmp_path, "locked.csv", SITES + "S7,BSB-001,Noord\n")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(path), "read_bytes", refuse)
    result = ingest_file(master, path)
    assert result.error == "Permission denied"
