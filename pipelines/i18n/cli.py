"""The translation functions for messages to an operator (issue 27 point 4).

``from pipelines.i18n.cli import _, ngettext`` in the command line's modules and in library
code whose messages reach the command line (ingest summaries, user errors): the language is
``cli_language()``: an explicit ``use_language`` block > the dashboard session's choice >
``CERT_LANG`` > **English**. So the command line and its logs stay English unless
``CERT_LANG`` says otherwise, while the same message raised under a dashboard page is in
the reader's language. Documents the command line makes (report, digest) keep
``pipelines.i18n._`` and their own default (Dutch).

The names are Babel's default keywords, so ``pybabel extract`` finds the strings as usual.
"""

from __future__ import annotations

from pipelines.i18n.language import cli_language
from pipelines.i18n.translation import gettext as _gettext
from pipelines.i18n.translation import ngettext as _ngettext


def gettext(message: str) -> str:
    """``message`` (English, as written) in the operator's language."""
    return _gettext(message, lang=cli_language())


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the operator's language."""
    return _ngettext(singular, plural, n, lang=cli_language())


__all__ = ["_", "gettext", "ngettext"]
