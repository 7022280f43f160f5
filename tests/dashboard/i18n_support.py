"""For the page tests of issue 27 point 5: all text an AppTest run shows (titles, text,
labels, options, help, metric values, table headers), and the checks that a Dutch page
shows no English notation and no untranslated English catalogue string.

Table cells are not in it: the grid formats numbers in the browser (docs/i18n.md,
"Tables"); the browser test checks those.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from streamlit.testing.v1 import AppTest

from pipelines.i18n.catalogues import po_path, read_catalogue
from pipelines.i18n.checks import untranslated_in
from pipelines.i18n.notation import english_notation

_TEXT_ATTRIBUTES = ("label", "body", "value", "help", "placeholder", "caption")


def _headers(node: Any, columns: Iterable[Any]) -> list[str]:
    """The headers a table shows: a column's column_config label where it has one (the
    frame's own column names are codes the reader never sees), else its name."""
    config = getattr(getattr(node, "proto", None), "columns", None)
    try:
        labels = json.loads(config) if isinstance(config, str) and config else {}
    except ValueError:
        labels = {}
    shown = []
    for column in columns:
        entry = labels.get(str(column)) or labels.get(f"col:{column}") or {}
        shown.append(str(entry.get("label") or column) if isinstance(entry, dict)
                     else str(column))
    return shown


def _texts(node: Any) -> Iterator[str]:
    try:
        options = node.options
    except Exception:  # an element without options raises (which, varies by type)
        options = None
    for name in _TEXT_ATTRIBUTES:
        if name == "value" and isinstance(options, list):
            continue  # a choice's value is the option as the code has it; options are shown
        try:
            value = getattr(node, name)
        except Exception:  # an element without it raises (which, varies by type)
            continue
        if isinstance(value, str) and value:
            yield value
    if isinstance(options, list):
        yield from (str(option) for option in options)
    try:
        frame = node.value
    except Exception:  # as above
        frame = None
    if hasattr(frame, "columns") and not isinstance(frame, str):
        yield from _headers(node, frame.columns if frame.columns is not None else ())
    for child in getattr(node, "children", {}).values():
        yield from _texts(child)


def rendered_text(at: AppTest) -> str:
    """Every text of the run, one per line, in page order (main, then sidebar)."""
    return "\n".join(dict.fromkeys(_texts(at._tree)))  # each text once


@functools.cache
def dutch_words() -> frozenset[str]:
    """Every word of the Dutch translations: an English msgid that is one of them ("met",
    "Open", "Product") cannot tell an untranslated string from Dutch text."""
    words: set[str] = set()
    for message in read_catalogue(po_path("nl", "messages"), "nl"):
        if not message.id:
            continue  # the header (its "Language: nl_NL" is no Dutch text)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            words.update(re.findall(r"\w+", text or ""))
    return frozenset(words)


def dutch_page_problems(at: AppTest, ignore: tuple[str, ...] = (),
                        data: Iterable[str] = ()) -> list[str]:
    """English notation and untranslated catalogue strings on a page rendered in Dutch.
    ``data``: texts the page shows as read from the store (ingested names, texts the SQL
    views build), left out of the check."""
    text = rendered_text(at)
    for value in sorted(set(data), key=len, reverse=True):
        if value:
            text = text.replace(value, " ")
    untranslated = [english for english in untranslated_in(text, "nl")
                    if english not in dutch_words()]
    return ([f"English notation: {f.kind} {f.text!r}" for f in english_notation(text, ignore)]
            + [f"not translated: {english!r}" for english in untranslated])
