"""The input kinds of the contract: their columns, Dutch names, types and keys.

One declarative table drives reading, kind detection, cell validation and loading, so a
new column is one line here. Column names are matched case-insensitively after
normalisation (spaces and hyphens become underscores).
"""

from __future__ import annotations

from dataclasses import dataclass, field

PURPOSES = {"admission": "admission", "toelating": "admission", "toelatingsonderzoek": "admission",
            "production": "production", "productie": "production",
            "productiecontrole": "production", "complaint": "complaint", "klacht": "complaint"}
AUDIT_TYPES = ("admission", "periodic", "extra", "depot", "field", "process", "sample",
               "complaint")
OUTCOMES = ("pass", "deviations", "fail")
SCHEMES = ("brl9341", "pkvw", "asbestos_person", "asbestos_process", "copro_exe")
INDEX_NAMES = ("salary_q3", "travel_fee", "car_km", "legal_interest")
# Spellings as people write them (with an underscore or a space) -> stored value.
QUALIFICATIONS = {spelling: stored
                  for name, stored in (("vog", "vog"), ("verklaring omtrent het gedrag", "vog"),
                                       ("diploma adviser", "diploma_adviser"),
                                       ("diploma adviseur", "diploma_adviser"),
                                       ("diploma preventieadviseur", "diploma_adviser"),
                                       ("diploma fitter", "diploma_fitter"),
                                       ("diploma monteur", "diploma_fitter"),
                                       ("refresher", "refresher"), ("bijscholing", "refresher"))
                  for spelling in (name, name.replace(" ", "_"))}


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "str"  # str, date, time, float, decimal, int, bool, enum
    required: bool = True  # the header must have it and every row a value
    aliases: tuple[str, ...] = ()
    default: object = None
    # enum: accepted spellings (lower case) -> stored value
    values: dict[str, str] | None = None
    non_negative: bool = False


@dataclass(frozen=True)
class Kind:
    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # unique within a file; the row's identity in the store
    # upsert: a stored row with the same key is replaced when it differs (master data,
    # states that change such as a deviation being closed). insert: a stored row with the
    # same key is a duplicate and the new row is quarantined.
    mode: str = "upsert"
    # key columns that may be empty; rows with an empty one are not checked for duplicates
    optional_key: bool = False
    detect: tuple[str, ...] = field(default=())  # header columns that identify the kind

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _enum(*values: str) -> dict[str, str]:
    return {v: v for v in values}


def _c(name: str, type_: str = "str", required: bool = True, *aliases: str, **kw) -> Column:
    return Column(name, type_, required, tuple(aliases), **kw)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "certificate", "certificates",
            (
                _c("certificate_number", "str", True, "certificaatnummer", "certificaat"),
                _c("scheme", "enum", True, "schema", "regeling", values=_enum(*SCHEMES)),
                _c("holder_id", "str", True, "certificaathouder_id", "houder_id"),
                _c("holder_name", "str", True, "certificaathouder", "naam_certificaathouder",
                   "houder"),
                _c("issued_on", "date", False, "afgegeven_op", "datum_afgifte"),
                _c("applied_on", "date", False, "aangevraagd_op", "datum_aanvraag"),
                _c("ended_on", "date", False, "beeindigd_op", "einddatum"),
                _c("country", "str", False, "land", default="BE"),
                _c("adi_count", "int", False, "aantal_adi", non_negative=True),
                _c("one_person_firm", "bool", False, "eenmanszaak", default=False),
                _c("uses_copro_template", "bool", False, "copro_sjabloon", default=True),
                _c("parent_certificate_number", "str", False, "procescertificaat"),
                _c("certified_fitter", "bool", False, "gecertificeerd_monteur", default=False),
            ),
            key=("certificate_number",), detect=("scheme", "holder_id"),
        ),
        Kind(
            "site", "sites",
            (
                _c("site_id", "str", True, "productielocatie", "locatie"),
                _c("certificate_number", "str", True, "certificaatnummer"),
                _c("name", "str", False, "naam"),
                _c("site_kind", "enum", False, "soort_locatie", default="production",
                   values={"production": "production", "productie": "production",
                           "depot": "depot"}),
                _c("n_window", "int", False, "aantal_waarnemingen", default=5,
                   values={"5": "5", "10": "10"}),
                # issue 8, BRL 9341 §5.5: sampling outsourced to a recognised sampler
                _c("outsourced_sampling", "bool", False, "monsterneming_uitbesteed",
                   default=False),
            ),
            key=("site_id",), detect=("site_id",),
        ),
        Kind(
            "person", "persons",
            (
                _c("person_id", "str", True, "persoon_id", "persoon"),
                _c("certificate_number", "str", True, "certificaatnummer"),
                _c("name", "str", False, "naam"),
            ),
            key=("person_id",), detect=("person_id",),
        ),
        Kind(
            "lot", "lots",
            (
                _c("certificate_number", "str", True, "certificaatnummer"),
                _c("site_id", "str", True, "productielocatie"),
                _c("product", "str", True),
                _c("lot_id", "str", True, "partij"),
                _c("produced_on", "date", True, "productiedatum"),
                _c("lot_size_tonnes", "float", False, "partijgrootte", non_negative=True),
            ),
            key=("site_id", "lot_id"), detect=("lot_id", "produced_on"),
        ),
        Kind(
            "lab", "analyses",
            (
                _c("certificate_number", "str", True, "certificaatnummer"),
                _c("site_id", "str", True, "productielocatie"),
                _c("product", "str", True),
                _c("lot_id", "str", True, "partij"),
                _c("produced_on", "date", False, "productiedatum"),
                _c("lot_size_tonnes", "float", False, "partijgrootte", non_negative=True),
                _c("sample_id", "str", True, "monster", "monsternummer"),
                _c("sampled_on", "date", True, "monsternamedatum", "bemonsteringsdatum"),
                _c("component", "str", True, "stof", "parameter"),
                _c("value", "str", True, "waarde", "meetwaarde", "resultaat"),
                _c("loq", "float", False, "bepalingsgrens", non_negative=True),
                _c("below_loq", "bool", False, "kleiner_dan_bepalingsgrens", default=False),
                _c("unit", "str", True, "eenheid"),
                _c("lab", "str", False, "laboratorium"),
                _c("lab_report_id", "str", True, "rapportnummer", "rapport"),
                _c("purpose", "enum", False, "doel", default="production", values=PURPOSES),
                # issue 22 point 12: this row corrects the report named here (load.py)
                _c("replaces_report_id", "str", False, "vervangt_rapport",
                   "vervangt_rapportnummer"),
            ),
            key=("lab_report_id", "sample_id", "component"), mode="insert",
            detect=("sample_id", "component", "value"),
        ),
        Kind(
            "audit", "audits",
            (
                _c("audit_id", "str", True, "audit", "auditnummer"),
                _c("certificate_number", "str", True, "certificaatnummer"),
                _c("audit_type", "enum", True, "soort_audit", values=_enum(*AUDIT_TYPES)),
                _c("audit_date", "date", True, "auditdatum", "datum"),
                _c("start_time", "time", False, "begintijd", "aanvang"),
                _c("end_time", "time", False, "eindtijd", "einde"),
                _c("country", "str", False, "land", default="BE"),
                _c("combined_with_field_audit", "bool", False, "gecombineerd_met_veldaudit"),
                _c("dwellings_in_sample", "int", False, "woningen_in_steekproef",
                   non_negative=True),
                _c("dwellings_with_deviation_a", "int", False, "woningen_met_afwijking_a",
                   non_negative=True),
                _c("inspector", "str", False, "auditor", "inspecteur"),
                _c("outcome", "enum", False, "resultaat", "uitkomst", values=_enum(*OUTCOMES)),
                _c("site_id", "str", False, "productielocatie", "depot"),
                _c("travel_hours", "float", False, "reisuren", non_negative=True),
                _c("distance_km", "float", False, "afstand_km", non_negative=True),
                _c("overnight_stays", "int", False, "overnachtingen", non_negative=True),
            ),
            key=("audit_id",), detect=("audit_id", "audit_type"),
        ),
        Kind(
            "deviation", "deviations",
            (
                _c("deviation_id", "str", True, "afwijking_id", "afwijking"),
                _c("audit_id", "str", False, "audit", "auditnummer"),
                _c("certificate_number", "str", True, "certificaatnummer"),
                _c("category", "enum", True, "categorie", values={"a": "A", "b": "B"}),
                _c("requirement", "str", False, "eis", "artikel"),
                _c("found_on", "date", True, "geconstateerd_op", "datum_constatering"),
                _c("extended_until", "date", False, "verlengd_tot"),
                _c("closed_on", "date", False, "gesloten_op", "afgesloten_op"),
            ),
            key=("deviation_id",), detect=("deviation_id", "category"),
        ),
        Kind(
            "activity", "activity",
            (
                _c("certificate_number", "str", True, "certificaatnummer"),
                _c("date", "date", True, "datum"),
                _c("activity", "str", True, "activiteit"),
                _c("quantity", "float", False, "aantal", default=1.0, non_negative=True),
                _c("person_id", "str", False, "persoon_id", "persoon"),
                _c("reference", "str", False, "referentie", "kenmerk"),
            ),
            key=("certificate_number", "activity", "reference"), mode="insert",
            optional_key=True, detect=("activity", "date"),
        ),
        Kind(
            "invoice", "invoice_lines",
            (
                _c("invoice_id", "str", True, "factuurnummer", "factuur"),
                _c("certificate_number", "str", True, "certificaatnummer"),
                _c("invoice_date", "date", True, "factuurdatum"),
                _c("line_no", "int", True, "regel", "regelnummer", non_negative=True),
                _c("fee_code", "str", False, "tariefcode"),
                _c("description", "str", False, "omschrijving"),
                _c("quantity", "decimal", False, "aantal"),
                _c("unit_price", "decimal", False, "eenheidsprijs"),
                _c("amount_excl_vat", "decimal", True, "bedrag_excl_btw", "bedrag"),
                _c("vat_rate", "decimal", False, "btw_tarief", default="0.21",
                   non_negative=True),
                # issue 22: a credit note names the invoice it corrects; only its amounts may
                # be negative (validate._invoice_checks, load._CREDIT_NOTE_CHECKS)
                _c("corrects_invoice_id", "str", False, "corrigeert_factuur",
                   "creditnota_voor"),
            ),
            key=("invoice_id", "line_no"), detect=("invoice_id", "line_no"),
        ),
        Kind(
            "payment", "payments",
            (
                _c("invoice_id", "str", True, "factuurnummer", "factuur"),
                _c("paid_on", "date", False, "betaald_op", "betaaldatum"),
                _c("amount", "decimal", False, "bedrag"),
                _c("reminder_sent_on", "date", False, "aangetekende_herinnering",
                   "herinnering_op"),
            ),
            key=("invoice_id", "paid_on", "amount", "reminder_sent_on"), mode="insert",
            detect=("invoice_id", "paid_on"),
        ),
        # Process records (issue 13, docs/rules.md §7).
        Kind(
            "sampling", "sampling_records",
            (
                _c("certificate_number", "str", True, "certificaatnummer"),
                _c("site_id", "str", True, "productielocatie"),
                _c("lot_id", "str", True, "partij"),
                _c("sample_id", "str", True, "monster", "monsternummer"),
                _c("grabs", "int", True, "aantal_grepen", "grepen", non_negative=True),
                _c("first_grab_on", "date", True, "eerste_greep_op", "datum_eerste_greep"),
                _c("last_grab_on", "date", True, "laatste_greep_op", "datum_laatste_greep"),
                _c("received_at_lab_on", "date", False, "ontvangen_door_lab_op",
                   "aangeboden_aan_lab_op"),
            ),
            key=("site_id", "sample_id"), detect=("grabs", "first_grab_on"),
        ),
        Kind(
            "accreditation", "lab_accreditations",
            (
                _c("lab", "str", True, "laboratorium"),
                _c("accreditation_number", "str", True, "accreditatienummer"),
                _c("scope", "str", True, "reikwijdte", "verrichting"),
                _c("valid_from", "date", True, "geldig_vanaf"),
                _c("valid_until", "date", False, "geldig_tot"),
            ),
            key=("lab", "accreditation_number", "scope", "valid_from"),
            detect=("accreditation_number", "valid_from"),
        ),
        Kind(
            "qualification", "staff_qualifications",
            (
                _c("person_id", "str", True, "persoon_id", "persoon"),
                _c("qualification", "enum", True, "kwalificatie", values=QUALIFICATIONS),
                _c("obtained_on", "date", True, "behaald_op", "datum"),
            ),
            key=("person_id", "qualification", "obtained_on"),
            detect=("qualification", "obtained_on"),
        ),
        Kind(
            "index", "indices",
            (
                _c("index_name", "enum", True, "index", "indexnaam", values=_enum(*INDEX_NAMES)),
                _c("period", "str", True, "periode"),
                _c("value", "decimal", True, "waarde"),
            ),
            key=("index_name", "period"), detect=("index_name", "period"),
        ),
    )
}
