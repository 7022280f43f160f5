"""SIKB Protocol 0101 XML deliveries (issue 25): read into lab rows and loaded by the lab
path, so BRL 9341 bijlage II (below-LOQ counts at its LOQ) and the unit rules are the CSV's.

Expected values are read off the fixture files by hand (tests/pipelines/ingest/sikb/):
the numericValue, its uom and limitSymbol, and the codes of the SIKB domain tables
(data/reference/ref_sikb_*.csv: Eenheid 58 = mg/kg, 131 = ug/kg, 60 = mg/l; Hoedanigheid
1 = dg (dry weight), 453 = LS-10dg (cumulative at L/S 10, dry weight)).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.__main__ import main
from pipelines.ingest import ingest_file, ingest_files
from pipelines.ingest.sikb0101 import _code

from .conftest import write

SIKB = Path(__file__).parent / "sikb"
LOTS = ("certificate_number,site_id,product,lot_id,produced_on\n"
        "BSB-001,S1,boomgranulaat,L1,2024-03-01\n")
SAMPLING = ("certificate_number,site_id,lot_id,sample_id,grabs,first_grab_on,last_grab_on\n"
            "BSB-001,S1,L1,M-001,10,2024-03-01,2024-03-04\n")


@pytest.fixture
def lot(master: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """Certificate BSB-001, site S1, lot L1 (boomgranulaat) and sample M-001's record."""
    for name, text in (("lots.csv", LOTS), ("sampling.csv", SAMPLING)):
        result = ingest_file(master, write(tmp_path, name, text))
        assert result.error is None and result.rows_quarantined == 0, result.problems
    return master


def test_codes_compare_case_insensitively() -> None:
    assert _code("urn:immetingen:parameter:id:310", "parameter") == 310
    assert _code("URN:IMMETINGEN:PARAMETER:ID:310", "parameter") == 310
    assert _code("urn:immetingen:Eenheid:id:58", "eenheid") == 58
    assert _code("urn:immetingen:Eenheid:id:58", "parameter") is None  # another table
    assert _code("urn:immetingen:Parameter:id:", "parameter") is None


def test_good_file_loads_four_analyses_as_the_lab_path_does(lot, tmp_path) -> None:
    result = ingest_file(lot, SIKB / "good.xml")
    assert (result.kind, result.error, result.rows_loaded, result.rows_quarantined) == \
        ("sikb0101", None, 4, 0)
    rows = lot.sql(
        "select component, value, below_loq, loq, certificate_number, site_id, lot_id,"
        " product, sample_id, sampled_on, lab, lab_report_id, source_line"
        " from analyses order by source_line").fetchall()
    common = ("BSB-001", "S1", "L1", "boomgranulaat", "M-001", dt.date(2024, 3, 4),
              "Lab Noord", "R-2024-017")
    assert rows == [
        # line 52: arsenic (Parameter 310), 0.45 Eenheid 58 mg/kg, LS-10dg: as reported
        ("arsenic", 0.45, False, None, *common, 52),
        # line 68: lead (1116), limitSymbol '<' 0.2, unit code in upper case: below the
        # LOQ, counts at its LOQ 0.2 (BRL 9341 bijlage II)
        ("lead", 0.2, True, 0.2, *common, 68),
        # line 83: benzene (342), 120 ug/kg (Eenheid 131), dg: 120 / 1000 = 0.12 mg/kg ds
        ("benzene", 0.12, False, None, *common, 83),
        # line 98: mineral oil (1200), 38 mg/kg, dg; parameter code in mixed case
        ("mineral_oil", 38.0, False, None, *common, 98),
    ]
    # lineage: the file and the XML element of each row
    paths = lot.sql("select p.xml_path from analyses a join source_paths p"
                    " using (source_sha256, source_line) order by a.source_line").fetchall()
    assert paths[0] == ("/imsikb0101:FeatureCollectionIMSIKB0101/imsikb0101:featureMember[5]"
                        "/immetingen:Analysis[@gml:id='_a-arsenic']",)
    assert len(paths) == 4
    # idempotency by SHA-256: the same file again loads nothing
    again = ingest_file(lot, SIKB / "good.xml")
    assert again.already_ingested and again.rows_loaded == 0
    assert lot.sql("select count(*) from analyses").fetchall() == [(4,)]


def test_the_same_analyses_under_another_file_name_are_not_loaded_twice(lot, tmp_path):
    copy = tmp_path / "resent.xml"
    shutil.copy(SIKB / "good.xml", copy)
    ingest_file(lot, SIKB / "good.xml")
    result = ingest_file(lot, copy)
    assert result.rows_loaded == 0  # same SHA-256: recognised as the same file
    assert lot.sql("select count(*) from analyses").fetchall() == [(4,)]


def test_each_refused_code_is_quarantined_naming_the_code(lot) -> None:
    result = ingest_file(lot, SIKB / "codes.xml")
    assert (result.rows_loaded, result.rows_quarantined) == (1, 6)
    # the one that loads: chloride (508), 120 mg/kg, LS-10dg (line 116)
    assert lot.sql("select component, value, source_line from analyses").fetchall() == \
        [("chloride", 120.0, 116)]
    reasons = dict(lot.sql("select source_line, column_name || ': ' || reason"
                           " from quarantine order by source_line").fetchall())
    assert set(reasons) == {41, 56, 71, 86, 101, 131}
    assert reasons[41].startswith("component: parameter 'urn:immetingen:Parameter:id:9999'")
    # zinc in mg/l (Eenheid 60): an eluate concentration, not converted
    assert reasons[56].startswith("unit: unit 'urn:immetingen:Eenheid:id:60' (mg/l) is a"
                                  " concentration in the eluate")
    # copper's limit is an emission (bijlage IV): per kg dry matter (dg) is not it
    assert "quality 'urn:immetingen:Hoedanigheid:id:1' (dg) is not the one the copper limit" \
        in reasons[71]
    assert "'urn:immetingen:Eenheid:id:777' is not in ref_sikb_units" in reasons[86]
    assert "'urn:immetingen:Hoedanigheid:id:999' is not in ref_sikb_qualities" in reasons[101]
    assert "toluene without a quality" in reasons[131]
    # the quarantined row as read carries its XML path
    raw = lot.sql("select raw_row from quarantine where source_line = 56").fetchall()[0][0]
    assert "_a-zinc-eluate" in raw


def test_sample_without_sampling_record_is_quarantined_saying_so(lot) -> None:
    result = ingest_file(lot, SIKB / "no_sampling.xml")
    assert (result.rows_loaded, result.rows_quarantined) == (0, 1)
    column, value, reason = lot.sql(
        "select column_name, bad_value, reason from quarantine").fetchall()[0]
    assert (column, value) == ("sample_id", "M-404")
    assert reason.startswith("sample 'M-404' has no sampling record (sampling: certificate,"
                             " site, lot)")


def test_lot_and_site_given_for_a_one_sample_file(lot) -> None:
    result = ingest_file(lot, SIKB / "no_sampling.xml",
                         sikb_options={"lot": "L1", "site": "S1", "certificate": None})
    assert (result.rows_loaded, result.rows_quarantined) == (1, 0)
    # the certificate is the site's (sites: S1 -> BSB-001)
    assert lot.sql("select certificate_number, site_id, lot_id, sample_id, component, value"
                   " from analyses").fetchall() == \
        [("BSB-001", "S1", "L1", "M-404", "arsenic", 0.3)]


def test_lot_given_for_a_file_with_several_samples_is_refused(lot, tmp_path) -> None:
    text = (SIKB / "good.xml").read_text(encoding="utf-8").replace(
        '<om:featureOfInterest xlink:href="#_sample-1"/>\n      <om:result xsi:type='
        '"immetingen:AnalyticResultType">\n        <immetingen:numericValue uom='
        '"urn:immetingen:Eenheid:id:131">',
        '<om:featureOfInterest xlink:href="#_sample-2"/>\n      <om:result xsi:type='
        '"immetingen:AnalyticResultType">\n        <immetingen:numericValue uom='
        '"urn:immetingen:Eenheid:id:131">').replace(
        "</imsikb0101:FeatureCollectionIMSIKB0101>",
        '<imsikb0101:featureMember><imsikb0101:Sample gml:id="_sample-2"><immetingen:name>'
        "M-002</immetingen:name></imsikb0101:Sample></imsikb0101:featureMember>"
        "</imsikb0101:FeatureCollectionIMSIKB0101>")
    result = ingest_file(lot, write(tmp_path, "two.xml", text),
                         sikb_options={"lot": "L1", "site": "S1", "certificate": None})
    assert result.error is not None and "2 samples" in result.error
    assert lot.sql("select count(*) from analyses").fetchall() == [(0,)]


def test_malformed_file_is_refused_with_line_and_nothing_loaded(lot) -> None:
    result = ingest_file(lot, SIKB / "malformed.xml")
    assert result.error is not None
    # malformed.xml line 9: <numericValue ...> closed by </immetingen:value>
    assert result.error.startswith("line 9, column ")
    assert "mismatch" in result.error
    assert lot.sql("select (select count(*) from analyses) + (select count(*) from"
                   " quarantine) + (select count(*) from source_paths)").fetchall() == [(0,)]


def test_xml_that_is_not_sikb0101_is_refused(lot) -> None:
    result = ingest_file(lot, SIKB / "not_sikb.xml")
    assert result.error == ("line 3: root element is 'labReport', not"
                            " imsikb0101:FeatureCollectionIMSIKB0101 (SIKB0101)")


def test_published_v14_example_quarantines_every_analysis_with_its_reason(lot) -> None:
    """BROprogramma/GAR-SIKB-converter voorbeeldxml/onderzoek.xml (SIKB0101 v14.2.0): its 14
    immetingen:Analysis elements are groundwater field measurements (pH, temperature ...,
    a quantity without a parameter) and one lab analysis of parameter 216 (line 1174),
    none a component BRL 9341 limits: nothing loads, all 14 are quarantined."""
    result = ingest_file(lot, SIKB / "published_onderzoek_v14.2.0.xml")
    assert (result.error, result.rows_loaded, result.rows_quarantined) == (None, 0, 14)
    reasons = lot.sql("select source_line, reason from quarantine order by source_line"
                      ).fetchall()
    assert reasons[-1] == (1174, "parameter 'urn:immetingen:parameter:id:216' is not in"
                                 " ref_sikb_parameters (no component BRL 9341 limits)")
    assert {r for _, r in reasons[:-1]} == {
        "analysis without a parameter (immetingen:parameter)"}


def test_sampling_record_in_the_same_run_is_used(master, tmp_path) -> None:
    """ingest_files takes the SIKB0101 files after the run's sampling records and lots."""
    paths = [SIKB / "good.xml", write(tmp_path, "sampling.csv", SAMPLING),
             write(tmp_path, "lots.csv", LOTS)]
    results = ingest_files(master, paths, refresh=False)
    assert [(Path(r.file_name).name, r.rows_loaded) for r in results] == \
        [("lots.csv", 1), ("sampling.csv", 1), ("good.xml", 4)]


def test_cli_kind_and_lot_options(store_path, tmp_path, capsys) -> None:
    for name, text in (("c.csv", "certificaatnummer;schema;holder_id;certificaathouder\n"
                                 "BSB-001;brl9341;H1;Groen BV\n"),
                       ("s.csv", "site_id,certificate_number\nS1,BSB-001\n"),
                       ("l.csv", LOTS)):
        assert main(["ingest", "--db", str(store_path), str(write(tmp_path, name, text))]) == 0
    copy = tmp_path / "delivery.dat"  # no .xml suffix: --kind says what it is
    shutil.copy(SIKB / "no_sampling.xml", copy)
    assert main(["ingest", "--db", str(store_path), "--kind", "sikb0101", "--lot", "L1",
                 "--site", "S1", str(copy)]) == 0
    assert "delivery.dat: 1 row loaded, 0 rows quarantined" in capsys.readouterr().out


def test_the_lab_rules_apply_to_xml_values(lot, tmp_path) -> None:
    """The XML's values go through the lab validation itself: a value that is no number is
    quarantined with the lab path's reason, the others of the file load."""
    text = (SIKB / "good.xml").read_text(encoding="utf-8").replace(
        'uom="urn:immetingen:Eenheid:id:58">0.45<', 'uom="urn:immetingen:Eenheid:id:58">n.b.<')
    result = ingest_file(lot, write(tmp_path, "nb.xml", text))
    assert (result.rows_loaded, result.rows_quarantined) == (3, 1)
    assert lot.sql("select source_line, column_name, reason from quarantine").fetchall() == \
        [(52, "value", "unparseable value 'n.b.'")]


def test_an_xml_analysis_already_stored_with_other_values_is_a_duplicate(lot, tmp_path):
    """Report R-2024-017, sample M-001, arsenic stored from a CSV with 0.5; the XML says
    0.45 for the same key: the lab path's duplicate check quarantines it."""
    csv = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,"
           "unit,lab,lab_report_id\n"
           "BSB-001,S1,boomgranulaat,L1,M-001,2024-03-04,arsenic,0.5,mg/kg ds,Lab Noord,"
           "R-2024-017\n")
    assert ingest_file(lot, write(tmp_path, "lab.csv", csv)).rows_loaded == 1
    result = ingest_file(lot, SIKB / "good.xml")
    assert (result.rows_loaded, result.rows_quarantined) == (3, 1)
    line, reason = lot.sql("select source_line, reason from quarantine").fetchall()[0]
    assert line == 52 and reason.startswith("duplicate analysis: report 'R-2024-017', sample"
                                            " 'M-001', arsenic is already stored")


def test_a_corrected_file_takes_over_the_quarantine_of_its_analyses(lot, tmp_path) -> None:
    """codes.xml quarantines 6 analyses; the lab sends codes.xml again with nickel's
    quality corrected (Hoedanigheid 999 -> 453, LS-10dg): nickel 0.3 loads, and the first
    version's 6 quarantine rows give way to the second version's 5."""
    first = tmp_path / "v1" / "codes.xml"
    first.parent.mkdir()
    shutil.copy(SIKB / "codes.xml", first)
    assert ingest_file(lot, first).rows_quarantined == 6
    second = tmp_path / "v2" / "codes.xml"
    second.parent.mkdir()
    second.write_text((SIKB / "codes.xml").read_text(encoding="utf-8").replace(
        "urn:immetingen:Hoedanigheid:id:999", "urn:immetingen:Hoedanigheid:id:453"),
        encoding="utf-8")
    result = ingest_file(lot, second)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 5)
    assert lot.sql("select component, value from analyses where component = 'nickel'"
                   ).fetchall() == [("nickel", 0.3)]
    per_version = lot.sql("select source_sha256 = ?, count(*) from quarantine group by all",
                          params=[result.sha256]).fetchall()
    assert per_version == [(True, 5)]
