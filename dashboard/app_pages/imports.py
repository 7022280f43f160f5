"""Imports (issue 25): every file ingested — command line, upload, watched inbox — with who,
when, from where and what became of it; a file's quarantined rows on selection, as CSV;
and a corrected file ingested again. Management and admin (files mix certificates)."""

from __future__ import annotations

import streamlit as st

from dashboard import glossary, services
from dashboard.app_pages.common import plain, require, show_table, url_selectbox
from dashboard.file_input import file_input
from dashboard.queries import admin as queries
from pipelines.i18n import _, fmt
from pipelines.i18n.keys import render_reasons, render_refusal

ctx = require("imports")
st.title(_(glossary.IMPORTS))
st.caption(_("One line per file per ingest, newest first, whatever the as-of date: the log "
             "records when files arrived. Choose an ingest below the list to see that file's "
             "quarantined rows."))

log = queries.imports(ctx.viewer, ctx.as_of)
outcome = url_selectbox(_("Outcome"), list(glossary.IMPORT_OUTCOMES), "outcome",
                        key="imports_outcome", optional=True, placeholder=_("all"),
                        format_func=lambda o: glossary.value_label("outcome", o))
shown = log if outcome is None else log.filter(log["outcome"] == outcome)
show_table(shown, limit=queries.MAX_ROWS, key="imports",
           empty=_("No file has been ingested yet."),
           columns=["started_at", "file", "kind", "import_source", "by_user", "outcome",
                    "rows_loaded", "rows_quarantined", "duration_s", "sha256"])

# The drill-down: one ingest of the list, by its position (a file may be listed twice).
picked = st.selectbox(
    _("Quarantined rows of"), range(shown.height), index=None, key="imports_file",
    placeholder=_("choose an ingest"),
    format_func=lambda i: f"{shown['file'][i]} — {fmt.date_time(shown['started_at'][i])}")
if picked is not None:
    row = shown.row(picked, named=True)
    if row["reason"] is not None:  # refused whole: why, in the reader's language
        st.error(plain(_("Refused whole: {reason}").format(reason=render_refusal(
            row["reason_key"], row["reason_args"], row["reason"]))))
    elif row["sha256"] is None:  # refused before the reason was kept (issue 27)
        st.info(_("This file was refused whole: it has no rows. Its reason was printed by "
                  "the command or the upload; correct the file and ingest it again below."))
    else:
        rows = render_reasons(  # the reasons in the reader's language
            queries.import_quarantine(ctx.viewer, ctx.as_of, row["sha256"]))
        if rows.is_empty():
            st.info(_("No row of this file is in quarantine."))
        else:
            show_table(rows, limit=queries.MAX_ROWS, key="import_quarantine",
                       columns=["source_line", "xml_path", "column_name", "bad_value",
                                "reason", "certificate_number", "raw_row"],
                       download=f"quarantine_{row['sha256'][:12]}")

if services.may_upload(ctx.viewer):
    st.subheader(_("Ingest a corrected file"))
    st.caption(_("The same pipeline as `python -m pipelines ingest`: a corrected file (same "
                 "name, new content) takes over the quarantine of the rows it holds again."))
    # not st.file_uploader: its upload URLs carry the Streamlit session id (issue 24)
    files = file_input(_("Corrected file"), key="reingest_files")
    if files:
        for result in services.ingest_uploads(ctx.viewer, files):
            box = st.error if result.error else (
                st.warning if result.rows_quarantined else st.success)
            box(plain(services.upload_summary(result)))
