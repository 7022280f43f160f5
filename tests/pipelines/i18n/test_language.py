"""Language resolution: explicit argument > use_language > the session's choice >
CERT_LANG > nl (the CLI's own messages: > en)."""

from __future__ import annotations

import threading

import pytest

from pipelines.i18n import cli_language, current_language, set_session_provider, use_language
from pipelines.i18n.language import normalize


def test_dutch_unless_told_otherwise() -> None:
    assert current_language() == "nl"


def test_cert_lang_sets_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_LANG", "en_GB.UTF-8")
    assert current_language() == "en"


def test_session_choice_beats_cert_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_LANG", "en")
    set_session_provider(lambda: "nl")
    assert current_language() == "nl"


def test_scope_beats_session_and_argument_beats_scope() -> None:
    set_session_provider(lambda: "nl")
    with use_language("en"):
        assert current_language() == "en"
        assert current_language("nl") == "nl"
    assert current_language() == "nl"


def test_unknown_session_choice_or_cert_lang_is_passed_over(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_LANG", "fr")
    set_session_provider(lambda: "de")
    assert current_language() == "nl"


def test_provider_without_a_session_is_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_session() -> str:
        raise RuntimeError("no script run context")

    monkeypatch.setenv("CERT_LANG", "en")
    set_session_provider(no_session)
    assert current_language() == "en"


def test_unknown_explicit_language_raises() -> None:
    with pytest.raises(ValueError, match="fr"):
        current_language("fr")
    with pytest.raises(ValueError), use_language("xx"):
        pass


def test_cli_messages_english_unless_cert_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli_language() == "en"
    assert cli_language("nl") == "nl"
    monkeypatch.setenv("CERT_LANG", "nl")
    assert cli_language() == "nl"


@pytest.mark.parametrize(("given", "expected"), [
    ("nl", "nl"), ("NL", "nl"), ("nl-BE", "nl"), ("nl_NL.UTF-8", "nl"), (" en ", "en"),
    ("en_GB", "en"), ("english", None), ("fr", None), ("", None),
])
def test_normalize(given: str, expected: str | None) -> None:
    assert normalize(given) == expected


def test_scope_does_not_leak_into_another_thread() -> None:
    seen: list[str] = []
    with use_language("en"):
        thread = threading.Thread(target=lambda: seen.append(current_language()))
        thread.start()
        thread.join()
    assert seen == ["nl"]
