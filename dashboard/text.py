"""Ingested text is data: ``plain()`` makes it safe inside Markdown.

st.markdown, st.caption, st.title, widget labels and chart titles render Markdown (and
Streamlit's own ``:color[...]`` / ``:material/...:`` directives, ``$`` math). A holder
name like ``![x](http://elsewhere/x.png)`` would become an image fetched from elsewhere.
Backslash before every ASCII punctuation character is a literal in CommonMark, so the
text shows exactly as it was ingested; line breaks become spaces (one line, one label).
"""

from __future__ import annotations

import re
import string

_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")
_BREAKS = re.compile(r"[\r\n\t\x0b\x0c\u2028\u2029]+")


def plain(value: object) -> str:
    """``value`` as text for Markdown: every Markdown/HTML character escaped."""
    text = "" if value is None else str(value)
    text = _BREAKS.sub(" ", text)
    return _PUNCT.sub(r"\\\1", text)


def csv_safe(value: object) -> object:
    """A cell for an exported CSV/XLSX file: text starting with = + - @ (or a tab or CR,
    which some programs skip) is prefixed with ' so a spreadsheet shows it, never runs
    it (OWASP "CSV injection"). Numbers and other values pass unchanged."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
