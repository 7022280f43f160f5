"""Data: what was ingested and what was quarantined (the upload form comes later)."""

from __future__ import annotations

import streamlit as st

from dashboard import queries
from dashboard.app_pages.common import require, show_table

ctx = require("data")
st.title("Data")

if not ctx.viewer.sees_all:
    # A file mixes certificates: a producer sees only the rejected rows naming its own.
    st.caption("Rows of your certificates that were rejected at ingestion, with the reason. "
               "Send a corrected file to the certification body.")
    own = queries.quarantine(ctx.viewer, ctx.as_of)
    if own.is_empty():
        st.info("No rejected rows for your certificates.")
    else:
        show_table(own, limit=queries.MAX_ROWS)
    st.stop()

st.caption("Files are loaded with `python -m pipelines ingest --db PATH FILE...`; rows that "
           "fail validation are kept in quarantine with the reason.")

log = queries.ingestion_log(ctx.viewer, ctx.as_of)
bad = queries.quarantine(ctx.viewer, ctx.as_of)

m1, m2, m3 = st.columns(3)
m1.metric("Files ingested", f"{log.height:,}")
m2.metric("Rows loaded", f"{int(log['rows_loaded'].sum() or 0):,}")
m3.metric("Rows in quarantine", f"{bad.height:,}")

st.subheader("Ingestion log")
if log.is_empty():
    st.info("No file has been ingested yet.")
else:
    show_table(log, limit=queries.MAX_ROWS)

st.subheader("Quarantine")
if bad.is_empty():
    st.info("No quarantined rows.")
else:
    show_table(bad, limit=queries.MAX_ROWS)
