"""Files that hold names or passwords are created owner-only (issue 24, docs/security.md).

``private_file`` creates (or empties) a file with mode 0600 before a library writes into it
(polars, xlsxwriter and Typst open an existing file and truncate it, keeping its mode), so
there is no moment at which the file is readable by others; a file that already existed
with a wider mode is narrowed. ``PRIVATE_UMASK`` is set by the command line so that files
written by libraries the project does not open itself (DuckDB's WAL, lock files) are
owner-only too.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
PRIVATE_UMASK = 0o077


def private_file(path: Path | str) -> Path:
    """Create ``path`` empty with mode 0600 (or empty an existing one and narrow it)."""
    path = Path(path)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # an existing file keeps its old mode through O_CREAT
    finally:
        os.close(fd)
    return path


def write_private(path: Path | str, content: bytes) -> Path:
    """Write ``content`` to a file readable and writable by its owner only."""
    path = Path(path)
    fd = os.open(private_file(path), os.O_WRONLY | os.O_TRUNC)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    return path


def private_dir(path: Path | str) -> Path:
    """Create a folder (and its parents) for private files: a new folder gets mode 0700;
    an existing one is left as it is (it may be a shared folder the user chose)."""
    path = Path(path)
    if not path.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir(mode=DIR_MODE, exist_ok=True)
    return path
