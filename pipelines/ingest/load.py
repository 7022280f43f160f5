"""Loading validated rows into the store, inside the caller's transaction.

The checks here need the stored data: does the certificate exist, is this analysis already
stored, does the lot belong to another product. Rows failing them join the quarantine; the
rest are written with their provenance (file, SHA-256, line, ingestion time).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from pipelines.ingest.kinds import Kind
from pipelines.store import REPLACED_HISTORY

STAGE = "_stage"

# kind -> (target table, {table column: stage expression}); the provenance columns are added.
TARGETS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "certificate": [
        ("certificate_holders", {"holder_id": "holder_id", "holder_name": "holder_name"}),
        ("certificates", {c: c for c in (
            "certificate_number", "scheme", "holder_id", "issued_on", "applied_on", "ended_on",
            "country", "adi_count", "one_person_firm", "uses_copro_template",
            "parent_certificate_number", "certified_fitter")}),
    ],
    "site": [("sites", {c: c for c in (
        "site_id", "certificate_number", "name", "site_kind", "n_window",
        "outsourced_sampling")})],  # issue 8: BRL 9341 §5.5
    "person": [("persons", {c: c for c in ("person_id", "certificate_number", "name")})],
    "lot": [("lots", {c: c for c in (
        "site_id", "lot_id", "certificate_number", "product", "produced_on",
        "lot_size_tonnes")})],
    "audit": [("audits", {c: c for c in (
        "audit_id", "certificate_number", "audit_type", "audit_date", "start_time",
        "end_time", "country", "combined_with_field_audit", "dwellings_in_sample",
        "dwellings_with_deviation_a", "inspector", "outcome", "site_id", "travel_hours",
        "distance_km", "overnight_stays")})],
    "deviation": [("deviations", {c: c for c in (
        "deviation_id", "audit_id", "certificate_number", "category", "requirement",
        "found_on", "extended_until", "closed_on")})],
    "invoice": [
        ("invoices", {"invoice_id": "invoice_id", "certificate_number": "certificate_number",
                      "invoice_date": "invoice_date",
                      "corrects_invoice_id": "corrects_invoice_id"}),  # issue 22
        ("invoice_lines", {c: c for c in (
            "invoice_id", "line_no", "fee_code", "description", "quantity", "unit_price",
            "amount_excl_vat", "vat_rate")}),
    ],
    "index": [("indices", {"index_name": "index_name", "period": "period", "value": "value"})],
    "sampling": [("sampling_records", {c: c for c in (
        "certificate_number", "site_id", "lot_id", "sample_id", "grabs", "first_grab_on",
        "last_grab_on", "received_at_lab_on")})],
    "accreditation": [("lab_accreditations", {c: c for c in (
        "lab", "accreditation_number", "scope", "valid_from", "valid_until")})],
    "qualification": [("staff_qualifications", {c: c for c in (
        "person_id", "qualification", "obtained_on")})],
    # insert-only kinds
    "lab": [("analyses", {c: c for c in (
        "certificate_number", "site_id", "product", "lot_id", "sample_id", "sampled_on",
        "component", "value", "below_loq", "loq", "lab", "lab_report_id", "purpose",
        "replaces_report_id")}
        | {"value_as_reported": "_raw_value", "unit_as_reported": "_raw_unit"})],
    "activity": [("activity", {"certificate_number": "certificate_number",
                               "activity_date": "date", "activity": "activity",
                               "quantity": "quantity", "person_id": "person_id",
                               "reference": "reference"})],
    "payment": [("payments", {c: c for c in (
        "invoice_id", "paid_on", "amount", "reminder_sent_on")})],
}

PRIMARY_KEYS = {
    "certificate_holders": ("holder_id",), "certificates": ("certificate_number",),
    "sites": ("site_id",), "persons": ("person_id",), "lots": ("site_id", "lot_id"),
    "audits": ("audit_id",), "deviations": ("deviation_id",), "invoices": ("invoice_id",),
    "invoice_lines": ("invoice_id", "line_no"), "indices": ("index_name", "period"),
    "sampling_records": ("site_id", "sample_id"),
    "lab_accreditations": ("lab", "accreditation_number", "scope", "valid_from"),
    "staff_qualifications": ("person_id", "qualification", "obtained_on"),
}


def written_tables(kind: str | None) -> set[str]:
    """The stored tables a kind writes (lab results also register their lots)."""
    if kind is None:
        return set()
    tables = {table for table, _ in TARGETS[kind]}
    return tables | {"lots"} if kind == "lab" else tables


def _unknown(column: str, table: str, target_column: str, noun: str,
             optional: bool = False) -> str:
    guard = f"s.{column} is not null and " if optional else ""
    return (
        f"select _line, '{column}', s.{column}, 'unknown {noun} ''' || s.{column} || ''''"
        f" from {STAGE} s where {guard}not exists (select 1 from {table} t"
        f" where t.{target_column} = s.{column})"
    )


_CERT = _unknown("certificate_number", "certificates", "certificate_number", "certificate")
_SITE_OF_CERT = (
    f"select _line, 'site_id', s.site_id, 'site ''' || s.site_id || ''' belongs to certificate "
    f"''' || t.certificate_number || ''', not ''' || s.certificate_number || ''''"
    f" from {STAGE} s join sites t using (site_id)"
    f" where t.certificate_number <> s.certificate_number"
)
_LOT_CONFLICT = (
    f"select _line, 'lot_id', s.lot_id, 'lot ''' || s.lot_id || ''' of site ''' || s.site_id"
    f" || ''' is already recorded for product ''' || t.product || ''' of certificate '''"
    f" || t.certificate_number || '''' from {STAGE} s join lots t using (site_id, lot_id)"
    f" where t.product <> s.product or t.certificate_number <> s.certificate_number"
)

# Issue 22: a credit note (an invoice naming the invoice it corrects in corrects_invoice_id)
# must name an invoice known in the store or in the same file, of the same certificate, that
# is no credit note itself (one step from a credit note to its invoice: billing_lines); all
# lines of one invoice name the same one, and a stored invoice keeps the one it had.
_CORRECTED = (  # the invoices a credit note may name: stored, or in this file
    f"(select invoice_id, certificate_number, corrects_invoice_id from invoices"
    f" union all select invoice_id, certificate_number, corrects_invoice_id from {STAGE})"
)
_CREDIT_NOTE_CHECKS = [
    f"select _line, 'corrects_invoice_id', corrects_invoice_id, 'credit note names unknown"
    f" invoice ''' || corrects_invoice_id || ''' in corrects_invoice_id (ingest that invoice"
    f" first)' from {STAGE} s where corrects_invoice_id is not null and not exists"
    f" (select 1 from {_CORRECTED} t where t.invoice_id = s.corrects_invoice_id"
    f" and t.invoice_id <> s.invoice_id)",
    f"select distinct s._line, 'corrects_invoice_id', s.corrects_invoice_id, 'credit note of"
    f" certificate ''' || s.certificate_number || ''' names invoice ''' || t.invoice_id"
    f" || ''' of certificate ''' || t.certificate_number || '''' from {STAGE} s"
    f" join {_CORRECTED} t on t.invoice_id = s.corrects_invoice_id"
    f" where t.certificate_number <> s.certificate_number",
    f"select distinct s._line, 'corrects_invoice_id', s.corrects_invoice_id, 'invoice '''"
    f" || t.invoice_id || ''' is itself a credit note (correcting ''' || t.corrects_invoice_id"
    f" || '''): name the invoice it corrects' from {STAGE} s join {_CORRECTED} t"
    f" on t.invoice_id = s.corrects_invoice_id where t.corrects_invoice_id is not null",
    f"select _line, 'corrects_invoice_id', corrects_invoice_id, 'lines of invoice '''"
    f" || invoice_id || ''' disagree on corrects_invoice_id (see line ' || first_line || ')'"
    f" from (select *, first(corrects_invoice_id order by _line) over w as k0,"
    f" min(_line) over w as first_line from {STAGE} window w as (partition by invoice_id))"
    f" where corrects_invoice_id is distinct from k0",
    f"select s._line, 'corrects_invoice_id', s.corrects_invoice_id, 'invoice ''' || s.invoice_id"
    f" || ''' is stored ' || coalesce('as a credit note of ''' || t.corrects_invoice_id"
    f" || '''', 'as an ordinary invoice') from {STAGE} s join invoices t using (invoice_id)"
    f" where t.corrects_invoice_id is distinct from s.corrects_invoice_id",
]

# kind -> SQL returning (_line, column_name, bad_value, reason) for rows to reject.
CHECKS: dict[str, list[str]] = {
    "certificate": [
        f"select _line, 'parent_certificate_number', s.parent_certificate_number,"
        f" 'unknown parent certificate ''' || s.parent_certificate_number || ''''"
        f" from {STAGE} s where s.parent_certificate_number is not null"
        f" and s.parent_certificate_number not in (select certificate_number from certificates"
        f" union all select certificate_number from {STAGE})",
    ],
    "site": [_CERT],
    "person": [_CERT],
    "lot": [_CERT, _unknown("site_id", "sites", "site_id", "site"), _SITE_OF_CERT,
            _LOT_CONFLICT],
    "lab": [
        _CERT, _unknown("site_id", "sites", "site_id", "site"), _SITE_OF_CERT, _LOT_CONFLICT,
        f"select s._line, 'component', s.component, 'duplicate analysis: report '''"
        f" || s.lab_report_id || ''', sample ''' || s.sample_id || ''', ' || s.component"
        f" || ' is already stored with other values (' || a.source_file || ' line '"
        f" || a.source_line || '); a corrected report names the report it replaces in"
        f" replaces_report_id' from {STAGE} s join analyses a"
        f" using (lab_report_id, sample_id, component)"
        # issue 22 point 12: only a row naming the report it corrects replaces one; a
        # report corrected under its own number names itself
        f" where s.replaces_report_id is distinct from s.lab_report_id",
        # ... nor does a replaced analysis come back without such a mark
        f"select s._line, 'component', s.component, 'duplicate analysis: report '''"
        f" || s.lab_report_id || ''', sample ''' || s.sample_id || ''', ' || s.component"
        f" || ' was replaced by report ''' || r.replaced_by_report_id || ''' ('"
        f" || r.replaced_by_file || ' line ' || r.replaced_by_line || ')'"
        f" from {STAGE} s join analyses_replaced r using (lab_report_id, sample_id, component)"
        f" where s.replaces_report_id is distinct from s.lab_report_id",
        # The corrected report must be stored for this sample, and in force for this
        # component (a component it never had may be added by the correction).
        f"select s._line, 'replaces_report_id', s.replaces_report_id, 'replaces report '''"
        f" || s.replaces_report_id || ''', whose ' || s.component || ' of sample '''"
        f" || s.sample_id || ''' was already replaced by report ''' || r.replaced_by_report_id"
        f" || ''' (' || r.replaced_by_file || ' line ' || r.replaced_by_line || '); name the"
        f" report in force' from {STAGE} s join analyses_replaced r"
        f" on r.lab_report_id = s.replaces_report_id and r.sample_id = s.sample_id"
        f" and r.component = s.component where not exists (select 1 from analyses a"
        f" where a.lab_report_id = s.replaces_report_id and a.sample_id = s.sample_id"
        f" and a.component = s.component)",
        f"select s._line, 'replaces_report_id', s.replaces_report_id, 'replaces report '''"
        f" || s.replaces_report_id || ''', which has no analysis of sample ''' || s.sample_id"
        f" || ''' stored; ingest that report first' from {STAGE} s"
        f" where s.replaces_report_id is not null and not exists (select 1 from analyses a"
        f" where a.lab_report_id = s.replaces_report_id and a.sample_id = s.sample_id)",
        f"select _line, 'replaces_report_id', replaces_report_id, 'report '''"
        f" || replaces_report_id || ''', sample ''' || sample_id || ''', ' || component"
        f" || ' is replaced twice in this file (see line ' || first_line || ')'"
        f" from (select *, min(_line) over (partition by replaces_report_id, sample_id,"
        f" component) as first_line from {STAGE} where replaces_report_id is not null)"
        f" where _line <> first_line",
    ],
    "audit": [_CERT, _unknown("site_id", "sites", "site_id", "site", optional=True)],
    "deviation": [
        _CERT,
        _unknown("audit_id", "audits", "audit_id", "audit", optional=True),
        f"select _line, 'audit_id', s.audit_id, 'audit ''' || s.audit_id || ''' belongs to"
        f" certificate ''' || t.certificate_number || '''' from {STAGE} s join audits t"
        f" using (audit_id) where t.certificate_number <> s.certificate_number",
    ],
    "activity": [
        _CERT,
        _unknown("person_id", "persons", "person_id", "person", optional=True),
        f"select s._line, 'reference', s.reference, 'duplicate activity: ' || s.activity"
        f" || ' ''' || s.reference || ''' is already stored with other values ('"
        f" || a.source_file || ' line '"
        f" || a.source_line || ')' from {STAGE} s join activity a on"
        f" a.certificate_number = s.certificate_number and a.activity = s.activity"
        f" and a.reference = s.reference",
    ],
    "invoice": [
        _CERT,
        f"select _line, 'invoice_id', s.invoice_id, 'invoice ''' || s.invoice_id || ''' is"
        f" stored for certificate ''' || t.certificate_number || ''' dated '"
        f" || t.invoice_date from {STAGE} s join invoices t using (invoice_id)"
        f" where t.certificate_number <> s.certificate_number"
        f" or t.invoice_date <> s.invoice_date",
        f"select _line, 'invoice_id', invoice_id, 'lines of invoice ''' || invoice_id"
        f" || ''' disagree on certificate or date (see line ' || first_line || ')'"
        f" from (select *, first(certificate_number order by _line) over w as c0,"
        f" first(invoice_date order by _line) over w as d0, min(_line) over w as first_line"
        f" from {STAGE} window w as (partition by invoice_id))"
        f" where certificate_number <> c0 or invoice_date <> d0",
        *_CREDIT_NOTE_CHECKS,
    ],
    "payment": [
        _unknown("invoice_id", "invoices", "invoice_id", "invoice"),
        f"select _line, 'paid_on', cast(paid_on as varchar), 'a payment needs paid_on and"
        f" amount, or reminder_sent_on' from {STAGE} where (paid_on is null or amount is"
        f" null) and reminder_sent_on is null",
        f"select s._line, 'invoice_id', s.invoice_id, 'duplicate payment: already stored ('"
        f" || p.source_file || ' line ' || p.source_line || ')' from {STAGE} s join payments p"
        f" on p.invoice_id = s.invoice_id and p.paid_on is not distinct from s.paid_on"
        f" and p.amount is not distinct from s.amount"
        f" and p.reminder_sent_on is not distinct from s.reminder_sent_on",
        # issue 22: a negative payment is a refund, booked on a credit note
        f"select s._line, 'amount', cast(cast(s.amount as decimal(14, 2)) as varchar),"
        f" 'negative amount ' || cast(s.amount as decimal(14, 2)) || ' on invoice '''"
        f" || s.invoice_id || ''', which is no credit note: a negative payment (a refund) is"
        f" accepted only on a credit note that names the invoice it corrects'"
        f" from {STAGE} s where s.amount < 0 and not exists (select 1 from invoices t"
        f" where t.invoice_id = s.invoice_id and t.corrects_invoice_id is not null)",
    ],
    "sampling": [
        _CERT, _unknown("site_id", "sites", "site_id", "site"), _SITE_OF_CERT,
        f"select _line, 'last_grab_on', cast(last_grab_on as varchar), 'last grab '"
        f" || last_grab_on || ' is before the first grab ' || first_grab_on"
        f" from {STAGE} where last_grab_on < first_grab_on",
        f"select _line, 'received_at_lab_on', cast(received_at_lab_on as varchar),"
        f" 'received at the lab ' || received_at_lab_on || ' before the last grab '"
        f" || last_grab_on from {STAGE} where received_at_lab_on < last_grab_on",
    ],
    "accreditation": [
        f"select _line, 'valid_until', cast(valid_until as varchar), 'valid until '"
        f" || valid_until || ' is before valid from ' || valid_from"
        f" from {STAGE} where valid_until < valid_from",
        f"select _line, 'scope', scope, 'scope ''' || scope || ''' is no component of"
        f" bijlage III/IV (a component name, or * for the whole package)' from {STAGE}"
        f" where scope <> '*' and lower(trim(scope)) not in"
        f" (select alias from ref_component_aliases)",
    ],
    "qualification": [_unknown("person_id", "persons", "person_id", "person")],
    "index": [
        f"select _line, 'period', period, 'period ''' || period || ''' must look like 2024,"
        f" 2024-H1 or 2024-Q3' from {STAGE}"
        f" where not regexp_full_match(period, '\\d{{4}}(-H[12]|-Q[1-4])?')",
    ],
}


@dataclass
class LoadCounts:
    loaded: int
    unchanged: int


def stage(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame) -> None:
    """Expose the validated rows to SQL without copying them: a view over the Polars frame
    (Arrow) minus the lines set aside in ``_skip`` (rejected, or loaded on an earlier run)."""
    con.register("_stage_frame", rows)
    con.execute("create or replace temp table _skip (_line bigint)")
    con.execute(f"create or replace temp view {STAGE} as"
                " select f.* from _stage_frame f anti join _skip using (_line)")


def unstage(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"drop view if exists {STAGE}")
    con.execute("drop table if exists _skip")
    con.unregister("_stage_frame")


def reject_rows(con: duckdb.DuckDBPyConnection, kind: Kind) -> pl.DataFrame:
    """Run the kind's store checks in order; failing rows leave the stage and are returned.

    A row is reported for the first check it fails only: an unknown certificate makes
    "site belongs to another certificate" true as well, but says nothing new.
    """
    found = []
    for check in CHECKS.get(kind.name, []):
        rejected = con.sql(
            f"select _line::bigint as _line, column_name::varchar as column_name,"
            f" bad_value::varchar as bad_value, reason::varchar as reason"
            f" from ({check}) as r(_line, column_name, bad_value, reason)").pl()
        if rejected.is_empty():
            continue
        found.append(rejected)
        con.register("_rejected", rejected)
        con.execute("insert into _skip select _line from _rejected")
        con.unregister("_rejected")
    if not found:
        return pl.DataFrame(schema={"_line": pl.Int64, "column_name": pl.String,
                                    "bad_value": pl.String, "reason": pl.String})
    return pl.concat(found)


def drop_already_loaded(con: duckdb.DuckDBPyConnection, kind: Kind, sha256: str) -> int:
    """Rows this same file loaded on an earlier run (identified by SHA-256 and line)."""
    table = TARGETS[kind.name][-1][0]
    if table in PRIMARY_KEYS:  # upserts recognise identical rows themselves
        return 0
    # a row loaded then and replaced since by a lab's corrected report was loaded too
    history = f" union all select source_line from {REPLACED_HISTORY[table]}" \
        f" where source_sha256 = $sha" if table in REPLACED_HISTORY else ""
    return con.execute(
        f"insert into _skip select _line from {STAGE} where _line in (select source_line"
        f" from {table} where source_sha256 = $sha{history})", {"sha": sha256}
    ).fetchall()[0][0]


def drop_identical(con: duckdb.DuckDBPyConnection, kind: Kind, provenance: dict) -> int:
    """Rows stored before with the very same values (another version of the file, or the
    same rows re-saved with other line ends): already loaded, not duplicates.

    Insert-only kinds only; upserts recognise identical rows themselves. Rows without a key
    (an activity without ``reference``) have no identity of their own: they are matched by
    their values against the rows loaded from earlier versions of a file with the same
    name, occurrence by occurrence (two identical lines there, three here: one is new).
    """
    if kind.mode != "insert":
        return 0
    table, mapping = TARGETS[kind.name][-1]
    compared = {col: expr for col, expr in mapping.items() if not expr.startswith("_raw_")}
    column_of = {expr: col for col, expr in compared.items()}
    same = (f"row({', '.join(f's.{e}' for e in compared.values())}) is not distinct from"
            f" row({', '.join(f't.{c}' for c in compared)})")
    keyed = " and ".join(f"s.{k} is not null" for k in kind.key) if kind.optional_key \
        else "true"
    on = " and ".join(f"t.{column_of[k]} is not distinct from s.{k}" for k in kind.key)
    skipped = con.execute(
        f"insert into _skip select distinct s._line from {STAGE} s join {table} t on {on}"
        f" where {keyed} and {same}").fetchall()[0][0]
    if not kind.optional_key:
        return skipped
    unkeyed = " or ".join(f"{k} is null" for k in kind.key)
    stored_unkeyed = " or ".join(f"{column_of[k]} is null" for k in kind.key)
    stage_cols = ", ".join(compared.values())
    table_cols = ", ".join(compared)
    skipped += con.execute(
        f"""
        insert into _skip
        select s._line
        from (select _line, {stage_cols},
                     row_number() over (partition by {stage_cols} order by _line) as _n
              from {STAGE} where {unkeyed}) s
        join (select {table_cols}, row_number() over (partition by {table_cols}) as _n
              from {table} where source_file = $source_file
                and source_sha256 <> $source_sha256 and ({stored_unkeyed})) t
          on s._n = t._n and {same}
        """, {"source_file": provenance["source_file"],
              "source_sha256": provenance["source_sha256"]}).fetchall()[0][0]
    return skipped


def write_rows(con: duckdb.DuckDBPyConnection, kind: Kind, provenance: dict,
               present: set[str] | None = None) -> LoadCounts:
    """Write the staged rows; returns how many were new or changed and how many identical.

    ``present``: the kind's columns the file has. An upsert changes only those: a column
    the file lacks keeps its stored value (a site file without ``n_window`` does not reset
    a window of 10 to the default 5); new rows get the default.
    """
    prov_cols = "source_file, source_sha256, source_line, ingested_at"
    prov_vals = "$source_file, $source_sha256, _line, $ingested_at"
    loaded = unchanged = 0
    for index, (table, mapping) in enumerate(TARGETS[kind.name]):
        cols = ", ".join(mapping)
        exprs = ", ".join(f"{expr} as {col}" for col, expr in mapping.items())
        # A kind's rows are counted by its last target (certificates, invoice lines).
        counts = index == len(TARGETS[kind.name]) - 1
        if table == "analyses":
            _write_lots_from_lab(con, provenance)
            _replace_corrected(con, provenance)
        if table not in PRIMARY_KEYS:
            n = con.execute(
                f"insert into {table} ({cols}, {prov_cols}) select {exprs}, {prov_vals}"
                f" from {STAGE}", provenance).fetchall()[0][0]
            loaded += n if counts else 0
            continue
        key = PRIMARY_KEYS[table]
        con.execute(
            f"create or replace temp table _new as select distinct on ({', '.join(key)})"
            f" {exprs}, _line from {STAGE} order by {', '.join(key)}, _line")
        kept = [c for c, expr in mapping.items()
                if present is not None and expr not in present and c not in key]
        if kept:
            con.execute(
                f"update _new set {', '.join(f'{c} = t.{c}' for c in kept)} from {table} t"
                f" where {' and '.join(f't.{k} = _new.{k}' for k in key)}")
        same = " and ".join(f"t.{k} = n.{k}" for k in key)
        values = ", ".join(f"n.{c}" for c in mapping)
        stored = ", ".join(f"t.{c}" for c in mapping)
        identical = (f"exists (select 1 from {table} t where {same}"
                     f" and row({values}) is not distinct from row({stored}))")
        n_same = con.execute(f"select count(*) from _new n where {identical}").fetchall()[0][0]
        con.execute(f"delete from _new n where {identical}")
        n_new = con.execute(
            f"insert or replace into {table} ({cols}, {prov_cols})"
            f" select {cols}, {prov_vals} from _new", provenance).fetchall()[0][0]
        if counts:
            loaded, unchanged = n_new, n_same
    return LoadCounts(loaded=loaded, unchanged=unchanged)


def _replace_corrected(con: duckdb.DuckDBPyConnection, provenance: dict) -> None:
    """A row naming the report it corrects replaces that report's analysis of the same
    sample and component: the analysis moves to ``analyses_replaced`` with when and by
    which file and line (issue 22 point 12). Per sample x component, so a component the
    corrected report does not repeat stays in force."""
    con.execute(
        f"""
        insert into analyses_replaced
        select a.certificate_number, a.site_id, a.lot_id, a.product, a.sample_id,
               a.sampled_on, a.component, a.value, a.below_loq, a.loq, a.value_as_reported,
               a.unit_as_reported, a.lab, a.lab_report_id, a.purpose, a.replaces_report_id,
               a.source_file, a.source_sha256, a.source_line, a.ingested_at,
               $ingested_at, $source_file, $source_sha256, s._line, s.lab_report_id
        from analyses a
        join {STAGE} s on s.replaces_report_id = a.lab_report_id
         and s.sample_id = a.sample_id and s.component = a.component
        """, provenance)
    con.execute(
        f"""
        delete from analyses a using {STAGE} s
        where s.replaces_report_id = a.lab_report_id and s.sample_id = a.sample_id
          and s.component = a.component
        """)


def _write_lots_from_lab(con: duckdb.DuckDBPyConnection, provenance: dict) -> None:
    """Lab rows register their lot; a production date or size fills in what was unknown."""
    con.execute(
        f"""
        create or replace temp table _lab_lots as
        select site_id, lot_id, first(certificate_number) as certificate_number,
               first(product) as product, max(produced_on) as produced_on,
               max(lot_size_tonnes) as lot_size_tonnes, min(_line) as _line
        from {STAGE} group by site_id, lot_id
        """)
    con.execute(
        """
        update lots set produced_on = coalesce(lots.produced_on, n.produced_on),
                        lot_size_tonnes = coalesce(lots.lot_size_tonnes, n.lot_size_tonnes)
        from _lab_lots n
        where lots.site_id = n.site_id and lots.lot_id = n.lot_id
          and ((lots.produced_on is null and n.produced_on is not null)
               or (lots.lot_size_tonnes is null and n.lot_size_tonnes is not null))
        """)
    con.execute(
        """
        insert into lots (site_id, lot_id, certificate_number, product, produced_on,
                          lot_size_tonnes, source_file, source_sha256, source_line,
                          ingested_at)
        select n.site_id, n.lot_id, n.certificate_number, n.product, n.produced_on,
               n.lot_size_tonnes, $source_file, $source_sha256, n._line, $ingested_at
        from _lab_lots n anti join lots using (site_id, lot_id)
        """, provenance)
