"""OpenID Connect (issue 10): with ``[auth]`` in the secrets the login page offers the
identity provider's button beside the password form; without it, only the form. The
provider round trip itself needs a reachable identity provider and Authlib (the optional
extra ``oidc``); the e-mail → user mapping is tested in tests/pipelines/test_users.py."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.navigation import PAGES_DIR

APP = str(Path(PAGES_DIR).parent / "app.py")
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-test-secret",
    "client_id": "certmonitor",
    "client_secret": "not-a-secret",
    "server_metadata_url": "https://idp.example.org/.well-known/openid-configuration",
}


def _login_page(dash_store: Path, auth: dict | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if auth is not None:
        at.secrets["auth"] = auth
    return at.run()


def test_login_page_offers_the_identity_provider_when_configured(dash_store: Path) -> None:
    at = _login_page(dash_store, AUTH)
    assert not at.exception
    assert [b.label for b in at.button if b.key == "oidc_login"] == [
        "Log in with your organisation's account"]
    # the password form stays for accounts without an identity
    assert at.text_input(key="login_username") is not None
    assert at.text_input(key="login_password") is not None


def test_named_providers_get_one_button_each(dash_store: Path) -> None:
    named = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
             "microsoft": {k: AUTH[k] for k in ("client_id", "client_secret",
                                                "server_metadata_url")}}
    at = _login_page(dash_store, named)
    assert not at.exception
    assert [b.key for b in at.button if (b.key or "").startswith("oidc_login")] == [
        "oidc_login_microsoft"]


def test_without_auth_secrets_only_the_password_form(dash_store: Path) -> None:
    at = _login_page(dash_store, None)
    assert not at.exception
    assert not [b for b in at.button if (b.key or "").startswith("oidc_login")]
    assert at.text_input(key="login_username") is not None
