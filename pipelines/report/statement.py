"""The producer's yearly statement: per holder and year a PDF with its certificates'
status, its lots and their compliance, and its sampling frequencies at year end, for the
holder to keep as evidence. Computed as of 31 December of the year (BRL 9341 §4.2 lot
compliance, bijlage II sampling frequency; statuses per certificate_status).

Only the certificates passed in (``certificate_numbers``, the viewer's own for a
producer) are read; the filter is in the SQL.

In the reader's language (issue 27: Dutch unless asked otherwise): its words, statuses,
component names and dates; codes (certificates, sites, lots) and products as stored.
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

from pipelines.i18n import N_, _, current_language, fmt, ngettext, use_language
from pipelines.i18n.keys import render_detail
from pipelines.report.formatting import number
from pipelines.report.labels import component_name, dimension_label, scheme_name
from pipelines.report.source import set_as_of

TEMPLATE = Path(__file__).with_name("templates") / "statement.typ"
# certificate_status.status; sampling_frequency.test_class "insufficient"
STATUSES = {"in_admission": N_("In admission"), "active": N_("Active"),
            "suspended": N_("Suspended"), "withdrawn": N_("Withdrawn"),
            "lapsed": N_("Lapsed"), "ended": N_("Ended")}
INSUFFICIENT = N_("insufficient")


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
        f"select s.certificate_number, s.scheme, s.status, s.status_since, s.reason,"
        f" s.reason_key, s.reason_args"
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
    # the reason's message key and values (issue 27) are how it is shown, not a figure:
    # the hash stays that of the figures as before
    for frame in (certificates.drop("reason_key", "reason_args"), lots, frequencies):
        digest.update(frame.write_csv().encode())
    return Statement(holder_id=holder_id, holder_name=name, year=year, as_of=as_of,
                     certificates=certificates, lots=lots, frequencies=frequencies,
                     figures_hash=digest.hexdigest())


def statement_pdf(statement: Statement, lang: str | None = None) -> bytes:
    """The statement's PDF in ``lang`` (default: the current language)."""
    with use_language(current_language(lang)):
        return _statement_pdf(statement)


def _yes_no(value: object) -> str:
    return _("yes") if value else _("no")


def _components(text: str | None) -> str:
    """"arsenic, lead" (lot_status.exceeding_components) in the current language."""
    return ", ".join(component_name(c) for c in (text or "").split(", ") if c)


def template_words() -> dict[str, str]:
    """The fixed words of templates/statement.typ, in the current language."""
    return {
        "page": _("page"), "hash": _("Figures hash (SHA-256)"),
        "certificates": _("Certificates"),
        "certificate": _("Certificate"), "scheme": _("Scheme"), "status": _("Status"),
        "since": _("Since"), "reason": _("Reason"),
        "lots_title": _("Lots tested in the year"),
        "site": _("Site"), "product": _("Product"), "lot": _("Lot"),
        "sampled_on": _("Sampled on"), "components": _("Components"),
        "compliant": _("Compliant"), "exceeding": _("Exceeding"),
        "frequencies_title": _("Sampling frequencies at the end of the year"),
        "frequencies_intro": _("BRL 9341 bijlage II: the class and frequency of each "
                               "component after its newest observation."),
        "no_observations": _("No observations."),
        "component": _("Component"), "class": _("Class"), "frequency": _("Frequency"),
        "regime": _("Regime"), "overdue": _("Overdue"),
    }


def _statement_pdf(statement: Statement) -> bytes:
    n_lots = statement.lots.height
    n_compliant = int(statement.lots["compliant"].sum() or 0)
    data = {
        "lang": current_language(),
        "words": template_words(),
        "title": _("Yearly statement {year}").format(year=statement.year),
        "holder": statement.holder_name,
        "holder_id": statement.holder_id,
        "as_of_line": _("As of {day}.").format(day=fmt.date(statement.as_of)),
        "hash": statement.figures_hash,
        "certificates": [[r["certificate_number"], scheme_name(r["scheme"]),
                          _(STATUSES[r["status"]]) if r["status"] in STATUSES
                          else r["status"], _day(r["status_since"]),
                          render_detail(r.get("reason_key"), r.get("reason_args"),
                                        r["reason"] or "")]
                         for r in statement.certificates.iter_rows(named=True)],
        "lots": [[r["certificate_number"], r["site_id"], r["product"], r["lot_id"],
                  _day(r["sampled_on"]), str(r["n_components"]),
                  _yes_no(r["compliant"]), _components(r["exceeding"])]
                 for r in statement.lots.iter_rows(named=True)],
        "lots_line": ngettext("{n} lot, {compliant} compliant (BRL 9341 §4.2).",
                              "{n} lots, {compliant} compliant (BRL 9341 §4.2).",
                              n_lots).format(n=n_lots, compliant=n_compliant),
        "frequencies": [[r["site_id"], r["product"], component_name(r["component"]),
                         _(INSUFFICIENT) if r["test_class"] == "insufficient"
                         else r["test_class"],
                         "–" if r["k_value"] is None else fmt.number(r["k_value"], 2),
                         _frequency(r), dimension_label(r["regime"]) if r["regime"] else "",
                         _yes_no(r["overdue"])]
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
    return "" if value is None else fmt.short_date(value)


def _frequency(row: dict[str, object]) -> str:
    every = row["lots_per_test"]
    least = None
    if row["min_tests"] is not None:
        least = ngettext("at least {n} per {years} year", "at least {n} per {years} years",
                         row["min_tests_years"]).format(n=row["min_tests"],
                                                        years=row["min_tests_years"])
    if every == 1:
        lots = _("every lot")
    elif every is not None:
        lots = _("1 in {n} lots").format(n=number(every))
    else:
        return least or ""
    return _("{frequency}, {minimum}").format(frequency=lots, minimum=least) if least else lots
