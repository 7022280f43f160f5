"""The Dutch glossary is built from the sources: each term quoted from data/sources/, the
quotes still there, the terms issue 27 names all present, English only as translation."""

from __future__ import annotations

from pathlib import Path

from pipelines.i18n import checks
from pipelines.i18n.catalogues import po_path, read_catalogue, template_path
from pipelines.i18n.glossary import find_in_sources, quote_in_source, read_template
from tests.pipelines.i18n.conftest import write_po

SOURCES = Path(__file__).resolve().parents[3] / "data" / "sources"


def test_every_term_is_quoted_from_its_source() -> None:
    assert checks.glossary_problems() == []


def test_the_terms_issue_27_names_are_in_the_glossary() -> None:
    terms = {entry.msgid for entry in read_template(template_path("glossary"))}
    assert {"partij", "keuringsfrequentie", "afwijking", "schorsing", "intrekking",
            "bepalingsgrens", "toetsingswaarde", "trede", "monsterneming"} <= terms


def test_bemonstering_is_not_the_sources_word() -> None:
    # issue 27 lists "bemonstering"; the sources write "monsterneming" (and the verb
    # "bemonsteren"), so the glossary follows them
    assert find_in_sources("bemonstering", SOURCES) == []
    assert len(find_in_sources("monsterneming", SOURCES)) >= 10


def test_every_term_has_an_english_translation_and_nothing_else() -> None:
    template = {e.msgid for e in read_template(template_path("glossary"))}
    english = read_catalogue(po_path("en", "glossary"), "en")
    translated = {m.id[0] if isinstance(m.id, tuple) else m.id: m.string
                  for m in english if m.id}
    assert set(translated) == template
    assert all(all(s) if isinstance(s, tuple) else s for s in translated.values())
    assert translated["partij"] == ("lot", "lots")
    assert translated["toetsingswaarde"] == ("limit value", "limit values")


def test_a_quote_not_in_the_source_is_found(tmp_path: Path) -> None:
    (tmp_path / "brl.txt").write_text("Een **partij** is een\nhoeveelheid   materiaal.",
                                      encoding="utf-8")
    assert quote_in_source("brl.txt", "partij is een hoeveelheid materiaal", tmp_path)
    assert not quote_in_source("brl.txt", "partij is een hoeveelheid grond", tmp_path)
    assert not quote_in_source("other.txt", "partij", tmp_path)


def test_glossary_problems_name_a_wrong_quote(tmp_path: Path, monkeypatch) -> None:
    from pipelines.i18n import catalogues

    monkeypatch.setattr(catalogues, "LOCALE_DIR", tmp_path)
    (tmp_path / "brl.txt").write_text("Een partij is een hoeveelheid materiaal.",
                                      encoding="utf-8")
    write_po(tmp_path / "glossary.pot",
             '#. bron: brl.txt: "Een partij is een hoeveelheid materiaal"\n'
             'msgid "partij"\nmsgstr ""\n\n'
             '#. bron: brl.txt: "Een partij is een hoeveelheid grond"\n'
             'msgid "grond"\nmsgstr ""\n\n'
             '#. bron: brl.txt: "Een partij is een"\n'
             'msgid "mengmonster"\nmsgstr ""\n\n'
             'msgid "toetsingswaarde"\nmsgstr ""\n')
    problems = checks.glossary_problems(tmp_path)
    assert problems[:3] == [
        "glossary: 'grond': quote not in brl.txt: 'Een partij is een hoeveelheid grond'",
        "glossary: 'mengmonster' is not in its quote 'Een partij is een'",
        "glossary: 'toetsingswaarde' cites no source (#. bron: …)",
    ]
    # TERM_RULES names terms this small glossary lacks
    assert all(p.startswith("TERM_RULES names") for p in problems[3:]) and problems[3:]


def test_a_quote_wrapped_over_comment_lines_is_read_whole(tmp_path: Path) -> None:
    write_po(tmp_path / "g.pot", '#. bron: brl.txt: "Een partij is een\n'
             '#. hoeveelheid materiaal"\n#. what it means here\nmsgid "partij"\n'
             'msgid_plural "partijen"\nmsgstr[0] ""\nmsgstr[1] ""\n')
    [entry] = read_template(tmp_path / "g.pot")
    assert entry.sources == (("brl.txt", "Een partij is een hoeveelheid materiaal"),)
    assert entry.notes == ("what it means here",)
    assert entry.plural == "partijen"
