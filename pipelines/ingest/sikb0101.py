"""Lab deliveries as SIKB Protocol 0101 XML (IMSIKB0101 v14 with IMmetingen analyses).

Each ``immetingen:Analysis`` becomes one row of the lab kind (the columns of a lab CSV,
docs/contract.md "Lab results") and is then validated and loaded by the lab path itself, so
units, below-LOQ values, component names, duplicates and idempotency follow the same rules
as a CSV. What only the XML can get wrong is decided here, before that path:

- the file must be well-formed XML whose root is ``imsikb0101:FeatureCollectionIMSIKB0101``;
  otherwise it is refused with line and reason and nothing is loaded;
- parameter, unit and quality (hoedanigheid) are codes ``urn:immetingen:<table>:id:N``
  (the case of the table name varies between files: compared case-insensitively), looked
  up in ref_sikb_parameters / ref_sikb_units / ref_sikb_qualities. A code not there, an
  eluate concentration (mg/l, µg/l: not converted) or a quality that is not the one the
  component's limit is set for (composition: per kg dry matter; emission: cumulative at
  L/S 10 per kg dry matter) is quarantined naming the code, never guessed;
- the sample's identification is the ``sample_id`` of a stored sampling record, which
  names certificate, site and lot (``--lot/--site/--certificate`` for a one-sample file).

Lineage: ``source_line`` is the line of the Analysis element; its XML path is stored in
``source_paths`` (and is part of the quarantined row as read).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
from lxml import etree

from pipelines.ingest.kinds import KINDS
from pipelines.ingest.read import LINE, LINE_ERROR_SCHEMA, RawFile, UnreadableFile, printable

KIND = "sikb0101"
XML_PATH = "xml_path"

NS = {
    "imsikb0101": "http://www.sikb.nl/imsikb0101",
    "immetingen": "http://www.sikb.nl/immetingen",
    "gml": "http://www.opengis.net/gml/3.2",
    "om": "http://www.opengis.net/om/2.0",
    "sam": "http://www.opengis.net/sampling/2.0",
    "spec": "http://www.opengis.net/samplingSpecimen/2.0",
    "xlink": "http://www.w3.org/1999/xlink",
}
ROOT = f"{{{NS['imsikb0101']}}}FeatureCollectionIMSIKB0101"
_GML_ID = f"{{{NS['gml']}}}id"
_HREF = f"{{{NS['xlink']}}}href"
# The quality each table of BRL 9341 sets its limits for (ref_components.table_kind):
# bijlage III composition per kg dry matter, bijlage IV emission cumulative at L/S 10.
REQUIRED_QUALITY = {"composition": "dry_matter", "emission": "ls10_cumulative"}
QUALITY_WORDS = {"dry_matter": "per kg dry matter (hoedanigheid dg)",
                 "ls10_cumulative": "cumulative at L/S 10 per kg dry matter (hoedanigheid"
                                    " LS-10dg)"}


def _code(text: str | None, table: str) -> int | None:
    """N of ``urn:immetingen:<table>:id:N`` (any case), else None."""
    if not text:
        return None
    match = re.fullmatch(rf"\s*urn:immetingen:{table}:id:(\d+)\s*", text, re.I)
    return int(match.group(1)) if match else None


def is_sikb0101(path: Path) -> bool:
    """An XML file whose root element is IMSIKB0101 (by name, before any parsing)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return b"FeatureCollectionIMSIKB0101" in head or path.suffix.lower() == ".xml"


@dataclass(frozen=True)
class SikbContext:
    """The stored data the reader needs, read once per run (the reader has no connection)."""

    parameters: dict[int, str]  # parameter id -> component
    units: dict[int, tuple[str, str, str]]  # unit id -> (code, unit, unit_kind)
    qualities: dict[int, tuple[str, str]]  # quality id -> (code, quality)
    table_kinds: dict[str, str]  # component -> composition / emission
    samplings: dict[str, list[tuple[str, str, str]]]  # sample_id -> [(cert, site, lot)]
    products: dict[tuple[str, str], str]  # (site, lot) -> product
    site_certificates: dict[str, str]
    lot: str | None = None  # --lot/--site/--certificate: a file with one sample
    site: str | None = None
    certificate: str | None = None


def load_context(con: duckdb.DuckDBPyConnection, lot: str | None = None,
                 site: str | None = None, certificate: str | None = None) -> SikbContext:
    samplings: dict[str, list[tuple[str, str, str]]] = {}
    for sample, cert, site_id, lot_id in con.execute(
            "select sample_id, certificate_number, site_id, lot_id from sampling_records"
            " order by site_id").fetchall():
        samplings.setdefault(sample, []).append((cert, site_id, lot_id))
    return SikbContext(
        parameters=dict(con.execute(
            "select parameter_id, component from ref_sikb_parameters").fetchall()),
        units={i: (c, u, k) for i, c, u, k in con.execute(
            "select unit_id, code, unit, unit_kind from ref_sikb_units").fetchall()},
        qualities={i: (c or d, q) for i, c, d, q in con.execute(
            "select quality_id, code, description, quality from ref_sikb_qualities")
            .fetchall()},
        table_kinds=dict(con.execute(
            "select component, table_kind from ref_components").fetchall()),
        samplings=samplings,
        products={(s, lt): p for s, lt, p in con.execute(
            "select site_id, lot_id, product from lots").fetchall()},
        site_certificates=dict(con.execute(
            "select site_id, certificate_number from sites").fetchall()),
        lot=lot, site=site, certificate=certificate)


@dataclass
class _Row:
    line: int
    path: str
    cells: dict[str, str | None] = field(default_factory=dict)
    problem: tuple[str, str | None, str] | None = None  # (column, bad value, reason)


def _text(element: etree._Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path, NS)
    if found is None:
        return None
    value = (found.text or found.get(_HREF) or "").strip()
    return value or None


def _ref(element: etree._Element | None, path: str) -> str | None:
    """The gml:id an xlink:href="#id" under ``path`` points to."""
    if element is None:
        return None
    found = element.find(path, NS)
    href = found.get(_HREF) if found is not None else None
    return href[1:] if href and href.startswith("#") else None


def _parse(data: bytes) -> etree._ElementTree:
    # No DTDs, entities or network: a delivery is data, not instructions to the parser.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    try:
        return etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, 0)
        raise UnreadableFile("xml_malformed", line=line, column=str(column),
                             error=printable(exc.msg, 200)) from None


class _Document:
    """Index of one IMSIKB0101 document: elements by gml:id, samples by their analyses."""

    def __init__(self, tree: etree._ElementTree) -> None:
        self.root = tree.getroot()
        self.by_id = {e.get(_GML_ID): e for e in self.root.iter() if e.get(_GML_ID)}
        self.sample_of: dict[str, etree._Element] = {}
        for sample in self.root.iterfind("imsikb0101:featureMember/imsikb0101:Sample", NS):
            for related in sample.iterfind("sam:relatedObservation", NS):
                href = related.get(_HREF) or ""
                if href.startswith("#"):
                    self.sample_of.setdefault(href[1:], sample)

    def sample(self, analysis: etree._Element) -> etree._Element | None:
        target = _ref(analysis, "om:featureOfInterest")
        found = self.by_id.get(target) if target else None
        if found is not None and found.tag == f"{{{NS['imsikb0101']}}}Sample":
            return found
        return self.sample_of.get(analysis.get(_GML_ID) or "")

    def time(self, element: etree._Element | None, path: str) -> str | None:
        """A gml:TimeInstant under ``path``, inline or by reference."""
        if element is None:
            return None
        holder = element.find(path, NS)
        if holder is None:
            return None
        href = holder.get(_HREF)
        if href and href.startswith("#"):
            holder = self.by_id.get(href[1:])
        if holder is None:
            return None
        position = holder.find(".//gml:timePosition", NS)
        return position.text.strip() if position is not None and position.text else None

    def sampled_on(self, sample: etree._Element) -> str | None:
        when = (self.time(sample, "spec:samplingTime")
                or _text(sample, "immetingen:startTime"))
        if when is None:  # an analysis sample: its field sample has the date (role 10)
            for complex_ in sample.iterfind("sam:relatedSamplingFeature/"
                                            "sam:SamplingFeatureComplex", NS):
                field_sample = self.by_id.get(_ref(complex_, "sam:relatedSamplingFeature")
                                              or "")
                if field_sample is not None and field_sample is not sample:
                    when = (self.time(field_sample, "spec:samplingTime")
                            or _text(field_sample, "immetingen:startTime"))
                    if when:
                        break
        return when[:10] if when else None  # the date of an xs:dateTime

    def lab(self, analysis: etree._Element) -> str | None:
        process = self.by_id.get(_ref(analysis, "om:procedure") or "")
        operator = self.by_id.get(_ref(process, "immetingen:analysisOperator") or "")
        return (_text(operator, "immetingen:name")
                or _text(process, "immetingen:measurementOrganisation")
                or _text(self.root, "imsikb0101:metaData/imsikb0101:organisation"))

    def report_number(self) -> str | None:
        return (_text(self.root, "imsikb0101:featureMember/imsikb0101:Project/"
                                 "imsikb0101:reportNumber")
                or self.root.get(_GML_ID))


def _element_path(analysis: etree._Element, position: int) -> str:
    return (f"/imsikb0101:FeatureCollectionIMSIKB0101/imsikb0101:featureMember[{position}]"
            f"/immetingen:Analysis[@gml:id='{analysis.get(_GML_ID) or ''}']")


def _where(doc: _Document, sample_id: str, ctx: SikbContext
           ) -> tuple[tuple[str, str, str, str] | None, str | None]:
    """(certificate, site, lot, product) of a sample, or the reason it has none."""
    records = ctx.samplings.get(sample_id, [])
    given = ctx.lot is not None or ctx.site is not None
    if len(records) > 1:
        sites = ", ".join(s for _, s, _ in records)
        return None, (f"sample '{sample_id}' has sampling records at several sites ({sites});"
                      " which one is meant cannot be told from the file")
    if records:
        cert, site, lot = records[0]
        if given and (ctx.site not in (None, site) or ctx.lot not in (None, lot)):
            return None, (f"sample '{sample_id}' is recorded for site '{site}', lot '{lot}'"
                          f" (sampling record), not site '{ctx.site}', lot '{ctx.lot}' as"
                          " given")
    elif given:
        if ctx.site is None or ctx.lot is None:
            return None, "--lot and --site are both needed for a sample without a sampling" \
                         " record"
        site, lot = ctx.site, ctx.lot
        cert = ctx.certificate or ctx.site_certificates.get(site)
        if cert is None:
            return None, f"site '{site}' is not recorded (sites), and no --certificate given"
    else:
        return None, (f"sample '{sample_id}' has no sampling record (sampling: certificate,"
                      " site, lot); ingest the sampling record first or give --lot and"
                      " --site for a file with one sample")
    product = ctx.products.get((site, lot))
    if product is None:
        return None, (f"lot '{lot}' of site '{site}' is not recorded (lots), so its product"
                      " is unknown; ingest the lot record first")
    return (cert, site, lot, product), None


def _analysis_row(doc: _Document, analysis: etree._Element, row: _Row,
                  ctx: SikbContext, report: str | None) -> None:
    """Fill ``row`` with the lab columns of one analysis, or set its problem."""
    prop = "immetingen:physicalProperty/immetingen:PhysicalProperty/"
    parameter_text = _text(analysis, prop + "immetingen:parameter")
    condition_text = _text(analysis, prop + "immetingen:condition")
    number = analysis.find("om:result/immetingen:numericValue", NS)
    uom = number.get("uom") if number is not None else None
    value = (number.text or "").strip() if number is not None else ""
    symbol = (_text(analysis, "om:result/immetingen:limitSymbol") or "").strip()
    row.cells.update(parameter=parameter_text, unit_code=uom, quality_code=condition_text,
                     numeric_value=value or None, limit_symbol=symbol or None)

    parameter = _code(parameter_text, "parameter")
    component = ctx.parameters.get(parameter) if parameter is not None else None
    if component is None:
        row.problem = ("component", parameter_text,
                       f"parameter '{parameter_text}' is not in ref_sikb_parameters (no"
                       " component BRL 9341 limits)" if parameter_text else
                       "analysis without a parameter (immetingen:parameter)")
        return
    unit_id = _code(uom, "eenheid")
    unit = ctx.units.get(unit_id) if unit_id is not None else None
    if unit is None:
        row.problem = ("unit", uom, f"unit '{uom}' is not in ref_sikb_units" if uom else
                       "numericValue without a unit (uom)")
        return
    unit_code, unit_text, unit_kind = unit
    if unit_kind == "eluate":
        row.problem = ("unit", uom, f"unit '{uom}' ({unit_code}) is a concentration in the"
                       " eluate, which is not converted: report the emission in mg/kg ds")
        return
    quality_id = _code(condition_text, "hoedanigheid")
    quality = ctx.qualities.get(quality_id) if quality_id is not None else None
    table_kind = ctx.table_kinds.get(component)
    required = REQUIRED_QUALITY.get(table_kind or "")
    if quality is None:
        row.problem = ("quality", condition_text,
                       f"quality '{condition_text}' is not in ref_sikb_qualities"
                       if condition_text else
                       f"analysis of {component} without a quality (immetingen:condition);"
                       f" its limit is set {QUALITY_WORDS.get(required or '', '')}")
        return
    if quality[1] != required:
        row.problem = ("quality", condition_text,
                       f"quality '{condition_text}' ({quality[0]}) is not the one the"
                       f" {component} limit is set for: {QUALITY_WORDS.get(required or '')}")
        return
    if symbol and symbol not in ("<", "≤"):
        row.problem = ("value", symbol, f"limit symbol '{symbol}' is not read (only <)")
        return
    sample = doc.sample(analysis)
    if sample is None:
        row.problem = ("sample_id", None, "analysis belongs to no imsikb0101:Sample"
                       " (om:featureOfInterest or sam:relatedObservation)")
        return
    sample_id = (_text(sample, "immetingen:name")
                 or _text(sample, "immetingen:identification/immetingen:NEN3610ID/"
                                  "immetingen:lokaalID"))
    row.cells["sample_id"] = sample_id
    if sample_id is None:
        row.problem = ("sample_id", None, "sample without identification (immetingen:name)")
        return
    where, reason = _where(doc, sample_id, ctx)
    if where is None:
        row.problem = ("sample_id", sample_id, reason or "")
        return
    cert, site, lot, product = where
    row.cells.update(
        certificate_number=cert, site_id=site, lot_id=lot, product=product,
        sampled_on=doc.sampled_on(sample), component=component,
        value=(f"<{value}" if symbol else value) or None, unit=unit_text,
        lab=doc.lab(analysis), lab_report_id=report)


LAB_COLUMNS = [c.name for c in KINDS["lab"].columns]


def read_sikb0101(path: Path, ctx: SikbContext) -> RawFile:
    """The analyses of a SIKB0101 file as a lab file read: a frame of strings (lab
    columns, ``xml_path``, ``_line``), and the analyses refused for their codes or their
    sample as line errors. Raises UnreadableFile for a file that is not IMSIKB0101 XML."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile("no_such_file")
    data = path.read_bytes()
    tree = _parse(data)
    root = tree.getroot()
    if root.tag != ROOT:
        raise UnreadableFile("xml_root", line=root.sourceline,
                             element=repr(printable(etree.QName(root).localname, 60)))
    doc = _Document(tree)
    report = doc.report_number()
    rows: list[_Row] = []
    members = root.findall("imsikb0101:featureMember", NS)
    if ctx.lot is not None or ctx.site is not None:
        samples = {id(doc.sample(a)) for a in root.iterfind(
            "imsikb0101:featureMember/immetingen:Analysis", NS)}
        if len(samples) > 1:
            raise UnreadableFile("sikb_lot_several_samples", samples=str(len(samples)))
    for position, member in enumerate(members, start=1):
        for analysis in member.iterfind("immetingen:Analysis", NS):
            row = _Row(line=analysis.sourceline or 0, path=_element_path(analysis, position))
            _analysis_row(doc, analysis, row, ctx, report)
            rows.append(row)
    if not rows:
        raise UnreadableFile("sikb_no_analysis")
    if len({r.line for r in rows}) < len(rows):
        # several analyses on one line (a file without line breaks): number them in order
        for number, row in enumerate(rows, start=1):
            row.line = number
    good = [r for r in rows if r.problem is None]
    frame = pl.DataFrame(
        {LINE: [r.line for r in good],
         **{c: [r.cells.get(c) for r in good] for c in LAB_COLUMNS},
         XML_PATH: [r.path for r in good]},
        schema={LINE: pl.Int64, **dict.fromkeys(LAB_COLUMNS, pl.String),
                XML_PATH: pl.String})
    bad = [r for r in rows if r.problem is not None]
    errors = pl.DataFrame(
        [(r.line, r.problem[0], None if r.problem[1] is None else printable(r.problem[1]),
          r.problem[2], json.dumps({**r.cells, XML_PATH: r.path}, ensure_ascii=False))
         for r in bad if r.problem], schema=LINE_ERROR_SCHEMA, orient="row")
    return RawFile(path=path, sha256=hashlib.sha256(data).hexdigest(), frame=frame,
                   line_errors=errors)


def lineage(raw: RawFile) -> pl.DataFrame:
    """(source_line, xml_path) of every analysis of the file, loaded or quarantined."""
    paths = [raw.frame.select(LINE, XML_PATH)]
    if raw.line_errors is not None and not raw.line_errors.is_empty():
        paths.append(raw.line_errors.select(
            LINE, pl.col("raw_line").str.json_path_match(f"$.{XML_PATH}").alias(XML_PATH)))
    return pl.concat(paths).rename({LINE: "source_line"})


_GML_ID_OF_PATH = r"@gml:id='([^']*)'"


def write_lineage(con: duckdb.DuckDBPyConnection, raw: RawFile) -> None:
    """Inside the file's transaction: where in the XML each of its rows came from; and the
    quarantine of an earlier version of the file (same name, other SHA-256) goes for the
    analyses this version holds again (same gml:id), as for a CSV's rows (versions.py):
    they are now loaded, or quarantined again under this version."""
    con.execute("delete from source_paths where source_sha256 = ?", [raw.sha256])
    con.register("_sikb_paths", lineage(raw))
    try:
        con.execute("insert into source_paths select ?, source_line, xml_path"
                    " from _sikb_paths", [raw.sha256])
        con.execute(
            """
            delete from quarantine q
            where q.source_file = $name and q.source_sha256 <> $sha and exists (
                select 1 from source_paths p, _sikb_paths c
                where p.source_sha256 = q.source_sha256 and p.source_line = q.source_line
                  and regexp_extract(p.xml_path, $gml_id, 1)
                      = regexp_extract(c.xml_path, $gml_id, 1))
            """, {"name": raw.path.name, "sha": raw.sha256, "gml_id": _GML_ID_OF_PATH})
    finally:
        con.unregister("_sikb_paths")
