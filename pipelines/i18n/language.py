"""Which language a text is for (issue 27).

Resolution, first that applies: an explicit argument (or a ``use_language`` block) > the
session's choice (a provider the dashboard registers) > ``CERT_LANG`` > the default: ``nl``
for everything people read, ``en`` for the command line's own messages (operators, logs).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
# Issue 27 point 4: the CLI's messages stay English unless CERT_LANG says otherwise.
CLI_DEFAULT_LANGUAGE = "en"
ENV_VAR = "CERT_LANG"
# Each language's name in itself, for the language picker (not translated, by convention).
LANGUAGE_NAMES: dict[str, str] = {"nl": "Nederlands", "en": "English"}
# The Babel locale behind each language: nl_NL writes dates 07-12-2026 (nl_BE 7/12/2026,
# which reads as English notation); en_GB writes "7 December 2026" as issue 27 asks (en_US
# would write "December 7, 2026").
BABEL_LOCALES: dict[str, str] = {"nl": "nl_NL", "en": "en_GB"}

_scoped: ContextVar[str | None] = ContextVar("cert_lang_scope", default=None)
_session_provider: Callable[[], str | None] | None = None


def normalize(value: str) -> str | None:
    """``nl``, ``NL``, ``nl-BE``, ``nl_NL.UTF-8``, ``en_GB`` -> ``nl``/``en``; else None."""
    code = re.split(r"[-_.@]", value.strip().lower(), maxsplit=1)[0]
    return code if code in LANGUAGES else None


def _checked(value: str) -> str:
    code = normalize(value)
    if code is None:
        raise ValueError(f"unknown language {value!r}; one of {', '.join(LANGUAGES)}")
    return code


def set_session_provider(provider: Callable[[], str | None] | None) -> None:
    """Registers how to read the current session's choice (the dashboard passes a function
    reading st.session_state); None removes it. A provider that returns None or an unknown
    code, or raises LookupError/RuntimeError (no session here), is passed over."""
    global _session_provider
    _session_provider = provider


def _session_choice() -> str | None:
    provider = _session_provider
    if provider is None:
        return None
    try:
        value = provider()
    except (LookupError, RuntimeError):  # called outside a session (a thread, the CLI)
        return None
    return normalize(value) if value else None


def _env_choice() -> str | None:
    value = os.environ.get(ENV_VAR)
    return normalize(value) if value else None


def current_language(lang: str | None = None, *, default: str = DEFAULT_LANGUAGE) -> str:
    """The language to use now. An explicit ``lang`` that is not known raises ValueError;
    an unknown session choice or CERT_LANG is passed over (a typo must not stop a page)."""
    if lang is not None:
        return _checked(lang)
    return _scoped.get() or _session_choice() or _env_choice() or _checked(default)


def cli_language(lang: str | None = None) -> str:
    """The language of the command line's own messages: ``lang`` > CERT_LANG > English."""
    return current_language(lang, default=CLI_DEFAULT_LANGUAGE)


@contextmanager
def use_language(lang: str) -> Iterator[str]:
    """Everything inside is in ``lang`` unless a call names another (the digest per
    recipient, ``report --lang``, a test). Context-local: threads and tasks don't mix."""
    token = _scoped.set(_checked(lang))
    try:
        yield _scoped.get() or lang
    finally:
        _scoped.reset(token)
