"""``python -m pipelines maintain``: housekeeping of the store, audited (issue 24;
docs/contract.md "merge small files, expire old snapshots, remove unreferenced files").

For today's store (one DuckDB file and its published read-only snapshots,
docs/concurrency.md) that is: under the writer lock, fold the WAL into the file
(``checkpoint``), make sure the published snapshot is the store as it is now, and remove
every other snapshot and any copy a failed writer left half-made. A store on DuckLake
(issue 23) will do its own merge / expire / cleanup here instead; the summary and the audit
line stay the same.

Which snapshots a reader can still need: readers open the one ``CURRENT`` names
(``readable_snapshot``); a reader that has an older one open keeps reading it after it is
unlinked (Linux keeps the file until its last descriptor closes), and the dashboard chooses
again when the file it chose is gone (dashboard/db.py). So only the current snapshot is
kept. While the writer lock is held no writer can publish a newer one.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pipelines.audit import cli_actor, cli_client, record
from pipelines.config import settings
from pipelines.i18n import fmt, gettext
from pipelines.store import connect, publish_snapshot, snapshot_dir, writer_lock


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _footprint(db: Path) -> dict[str, int]:
    """Bytes on disk: the store file, its WAL, its snapshot folder."""
    folder = snapshot_dir(db)
    snapshots = sum(_size(p) for p in folder.iterdir() if p.is_file()) if folder.is_dir() else 0
    return {"store": _size(db), "wal": _size(db.with_name(db.name + ".wal")),
            "snapshots": snapshots}


def _mb(n: int, lang: str = "en") -> str:
    return f"{fmt.number(n / 1e6, 1, lang=lang)} MB"


def run_maintenance(db: Path | str | None = None, *, actor: str | None = None,
                    client: str | None = None, timeout_s: float | None = None
                    ) -> dict[str, Any]:
    """Maintain the store at ``db`` (see the module docstring) and write one ``maintain``
    line to the audit log (``actor`` and ``client`` default to the OS user and the
    machine, as for the other commands). Waits at most ``timeout_s`` (default
    CERT_WRITER_WAIT_S) for the writer ahead. Returns what it did: bytes before and after
    (``bytes_before``, ``bytes_after``, and per part), the snapshots removed and kept,
    the half-made copies removed, and the seconds it took."""
    path = Path(db or settings().db_path)
    if not path.exists():
        raise FileNotFoundError(f"no store at {path}; create it with:"
                                f" python -m pipelines init --db {path}")
    started = time.monotonic()
    with writer_lock(path, timeout_s):
        before = _footprint(path)
        con = connect(path, read_only=False, timeout_s=timeout_s)
        try:
            con.execute("checkpoint")  # the WAL into the file; freed blocks reused
        finally:
            con.close()
        # The store as it is now: a new snapshot only when the store changed since the
        # last one (written without connect_write, or never published).
        current = publish_snapshot(path)
        folder = snapshot_dir(path)
        removed, partial = [], []
        for file in sorted(folder.iterdir()):
            if file == current or not file.is_file() or file.name == "CURRENT":
                continue
            if file.suffix == ".duckdb" and file.stem.isdigit():
                removed.append(file.name)
            elif file.name.endswith(".partial"):  # a copy a failed writer did not finish
                partial.append(file.name)
            else:
                continue  # not ours: left alone
            file.unlink(missing_ok=True)
        after = _footprint(path)
    summary: dict[str, Any] = {
        "store": str(path),
        "bytes_before": sum(before.values()),
        "bytes_after": sum(after.values()),
        "parts_before": before,
        "parts_after": after,
        "snapshot_kept": current.name,
        "snapshots_removed": removed,
        "partial_removed": partial,
        "seconds": round(time.monotonic() - started, 3),
    }
    record(path, actor or cli_actor(), "maintain", describe(summary), client or cli_client())
    return summary


def describe(summary: dict[str, Any], lang: str = "en") -> str:
    """The summary in one line: English for the audit line's detail (stored text), the
    operator's language for the command's output."""
    removed = summary["snapshots_removed"]
    # "(s)" kept: the English detail is what the audit log has always stored
    text = gettext("checkpoint; {n} old snapshot(s) removed", lang=lang).format(n=len(removed))
    text += (f" ({', '.join(removed)})" if removed else "")
    text += gettext(", kept {snapshot}", lang=lang).format(snapshot=summary["snapshot_kept"])
    if summary["partial_removed"]:
        n = len(summary["partial_removed"])
        text += gettext("; {n} unfinished copy(ies) removed", lang=lang).format(n=n)
    return text + gettext("; {before} -> {after} on disk; {seconds} s", lang=lang).format(
        before=_mb(summary["bytes_before"], lang), after=_mb(summary["bytes_after"], lang),
        seconds=fmt.number(summary["seconds"], 2, lang=lang))
