"""Fixtures of the i18n tests: no CERT_LANG from the machine, no session provider, and a
catalogue cache emptied around each test (tests swap the locale folder)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.i18n import catalogues, language


@pytest.fixture(autouse=True)
def _clean_language(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(language.ENV_VAR, raising=False)
    language.set_session_provider(None)
    catalogues.translations.cache_clear()
    yield
    language.set_session_provider(None)
    catalogues.translations.cache_clear()


def write_po(path: Path, body: str, lang: str = "nl") -> Path:
    """A .po file with a minimal header and ``body`` (entries as .po text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        'msgid ""\nmsgstr ""\n'
        f'"Language: {lang}\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n' + body, encoding="utf-8")
    return path
