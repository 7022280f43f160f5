"""For the page tests of issue 27 point 5: all text an AppTest run shows (titles, text,
labels, options, help, metric values, table headers), and the checks that a Dutch page
shows no English notation and no untranslated English catalogue string.

Table cells are not in it: the grid formats numbers in the browser (docs/i18n.md,
"Tables"); the browser test checks those.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from streamlit.testing.v1 import AppTest

from pipelines.i18n.checks import untranslated_in
from pipelines.i18n.notation import english_notation

_TEXT_ATTRIBUTES = ("label", "body", "value", "help", "placeholder", "caption")


def _texts(node: Any) -> Iterator[str]:
    for name in _TEXT_ATTRIBUTES:
        try:
            value = getattr(node, name)
        except Exception:  # an element without it raises (which, varies by type)
            continue
        if isinstance(value, str) and value:
            yield value
    try:
        options = node.options
    except Exception:  # as above
        options = None
    if isinstance(options, list):
        yield from (str(option) for option in options)
    try:
        frame = node.value
    except Exception:  # as above
        frame = None
    if hasattr(frame, "columns") and not isinstance(frame, str):
        yield from (str(column) for column in frame.columns)
    for child in getattr(node, "children", {}).values():
        yield from _texts(child)


def rendered_text(at: AppTest) -> str:
    """Every text of the run, one per line, in page order (main, then sidebar)."""
    return "\n".join(dict.fromkeys(_texts(at._tree)))  # each text once


def dutch_page_problems(at: AppTest, ignore: tuple[str, ...] = ()) -> list[str]:
    """English notation and untranslated catalogue strings on a page rendered in Dutch."""
    text = rendered_text(at)
    return ([f"English notation: {f.kind} {f.text!r}" for f in english_notation(text, ignore)]
            + [f"not translated: {english!r}" for english in untranslated_in(text, "nl")])
