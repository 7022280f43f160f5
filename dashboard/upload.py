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
from pipelines.i18n import _, fmt, ngettext
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
        raise UploadRefused(_("{name} ({role}) may not upload files").format(
            name=viewer.name, role=viewer.role))
    report = step or (lambda fraction, text: None)
    files = list(uploads)
    with tempfile.TemporaryDirectory(prefix="upload-") as scratch:
        paths = []
        for number, upload in enumerate(files, start=1):
            # the file name is shown in the log and the quarantine; keep only its last part
            path = Path(scratch) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            paths.append(path)
            report(0.2 * number / len(files), _("Received {name}").format(name=path.name))
        if not store.exists():
            init_store(store)
        report(0.25, ngettext(
            "Ingesting {n} file: validating, loading, then refreshing the stored tables…",
            "Ingesting {n} files: validating, loading, then refreshing the stored tables…",
            len(paths)).format(n=fmt.number(len(paths))))
        with connect_write(store) as con:
            results = ingest_files(con, paths, source="upload",  # issue 25: import log
                                   by_user=viewer.username or viewer.name)
        report(1.0, _("Done"))
    for result in results:
        # the scratch folder means nothing to the person who uploaded the file
        result.file_name = Path(result.file_name).name
    from pipelines.audit import record_ingest  # issue 10: uploads go to the audit log

    record_ingest(store, results, actor=viewer.username or viewer.name, action="upload")
    return results


def upload_summary(result: FileResult) -> str:
    """A file's outcome for the person who uploaded it: in the reader's language, the
    counts in the reader's notation (the command line and the audit log keep plain digits)."""
    return result.summary_in(grouped=True)
