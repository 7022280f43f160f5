"""The Dutch glossary: the terms of the sources, with their English translation.

``locale/glossary.pot`` is the glossary: each msgid is a Dutch term as the sources write
it (``partij``, plural ``partijen``), with a comment ``#. bron: FILE: "quote"`` quoting
the source text it is taken from; ``locale/en/LC_MESSAGES/glossary.po`` translates it into
English. Tests check every quote is in its source file, so a term cannot drift from the
sources (issue 27 point 1: the English is the translation, not the other way round).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

SOURCES_DIR = Path(__file__).resolve().parents[2] / "data" / "sources"
# One source quote per comment line: bron: <file name>: "<text as in the file>"
_SOURCE = re.compile(r'^bron: (?P<file>[\w.-]+\.txt): "(?P<quote>.+)"$')


@dataclass(frozen=True)
class Entry:
    msgid: str
    plural: str | None
    sources: tuple[tuple[str, str], ...]  # (file name in data/sources, quote)
    notes: tuple[str, ...]  # the other extracted comments: what the term means here


def read_template(path: Path) -> list[Entry]:
    """The glossary's entries, in file order."""
    with path.open("rb") as handle:
        catalogue = read_po(handle, domain="glossary")
    entries = []
    for message in catalogue:
        if not message.id:
            continue
        msgid, plural = (message.id if isinstance(message.id, tuple) else (message.id, None))
        sources, notes = [], []
        for comment in _joined(message.auto_comments):
            match = _SOURCE.match(comment)
            if match:
                sources.append((match["file"], match["quote"]))
            else:
                notes.append(comment)
        entries.append(Entry(msgid, plural, tuple(sources), tuple(notes)))
    return entries


def _joined(comments: list[str]) -> list[str]:
    """The extracted comments with a ``bron:`` quote that Babel wrapped over lines joined."""
    joined: list[str] = []
    for comment in (c.strip() for c in comments):
        if joined and joined[-1].startswith("bron:") and not _SOURCE.match(joined[-1]):
            joined[-1] += " " + comment
        else:
            joined.append(comment)
    return joined


def _flat(text: str) -> str:
    """Whitespace and Markdown emphasis as in the source files taken out of the way."""
    text = re.sub(r"[\"“”„]", "'", text.replace("*", ""))
    return re.sub(r"\s+", " ", text).strip().lower()


def quote_in_source(file_name: str, quote: str, sources_dir: Path = SOURCES_DIR) -> bool:
    """Whether ``quote`` is in the source file (case and spacing aside)."""
    path = sources_dir / file_name
    return path.is_file() and _flat(quote) in _flat_file(path)


@functools.lru_cache(maxsize=16)
def _flat_file(path: Path) -> str:
    return _flat(path.read_text(encoding="utf-8"))


def find_in_sources(term: str, sources_dir: Path = SOURCES_DIR,
                    width: int = 70) -> list[tuple[str, int, str]]:
    """(file, line number, quote of about ``width`` characters around it) of each line
    of the sources that has ``term`` as a word or the start of one; for a new entry."""
    pattern = re.compile(rf"\b{re.escape(term)}", re.IGNORECASE)
    found = []
    for path in sorted(sources_dir.glob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            text = line.replace("*", "")
            match = pattern.search(text)
            if match:
                start = max(0, match.start() - width // 3)
                window = text[start:start + width]
                # whole words only: a cut word at either end reads as a typo
                if start > 0 and text[start - 1].isalnum():
                    window = window.split(" ", 1)[-1]
                if start + width < len(text) and text[start + width].isalnum():
                    window = window.rsplit(" ", 1)[0]
                quote = re.sub(r"\s+", " ", window).strip()
                found.append((path.name, number, re.sub(r"[\"“”„]", "'", quote)))
    return found
