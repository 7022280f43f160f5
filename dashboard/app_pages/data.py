"""Data: what was ingested and what was quarantined, and the upload (body only)."""

from __future__ import annotations

import streamlit as st

from dashboard import services
from dashboard.app_pages.common import plain, require, show_table
from dashboard.file_input import file_input
from dashboard.queries import admin as queries
from pipelines.i18n import _, fmt
from pipelines.i18n.keys import render_reasons

ctx = require("data")
st.title(_("Data"))

if not ctx.viewer.sees_all:
    # A file mixes certificates: a producer sees only the rejected rows naming its own.
    st.caption(_("Rows of your certificates that were rejected at ingestion, with the "
                 "reason. Send a corrected file to the certification body."))
    own = render_reasons(queries.quarantine(ctx.viewer, ctx.as_of))  # reader's language
    if own.is_empty():
        st.info(_("No rejected rows for your certificates."))
    else:
        show_table(own, limit=queries.MAX_ROWS, key="quarantine_own",
                   columns=["source_file", "source_line", "kind", "column_name",
                            "bad_value", "reason", "ingested_at", "source_sha256"])
    st.stop()

if services.may_upload(ctx.viewer):
    with st.expander(_("Upload files"), icon=":material/upload:"):
        st.caption(_("CSV or XLSX, one header row; the kind (lab, audit, invoice, …) is read "
                     "from the header; lab reports also as SIKB0101 XML. The same pipeline "
                     "as `python -m pipelines ingest`: bad rows go to quarantine with the "
                     "reason, a file already ingested loads nothing."))
        # not st.file_uploader: its upload URLs carry the Streamlit session id (issue 24)
        files = file_input(_("Files"), key="upload_files")
        if files:
            bar = st.progress(0.0, text=_("Starting…"))
            results = services.ingest_uploads(ctx.viewer, files,
                                              step=lambda f, text: bar.progress(f, text=text))
            for result in results:
                # the summary holds the file name: escaped, never read as Markdown
                box = st.error if result.error else (
                    st.warning if result.rows_quarantined else st.success)
                box(plain(services.upload_summary(result)))
                if result.problems:
                    st.text("\n".join(result.problems[:5]))

log = queries.ingestion_log(ctx.viewer, ctx.as_of)
bad = render_reasons(queries.quarantine(ctx.viewer, ctx.as_of))  # the reader's language

m1, m2, m3 = st.columns(3)
m1.metric(_("Files ingested"), fmt.number(log.height))
m2.metric(_("Rows loaded"), fmt.number(int(log["rows_loaded"].sum() or 0)))
m3.metric(_("Rows in quarantine"), fmt.number(bad.height))

st.subheader(_("Ingestion log"))
st.caption(_("Every file ingested up to now, whatever the as-of date ({day}): the log "
             "records when files arrived, not the dates in them, so it does not follow the "
             "as-of date.").format(day=fmt.date(ctx.as_of)))
if log.is_empty():
    st.info(_("No file has been ingested yet. Upload files above, or run "
              "`python -m pipelines ingest --db PATH FILE...`."))
else:
    show_table(log, limit=queries.MAX_ROWS, key="ingestion_log",
               columns=["ingested_at", "file_name", "kind", "rows_read", "rows_loaded",
                        "rows_unchanged", "rows_quarantined", "file_id", "source_sha256"])

st.subheader(_("Quarantine"))
st.caption(_("Rows rejected at ingestion, with the reason; nothing of them was stored. Like "
             "the log, this does not follow the as-of date."))
if bad.is_empty():
    st.info(_("No quarantined rows."))
else:
    show_table(bad, limit=queries.MAX_ROWS, key="quarantine",
               columns=["source_file", "source_line", "kind", "certificate_number",
                        "column_name", "bad_value", "reason", "raw_row", "ingested_at"])
