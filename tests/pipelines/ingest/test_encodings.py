"""Issue 22 point 11: a file in an encoding that is neither UTF-8 nor Windows-1252 is
refused in one line naming the encoding found and how to save it as UTF-8.

Measured on the code before: a UTF-16 file (as Excel's "Unicode text" writes it) was
refused as "the header fits no kind" or read with NUL characters in every name; a
KOI8-R file was read as Windows-1252, its Cyrillic names garbled into Latin letters.
"""

from __future__ import annotations

import pytest

from pipelines.ingest import ingest_file

from .conftest import SITES, write

SAVE = ("save it as UTF-8 (Excel: Save As, 'CSV UTF-8 (Comma delimited)'; a text editor:"
        " Save As with encoding UTF-8) and ingest it again")
TEXT = SITES.replace("Depot Zwolle", "Dépôt Zwolle")

CASES = [
    # Python's "utf-16" / "utf-32" write a byte order mark (little-endian here)
    ("utf-16", f"the file is UTF-16 LE (byte order mark), neither UTF-8 nor Windows-1252: {SAVE}"),
    ("utf-32", f"the file is UTF-32 LE (byte order mark), neither UTF-8 nor Windows-1252: {SAVE}"),
    ("utf-16-be", f"the file is UTF-16 BE (NUL bytes between its characters), neither UTF-8"
                  f" nor Windows-1252: {SAVE}"),
    ("utf-16-le", f"the file is UTF-16 LE (NUL bytes between its characters), neither UTF-8"
                  f" nor Windows-1252: {SAVE}"),
    ("utf-32-le", f"the file is UTF-32 LE (NUL bytes between its characters), neither UTF-8"
                  f" nor Windows-1252: {SAVE}"),
]


@pytest.mark.parametrize(("encoding", "error"), CASES, ids=[c[0] for c in CASES])
def test_utf16_and_utf32_are_named(master, tmp_path, encoding, error):
    result = ingest_file(master, write(tmp_path, "sites.csv", TEXT, encoding))
    assert result.error == error
    assert result.summary == f"{tmp_path / 'sites.csv'}: not ingested: {error}"  # one line
    assert master.sql("select count(*) from sites where name like 'D%pôt%'").fetchall() \
        == [(0,)]  # nothing stored


def test_another_eight_bit_encoding_is_named(master, tmp_path):
    # Cyrillic site names in KOI8-R: every letter a non-ASCII byte, whole words of them
    text = "site_id,certificate_number,name\nS5,BSB-001,Завод Восток\n"
    result = ingest_file(master, write(tmp_path, "sites.csv", text, "koi8-r"))
    assert result.error is not None
    # the guesses of charset-normalizer are named as guesses (on two lines they vary)
    assert result.error.startswith("line 2: the file is in another encoding"
                                   " (charset-normalizer's guesses: ")
    assert "neither UTF-8 nor Windows-1252" in result.error and result.error.endswith(SAVE)
    assert master.sql("select count(*) from sites where site_id = 'S5'").fetchall() == [(0,)]


def test_bytes_windows_1252_does_not_define(master, tmp_path):
    # 0x81 and 0x8D are no characters in Windows-1252 (and no UTF-8 on their own)
    data = b"site_id,certificate_number,name\nS5,BSB-001,Ha\x81l\x8Dn\n"
    (tmp_path / "sites.csv").write_bytes(data)
    result = ingest_file(master, tmp_path / "sites.csv")
    assert result.error is not None
    assert result.error.startswith("line 2: the file is in another encoding")
    assert result.error.endswith(SAVE)


def test_windows_1252_and_utf8_still_load(master, tmp_path):
    text = "site_id,certificate_number,name\nS5,BSB-001,Coöperatie Hoeve “Één”\n"
    for encoding in ("cp1252", "utf-8"):
        result = ingest_file(master, write(tmp_path, f"s_{encoding}.csv", text, encoding))
        assert (result.error, result.rows_quarantined) == (None, 0)
        assert master.sql("select name from sites where site_id = 'S5'").fetchall() == [
            ("Coöperatie Hoeve “Één”",)]


def test_nul_bytes_in_no_pattern(master, tmp_path):
    (tmp_path / "sites.csv").write_bytes(b"site_id,certificate_number\nS5,BSB\x00-001\n")
    result = ingest_file(master, tmp_path / "sites.csv")
    assert result.error == ("the file holds NUL bytes: it is no text file in UTF-8 or "
                            "Windows-1252 (a spreadsheet or other binary file named .csv?)")
