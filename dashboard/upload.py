"""The dashboard's upload: uploaded files go through the same pipeline as
``python -m pipelines ingest`` (pipelines.ingest.ingest_files on a write connection of
pipelines.store), never through the dashboard's read-only reader.

Only a viewer of the certification body may write; the check is here, where the write
happens, not only in the page.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from dashboard.viewer import Viewer
from pipelines.ingest import FileResult, ingest_files
from pipelines.store import connect_write, init_store


class Upload(Protocol):
    """One uploaded file, a name and its bytes (dashboard/file_input.ReceivedFile; the
    shape of st.file_uploader's files too)."""

    name: str

    def getvalue(self) -> bytes: ...


class UploadRefused(PermissionError):
    """The viewer may not write to the store."""


def may_upload(viewer: Viewer) -> bool:
    return viewer.sees_all and viewer.role in {"management", "admin"}


def ingest_uploads(viewer: Viewer, uploads: Iterable[Upload], store: Path,
                   step: Callable[[float, str], None] | None = None) -> list[FileResult]:
    """Write the uploads under their own names to a scratch folder and ingest them into
    ``store`` as the CLI does (kind from the header, master data first, one transaction
    per file, materialized tables refreshed once). ``step(fraction, text)`` reports
    progress."""
    if not may_upload(viewer):
        raise UploadRefused(f"{viewer.name} ({viewer.role}) may not upload files")
    report = step or (lambda fraction, text: None)
    files = list(uploads)
    with tempfile.TemporaryDirectory(prefix="upload-") as scratch:
        paths = []
        for number, upload in enumerate(files, start=1):
            # the file name is shown in the log and the quarantine; keep only its last part
            path = Path(scratch) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            paths.append(path)
            report(0.2 * number / len(files), f"Received {path.name}")
        if not store.exists():
            init_store(store)
        report(0.25, f"Ingesting {len(paths)} file(s): validating, loading, then refreshing "
                     "the stored tables…")
        with connect_write(store) as con:
            results = ingest_files(con, paths, source="upload",  # issue 25: import log
                                   by_user=viewer.username or viewer.name)
        report(1.0, "Done")
    for result in results:
        # the scratch folder means nothing to the person who uploaded the file
        result.file_name = Path(result.file_name).name
    from pipelines.audit import record_ingest  # issue 10: uploads go to the audit log

    record_ingest(store, results, actor=viewer.username or viewer.name, action="upload")
    return results
