"""A Babel extractor for labels written in SQL (babel.cfg: ``[pipelines.i18n.extract.
extract_sql: sql/**.sql]``).

A SQL string literal that people read is marked with a comment right after it:

    case when overdue then 'overdue' /* i18n */ else 'open' /* i18n */ end as state_label
    'payment within 30 days' /* i18n: worklist rule */ as rule

The literal (with ``''`` unescaped) becomes a msgid of the messages domain; the text after
``i18n:`` becomes its msgctxt (for ``pgettext``), so the page translates the value with
``_()`` or ``pgettext(context, value)``. Texts built by concatenation cannot be msgids:
those views should give a message key and its values instead (docs/i18n.md, step 4).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

_MARKED = re.compile(r"'(?P<text>(?:[^']|'')*)'\s*/\*\s*i18n(?::\s*(?P<context>[^*]*?))?\s*\*/")
_LINE_COMMENT = re.compile(r"--[^\n]*")


def _blank_line_comments(source: str) -> str:
    """``--`` comments replaced by spaces (same offsets), outside string literals: a
    quote in a header comment ("the lab's method") must not open a literal."""
    out, i, n = [], 0, len(source)
    while i < n:
        char = source[i]
        if char == "'":  # copy a whole literal, '' included
            end = i + 1
            while end < n:
                if source[end] == "'" and source[end + 1:end + 2] == "'":
                    end += 2
                elif source[end] == "'":
                    break
                else:
                    end += 1
            out.append(source[i:end + 1])
            i = end + 1
        elif source.startswith("--", i):
            match = _LINE_COMMENT.match(source, i)
            assert match is not None
            out.append(" " * (match.end() - i))
            i = match.end()
        else:
            out.append(char)
            i += 1
    return "".join(out)


def extract_sql(fileobj: IO[bytes], keywords: Mapping[str, Any],
                comment_tags: Collection[str], options: Mapping[str, Any],
                ) -> Iterator[tuple[int, str, str | tuple[str, ...], list[str]]]:
    """Babel's extractor interface: (line number, function, message, comments) per marked
    literal; the function is ``pgettext`` when the marker names a context."""
    encoding = options.get("encoding", "utf-8")
    source = _blank_line_comments(fileobj.read().decode(encoding))
    for match in _MARKED.finditer(source):
        lineno = source.count("\n", 0, match.start()) + 1
        text = match["text"].replace("''", "'")
        context = (match["context"] or "").strip()
        if context:
            yield lineno, "pgettext", (context, text), []
        else:
            yield lineno, "_", text, []
