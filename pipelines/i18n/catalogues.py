"""The message catalogues: ``locale/<lang>/LC_MESSAGES/<domain>.po`` and their ``.mo``.

The ``.po`` files are the source, in git. The ``.mo`` files are not: a catalogue is loaded
from its ``.mo`` when that is at least as new as the ``.po``, else the ``.po`` is compiled
with Babel (in memory) and the ``.mo`` written beside it when the folder is writable
(atomically; a read-only install just compiles in memory each start). So a fresh
``pip install -e .`` (or a wheel, which ships the ``.po`` as package data) needs no build
step, and a ``.mo`` can never be older than its ``.po``. docs/i18n.md explains the choice.
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import os
import tempfile
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.i18n.language import BABEL_LOCALES, LANGUAGES

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog, Message

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# messages: msgid = the English text written in the code, Dutch in nl/messages.po (no
# en/messages.po: it would be a copy of the msgids that can drift). glossary: msgid = the
# Dutch term as the sources write it, English in en/glossary.po (issue 27 point 1).
DOMAINS: tuple[str, ...] = ("messages", "glossary")
# The language each domain's msgids are written in: it needs no catalogue.
SOURCE_LANGUAGE: dict[str, str] = {"messages": "en", "glossary": "nl"}


def po_path(lang: str, domain: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def template_path(domain: str) -> Path:
    """The extracted template (``messages.pot``) or, for the glossary, its msgid list."""
    return LOCALE_DIR / f"{domain}.pot"


def compendium_path(lang: str) -> Path:
    """Translations kept ready for msgids not in the code yet (docs/i18n.md); never loaded
    by gettext, only read by ``fill_from_compendium``."""
    return LOCALE_DIR / lang / "compendium.po"


def fill_from_compendium(po: Path, compendium: Path, lang: str) -> list[str]:
    """Fills each empty entry of ``po`` whose msgid (and context) the compendium has
    translated; returns the msgids filled. Entries already translated are left alone."""
    if not compendium.is_file():
        return []
    ready = {(m.context, m.id): m.string for m in read_catalogue(compendium, lang)
             if m.id and not m.fuzzy and all(_strings_of(m))}
    catalogue = read_catalogue(po, lang)
    filled = []
    for message in catalogue:
        if message.id and not any(_strings_of(message)) and (message.context, message.id) in ready:
            message.string = ready[(message.context, message.id)]
            filled.append(message.id if isinstance(message.id, str) else message.id[0])
    if filled:
        from babel.messages.pofile import write_po

        with po.open("wb") as handle:
            write_po(handle, catalogue, width=100)
    return filled


def _strings_of(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def catalogue_paths() -> list[tuple[str, str, Path]]:
    """(lang, domain, .po) of every catalogue there is to translate into."""
    return [(lang, domain, po_path(lang, domain)) for domain in DOMAINS for lang in LANGUAGES
            if lang != SOURCE_LANGUAGE[domain]]


def read_catalogue(path: Path, lang: str | None = None, *, strict: bool = False) -> Catalog:
    """``strict``: a line that is not .po syntax raises PoFileError (the checks); loading
    is lenient, as gettext is."""
    from babel.messages.pofile import read_po  # only when compiling or checking

    locale = BABEL_LOCALES.get(lang, lang) if lang else None
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=path.stem, abort_invalid=strict)


def compile_catalogue(path: Path, lang: str | None = None) -> bytes:
    """The ``.mo`` bytes of a ``.po``: fuzzy entries left out (they fall back to the msgid
    and the checks fail on them)."""
    from babel.messages.mofile import write_mo

    buffer = BytesIO()
    write_mo(buffer, read_catalogue(path, lang), use_fuzzy=False)
    return buffer.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)  # readers see the old file or the new one, never half
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def mo_is_current(po: Path) -> bool:
    mo = po.with_suffix(".mo")
    return mo.is_file() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns


def mo_bytes(po: Path, lang: str | None = None) -> bytes:
    """The compiled catalogue: the ``.mo`` when current, else compiled now (and saved when
    the folder is writable)."""
    mo = po.with_suffix(".mo")
    if mo_is_current(po):
        return mo.read_bytes()
    data = compile_catalogue(po, lang)
    with contextlib.suppress(OSError):  # a read-only install: the in-memory copy serves
        _write_atomically(mo, data)
    return data


def compile_all() -> list[Path]:
    """Writes every ``.mo`` afresh (``python -m pipelines.i18n compile``)."""
    written = []
    for lang, _domain, po in catalogue_paths():
        if po.is_file():
            _write_atomically(po.with_suffix(".mo"), compile_catalogue(po, lang))
            written.append(po.with_suffix(".mo"))
    return written


@functools.cache
def translations(lang: str, domain: str) -> gettext.NullTranslations:
    """The loaded catalogue of ``domain`` in ``lang``; the domain's own language, or a
    catalogue not (yet) written, gives the msgids back. Cached for the process: a changed
    ``.po`` is read on the next start (``translations.cache_clear()`` in tests)."""
    if lang not in LANGUAGES or domain not in DOMAINS:
        raise ValueError(f"no catalogue {lang}/{domain}")
    po = po_path(lang, domain)
    if lang == SOURCE_LANGUAGE[domain] or not po.is_file():
        return gettext.NullTranslations()
    return gettext.GNUTranslations(BytesIO(mo_bytes(po, lang)))
