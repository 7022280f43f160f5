"""_(), ngettext, pgettext and term() in the current language, from the real catalogues
and from hand-written ones in a temporary locale folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.i18n import N_, _, catalogues, ngettext, npgettext, pgettext, term, use_language
from tests.pipelines.i18n.conftest import write_po


def test_real_catalogue_dutch_by_default_english_on_request(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert _("Language") == "Taal"
    assert _("Language", lang="en") == "Language"
    with use_language("en"):
        assert _("Language") == "Language"
    monkeypatch.setenv("CERT_LANG", "en")
    assert _("Language") == "Language"


def test_unknown_message_comes_back_as_written() -> None:
    assert _("Not in any catalogue") == "Not in any catalogue"


def test_n_marks_without_translating() -> None:
    assert N_("Language") == "Language"


@pytest.fixture
def tmp_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(catalogues, "LOCALE_DIR", tmp_path)
    write_po(tmp_path / "nl" / "LC_MESSAGES" / "messages.po", '''
msgid "{n} lot since the last test"
msgid_plural "{n} lots since the last test"
msgstr[0] "{n} partij sinds de laatste keuring"
msgstr[1] "{n} partijen sinds de laatste keuring"

msgctxt "invoice"
msgid "Open"
msgstr "Openstaand"

msgctxt "link"
msgid "Open"
msgstr "Openen"

msgctxt "sample"
msgid "{n} grab"
msgid_plural "{n} grabs"
msgstr[0] "{n} greep"
msgstr[1] "{n} grepen"
''')
    return tmp_path


def test_plural_forms_in_both_languages(tmp_locale: Path) -> None:
    singular, plural = "{n} lot since the last test", "{n} lots since the last test"
    assert ngettext(singular, plural, 1).format(n=1) == "1 partij sinds de laatste keuring"
    assert ngettext(singular, plural, 0).format(n=0) == "0 partijen sinds de laatste keuring"
    assert ngettext(singular, plural, 3, lang="en").format(n=3) == "3 lots since the last test"
    assert ngettext(singular, plural, 1, lang="en").format(n=1) == "1 lot since the last test"


def test_context_tells_one_english_word_apart(tmp_locale: Path) -> None:
    assert pgettext("invoice", "Open") == "Openstaand"
    assert pgettext("link", "Open") == "Openen"
    assert pgettext("link", "Open", lang="en") == "Open"
    assert npgettext("sample", "{n} grab", "{n} grabs", 2) == "{n} grepen"


def test_glossary_dutch_is_the_msgid_english_the_translation() -> None:
    assert term("partij") == "partij"
    assert term("partij", 2) == "partijen"
    assert term("partij", lang="en") == "lot"
    assert term("partij", 0, lang="en") == "lots"
    assert term("afwijking", 3) == "afwijkingen"
    assert term("keuringsfrequentie", lang="en") == "sampling frequency"
    assert term("monsterneming", lang="en") == "sampling"  # no plural in the glossary


def test_glossary_follows_the_session_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_LANG", "en")
    assert term("schorsing", 2) == "suspensions"
    assert term("intrekking") == "withdrawal"


def test_a_term_not_in_the_glossary_raises() -> None:
    # the brief's "bemonstering": the sources write "monsterneming" (see test_glossary)
    with pytest.raises(KeyError, match="bemonstering"):
        term("bemonstering")
