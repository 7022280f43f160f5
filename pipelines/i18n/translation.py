"""The translation functions every visible string goes through (issue 27 point 1).

Each call resolves the language (pipelines.i18n.language) when it runs, so one process
serves sessions in both languages. Placeholders are ``str.format`` names, filled after
translation: ``_("{n} lots since the last test").format(n=3)``. Module-level constants are
marked with ``N_`` (extracted, not translated) and translated where they are shown.
"""

from __future__ import annotations

import functools

from pipelines.i18n.catalogues import translations
from pipelines.i18n.language import current_language


def gettext(message: str, *, lang: str | None = None) -> str:
    """``message`` (English, as written in the code) in the reader's language."""
    return translations(current_language(lang), "messages").gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int, *, lang: str | None = None) -> str:
    """The singular or plural form for ``n`` (Dutch and English: ``n != 1`` is plural)."""
    return translations(current_language(lang), "messages").ngettext(singular, plural, n)


def pgettext(context: str, message: str, *, lang: str | None = None) -> str:
    """``message`` in a context, for one English word that needs two Dutch ones
    (``pgettext("invoice", "Open")`` -> "Openstaand", ``pgettext("link", "Open")``)."""
    return translations(current_language(lang), "messages").pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int, *,
              lang: str | None = None) -> str:
    return translations(current_language(lang), "messages").npgettext(
        context, singular, plural, n)


def N_(message: str) -> str:  # the gettext convention, a Babel keyword
    """Marks ``message`` for extraction without translating it (module-level labels)."""
    return message


def term(dutch: str, n: int = 1, *, lang: str | None = None) -> str:
    """A glossary term: ``dutch`` is the msgid, as the sources write it (``"partij"``); in
    English its translation (``"lot"``). ``n`` picks the plural (``partijen``/``lots``)
    for entries that have one. A term not in the glossary raises KeyError (a misspelt
    term must not pass as Dutch text). Not a Babel keyword: the glossary is kept by hand
    from the sources (docs/i18n.md), not extracted from the code."""
    terms = _glossary_terms()
    if dutch not in terms:
        raise KeyError(f"{dutch!r} is not in the glossary (pipelines/i18n/locale/glossary.pot)")
    catalogue = translations(current_language(lang), "glossary")
    plural = terms[dutch]
    if plural is None:
        return catalogue.gettext(dutch)
    return catalogue.ngettext(dutch, plural, n)


@functools.cache
def _glossary_terms() -> dict[str, str | None]:
    """Dutch term -> its Dutch plural (None: no plural in the glossary); read on first use
    (reading a .po costs a tenth of a second of imports the CLI need not pay)."""
    from pipelines.i18n.catalogues import template_path
    from pipelines.i18n.glossary import read_template

    return {entry.msgid: entry.plural for entry in read_template(template_path("glossary"))}
