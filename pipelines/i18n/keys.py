"""Texts stored as a message key and its values, shown in the reader's language (issue 27
point 4: a quarantined row carries a key, so the dashboard shows the reason in Dutch).

A writer stores ``reason_key`` (a key of ``REASONS``) and ``reason_args`` (JSON: the
values) beside the English ``reason`` it writes today; a reader calls
``render(key, args, fallback=reason)``. Old rows and unknown keys show the stored English
``reason`` as it is. The English templates mirror pipelines/ingest/validate.py and
cells.py; docs/i18n.md step 5 wires them in.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import json
import re
from collections.abc import Mapping
from typing import Any

import polars as pl

from pipelines.i18n import formatting as fmt
from pipelines.i18n.language import current_language
from pipelines.i18n.translation import N_, gettext

# Key -> English template with named {placeholders}; the writers (validate.py, cells.py)
# store exactly this English as ``reason`` when the values are filled in as they are
# written (tests/pipelines/ingest/test_reason_keys.py). Values named *_on or *date* are
# ISO dates and numbers are numbers: they are shown in the reader's notation (a line
# number, *line, plainly); the others (codes, file values as read, column names) as stored.
REASONS: dict[str, str] = {
    "missing_value": N_("missing value for {column}"),
    "unknown_code": N_("unknown {column} '{value}' (expected {expected})"),
    "not_one_of": N_("{column} must be one of {allowed}"),
    "negative_value": N_("negative value {value}"),
    "not_whole_number": N_("not a whole number: '{value}'"),
    "not_a_number": N_("not a number: '{value}'"),
    "not_an_amount": N_("not an amount: '{value}'"),
    "unparseable_date": N_("unparseable date '{value}' (expected YYYY-MM-DD or DD-MM-YYYY)"),
    "unparseable_time": N_("unparseable time '{value}' (expected HH:MM)"),
    "not_yes_no": N_("not yes/no: '{value}'"),
    "unparseable_value": N_("unparseable value '{value}'"),
    "implausible_number": N_("implausible number '{value}' (infinite or more than 15 digits)"),
    "two_digit_year": N_("date '{value}' has a two-digit year; write the year in full "
                         "(YYYY-MM-DD or DD-MM-YYYY)"),
    "date_too_early": N_("implausible date {day_on} (before {earliest_on})"),
    "date_too_late": N_("implausible date {day_on} (more than a year after the as-of date; "
                        "latest accepted {latest_on})"),
    "ambiguous_number": N_("ambiguous number '{value}' in column {column}: {thousands} or "
                           "{decimal}? No value in this column of the file shows whether it "
                           "uses a decimal comma or point; write {thousands}, or {decimal_0} "
                           "if a decimal is meant"),
    "ambiguous_number_mixed": N_("ambiguous number '{value}' in column {column}: {thousands} "
                                 "or {decimal}? This column of the file mixes decimal commas "
                                 "and points; write {thousands}, or {decimal_0} if a decimal "
                                 "is meant"),
    "loq_without_number": N_("'{value}' in column value without a number: write the LOQ "
                             "after it (e.g. <0,05)"),
    "loq_implausible": N_("'{value}' in column value is no LOQ: an implausible number after "
                          "'<' (infinite or more than 15 digits)"),
    "loq_not_a_number": N_("'{value}' in column value is no LOQ: after '<' only a finite "
                           "positive number is accepted (e.g. <0,05)"),
    "loq_not_positive": N_("'{value}' in column value is no LOQ: a LOQ is above 0"),
    "loq_too_large": N_("'{value}' in column value is no LOQ: {mg_kg} mg/kg d.s. is more than "
                        "the whole sample (a LOQ is at most 1 000 000 mg/kg d.s.)"),
    "loq_column_not_positive": N_("loq '{value}' is no LOQ: a LOQ is above 0"),
    "loq_column_too_large": N_("loq '{value}' is no LOQ: more than the whole sample (a LOQ "
                               "is at most 1 000 000 mg/kg d.s.)"),
    "unknown_unit": N_("unknown unit '{value}' (expected mg/kg ds or µg/kg ds)"),
    "unknown_component": N_("unknown component '{value}'"),
    "unknown_product": N_("unknown product '{value}'"),
    "sampled_in_future": N_("sampling date {sampled_on} lies in the future"),
    "lot_product_differs": N_("lot '{lot}' has product '{product}' here but '{other}' on "
                              "line {line}"),
    "field_too_long": N_("field of {length} characters (at most {limit})"),
    "credit_note_corrects_itself": N_("a credit note cannot correct itself"),
    "negative_not_credit_note": N_("negative {column} {value} on an invoice that is no credit "
                                   "note: only a credit note may be negative, and it names the "
                                   "invoice it corrects in corrects_invoice_id"),
    "amount_mismatch": N_("amount_excl_vat {amount} differs from quantity × unit_price = "
                          "{quantity} × {unit_price} = {product} by more than {tolerance}"),
    # One key per kind of file (validate._split_duplicates): the noun is part of the
    # sentence, so it is translated with it.
    "duplicate_in_file": N_("duplicate row in this file ({columns}: same as line {line})"),
    "duplicate_certificate_in_file": N_("duplicate certificate in this file "
                                        "({columns}: same as line {line})"),
    "duplicate_site_in_file": N_("duplicate site in this file ({columns}: same as line {line})"),
    "duplicate_person_in_file": N_("duplicate person in this file "
                                   "({columns}: same as line {line})"),
    "duplicate_lot_in_file": N_("duplicate lot in this file ({columns}: same as line {line})"),
    "duplicate_lab_in_file": N_("duplicate analysis in this file ({columns}: same as line {line})"),
    "duplicate_audit_in_file": N_("duplicate audit in this file ({columns}: same as line {line})"),
    "duplicate_deviation_in_file": N_("duplicate deviation in this file "
                                      "({columns}: same as line {line})"),
    "duplicate_activity_in_file": N_("duplicate activity in this file "
                                     "({columns}: same as line {line})"),
    "duplicate_invoice_in_file": N_("duplicate invoice line in this file "
                                    "({columns}: same as line {line})"),
    "duplicate_payment_in_file": N_("duplicate payment in this file "
                                    "({columns}: same as line {line})"),
    "duplicate_sampling_in_file": N_("duplicate sampling in this file "
                                     "({columns}: same as line {line})"),
    "duplicate_accreditation_in_file": N_("duplicate accreditation in this file "
                                          "({columns}: same as line {line})"),
    "duplicate_qualification_in_file": N_("duplicate qualification in this file "
                                          "({columns}: same as line {line})"),
    "duplicate_index_in_file": N_("duplicate index value in this file "
                                  "({columns}: same as line {line})"),
}
# Texts the SQL views build (issue 27 step 4): a view gives ``*_key`` and ``*_args`` (JSON)
# beside its English text column, which it builds from the same parts (the CLI's `sql`
# and the contract names read that column). A value may itself be a message
# ({"key": ..., "args": {...}}): it is rendered first (a frequency inside a reason).
DETAILS: dict[str, str] = {
    # sampling_plan.frequency_text / own_frequency_text (BRL 9341 bijlage II)
    "freq_every_lot": N_("every lot"),
    "freq_one_in": N_("1 in {lots} lots"),
    "freq_min_year": N_("at least {tests} per year"),
    "freq_min_years": N_("at least {tests} per {years} years"),
    "freq_every_lot_min_year": N_("every lot, at least {tests} per year"),
    "freq_every_lot_min_years": N_("every lot, at least {tests} per {years} years"),
    "freq_one_in_min_year": N_("1 in {lots} lots, at least {tests} per year"),
    "freq_one_in_min_years": N_("1 in {lots} lots, at least {tests} per {years} years"),
    # sampling_plan.reason: why the series has its class (one key per rule)
    "plan_insufficient": N_("fewer than 5 observations ({n_total} so far) "
                            "(BRL 9341 bijlage II)"),
    "plan_k": N_("k = {k} over the last {n} lots (class {class_rank}, {test_class}; "
                 "BRL 9341 bijlage II)"),
    "plan_gamma": N_("highest / limit = {ratio} < γ {gamma} over the last {n} lots "
                     "(class {class_rank}, {test_class}; BRL 9341 bijlage II)"),
    "plan_all_below_loq": N_("all of the last {n} lots below the LOQ (class {class_rank}, "
                             "{test_class}; BRL 9341 bijlage II)"),
    "plan_attributes": N_("{e7} exceedance(s) in the last 7 lots, {e12} in the last 12 "
                          "(attribute test) (class {class_rank}, {test_class}; "
                          "BRL 9341 bijlage II)"),
    "plan_lot_inspection": N_("lot-inspection regime of the site × product; on its own: "
                              "{own_frequency}: {reason}"),
    # sampling_plan.explanation: the frequency, then why (both messages of their own)
    "plan_explanation": N_("{frequency}: {reason}"),
    "plan_explanation_lot_inspection": N_("{frequency} (lot-inspection regime of the site × "
                                          "product); on its own: {own_frequency}: {reason}"),
    # untested_lots_summary.meaning: what the untested lots mean for the frequency
    "meaning_no_lot_tested": N_("no lot tested yet: the admission tests every lot "
                                "(BRL 9341 bijlage II)"),
    "meaning_overdue": N_("{n} series overdue: test the next lot for them"),
    "meaning_every_lot": N_("every lot must be tested; untested lots before the class "
                            "applied do not count"),
    "meaning_next_lot": N_("within the frequency; the next lot must be tested"),
    "meaning_one_in": N_("within the frequency: 1 in {lots} lets {untested} of every {lots} "
                         "lots go untested"),
    "meaning_one_in_next": N_("within the frequency: 1 in {lots} lets {untested} of every "
                              "{lots} lots go untested; next test due within {next} lot(s)"),
    "meaning_time_based": N_("time-based frequency: untested lots do not make a series "
                             "overdue"),
    # sampling_overdue.detail (sampling_due.overdue_detail): why the series is overdue
    "overdue_lots": N_("{lots} lots since the last test, 1 in {required} required"),
    "overdue_period_year": N_("{tests} tests in the period, at least {required} per year "
                              "required"),
    "overdue_period_years": N_("{tests} tests in the period, at least {required} per "
                               "{years} years required"),
    # process_findings.subject (sql/rules/process/process_*.sql)
    "subject_lot": N_("lot {lot} (site {site})"),
    "subject_stream": N_("site {site}, {product}, {year}"),
    "subject_sample": N_("sample {sample} (lot {lot}, site {site})"),
    "subject_lab_report": N_("lab report {report} ({lab})"),
    "subject_lab_report_unnamed": N_("lab report {report} (lab not named)"),
    "subject_person": N_("person {person} ({name})"),
    "subject_audit": N_("audit {audit} ({type})"),
    "subject_lot_component": N_("lot {lot} at {site}: {component}"),
    # process_findings.detail: one key per finding (BRL 9341 §5.5.2, §5.5.3, §1.4,
    # bijlage II; CCV PKVW §2.1, §3.3.2; TAR 9201 §2.2.4.1); *_t: tonnes, one decimal
    "finding_lot_size": N_("lot of {lot_t} t is more than 1/10 of the {year} production of "
                           "{product} at site {site} ({production_t} t; at most {most_t} t)"),
    "finding_lot_size_unknown": N_("{missing} of {lots} lots of {product} produced in {year} "
                                   "have no size: the 1/10 rule cannot be assessed"),
    "finding_grabs_spread": N_("grabs taken over {days} days (first {first_on}, last "
                               "{last_on}): more than 28 calendar days"),
    "finding_lab_late": N_("at the lab {days} days after the last grab ({last_on} → "
                           "{lab_on}): more than 7 days"),
    "finding_lab_date_missing": N_("no date at the lab on the sampling record (last grab "
                                   "{last_on}): the 7 days after the last grab cannot be "
                                   "checked"),
    "finding_grabs_sampling": N_("{grabs} grabs in the mixed sample; the sampling regime "
                                 "needs at least {needed}"),
    "finding_grabs_lot_inspection": N_("{grabs} grabs in the mixed sample; the "
                                       "lot-inspection regime needs at least {needed}"),
    "finding_samples_per_lot": N_("{samples} mixed sample(s) under the lot-inspection "
                                  "regime; 2 per lot are needed"),
    "finding_no_sampling_record": N_("no sampling record (grabs, grab dates, date at the "
                                     "lab) for this production sample"),
    "finding_lab_not_accredited": N_("no ISO/IEC 17025 accreditation valid on {analysed_on} "
                                     "for {components} (lots {lots}): these results do not "
                                     "count"),
    "finding_lab_not_accredited_all": N_("no ISO/IEC 17025 accreditation valid on "
                                         "{analysed_on} for any of its {n} components (lots "
                                         "{lots}): these results do not count"),
    "finding_audit_no_times": N_("no start and no end time: billed as 2 h in office hours "
                                 "until completed"),
    "finding_audit_no_start": N_("no start time: billed as 2 h in office hours until "
                                 "completed"),
    "finding_audit_no_end": N_("no end time: billed as 2 h in office hours until completed"),
    "finding_loq_above_limit": N_("reported below an LOQ of up to {loq} mg/kg d.s. ({labs}, "
                                  "report {reports}): the observation lies between {lower} "
                                  "and {upper}, the limit {limit} in between, so neither "
                                  "compliance nor an exceedance can be shown; the lab's "
                                  "method needs an LOQ below the limit"),
    "finding_no_vog": N_("no certificate of conduct (VOG) on record"),
    "finding_vog_expired": N_("certificate of conduct (VOG) of {vog_on} is older than 5 "
                              "years since {until_on}"),
    "finding_vog_expiring": N_("certificate of conduct (VOG) of {vog_on} runs out on "
                               "{until_on}"),
    "finding_no_diploma": N_("no diploma of prevention adviser or PKVW fitter on record"),
    "finding_refresher_overdue": N_("adviser's refresher overdue since {due_on} (last "
                                    "training {training_on})"),
    "finding_refresher_due": N_("adviser's refresher due on {due_on}"),
    "finding_vog_renewed_late": N_("certificate of conduct (VOG) of {vog_on} ran out on "
                                   "{until_on}; renewed on {renewed_on}"),
    # worklist.detail (one key per sentence; values named *_eur are amounts)
    "detail_deviation": N_("category {category}, {requirement}"),
    "detail_deviation_escalated": N_("category {category} (B counted as A: repeated "
                                     "requirement), {requirement}"),
    "detail_deviation_extended": N_("category {category}, {requirement}, deadline extended"),
    "detail_deviation_escalated_extended": N_(
        "category {category} (B counted as A: repeated requirement), {requirement}, "
        "deadline extended"),
    "detail_suspension": N_("suspended since {since_on}: {reason}"),
    "detail_audits": N_("{performed} of {required} required visits/audits performed in "
                        "{year}"),
    "detail_unpaid": N_("open {open_eur}, interest {interest_eur}, forfait {forfait_eur}"),
    "detail_index_missing": N_("{index}: cannot check, invoiced {invoiced_eur}"),
    "detail_mismatch": N_("{status}: expected {expected_eur}, invoiced {invoiced_eur}"),
    # worklist.subject (the kinds whose subject has words)
    "subject_withdrawal": N_("withdrawal / lapse"),
    "subject_series": N_("{site} · {product} · {component}"),
    "subject_audits": N_("audits {year}"),
    # certificate_status.reason and the lifecycle's (lifecycle_event_log): one key per kind
    # of event (CCV PKVW §3.2.4, §3.2.7, §4.3, bijlage 4; BRL 9341 §3.3); a status with
    # several causes lists their messages (reason_list: "; " between them)
    "reason_list": N_("{items}"),
    "reason_lifted": N_("lifted: {reason}"),
    "reason_no_event": N_("no lifecycle event on or before the as-of date"),
    "reason_application": N_("application received, in admission"),
    "reason_issued": N_("certificate issued"),
    "reason_admission_expired": N_("in admission for more than 12 months since {applied_on}"),
    "reason_deviation_suspension": N_("deviation {deviation} (category {category}, "
                                      "{requirement}) not corrected by {deadline_on}"),
    "reason_deviation_suspension_no_requirement": N_("deviation {deviation} (category "
                                                     "{category}) not corrected by "
                                                     "{deadline_on}"),
    "reason_deviation_suspension_escalated": N_(
        "deviation {deviation} (category {category}, B repeated from the previous "
        "assessment, {requirement}) not corrected by {deadline_on}"),
    "reason_deviation_suspension_escalated_no_requirement": N_(
        "deviation {deviation} (category {category}, B repeated from the previous "
        "assessment) not corrected by {deadline_on}"),
    "reason_deviation_withdrawal": N_("deviation {deviation} still open 6 months after the "
                                      "suspension of {suspension_on}"),
    "reason_sample_suspension": N_("sample {audit}: {dwellings} dwellings with an A-deviation "
                                   "(step {step_before} -> {step_after})"),
    "reason_sample_withdrawal": N_("suspension after sample {audit} of {audit_on} not lifted "
                                   "within 6 months"),
    "reason_verification_suspension": N_("verification {verification} after sample {audit}: "
                                         "{dwellings} dwellings with new faults (step "
                                         "{step_before})"),
    "reason_verification_withdrawal": N_("suspension after verification {verification} of "
                                         "{verification_on} not lifted within 6 months"),
    "reason_sample_warning": N_("sample {audit}: 1 dwelling with an A-deviation, verification "
                                "of the sample by the CI"),
    "reason_sample_warning_half": N_("sample {audit}: 1 dwelling with an A-deviation, "
                                     "verification of 50% of the sample by the CI"),
    "reason_minimum_work_warning": N_("{dwellings} dwellings from {from_on} to {to_on} (at "
                                      "least 3 required); at least 6 required in the next 12 "
                                      "months"),
    "reason_minimum_work_withdrawal": N_("{dwellings} dwellings from {from_on} to {to_on} "
                                         "after a missed period (at least 6 required)"),
    "reason_production_suspension": N_("production stopped since {stopped_on} for more than "
                                       "1 year, no delivery from stock"),
    "reason_production_suspension_restarted": N_(
        "production stopped since {stopped_on} for more than 1 year, no delivery from stock; "
        "restarted {restarted_on}, suspended until an extra periodic assessment passes"),
    "reason_production_lapse": N_("production stopped since {stopped_on} for more than 3 "
                                  "years"),
    "reason_ended": N_("certificate ended (ended_on recorded)"),
    # lot_status.status_text (brl9341_lot_results; BRL 9341 §4.2, bijlage II and III/IV)
    "lot_exceeds": N_("exceeds on {n} of {total} components tested"),
    "lot_no_limit": N_("no limit known for {n} of {total} components on {sampled_on}"),
    "lot_loq_above_limit_one": N_("LOQ above the limit for {n} of {total} components "
                                  "tested: neither compliant nor exceeding on it"),
    "lot_loq_above_limit": N_("LOQ above the limit for {n} of {total} components tested: "
                              "neither compliant nor exceeding on them"),
    "lot_compliant": N_("compliant on {n} of {total} components"),
    "lot_provisional": N_("{status} (provisional limit)"),
    # invoice_check.line_differences: the differing lines of a certificate × month
    "line_differences": N_("{items}"),
    "line_difference": N_("{fee_code} {status}"),
    # worklist.rule
    "rule_deviation": N_("correction deadline: A 2 months, B 3 months after the finding; "
                         "suspended the day after a missed deadline"),
    "rule_suspension": N_("a suspension not lifted in time ends in withdrawal (lapse for a "
                          "production stop)"),
    "rule_sampling": N_("sampling frequency by the k-value class of the series"),
    "rule_audit_pkvw": N_("an audit every 18 months"),
    "rule_audit": N_("2 control visits a year, spread (next within 6 months)"),
    "rule_unpaid": N_("payment within 30 days; late interest at the legal rate and a forfait "
                      "of 15 %"),
    "rule_index_missing": N_("the rate of a year is known once its index is "
                             "(TAR 9201 §2.2.11)"),
    "rule_mismatch": N_("invoice lines must match the tariff (expected charges of the "
                        "month)"),
    "rule_process_finding": N_("procedural check {check} ({severity})"),
}
# Files refused whole (pipelines.ingest.read.UnreadableFile): the exception's text is the
# English template filled in as it is (the command line in English, logs, tests), and the
# key and values show it in the reader's language (an upload, CERT_LANG's command line).
# Values are filled in as given: positions and names come as text, ``line`` as a number.
REFUSALS: dict[str, str] = {
    "no_such_file": N_("no such file"),
    "unsupported_type": N_("unsupported file type {suffix} (CSV or XLSX)"),
    "encoding_bom": N_("the file is {encoding} (byte order mark), neither UTF-8 nor "
                       "Windows-1252: save it as UTF-8 (Excel: Save As, 'CSV UTF-8 (Comma "
                       "delimited)'; a text editor: Save As with encoding UTF-8) and ingest "
                       "it again"),
    "encoding_nul": N_("the file is {encoding} (NUL bytes between its characters), neither "
                       "UTF-8 nor Windows-1252: save it as UTF-8 (Excel: Save As, 'CSV UTF-8 "
                       "(Comma delimited)'; a text editor: Save As with encoding UTF-8) and "
                       "ingest it again"),
    "nul_bytes": N_("the file holds NUL bytes: it is no text file in UTF-8 or Windows-1252 "
                    "(a spreadsheet or other binary file named .csv?)"),
    "encoding_other": N_("line {line}: the file is in another encoding, neither UTF-8 nor "
                         "Windows-1252: save it as UTF-8 (Excel: Save As, 'CSV UTF-8 (Comma "
                         "delimited)'; a text editor: Save As with encoding UTF-8) and ingest "
                         "it again"),
    "encoding_guessed": N_("line {line}: the file is in another encoding (charset-normalizer's "
                           "guesses: {guesses}), neither UTF-8 nor Windows-1252: save it as "
                           "UTF-8 (Excel: Save As, 'CSV UTF-8 (Comma delimited)'; a text "
                           "editor: Save As with encoding UTF-8) and ingest it again"),
    # TRANSLATORS: {problem} is one of the reasons a line cannot be read (LINE_PROBLEMS)
    "header_unreadable": N_("line {line}: {problem}"),
    "no_header": N_("line {line}: no header row"),
    "column_twice": N_("line {line}: column {column} appears twice (columns {first} and "
                       "{second})"),
    "csv_unreadable": N_("not a readable CSV file: {error}"),
    "csv_unnumbered": N_("not a readable CSV file: its lines cannot be numbered (a value "
                         "spanning several lines?)"),
    "xlsx_unreadable": N_("not a readable XLSX file: {error}"),
    "kind_unknown": N_("line {line}: cannot tell the kind of file from its header ({columns}); "
                       "pass --kind"),
    "kind_unknown_more": N_("line {line}: cannot tell the kind of file from its header "
                            "({columns} and {more} more); pass --kind"),
    "kind_incomplete": N_("line {line}: the header fits no kind fully; closest is {kind}, "
                          "which lacks {columns}; add the column(s) or pass --kind"),
    "missing_columns": N_("line {line}: missing column {columns} for a {kind} file"),
    "columns_both": N_("line {line}: columns {first} and {second} both give {column}; keep "
                       "one"),
    # TRANSLATORS: more than two names for one column, {columns} joined by "and"
    "columns_several": N_("line {line}: columns {columns} both give {column}; keep one"),
    "xml_malformed": N_("line {line}, column {column}: not well-formed XML: {error}"),
    "xml_root": N_("line {line}: root element is {element}, not "
                   "imsikb0101:FeatureCollectionIMSIKB0101 (SIKB0101)"),
    "sikb_lot_several_samples": N_("--lot/--site name the lot of a file with one sample; this "
                                   "file's analyses belong to {samples} samples"),
    "sikb_no_analysis": N_("no immetingen:Analysis in the file: nothing to read"),
    "sikb_no_context": N_("SIKB0101 file ingested without its context"),
}
# Why a line cannot be read (pipelines/ingest/read.py split_fields, _decode_line): inside
# a refusal of the header line, as a message inside a message ({"key": ..., "args": ...}).
LINE_PROBLEMS: dict[str, str] = {
    "quote_after": N_('text after the closing quote of field {field}; a quote inside a quoted '
                      'field is written twice ("")'),
    "quote_inside": N_('a quote inside field {field}, which is not in quotes; put the field in '
                       'quotes and write the quote twice ("5"" pijp")'),
    "quote_open": N_("field {field} opens a quote that this line does not close"),
    "mixed_encoding": N_("byte 0x{byte} (character {position} of the line) is not UTF-8 while "
                         "the line also has UTF-8 characters; save the file as UTF-8"),
}
# Stored words that are values, shown in the reader's language inside a message:
# process_findings.severity and the procedural checks (in the worklist's rule: the English
# is the check's code with spaces, as the rule column writes it)
SEVERITIES: dict[str, str] = {
    "major": N_("major"),
    "minor": N_("minor"),
    "info": N_("info"),
}
# billing_invoice_check_lines.status (dashboard/glossary.py INVOICE_STATUS is this dict)
INVOICE_STATUSES: dict[str, str] = {
    "ok": N_("ok"),
    "missing": N_("missing (expected, not invoiced)"),
    "not_expected": N_("not expected (no tariff rule produced it)"),
    "amount_differs": N_("amount differs"),
    "vat_differs": N_("VAT differs"),
    "index_missing": N_("index missing (cannot check: the year has no index, TAR 9201 §2.2.11)"),
}
CHECKS: dict[str, str] = {
    "lot_size": N_("lot size"),
    "sampling": N_("sampling"),
    "lab_accreditation": N_("lab accreditation"),
    "staff_qualification": N_("staff qualification"),
    "audit_times": N_("audit times"),
    # TRANSLATORS: the procedural check of an LOQ above the limit value (BRL 9341 bijlage II)
    "loq_above_limit": N_("loq above limit"),
}
_DATE_NAME = re.compile(r"(_on|date)$")
# A line number or a year is a name, not a quantity: "regel 1234", never "regel 1.234".
_PLAIN_NAME = re.compile(r"(line|year)$")
# k-values and ratios: always two decimals, as the English column prints them
_TWO_DECIMALS = frozenset({"k", "ratio", "gamma"})


# the messages a value may hold (a message inside a message)
_NESTED: Mapping[str, str] = collections.ChainMap(DETAILS, LINE_PROBLEMS)


def _shown(name: str, value: Any, lang: str | None) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Mapping):  # a message inside a message
        return _message(_NESTED, value["key"], value.get("args"), lang)
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        # messages listed (a status with several causes), as the English joins them
        return "; ".join(_message(DETAILS, v["key"], v.get("args"), lang) for v in value)
    if name == "status" and value in INVOICE_STATUSES:
        return gettext(INVOICE_STATUSES[value], lang=lang)
    if name == "severity" and value in SEVERITIES:
        return gettext(SEVERITIES[value], lang=lang)
    if name == "check" and isinstance(value, str) and value.replace(" ", "_") in CHECKS:
        return gettext(CHECKS[value.replace(" ", "_")], lang=lang)
    if name == "component" and isinstance(value, str):
        return _component(value, lang)
    if name == "components" and isinstance(value, list):
        return ", ".join(_component(str(v), lang) for v in value)
    if isinstance(value, int | float) and name.endswith("_t"):  # tonnes: one decimal
        return _number(value, 1, lang)
    if isinstance(value, int) and _PLAIN_NAME.search(name):
        return str(value)
    if isinstance(value, int | float) and name.endswith("_eur"):
        return fmt.money(value, lang=lang)
    if isinstance(value, int | float) and name in _TWO_DECIMALS:
        return _number(value, 2, lang)
    if isinstance(value, int | float):
        return _number(value, None, lang)
    if isinstance(value, str) and _DATE_NAME.search(name):
        try:
            return fmt.date(dt.date.fromisoformat(value), lang=lang)
        except ValueError:  # not a date after all: as stored
            return value
    return value


def _number(value: int | float, decimals: int | None, lang: str | None) -> str:
    """fmt.number, remembered per language: a table of thousands of rows repeats the same
    few numbers (lot counts, classes, k-values with 2 decimals), and Babel takes 0.1-0.2 ms
    a number (most of a row's rendering)."""
    if decimals is None and isinstance(value, int) and -1000 < value < 1000:
        return str(value)  # no separator, no decimals: the same in every language
    return _number_in(type(value), value, decimals, current_language(lang))


@functools.lru_cache(maxsize=65_536)
def _number_in(kind: type, value: int | float, decimals: int | None, lang: str) -> str:
    del kind  # part of the cache key only: 1 and 1.0 apart
    return fmt.number(value, decimals, lang=lang)


def _component(code: str, lang: str | None) -> str:
    """A component's name in the reader's language (ref_components: name_nl, name_en);
    an unknown code as it is."""
    from pipelines.report.labels import component_name  # imports this package: here

    return component_name(code, lang)


def render(key: str | None, args: Mapping[str, Any] | str | None, fallback: str, *,
           lang: str | None = None) -> str:
    """The message of ``key`` with ``args`` (a mapping or its JSON) in the reader's
    language; ``fallback`` (the stored English text) when the key is missing or unknown
    or the values do not fit the template (a page must never fail on an old row)."""
    return _render(REASONS, key, args, fallback, lang)


def refusal_text(key: str, args: Mapping[str, Any], lang: str | None = None) -> str:
    """The refusal ``key`` with ``args`` in ``lang``; raises on an unknown key or values
    that do not fit (``UnreadableFile`` builds its English text with it)."""
    return _message(REFUSALS, key, args, lang)


def render_refusal(key: str | None, args: Mapping[str, Any] | str | None, fallback: str,
                   *, lang: str | None = None) -> str:
    """As ``render``, for a file refused whole (``REFUSALS``)."""
    return _render(REFUSALS, key, args, fallback, lang)


def render_detail(key: str | None, args: Mapping[str, Any] | str | None, fallback: str, *,
                  lang: str | None = None) -> str:
    """As ``render``, for the texts of the SQL views (``DETAILS``)."""
    return _render(DETAILS, key, args, fallback, lang)


def _message(templates: Mapping[str, str], key: str, args: Mapping[str, Any] | str | None,
             lang: str | None) -> str:
    values = json.loads(args) if isinstance(args, str) else dict(args or {})
    shown = {name: _shown(name, value, lang) for name, value in values.items()}
    return gettext(templates[key], lang=lang).format(**shown)


def _render(templates: Mapping[str, str], key: str | None,
            args: Mapping[str, Any] | str | None, fallback: str, lang: str | None) -> str:
    if not key or key not in templates:
        return fallback
    try:
        return _message(templates, key, args, lang)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return fallback


def render_reasons(frame: pl.DataFrame, *, lang: str | None = None) -> pl.DataFrame:
    """``frame`` (quarantine rows) with its ``reason`` in the reader's language, taken from
    ``reason_key``/``reason_args``, which are dropped; a frame without them as it is."""
    if "reason_key" not in frame.columns:
        return frame
    shown = _rendered(REASONS, frame["reason_key"], frame["reason_args"], frame["reason"],
                      _language_once(frame, lang))
    return frame.with_columns(pl.Series("reason", shown, dtype=pl.String)).drop(
        "reason_key", "reason_args")


def render_detail_columns(frame: pl.DataFrame, columns: Mapping[str, str], *,
                          lang: str | None = None) -> pl.DataFrame:
    """``frame`` with each text column of ``columns`` (text column -> the prefix of its
    ``<prefix>_key``/``<prefix>_args``) in the reader's language; the key and values
    columns are dropped. A frame without them is returned as it is."""
    lang = _language_once(frame, lang)
    for column, prefix in columns.items():
        key, args = f"{prefix}_key", f"{prefix}_args"
        if key not in frame.columns:
            continue
        shown = _rendered(DETAILS, frame[key], frame[args], frame[column], lang)
        frame = frame.with_columns(pl.Series(column, shown, dtype=pl.String)).drop(key, args)
    return frame


def _language_once(frame: pl.DataFrame, lang: str | None) -> str | None:
    """The reader's language looked up once per frame, not per value: a lookup reads the
    session state, and 20 000 plan rows made 160 000 of them (issue 26: 10 s of CPU)."""
    return current_language(lang) if frame.height else lang


def _rendered(templates: Mapping[str, str], keys: pl.Series, args: pl.Series,
              fallbacks: pl.Series, lang: str | None) -> list[str]:
    """Each row's message, each distinct (key, values, fallback) rendered once: a column
    repeats a few texts over many rows (the Sampling plan: 6 frequencies and some
    thousands of reasons over 47 000 series at scale 100)."""
    done: dict[tuple[object, object, object], str] = {}
    shown: list[str] = []
    for row in zip(keys.to_list(), args.to_list(), fallbacks.to_list(), strict=True):
        try:
            known = row in done
        except TypeError:  # values given as a mapping, not JSON text: not hashable
            shown.append(_render(templates, *row, lang))
            continue
        if not known:
            done[row] = _render(templates, *row, lang)
        shown.append(done[row])
    return shown
