"""The catalogues: the real ones pass every check; the .mo are made from the .po on demand
(missing, stale, or a folder that cannot be written); the checks find each kind of fault
in hand-written catalogues."""

from __future__ import annotations

import gettext
import os
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from pipelines.i18n import _, catalogues, checks
from pipelines.i18n.catalogues import compile_catalogue, mo_bytes, po_path
from tests.pipelines.i18n.conftest import write_po


def test_every_catalogue_is_valid_translated_in_step_and_compiles() -> None:
    assert checks.catalogue_problems() == []


def test_every_dutch_message_uses_the_glossary_terms() -> None:
    nl = checks.read_catalogue(po_path("nl", "messages"), "nl")
    assert checks.term_problems(nl, "nl/messages.po") == []


def test_english_msgids_are_english() -> None:
    with catalogues.template_path("messages").open("rb") as handle:
        assert checks.dutch_in_english(read_po(handle), "messages.pot") == []


def test_dutch_words_in_english_msgids_are_found(tmp_path: Path) -> None:
    po = write_po(tmp_path / "x.po", 'msgid "Partijen tested"\nmsgstr ""\n\n'
                  'msgid "Class (bijlage II)"\nmsgstr ""\n\n'
                  'msgid "Open afwijkingen"\nmsgstr ""\n\n'
                  'msgid "Audit overdue"\nmsgstr ""\n')
    assert checks.dutch_in_english(checks.read_catalogue(po), "x.po") == [
        "x.po: Dutch 'Partij' in the English 'Partijen tested'",
        "x.po: Dutch 'afwijking' in the English 'Open afwijkingen'"]


def test_the_dutch_catalogue_has_an_entry_for_every_message() -> None:
    with catalogues.template_path("messages").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    nl = {m.id for m in checks.read_catalogue(po_path("nl", "messages"), "nl") if m.id}
    assert template and template == nl


@pytest.fixture
def tmp_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(catalogues, "LOCALE_DIR", tmp_path)
    write_po(tmp_path / "nl" / "LC_MESSAGES" / "messages.po",
             'msgid "Overview"\nmsgstr "Overzicht"\n')
    return tmp_path


def test_missing_mo_is_compiled_and_written(tmp_locale: Path) -> None:
    mo = tmp_locale / "nl" / "LC_MESSAGES" / "messages.mo"
    assert not mo.exists()
    assert _("Overview") == "Overzicht"
    assert gettext.GNUTranslations(BytesIO(mo.read_bytes())).gettext("Overview") == "Overzicht"


def test_stale_mo_is_compiled_again(tmp_locale: Path) -> None:
    po = tmp_locale / "nl" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    mo.write_bytes(compile_catalogue(po))
    write_po(po, 'msgid "Overview"\nmsgstr "Overzicht (nieuw)"\n')
    os.utime(mo, ns=(po.stat().st_mtime_ns - 10**9,) * 2)  # the .mo a second older
    assert _("Overview") == "Overzicht (nieuw)"
    assert mo.stat().st_mtime_ns >= po.stat().st_mtime_ns


def test_current_mo_is_used_as_it_is(tmp_locale: Path) -> None:
    po = tmp_locale / "nl" / "LC_MESSAGES" / "messages.po"
    other = write_po(tmp_locale / "other.po", 'msgid "Overview"\nmsgstr "Uit de .mo"\n')
    po.with_suffix(".mo").write_bytes(compile_catalogue(other))
    os.utime(po.with_suffix(".mo"), ns=(po.stat().st_mtime_ns + 10**9,) * 2)
    assert _("Overview") == "Uit de .mo"


def test_folder_not_writable_compiles_in_memory(tmp_locale: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path, data: bytes) -> None:
        raise PermissionError(path)

    monkeypatch.setattr(catalogues, "_write_atomically", refuse)
    po = tmp_locale / "nl" / "LC_MESSAGES" / "messages.po"
    assert gettext.GNUTranslations(BytesIO(mo_bytes(po))).gettext("Overview") == "Overzicht"
    assert not po.with_suffix(".mo").exists()


def _problems(tmp_path: Path, body: str) -> list[str]:
    po = write_po(tmp_path / "x.po", body)
    return checks.entry_problems(checks.read_catalogue(po, "nl"), "x.po")


def test_empty_translation_is_a_problem(tmp_path: Path) -> None:
    assert _problems(tmp_path, 'msgid "Overview"\nmsgstr ""\n') == [
        "x.po: no translation: 'Overview'"]


def test_empty_plural_form_is_a_problem(tmp_path: Path) -> None:
    body = ('msgid "{n} lot"\nmsgid_plural "{n} lots"\n'
            'msgstr[0] "{n} partij"\nmsgstr[1] ""\n')
    assert _problems(tmp_path, body) == ["x.po: no translation: '{n} lot'"]


def test_fuzzy_translation_is_a_problem(tmp_path: Path) -> None:
    body = '#, fuzzy\nmsgid "Overview"\nmsgstr "Overzicht"\n'
    assert _problems(tmp_path, body) == ["x.po: fuzzy: 'Overview'"]


def test_placeholder_lost_or_renamed_is_a_problem(tmp_path: Path) -> None:
    body = ('msgid "{n} lots"\nmsgstr "{aantal} partijen"\n\n'
            'msgid "Due on {day}"\nmsgstr "Uiterlijk"\n\n'
            'msgid "{n} of {m}"\nmsgstr "{m} van {n}"\n')
    problems = _problems(tmp_path, body)
    assert len(problems) == 2
    assert "'{aantal} partijen'" in problems[0] and "'Uiterlijk'" in problems[1]


def test_complete_entries_are_no_problem(tmp_path: Path) -> None:
    assert _problems(tmp_path, 'msgid "Overview"\nmsgstr "Overzicht"\n') == []


def test_catalogue_out_of_step_with_its_template(tmp_path: Path) -> None:
    template = write_po(tmp_path / "messages.pot", 'msgid "Overview"\nmsgstr ""\n\n'
                        'msgid "Worklist"\nmsgstr ""\n')
    po = write_po(tmp_path / "nl.po", 'msgid "Overview"\nmsgstr "Overzicht"\n\n'
                  'msgid "Billing"\nmsgstr "Facturatie"\n')
    assert checks.template_problems(checks.read_catalogue(po), template, "nl.po") == [
        "nl.po: not in the catalogue (run update): 'Worklist'",
        "nl.po: not in messages.pot (run update): 'Billing'"]


def test_mo_that_differs_from_its_po(tmp_path: Path) -> None:
    po = write_po(tmp_path / "messages.po", 'msgid "Overview"\nmsgstr "Overzicht"\n')
    other = write_po(tmp_path / "other.po", 'msgid "Overview"\nmsgstr "Iets anders"\n')
    po.with_suffix(".mo").write_bytes(compile_catalogue(other))
    problems = checks.mo_problems(po, "nl", checks.read_catalogue(po), "messages.po")
    assert problems == ["messages.po: messages.mo differs from the .po (run compile)"]


def test_invalid_po_is_reported(tmp_locale: Path) -> None:
    (tmp_locale / "nl" / "LC_MESSAGES" / "messages.po").write_text(
        'msgid "Overview"\nmsgstr "Overzicht"\nthis line is not .po\n', encoding="utf-8")
    (tmp_locale / "messages.pot").write_text('msgid "Overview"\nmsgstr ""\n')
    problems = [p for p in checks.catalogue_problems() if p.startswith("nl/messages.po")]
    assert problems and "not a valid .po file" in problems[0]


def test_dutch_text_must_use_the_sources_terms(tmp_path: Path) -> None:
    po = write_po(tmp_path / "x.po", 'msgid "Open deviations"\nmsgstr "Open deviaties"\n\n'
                  'msgid "Deviations past deadline"\nmsgstr "Afwijkingen over de termijn"\n\n'
                  'msgid "Lots tested"\nmsgstr "Geteste loten"\n\n'
                  'msgid "Suspended certificates"\nmsgstr "Geschorste certificaten"\n')
    problems = checks.term_problems(checks.read_catalogue(po), "x.po")
    assert len(problems) == 2
    assert "'Open deviations'" in problems[0] and "afwijking" in problems[0]
    assert "'Lots tested'" in problems[1] and "partij" in problems[1]


def test_untranslated_english_on_a_dutch_page_is_found(tmp_locale: Path) -> None:
    write_po(tmp_locale / "nl" / "LC_MESSAGES" / "messages.po",
             'msgid "Overview"\nmsgstr "Overzicht"\n\n'
             'msgid "Status"\nmsgstr "Status"\n\n'  # the same word: never a finding
             'msgid "{n} lots since the last test"\n'
             'msgstr "{n} partijen sinds de laatste keuring"\n')
    assert checks.untranslated_in("Overzicht\nStatus: actief\n3 partijen sinds de "
                                  "laatste keuring") == []
    assert checks.untranslated_in("Overview\nStatus: actief\n3 lots since the last test"
                                  ) == ["Overview", "{n} lots since the last test"]
    assert checks.untranslated_in("Overviews of the year") == []  # whole words only
