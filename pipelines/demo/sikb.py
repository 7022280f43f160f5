"""A few of the demo's lab reports as labs send them: SIKB Protocol 0101 XML (issue 25).

The demo store is then built through the SIKB0101 reader too. One file per lab report
(``lab_sikb_<report>.xml``), chosen among the production reports whose every sample has a
sampling record (the reader finds the lot through it); the same rows leave the CSV files.
Codes: data/reference/ref_sikb_*.csv (Eenheid 58 mg/kg; Hoedanigheid 1 dg for the
composition components, 453 LS-10dg for the emission ones).
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
from lxml import etree

from pipelines.config import settings
from pipelines.files import write_private
from pipelines.ingest.sikb0101 import NS as READER_NS

N_REPORTS = 4  # files written (the last reports of the data set that qualify)
# the reader's namespaces, plus xsi for the schema location the writer declares
NS = {**READER_NS, "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
MG_PER_KG = "urn:immetingen:Eenheid:id:58"
QUALITY = {"composition": "urn:immetingen:Hoedanigheid:id:1",
           "emission": "urn:immetingen:Hoedanigheid:id:453"}


def split_sikb(plain: pl.DataFrame, sampling: pl.DataFrame
               ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows written as SIKB0101, the other rows). Qualifying reports: production only,
    every sample with a sampling record and a sample id no other site uses."""
    recorded = sampling.select("site_id", "sample_id").unique().with_columns(
        pl.lit(True).alias("_recorded"),
        (pl.len().over("sample_id") == 1).alias("_unique"))
    marked = plain.join(recorded, on=["site_id", "sample_id"], how="left")
    ok = (marked.group_by("lab_report_id")
          .agg((pl.col("_recorded").fill_null(False) & pl.col("_unique").fill_null(False)
                & (pl.col("purpose") == "production")).all().alias("ok"),
               pl.col("sampled_on").max().alias("last"))
          .filter("ok").sort("last", "lab_report_id").tail(N_REPORTS)["lab_report_id"])
    chosen = pl.col("lab_report_id").is_in(ok.to_list())
    return plain.filter(chosen), plain.filter(~chosen)


def _codes() -> tuple[dict[str, int], dict[str, str]]:
    ref = settings().reference_dir
    with (ref / "ref_sikb_parameters.csv").open(encoding="utf-8", newline="") as handle:
        parameters = {r["component"]: int(r["parameter_id"]) for r in csv.DictReader(handle)}
    with (ref / "ref_components.csv").open(encoding="utf-8", newline="") as handle:
        kinds = {r["component"]: r["table_kind"] for r in csv.DictReader(handle)}
    return parameters, kinds


def _el(parent: etree._Element, tag: str, text: str | None = None,
        **attrib: str) -> etree._Element:
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}")
    for key, value in attrib.items():  # gml_id -> gml:id; uom stays uom
        kp, _, kn = key.partition("_")
        element.set(f"{{{NS[kp]}}}{kn}" if kn and kp in NS else key, value)
    if text is not None:
        element.text = text
    return element


def write_sikb0101(rows: pl.DataFrame, path: Path) -> Path:
    """One lab report as an IMSIKB0101 v14 file (element names of the published v14.2.0
    example, tests/pipelines/ingest/sikb/README.md)."""
    parameters, kinds = _codes()
    report = rows["lab_report_id"][0]
    lab = rows["lab"][0]
    root = etree.Element(f"{{{NS['imsikb0101']}}}FeatureCollectionIMSIKB0101", nsmap=NS)
    root.set(f"{{{NS['gml']}}}id", f"_{report}")
    meta = _el(root, "imsikb0101:metaData")
    _el(meta, "imsikb0101:organisation", lab)
    _el(meta, "imsikb0101:version", "14.2.0")
    project = _el(_el(root, "imsikb0101:featureMember"), "imsikb0101:Project",
                  gml_id="_project")
    _el(project, "imsikb0101:reportNumber", report)
    operator = _el(_el(root, "imsikb0101:featureMember"), "immetingen:Organization",
                   gml_id="_lab")
    _el(operator, "immetingen:name", lab)
    process = _el(_el(root, "imsikb0101:featureMember"), "immetingen:AnalysisProcess",
                  gml_id="_process")
    _el(process, "immetingen:analysisOperator", xlink_href="#_lab")
    for number, ((sample_id, sampled_on), part) in enumerate(
            rows.partition_by("sample_id", "sampled_on", as_dict=True,
                              maintain_order=True).items(), start=1):
        sample = _el(_el(root, "imsikb0101:featureMember"), "imsikb0101:Sample",
                     gml_id=f"_s{number}")
        timing = _el(sample, "spec:samplingTime")
        instant = _el(timing, "gml:TimeInstant", gml_id=f"_t{number}")
        _el(instant, "gml:timePosition", f"{sampled_on:%Y-%m-%d}T00:00:00")
        _el(sample, "immetingen:name", sample_id)
        for index, row in enumerate(part.iter_rows(named=True), start=1):
            analysis = _el(_el(root, "imsikb0101:featureMember"), "immetingen:Analysis",
                           gml_id=f"_s{number}a{index}")
            _el(analysis, "om:procedure", xlink_href="#_process")
            _el(analysis, "om:featureOfInterest", xlink_href=f"#_s{number}")
            result = _el(analysis, "om:result")
            result.set(f"{{{NS['xsi']}}}type", "immetingen:AnalyticResultType")
            below = row["value"].startswith("<")
            _el(result, "immetingen:numericValue", row["value"].lstrip("<"), uom=MG_PER_KG)
            if below:
                _el(result, "immetingen:limitSymbol", "<")
            prop = _el(_el(analysis, "immetingen:physicalProperty"),
                       "immetingen:PhysicalProperty")
            _el(prop, "immetingen:parameter",
                f"urn:immetingen:Parameter:id:{parameters[row['component']]}")
            _el(prop, "immetingen:condition", QUALITY[kinds[row["component"]]])
    # holders' lots and the lab's report: owner-only, as every demo input file (issue 24)
    return write_private(path, etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                              pretty_print=True))
