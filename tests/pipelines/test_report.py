"""The yearly report files (XLSX read back cell by cell, PDF text extracted), the frozen
report, the refusals and the names option, on the hand-made store of
tests/sql/yearly_report_data.py (figures worked out there by hand)."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from pipelines.__main__ import main
from pipelines.report import load_report
from pipelines.store import connect_write, refresh
from tests.sql.yearly_report_data import BASE_INGESTED, FREEZE, add_late_rows


def _pdf_text(path: Path) -> str:
    # words as extracted, whitespace (line breaks inside table cells) normalised
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_xlsx_read_back_cell_by_cell(report_store: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.xlsx"
    assert main(["report", "--db", str(report_store), "--year", "2024", "--scheme", "pkvw",
                 "--out", str(out), "--lang", "en"]) == 0
    assert capsys.readouterr().out.strip() == f"report written: {out}"
    book = openpyxl.load_workbook(out)
    # issue 22: mutations apart from the sanctions (BRL 9341 §8.7)
    assert book.sheetnames == ["Report", "Certificate holders", "Mutations (new, ended)",
                               "Controls against the rules", "Results of the lot tests",
                               "Deviations", "Sanctions for shortcomings",
                               "Complaints", "Process checks", "Texts", "Data sources"]
    about = book["Report"]
    assert about["A3"].value == "Schemes" and about["B3"].value == "CCV PKVW"
    assert about["B5"].value == datetime(2024, 12, 31)  # the as-of date
    assert about["B5"].number_format == "dd/mm/yyyy"  # English (en_GB) notation
    assert about["A11"].value == "For" and "Bbl art. 1.39 lid 4" in about["B11"].value
    dev = book["Deviations"]
    assert [c.value for c in dev[3]] == ["Scheme", "Indicator", "Detail", "2024", "2023",
                                         "Change", "Article"]
    # row 4: deviations found 2024 D2 D3 = 2, 2023 D1 = 1 (hand-worked in the data module)
    assert [c.value for c in dev[4]] == ["CCV PKVW", "Deviations found", "", 2, 1, 1,
                                         "CCV PKVW §4.3.1-§4.3.2"]
    assert dev["D4"].number_format == "#,##0"
    rows = {(r[1], r[2]): r[3:6] for r in dev.iter_rows(min_row=4, values_only=True)}
    assert rows[("Found, by category", "A")] == (2, 0, 2)
    assert rows[("Found, by category", "B")] == (0, 1, -1)
    assert rows[("Handling time, mean (days)", "")] == (75, 61, 14)
    assert rows[("Passed their deadline in the year", "")] == (1, 0, 1)
    assert rows[("Found, by requirement / article", "CCV PKVW §3.2.7 opleverdossier")] == (
        1, 1, 0)
    controls = {(r[1], r[2]): r[3:6] for r in book["Controls against the rules"].iter_rows(
        min_row=4, values_only=True)}
    assert controls[("Sample dwellings inspected", "Required")] == (8, 8, 0)
    assert controls[("Sample dwellings inspected", "Shortfall")] == (6, 8, -2)
    sources = book["Data sources"]
    assert [c.value for c in sources[3]] == ["File", "Kind", "SHA-256", "Ingested at",
                                             "Rows loaded"]
    assert [c.value for c in sources[4]] == ["certificates.csv", "certificate",
                                             "01" + "ab" * 31, BASE_INGESTED, 1]
    assert sources.max_row == 3 + 7


def test_pdf_text(report_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    assert main(["report", "--db", str(report_store), "--year", "2024", "--scheme", "brl9341",
                 "--out", str(out), "--lang", "en"]) == 0
    report = load_report(report_store, 2024, "brl9341")
    text = _pdf_text(out)
    assert "Yearly report 2024" in text
    assert "As of 31 December 2024" in text
    assert report.figures_hash in text
    assert "Contents" in text
    # issue 22: the yearly report to the Minister, cited as such (Bbl art. 1.39 lid 4)
    assert "Bbl art. 1.39 lid 4: it sends the Minister a yearly report" in text
    for line in ("Lots exceeding, per component arsenic 1 0 +1",
                 "Highest exceedance factor (observation / limit value) arsenic 2 – –",
                 "New certificates (issued) 1 0 +1",
                 "Admission took, mean (days) 106 –"):
        assert line in text, line
    assert "Data sources" in text and "01" + "ab" * 31 in text.replace(" ", "")
    assert "page 2 / " in text
    # counts only: no holder name printed
    assert "Granulaat" not in text and "Tweede BV" not in text


def test_two_runs_same_figures_and_pdf_text(report_store: Path, tmp_path: Path) -> None:
    texts = []
    for name in ("a.pdf", "b.pdf"):
        out = tmp_path / name
        assert main(["report", "--db", str(report_store), "--year", "2024", "--out", str(out),
                     "--frozen-at", str(FREEZE), "--lang", "en"]) == 0
        texts.append(_pdf_text(out))
    assert texts[0] == texts[1]  # generated at = the frozen-at time
    assert "Generated at 1 February 2025 00:00:00 (the frozen-at moment" in texts[0]


def test_two_unfrozen_runs_differ_only_in_generated_at(report_store: Path, tmp_path: Path) -> None:
    stamp = re.compile(r"Generated at \d{1,2} [A-Z][a-z]+ \d{4} \d\d:\d\d:\d\d")
    texts = []
    for name in ("a.pdf", "b.pdf"):
        out = tmp_path / name
        assert main(["report", "--db", str(report_store), "--year", "2024", "--scheme", "pkvw",
                     "--out", str(out), "--lang", "en"]) == 0
        text = _pdf_text(out)
        assert len(stamp.findall(text)) == 1
        texts.append(stamp.sub("Generated at -", text))
    assert texts[0] == texts[1]


def test_frozen_report_ignores_rows_ingested_later(report_store: Path) -> None:
    before = load_report(report_store, 2024, None)
    with connect_write(report_store) as con:
        add_late_rows(con)
        refresh(con)
    after = load_report(report_store, 2024, None)
    frozen = load_report(report_store, 2024, None, frozen_at=FREEZE)

    def value(report, scheme: str, indicator: str) -> float:
        rows = report.figures.filter((report.figures["scheme"] == scheme)
                                     & (report.figures["indicator"] == indicator))
        return rows["value"][0]

    # the late rows: a 2024 deviation (D9) and a test of lot L6 -> visible unfrozen
    assert value(after, "pkvw", "deviations.found") == 3
    assert value(after, "brl9341", "results.lots_tested") == 3
    assert after.figures_hash != before.figures_hash
    # frozen before they were ingested: the figures of the store as it was
    assert value(frozen, "pkvw", "deviations.found") == 2
    assert value(frozen, "brl9341", "results.lots_tested") == 2
    assert frozen.figures.equals(before.figures)
    assert frozen.figures_hash == before.figures_hash
    assert "late.csv" not in frozen.sources["file_name"].to_list()
    assert "late.csv" in after.sources["file_name"].to_list()


@pytest.mark.parametrize(("args", "message"), [
    (["--scheme", "nope"], "report refused: unknown scheme 'nope'; valid schemes: "
                           "asbestos_person, asbestos_process, brl9341, copro_exe, pkvw"),
    (["--scheme", "copro_exe"], "report refused: no data for scheme 'copro_exe' in 2024"),
    (["--scheme", "brl9341", "--year", "2019"],
     "report refused: no data for scheme 'brl9341' in 2019"),
    (["--year", "2015"], "report refused: no data for any scheme in 2015"),
    (["--frozen-at", "yesterday"], "report refused: --frozen-at 'yesterday': not a "
                                   "timestamp (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)"),
])
def test_refusals(report_store: Path, tmp_path: Path, capsys, args: list[str],
                  message: str) -> None:
    for suffix in ("xlsx", "pdf"):
        out = tmp_path / f"r.{suffix}"
        argv = ["report", "--db", str(report_store), "--year", "2024", "--out", str(out)]
        code = main(argv + args)
        captured = capsys.readouterr()
        assert code == 2
        assert captured.err == message + "\n"
        assert "report written" not in captured.out
        assert not out.exists()


def test_names_only_on_request(report_store: Path, tmp_path: Path, monkeypatch) -> None:
    anonymous = load_report(report_store, 2024, "pkvw")
    assert anonymous.names is None
    out = tmp_path / "named.pdf"
    assert main(["report", "--db", str(report_store), "--year", "2024", "--scheme", "pkvw",
                 "--with-names", "--out", str(out), "--lang", "en"]) == 0
    text = _pdf_text(out)
    assert "Sloten & Zo" in text  # P1's suspension of 2024-10-02 (D2 late)
    assert "02/10/2024" in text  # en_GB short date
    monkeypatch.setenv("CERT_REPORT_WITH_NAMES", "1")
    out_x = tmp_path / "named.xlsx"
    assert main(["report", "--db", str(report_store), "--year", "2024", "--scheme", "pkvw",
                 "--out", str(out_x), "--lang", "en"]) == 0
    sheet = openpyxl.load_workbook(out_x)["Sanctions and mutations"]  # issue 22
    assert [c.value for c in sheet[2]][:5] == ["CCV PKVW", "Sloten & Zo", "P1",
                                              "Deviation not corrected in time",
                                              datetime(2024, 10, 2)]
    assert sheet["G1"].value == "Kind" and sheet["G2"].value == "Sanction"  # CCV PKVW §4.3.3


def test_markup_in_data_is_printed_as_text(report_store: Path, tmp_path: Path) -> None:
    # holder H1 is called "Granulaat *BV* #1 [x]": Typst markup characters in data
    out = tmp_path / "named.pdf"
    with connect_write(report_store) as con:
        con.execute("insert into report_texts values ('brl9341', 2024, 'observations',"
                    " '#set page(paper: \"a6\") *not bold* $x$ [link]', now(), 'test')")
        con.execute("update certificates set ended_on = date '2024-11-30'"
                    " where certificate_number = 'B1'")
        refresh(con)
    assert main(["report", "--db", str(report_store), "--year", "2024", "--scheme", "brl9341",
                 "--with-names", "--out", str(out), "--lang", "en"]) == 0
    reader = PdfReader(out)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert '#set page(paper: "a6") *not bold* $x$ [link]' in text
    assert "Granulaat *BV* #1 [x]" in text
    # every page stayed A4 (595 x 842 pt): the text did not run as Typst code
    assert {(round(p.mediabox.width), round(p.mediabox.height)) for p in reader.pages} == {
        (595, 842)}


def test_pdf_hash_is_of_the_figures(report_store: Path) -> None:
    report = load_report(report_store, 2024, "pkvw")
    lines = [f"{s}\t{i}\t{'' if v is None else repr(v)}\t{'' if p is None else repr(p)}\n"
             for s, i, v, p in sorted(report.figures.select(
                 "scheme", "indicator", "value", "previous_value").iter_rows(),
                 key=lambda r: (r[0], r[1]))]
    assert report.figures_hash == hashlib.sha256("".join(lines).encode()).hexdigest()
    assert report.as_of == date(2024, 12, 31)
