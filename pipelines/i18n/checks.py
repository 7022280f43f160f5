"""Checks on the catalogues that cannot drift (issue 27 point 5); the tests under
tests/pipelines/i18n and ``python -m pipelines.i18n check`` run them.

Each check returns a list of problems in words (empty: fine), so a test can assert on the
list and show all problems at once.
"""

from __future__ import annotations

import gettext
import re
import string
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from pipelines.i18n.catalogues import (
    LOCALE_DIR,
    catalogue_paths,
    compile_catalogue,
    read_catalogue,
    template_path,
)
from pipelines.i18n.glossary import SOURCES_DIR, quote_in_source, read_template

REPO_ROOT = LOCALE_DIR.parents[2]
BABEL_CFG = REPO_ROOT / "babel.cfg"
_PRINTF = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifgrx%]")

# Terms the Dutch text must use where the English says the thing (issue 27 point 1: the
# sources' words). Dutch glossary term -> (English pattern, Dutch words that satisfy it).
# Only terms whose English word has no other meaning in this system are listed.
TERM_RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "partij": (r"\blots?\b", ("partij",)),
    "afwijking": (r"\bdeviations?\b", ("afwijking",)),
    "schorsing": (r"\bsuspen(?:sion|sions|ded)\b", ("schorsing", "geschorst")),
    "intrekking": (r"\bwithdraw(?:al|als|n)\b", ("intrekking", "ingetrokken")),
    "keuringsfrequentie": (r"\bsampling frequenc(?:y|ies)\b", ("keuringsfrequentie",)),
    "toetsingswaarde": (r"\blimit values?\b", ("toetsingswaarde",)),
    "bepalingsgrens": (r"\bLOQs?\b|\blimits? of quantification\b", ("bepalingsgrens",)),
    "monsterneming": (r"\bsampling records?\b", ("monsterneming",)),
}


def _ids(message: Message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields and ``%s``-style directives of a message."""
    fields = set()
    try:
        for _literal, field, _spec, _conversion in string.Formatter().parse(text):
            if field is not None:
                fields.add("{" + field + "}")
    except ValueError:  # an unbalanced brace: compared as text below
        fields.add("<unbalanced braces>")
    return fields | {m for m in _PRINTF.findall(text) if m != "%%"}


def entry_problems(catalogue: Catalog, label: str) -> list[str]:
    """Empty or fuzzy translations, and placeholders that differ from the msgid's."""
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        msgid = _ids(message)[0]
        if message.fuzzy:
            problems.append(f"{label}: fuzzy: {msgid!r}")
        if any(not text.strip() for text in _strings(message)):
            problems.append(f"{label}: no translation: {msgid!r}")
            continue
        wanted = placeholders(_ids(message)[-1]) | placeholders(msgid)
        for text in _strings(message):
            if placeholders(text) != wanted and placeholders(text) != placeholders(msgid):
                problems.append(f"{label}: placeholders {sorted(placeholders(text))} in "
                                f"{text!r}, the msgid has {sorted(wanted)}")
    return problems


def compendium_problems() -> list[str]:
    """The Dutch kept ready for the migration passes the same entry and term checks."""
    from pipelines.i18n.catalogues import compendium_path

    path = compendium_path("nl")
    if not path.is_file():
        return []
    catalogue = read_catalogue(path, "nl", strict=True)
    return (entry_problems(catalogue, "nl/compendium.po")
            + term_problems(catalogue, "nl/compendium.po")
            + dutch_in_english(catalogue, "nl/compendium.po"))


def catalogue_problems() -> list[str]:
    """Every catalogue: valid .po, every entry translated (not empty, not fuzzy), the same
    msgids as its template, and its .mo giving the same translations as the .po."""
    problems = []
    for lang, domain, po in catalogue_paths():
        label = f"{lang}/{domain}.po"
        if not po.is_file():
            problems.append(f"{label}: missing")
            continue
        try:
            catalogue = read_catalogue(po, lang, strict=True)
        except Exception as error:  # any parse error is the finding
            problems.append(f"{label}: not a valid .po file: {error}")
            continue
        problems += entry_problems(catalogue, label)
        problems += template_problems(catalogue, template_path(domain), label)
        problems += mo_problems(po, lang, catalogue, label)
    return problems


def _keys(catalogue: Catalog) -> set[tuple[str | None, str]]:
    return {(m.context, _ids(m)[0]) for m in catalogue if m.id}


def template_problems(catalogue: Catalog, template: Path, label: str) -> list[str]:
    """Msgids of the template missing from the catalogue, and the other way round (run
    ``python -m pipelines.i18n update``)."""
    with template.open("rb") as handle:
        from babel.messages.pofile import read_po

        wanted = _keys(read_po(handle))
    have = _keys(catalogue)
    return ([f"{label}: not in the catalogue (run update): {key[1]!r}"
             for key in sorted(wanted - have, key=str)]
            + [f"{label}: not in {template.name} (run update): {key[1]!r}"
               for key in sorted(have - wanted, key=str)])


def mo_problems(po: Path, lang: str, catalogue: Catalog, label: str) -> list[str]:
    """The .mo on disk (when there is one) equals a fresh compile of the .po, and the
    compiled catalogue translates every entry as the .po says."""
    problems = []
    fresh = compile_catalogue(po, lang)
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.read_bytes() != fresh and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
        problems.append(f"{label}: {mo.name} differs from the .po (run compile)")
    loaded = gettext.GNUTranslations(BytesIO(fresh))
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        ids, strings = _ids(message), _strings(message)
        if len(ids) == 1:
            got = (loaded.pgettext(message.context, ids[0]) if message.context
                   else loaded.gettext(ids[0]),)
        else:
            got = tuple(loaded.npgettext(message.context, ids[0], ids[1], n)
                        if message.context else loaded.ngettext(ids[0], ids[1], n)
                        for n in (1, 2))
        if got != strings[:len(got)]:
            problems.append(f"{label}: compiled {got!r} for {ids[0]!r}, the .po says {strings!r}")
    return problems


def glossary_problems(sources_dir: Path = SOURCES_DIR) -> list[str]:
    """Each glossary term is quoted from a source file, the quote is in that file, and the
    term itself is in the quote (the sources' spelling)."""
    problems = []
    for entry in read_template(template_path("glossary")):
        if not entry.sources:
            problems.append(f"glossary: {entry.msgid!r} cites no source (#. bron: …)")
        for file_name, quote in entry.sources:
            if not quote_in_source(file_name, quote, sources_dir):
                problems.append(f"glossary: {entry.msgid!r}: quote not in {file_name}: {quote!r}")
            elif not _stem_in(entry.msgid, quote):
                problems.append(f"glossary: {entry.msgid!r} is not in its quote {quote!r}")
    for term in TERM_RULES:
        if term not in {e.msgid for e in read_template(template_path("glossary"))}:
            problems.append(f"TERM_RULES names {term!r}, which is not in the glossary")
    return problems


def _stem_in(term: str, text: str) -> bool:
    """The term, or its first word and stem for inflected forms, is in ``text``."""
    flat = re.sub(r"\s+", " ", text.lower())
    return term.lower() in flat or term.lower().split()[0][:-2] in flat


def term_problems(catalogue: Catalog, label: str) -> list[str]:
    """A Dutch translation whose English says a glossary thing (lots, deviations, …) but
    which does not use the source's Dutch word for it."""
    problems = []
    for message in catalogue:
        if not message.id or not any(_strings(message)):
            continue
        english = " ".join(_ids(message))
        dutch = " ".join(_strings(message)).lower()
        for term, (pattern, accepted) in TERM_RULES.items():
            if re.search(pattern, english, re.IGNORECASE) and not any(
                    word in dutch for word in accepted):
                problems.append(f"{label}: {english!r} speaks of {term!r} but the Dutch "
                                f"{dutch!r} does not say {' or '.join(accepted)}")
    return problems


# Glossary terms that are English words too (audit, component) or never stand in English
# text in their Dutch form by accident.
_SAME_IN_ENGLISH = frozenset({"audit", "component", "attest", "sanctie", "certificaat"})


def dutch_in_english(catalogue: Catalog, label: str) -> list[str]:
    """English msgids that use a Dutch glossary term (issue 27: English on request is
    English; the Dutch word belongs in the translation). Article citations such as
    ``bijlage II`` are the sources' own words and pass."""
    terms = [e.msgid for e in read_template(template_path("glossary"))
             if e.msgid not in _SAME_IN_ENGLISH]
    pattern = re.compile(rf"\b({'|'.join(map(re.escape, terms))})", re.IGNORECASE)
    problems = []
    for message in catalogue:
        for msgid in (_ids(message) if message.id else ()):
            match = pattern.search(re.sub(r"\bbijlage [IVX/]+", "", msgid))
            if match:
                problems.append(f"{label}: Dutch {match.group()!r} in the English {msgid!r}")
    return problems


def extracted_msgids(cfg: Path = BABEL_CFG,
                     root: Path = REPO_ROOT) -> set[tuple[str | None, str]]:
    """(context, msgid) of every string marked in the code under ``root`` now, as
    ``pybabel extract`` with babel.cfg finds them."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with cfg.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    tops = {pattern.split("/", 1)[0] for pattern, _method in method_map}

    def wanted(path: str) -> bool:  # not data/, .git/, .venv/: only the folders mapped
        relative = Path(path).relative_to(root).parts
        return (not relative or relative[0] in tops) and not any(
            part.startswith((".", "__")) for part in relative)

    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(root), method_map, options_map, directory_filter=wanted):
        found.add((context, message[0] if isinstance(message, tuple) else message))
    return found


def extraction_problems() -> list[str]:
    """Strings marked in the code but missing from messages.pot, or in messages.pot but no
    longer in the code (run ``python -m pipelines.i18n extract`` and ``update``)."""
    from babel.messages.pofile import read_po

    with template_path("messages").open("rb") as handle:
        template = _keys(read_po(handle))
    code = extracted_msgids()
    return ([f"messages.pot lacks {key[1]!r} (run extract)"
             for key in sorted(code - template, key=str)]
            + [f"messages.pot has {key[1]!r}, no longer in the code (run extract)"
               for key in sorted(template - code, key=str)])


def untranslated_in(text: str, lang: str = "nl") -> list[str]:
    """English msgids (with a translation that differs) shown as they are in ``text``, a
    page rendered in ``lang``: a string that did not go through ``_()``. Placeholder
    messages are looked for by their longest literal part of two words or more."""
    from pipelines.i18n.catalogues import po_path

    found = []
    for message in read_catalogue(po_path(lang, "messages"), lang):
        if not message.id:
            continue
        for english, translated in zip(_ids(message), _strings(message), strict=False):
            if not translated or translated == english:
                continue
            parts = [p for p, *_ in string.Formatter().parse(english) if p and " " in p.strip()]
            needle = max(parts, key=len).strip() if "{" in english and parts else english
            if "{" in needle or len(needle) < 3:
                continue
            if re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", text):
                found.append(english)
    return found
