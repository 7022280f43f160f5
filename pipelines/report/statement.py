"""The producer's yearly statement: per holder and year a PDF with its certificates'
status, its lots and their compliance, and its sampling frequencies at year end, for the
holder to keep as evidence. Computed as of 31 December of the year (BRL 9341 §4.2 lot
compliance, bijlage II sampling frequency; statuses per certificate_status).

Only the certificates passed in (``certificate_numbers``, the viewer's own for a
producer) are read; the filter is in the SQL.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import typst

from pipelines.report.formatting import number
from pipelines.report.labels import SCHEMES
from pipelines.report.source import set_as_of

TEMPLATE = Path(__file__).with_name("templates") / "statement.typ"


@dataclass(frozen=True)
class Statement:
    holder_id: str
    holder_name: str
    year: int
    as_of: date
    certificates: pl.DataFrame
    lots: pl.DataFrame
    frequencies: pl.DataFrame
    figures_hash: str


def build_statement(con: duckdb.DuckDBPyConnection, holder_id: str, year: int,
                    certificate_numbers: list[str] | None = None) -> Statement:
    """``certificate_numbers``: the certificates the reader may see (None: all)."""
    as_of = date(year, 12, 31)
    set_as_of(con, as_of)
    params = {"holder": holder_id, "allowed": certificate_numbers,
              "all": certificate_numbers is None}
    own = ("c.holder_id = $holder and ($all or list_contains($allowed::varchar[],"
           " c.certificate_number))")
    name = con.execute(
        f"select any_value(coalesce(c.holder_name, c.holder_id)) from stg_certificates as c"
        f" where {own}", params).fetchall()[0][0]
    if name is None:
        raise LookupError(f"no certificates of holder {holder_id!r} to show")
    certificates = con.sql(
        f"select s.certificate_number, s.scheme, s.status, s.status_since, s.reason"
        f" from certificate_status as s join stg_certificates as c using"
        f" (certificate_number) where {own} order by s.certificate_number",
        params=params).pl()
    lots = con.sql(
        f"select l.certificate_number, l.site_id, l.product, l.lot_id, l.sampled_on,"
        f" l.n_components, l.n_exceedances, l.compliant,"
        f" array_to_string(l.exceeding_components, ', ') as exceeding"
        f" from lot_status as l join stg_certificates as c using (certificate_number)"
        f" where {own} and year(l.sampled_on) = $year"
        f" order by l.sampled_on, l.site_id, l.lot_id", params={**params, "year": year}).pl()
    frequencies = con.sql(
        f"select f.site_id, f.product, f.component, f.rule,"
        f" coalesce(f.test_class, 'insufficient') as test_class, f.k_value,"
        f" f.required_lots_per_test as lots_per_test, f.required_min_tests as min_tests,"
        f" f.required_min_tests_years as min_tests_years, f.regime, f.overdue"
        f" from sampling_frequency as f"
        f" join sites as si using (site_id)"
        f" join stg_certificates as c on c.certificate_number = si.certificate_number"
        f" where {own} order by f.site_id, f.product, f.component", params=params).pl()
    digest = hashlib.sha256()
    for frame in (certificates, lots, frequencies):
        digest.update(frame.write_csv().encode())
    return Statement(holder_id=holder_id, holder_name=name, year=year, as_of=as_of,
                     certificates=certificates, lots=lots, frequencies=frequencies,
                     figures_hash=digest.hexdigest())


def statement_pdf(statement: Statement) -> bytes:
    data = {
        "title": f"Yearly statement {statement.year}",
        "holder": statement.holder_name,
        "holder_id": statement.holder_id,
        "as_of": f"{statement.as_of:%Y-%m-%d}",
        "hash": statement.figures_hash,
        "certificates": [[r["certificate_number"], SCHEMES.get(r["scheme"], r["scheme"]),
                          r["status"], _day(r["status_since"]), r["reason"] or ""]
                         for r in statement.certificates.iter_rows(named=True)],
        "lots": [[r["certificate_number"], r["site_id"], r["product"], r["lot_id"],
                  _day(r["sampled_on"]), str(r["n_components"]),
                  "yes" if r["compliant"] else "no", r["exceeding"] or ""]
                 for r in statement.lots.iter_rows(named=True)],
        "n_lots": statement.lots.height,
        "n_compliant": int(statement.lots["compliant"].sum() or 0),
        "frequencies": [[r["site_id"], r["product"], r["component"], r["test_class"],
                         "–" if r["k_value"] is None else f"{r['k_value']:.2f}",
                         _frequency(r), r["regime"] or "", "yes" if r["overdue"] else "no"]
                        for r in statement.frequencies.iter_rows(named=True)],
    }
    with tempfile.TemporaryDirectory(prefix="statement_") as tmp:
        root = Path(tmp)
        (root / "data.json").write_text(json.dumps(data, ensure_ascii=False),
                                        encoding="utf-8")
        (root / "statement.typ").write_text(TEMPLATE.read_text(encoding="utf-8"),
                                            encoding="utf-8")
        return typst.compile(str(root / "statement.typ"), root=str(root),
                             ignore_system_fonts=True, format="pdf")


def _day(value: date | None) -> str:
    return "" if value is None else f"{value:%Y-%m-%d}"


def _frequency(row: dict[str, object]) -> str:
    parts = []
    if row["lots_per_test"] == 1:
        parts.append("every lot")
    elif row["lots_per_test"] is not None:
        parts.append(f"1 in {number(row['lots_per_test'])} lots")
    if row["min_tests"] is not None:
        parts.append(f"at least {row['min_tests']} per {row['min_tests_years']} year(s)")
    return ", ".join(parts)
