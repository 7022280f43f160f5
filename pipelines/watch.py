"""The watched inbox (issue 25): ``python -m pipelines watch --db PATH DIR``.

Every file that lands in DIR is ingested once it is complete, then moved to DIR/done/ or
DIR/failed/ with a short report beside it (``<name>.report.txt``). Complete means: it
arrived by a rename into DIR (the safe way to deliver: write ``x.part``, rename to ``x``),
or its size and modification time stayed the same for the settling time. Names a writer
uses while writing (``.x``, ``~x``, ``x.part``, ``x.tmp`` …) are never taken.

watchdog reports what happens in DIR (inotify on Linux), so a file is taken within a
fraction of a second of being complete; a scan of DIR every poll interval catches what a
notification may have missed (network shares). One file at a time, each in its own
transaction (the ingest itself); a bad file goes to failed/ and the watch goes on.
SIGTERM or Ctrl-C ask it to stop: the file in hand is finished and moved first.
"""

from __future__ import annotations

import datetime as dt
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from pipelines import imports
from pipelines.i18n import cli_language
from pipelines.i18n.cli import _
from pipelines.ingest.read import printable

DONE, FAILED = "done", "failed"
REPORT_SUFFIX = ".report.txt"
TEMPORARY_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".filepart",
                      ".swp", REPORT_SUFFIX)


def is_temporary(name: str) -> bool:
    """A name a writer uses while the file is not complete, or our own report."""
    lower = name.lower()
    return lower.startswith((".", "~")) or lower.endswith(TEMPORARY_SUFFIXES)


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    stable_since: float


class _Wake(FileSystemEventHandler):
    """Notes renames into the inbox and wakes the loop on any change."""

    def __init__(self, inbox: Path, wake: threading.Event) -> None:
        self.inbox, self.wake = inbox, wake
        self.renamed: set[str] = set()
        self.lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type == "moved":
            dest = Path(str(event.dest_path))
            if dest.parent == self.inbox:
                with self.lock:
                    self.renamed.add(dest.name)
        self.wake.set()

    def take_renamed(self) -> set[str]:
        with self.lock:
            names, self.renamed = self.renamed, set()
        return names


def _free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or with the time added when a file of that name is already there."""
    target = folder / name
    if not target.exists() and not (folder / (name + REPORT_SUFFIX)).exists():
        return target
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    stem, dot, suffix = name.rpartition(".")
    return folder / (f"{stem}.{stamp}.{suffix}" if dot and stem else f"{name}.{stamp}")


def ingest_one(db_path: Path, path: Path, inbox: Path) -> tuple[str, Path]:
    """Ingest one complete file, move it with its report; returns (folder, new path)."""
    from pipelines.ingest import ingest_files
    from pipelines.store import connect_write, init_store

    started = time.monotonic()
    lines: list[str] = []
    try:
        if not db_path.exists():
            init_store(db_path)
        with connect_write(db_path) as con:
            results = ingest_files(con, [path], source="inbox", by_user=imports.current_user())
        result = results[0]
        result.file_name = path.name  # the report sits beside the file: its name suffices
        folder = FAILED if result.error else DONE
        language = cli_language()  # the report is the operator's, as the command's output
        lines.append(result.summary_in(language))
        lines += ["  " + _("note: {note}").format(note=n) for n in result.notes]
        lines += [f"  {p}" for p in result.problems]
        if result.rows_quarantined > len(result.problems):
            lines.append("  " + _("... (all reasons are in the quarantine, Imports page)"))
    except Exception as exc:  # the store or the file system failed: this file, not the watch
        folder = FAILED
        lines.append(_("{file}: not ingested: {reason}").format(file=path.name,
                                                               reason=printable(exc, 300)))
    lines.append(_("ingested {at} in {seconds} s into {path}").format(
        at=f"{dt.datetime.now():%Y-%m-%d %H:%M:%S}",
        seconds=f"{time.monotonic() - started:.1f}", path=db_path))
    target_dir = inbox / folder
    target_dir.mkdir(exist_ok=True)
    target = _free_name(target_dir, path.name)
    path.replace(target)
    # the report holds ingested text (file names, bad values): plain text, never rendered
    Path(str(target) + REPORT_SUFFIX).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder, target


def watch(db_path: Path, inbox: Path, stop: threading.Event, *, settle_s: float = 2.0,
          poll_s: float = 1.0, on_file: object = None) -> int:
    """Watch ``inbox`` until ``stop`` is set; returns how many files were taken.
    ``on_file(folder, path)`` is called after each file (the CLI prints a line)."""
    inbox = Path(inbox).resolve()
    for folder in (DONE, FAILED):
        (inbox / folder).mkdir(parents=True, exist_ok=True)
    wake = threading.Event()
    handler = _Wake(inbox, wake)
    observer = Observer()
    observer.schedule(handler, str(inbox), recursive=False)
    observer.start()
    seen: dict[str, _Seen] = {}
    taken = 0
    try:
        while not stop.is_set():
            renamed = handler.take_renamed()
            now = time.monotonic()
            ready: list[Path] = []
            present = set()
            for path in sorted(inbox.iterdir()):
                if not path.is_file() or is_temporary(path.name):
                    continue
                present.add(path.name)
                try:
                    info = path.stat()
                except FileNotFoundError:  # gone between listing and looking
                    continue
                before = seen.get(path.name)
                if before is None or (before.size, before.mtime_ns) != (info.st_size,
                                                                          info.st_mtime_ns):
                    seen[path.name] = before = _Seen(info.st_size, info.st_mtime_ns, now)
                if path.name in renamed or now - before.stable_since >= settle_s:
                    ready.append(path)
            for name in set(seen) - present:
                del seen[name]
            for path in ready:
                # a stop asked during the previous file: leave the rest for the next run
                if stop.is_set():
                    break
                seen.pop(path.name, None)
                try:
                    folder, target = ingest_one(db_path, path, inbox)
                except OSError as exc:  # moved away or unreadable meanwhile: next scan
                    print(f"{path.name}: {printable(exc, 200)}", file=sys.stderr)
                    continue
                taken += 1
                if callable(on_file):
                    on_file(folder, target)
            wake.wait(min(poll_s, settle_s / 2) if seen else poll_s)
            wake.clear()
    finally:
        observer.stop()
        observer.join(timeout=5)
    return taken


def run(db_path: Path, inbox: Path, settle_s: float) -> int:
    """The CLI: watch until SIGTERM or Ctrl-C, which finish the file in hand first."""
    if not inbox.is_dir():
        print(_("error: {path} is not a folder").format(path=inbox), file=sys.stderr)
        return 2
    stop = threading.Event()

    def ask_stop(signum: int, _frame: object) -> None:
        print(_("stopping ({signal}): finishing the file in hand").format(
            signal=signal.Signals(signum).name), file=sys.stderr)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, ask_stop)
    print(_("watching {path} (settling time {seconds} s); done/ and failed/ beside it").format(
        path=inbox, seconds=f"{settle_s:g}"), file=sys.stderr)
    sys.stderr.flush()
    taken = watch(db_path, inbox, stop, settle_s=settle_s,
                  on_file=lambda folder, target: print(f"{folder}: {target.name}", flush=True))
    print(_("stopped after {n} file(s)").format(n=taken), file=sys.stderr)
    return 0
