"""The language choice in the dashboard: URL > session > saved > CERT_LANG > Dutch; the
picker keeps it in the session and the URL and hands it to the caller to save."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.i18n import catalogues, language


def _script(saved: str | None = None) -> None:
    import streamlit as st

    from dashboard.language import init_language, language_picker
    from pipelines.i18n import _, fmt

    st.session_state.setdefault("saved", [])
    init_language(saved)
    lang = language_picker(on_change=st.session_state["saved"].append)
    st.markdown(f"{lang}|{_('Language')}|{fmt.date('2026-12-07')}")


def run(saved: str | None = None, lang_param: str | None = None) -> AppTest:
    at = AppTest.from_function(_script, kwargs={"saved": saved}, default_timeout=30)
    if lang_param is not None:
        at.query_params["lang"] = lang_param
    return at.run()


def url_lang(at: AppTest) -> str | None:
    value = at.query_params.get("lang")  # AppTest keeps a value as set: text or list
    return value[-1] if isinstance(value, list) else value


def shown(at: AppTest) -> str:
    assert not at.exception, at.exception
    return at.markdown[0].value


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("CERT_LANG", raising=False)
    catalogues.translations.cache_clear()
    yield
    language.set_session_provider(None)


def test_dutch_by_default() -> None:
    at = run()
    assert shown(at) == "nl|Taal|7 december 2026"
    assert at.selectbox(key="lang_picker").label == "Taal"
    assert url_lang(at) is None  # nothing chosen: no parameter


def test_cert_lang_sets_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_LANG", "en")
    assert shown(run()) == "en|Language|7 December 2026"


def test_url_wins_over_the_saved_choice() -> None:
    at = run(saved="nl", lang_param="en")
    assert shown(at) == "en|Language|7 December 2026"
    assert url_lang(at) == "en"


def test_saved_choice_when_the_url_says_nothing() -> None:
    at = run(saved="en")
    assert shown(at) == "en|Language|7 December 2026"
    assert url_lang(at) == "en"


def test_unknown_url_value_is_passed_over() -> None:
    assert shown(run(lang_param="fr")) == "nl|Taal|7 december 2026"


def test_picker_switches_keeps_it_in_the_url_and_hands_it_over() -> None:
    at = run()
    at.selectbox(key="lang_picker").select("en").run()
    assert shown(at) == "en|Language|7 December 2026"
    assert url_lang(at) == "en"
    assert at.session_state["saved"] == ["en"]
    at.selectbox(key="lang_picker").select("nl").run()
    assert shown(at) == "nl|Taal|7 december 2026"
    assert at.session_state["saved"] == ["en", "nl"]


def test_the_choice_is_kept_with_the_account(dash_store: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole app: a user's saved language applies at login (Dutch install, English
    user), the picker saves a new choice for the next login, ?lang= wins over both."""
    from pipelines import users
    from tests.dashboard.access_support import add_accounts, login

    monkeypatch.setenv("CERT_LANG", "nl")
    add_accounts(dash_store)
    users.set_language(dash_store, "mgmt", "en")
    at = login("mgmt")
    assert not at.exception
    assert at.button(key="logout").label == "Log out"  # the saved English
    assert at.selectbox(key="lang_picker").value == "en"
    at.selectbox(key="lang_picker").select("nl").run()
    assert at.button(key="logout").label == "Uitloggen"
    assert url_lang(at) == "nl"
    assert users.get_user(dash_store, "mgmt").lang == "nl"  # saved for the next login
    # a link with ?lang=nl: the login page and the pages after it in Dutch, though the
    # account says English
    users.set_language(dash_store, "mgmt", "en")
    linked = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py"),
                               default_timeout=90)
    linked.query_params["lang"] = "nl"
    linked.run()
    assert linked.title[0].value == "Inloggen"
    linked = login("mgmt", at=linked)
    assert linked.button(key="logout").label == "Uitloggen"  # the link's ?lang= wins
