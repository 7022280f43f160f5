"""Access control beyond the matrix: the quarantine case of issue 10, injection strings,
Markdown in holder names, session expiry, failed-login slow-down, disabled users, the
Verify page's limits, the audit log.

Store: tests/dashboard/conftest.py (H1/BRL-001/S1/L1,L2; H2/BRL-002/S2/L3).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries
from dashboard.text import csv_safe, plain
from dashboard.viewer import producer
from pipelines import audit, users
from tests.dashboard.access_support import (
    ACCOUNTS,
    APP,
    PASSWORD,
    add_accounts,
    existing_pages,
    login,
    markdown_sources,
    shift_session_times,
    shown_text,
    titles,
)

INJECTIONS = ["' or '1'='1", "BRL-002' --", "%", "_", "*", "\\", "'; drop table lots; --",
              "<script>alert(1)</script>", "![x](http://evil.example/x.png)", "{{7*7}}",
              ":red[alarm]", "$x^2$", "BRL-002"]
EVIL_NAME = "![x](http://evil.example/x.png) **Groen** <img src=x onerror=alert(1)>"

# quarantine's columns named: it has more (reason_key, reason_args) that these rows leave NULL
_QUARANTINE = ("insert into quarantine (source_file, source_sha256, kind, source_line,"
               " column_name, bad_value, reason, raw_row, ingested_at, certificate_number)"
               " values ")


@pytest.fixture
def access_store(dash_store: Path) -> Path:
    add_accounts(dash_store)
    return dash_store


def _write(store: Path, *sql: str) -> None:
    con = duckdb.connect(str(store))
    try:
        for statement in sql:
            con.execute(statement)
    finally:
        con.close()


# --- the quarantine case --------------------------------------------------------------


def test_row_of_another_holders_file_naming_my_certificate_stays_hidden(
        access_store: Path) -> None:
    """H2's lab file (sha 'h2file') loads a row of BRL-002; one row names BRL-001 (H1's)
    with H2's site S2, lot L3X, report R-H2-77 and value 123,4: H1 must not see them."""
    raw = json.dumps({"certificate_number": "BRL-001", "site_id": "S2", "lot_id": "L3X",
                      "lab_report_id": "R-H2-77", "value": "123,4",
                      "component": "kryptonite"})
    _write(access_store,
           "insert into analyses (certificate_number, site_id, lot_id, product, sample_id,"
           " sampled_on, component, value, below_loq, lab_report_id, purpose, source_file,"
           " source_sha256, source_line) values ('BRL-002', 'S2', 'L3', 'daktuinsubstraat',"
           " 'M9', date '2024-05-02', 'zinc', 1.0, false, 'R-H2-77', 'production',"
           " 'h2_lab.csv', 'h2file', 2)",
           _QUARANTINE + "('h2_lab.csv', 'h2file', 'lab', 3, 'component',"
           f" 'kryptonite', 'unknown component', '{raw}', timestamp '2024-07-02 10:00',"
           " 'BRL-001')")
    h1 = producer("prod1", ("BRL-001",), holder_ids=("H1",), username="prod1")
    rows = queries.quarantine(h1, date_today())
    assert rows["source_line"].to_list() == [9]  # its own row of lab_2024.csv only
    at = login("prod1")
    at.switch_page("app_pages/data.py").run()
    text = shown_text(at)
    for leaked in ("R-H2-77", "L3X", "123,4", "h2_lab.csv"):
        assert leaked not in text
    assert "unknown component" in text


def test_a_lab_file_mixing_holders_shows_each_its_own_rows(access_store: Path) -> None:
    """A lab's file (sha 'labmix') names BRL-001 and BRL-002; H1's rejected row has H1's
    site S1 and its own lot: H1 sees it; H2's rejected row it does not."""
    mine = json.dumps({"certificaatnummer": "BRL-001", "productielocatie": "S1",
                       "partij": "L2", "waarde": "n.b."})
    theirs = json.dumps({"certificaatnummer": "BRL-002", "productielocatie": "S2",
                         "partij": "L3", "waarde": "n.b."})
    _write(access_store,
           "insert into analyses (certificate_number, site_id, lot_id, product, sample_id,"
           " sampled_on, component, value, below_loq, lab_report_id, purpose, source_file,"
           " source_sha256, source_line) values ('BRL-002', 'S2', 'L3', 'daktuinsubstraat',"
           " 'M8', date '2024-05-03', 'zinc', 1.0, false, 'R-LAB', 'production',"
           " 'lab_mix.csv', 'labmix', 2)",
           _QUARANTINE + "('lab_mix.csv', 'labmix', 'lab', 3, 'value',"
           f" 'n.b.', 'unparseable value', '{mine}', timestamp '2024-07-03 10:00', 'BRL-001')",
           _QUARANTINE + "('lab_mix.csv', 'labmix', 'lab', 4, 'value',"
           f" 'n.b.', 'unparseable value', '{theirs}', timestamp '2024-07-03 10:00',"
           " 'BRL-002')")
    h1 = producer("prod1", ("BRL-001",), holder_ids=("H1",))
    h2 = producer("prod2", ("BRL-002",), holder_ids=("H2",))
    got = queries.quarantine(h1, date_today())
    assert sorted(zip(got["source_file"], got["source_line"], strict=True)) == [
        ("lab_2024.csv", 9), ("lab_mix.csv", 3)]
    got2 = queries.quarantine(h2, date_today())
    assert list(zip(got2["source_file"], got2["source_line"], strict=True)) == [
        ("lab_mix.csv", 4)]


def date_today():  # noqa: ANN201 - a date
    from datetime import date

    return date.today()


# --- injection --------------------------------------------------------------------------


def test_injection_strings_through_the_login_form(access_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    for text in INJECTIONS[:4]:
        login(text, text, at=at)
        assert not at.exception
        assert titles(at) == ["Log in"]
        assert [e.value for e in at.error] == ["Wrong user name or password."]
    # The name of a real user with an injected password does not get in either.
    login("mgmt", "' or '1'='1", at=at)
    assert titles(at) == ["Log in"]


@pytest.mark.parametrize("username", ["prod1", "mgmt", "adm"])
def test_injection_strings_through_every_text_filter(access_store: Path,
                                                     username: str) -> None:
    at = login(username)
    role = ACCOUNTS[username][0]
    for spec in existing_pages():
        if role not in spec.roles:
            continue
        at.switch_page(f"app_pages/{spec.file}").run()
        for index in range(len(at.text_input)):
            for text in INJECTIONS:
                at.text_input[index].input(text).run()
                assert not at.exception, (spec.file, text)
                if role == "producer" and spec.url_path != "verify":
                    assert "Dakgroen" not in shown_text(at), (spec.file, text)
    assert queries.lots(producer("p", ("BRL-001",)), date_today(),
                        queries.LotFilters(certificate_numbers=("BRL-002' or 1=1 --",))
                        ).is_empty()


def _as_shown(table):  # noqa: ANN001,ANN202 (AppTest's table, a pandas frame)
    """The table with the headers a reader sees (its column config's labels)."""
    labels = json.loads(table.proto.columns)
    return table.value.rename(columns={name: spec["label"] for name, spec in labels.items()
                                       if "label" in spec})


# The Verify page's questions and limits: tests/dashboard/test_public_register.py (issue 24).


# --- Markdown in holder names -----------------------------------------------------------


def test_markdown_in_holder_names_is_shown_as_text(access_store: Path) -> None:
    _write(access_store,
           f"update certificate_holders set holder_name = '{EVIL_NAME}' where holder_id='H1'",
           "update certificate_holders set holder_name = '[click](javascript:alert(1))'"
           " where holder_id = 'H2'")
    for username, (role, _) in ACCOUNTS.items():
        at = login(username)
        for spec in existing_pages():
            if role not in spec.roles:
                continue
            at.switch_page(f"app_pages/{spec.file}").run()
            assert not at.exception
            sources = markdown_sources(at) + [c.value for c in at.sidebar.caption]
            for source in sources:
                assert "](http" not in source and "](javascript" not in source, \
                    (username, spec.file, source)
                # an unescaped "<" would start HTML; "\<" is a literal "<" in Markdown
                assert not re.search(r"(?<!\\)<img", source), (username, spec.file, source)


def test_plain_escapes_markdown_and_html() -> None:
    assert plain("![x](http://e/x.png)") == r"\!\[x\]\(http\:\/\/e\/x\.png\)"
    assert plain("**b** <i>\n:red[x]") == r"\*\*b\*\* \<i\> \:red\[x\]"
    assert plain(None) == ""
    assert [csv_safe(v) for v in ("=1+1", "+31", "-2", "@SUM(A1)", "ok", 5, "\tx")] == [
        "'=1+1", "'+31", "'-2", "'@SUM(A1)", "ok", 5, "'\tx"]


# --- sessions ---------------------------------------------------------------------------


def test_session_expires_after_inactivity(access_store: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The session's times are on the server (issue 24): moved back in the auth file."""
    monkeypatch.setenv("CERT_SESSION_IDLE_MIN", "30")
    at = login("mgmt")
    assert titles(at) != ["Log in"]
    shift_session_times(access_store, idle_s=29 * 60)  # idle 29 minutes: still in
    at.run()
    assert titles(at) != ["Log in"]
    shift_session_times(access_store, idle_s=31 * 60)  # idle 31 minutes: out
    at.run()
    assert titles(at) == ["Log in"]
    assert any("expired" in i.value for i in at.info)
    assert "viewer" not in at.session_state
    assert audit.entries(access_store, action="session_expired")["actor"].to_list() == ["mgmt"]


def test_disabled_user_is_out_at_the_next_rerun(access_store: Path) -> None:
    at = login("prod1")
    assert titles(at) not in ([], ["Log in"])
    users.disable_user(access_store, "prod1", actor="test")
    at.run()
    assert titles(at) == ["Log in"]
    assert any("disabled" in i.value for i in at.info)
    login("prod1", at=at)  # and cannot log in again
    assert titles(at) == ["Log in"]


def test_failed_logins_slow_down_per_user(access_store: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_LOGIN_FREE_USER", "2")
    monkeypatch.setenv("CERT_LOGIN_DELAY_BASE_S", "60")
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    for _ in range(2):
        login("mgmt", "wrong password!", at=at)
        assert [e.value for e in at.error] == ["Wrong user name or password."]
    login("mgmt", PASSWORD, at=at)  # the right password, but within the wait
    assert titles(at) == ["Log in"]
    assert "Too many failed attempts" in at.error[0].value
    login("fin", PASSWORD, at=at)  # another user from the same client still gets in
    assert titles(at) != ["Log in"]


def test_failed_logins_slow_down_per_client(access_store: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_LOGIN_FREE_CLIENT", "3")
    monkeypatch.setenv("CERT_LOGIN_DELAY_BASE_S", "60")
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    for name in ("a1", "a2", "a3"):  # one try per name: the per-user count stays low
        login(name, "guess-guess-guess", at=at)
    login("mgmt", PASSWORD, at=at)
    assert titles(at) == ["Log in"]
    assert "Too many failed attempts" in at.error[0].value


def test_logins_and_logout_are_audited(access_store: Path) -> None:
    at = login("adm", "not the password")
    login("adm", at=at)
    at.button(key="logout").click().run()
    assert titles(at) == ["Log in"]
    lines = audit.entries(access_store)
    assert lines.filter(lines["actor"] == "adm")["action"].to_list() == [
        "logout", "login", "login_failed"]
    # the admin reads them on the Audit log page
    login("adm", at=at)
    at.switch_page("app_pages/audit_log.py").run()
    # the action in words (glossary.AUDIT_ACTIONS), the time as a time, not ISO text
    assert "login failed" in set(at.dataframe[0].value["action"])
    assert str(at.dataframe[0].value["at"].dtype).startswith("datetime64")


def test_admin_disables_a_user_on_the_users_page(access_store: Path) -> None:
    at = login("adm")
    at.switch_page("app_pages/users.py").run()
    assert set(at.dataframe[0].value["username"]) == set(ACCOUNTS)
    assert "password_hash" not in at.dataframe[0].value.columns
    at.selectbox(key="disable_username").select("fin")
    at.checkbox(key="disable_confirm").check()
    at.button(key="disable_submit").click().run()
    assert not at.exception
    assert users.get_user(access_store, "fin").disabled
    assert audit.entries(access_store, action="user_disable")["actor"].to_list() == ["adm"]


def test_uploads_are_audited(access_store: Path) -> None:
    from dashboard.upload import ingest_uploads
    from dashboard.viewer import staff

    class Upload:
        name = "certs.csv"

        def getvalue(self) -> bytes:
            return b"certificate_number;scheme;holder_id;holder_name\nK9;pkvw;H9;Slot BV\n"

    admin = staff("admin", "adm", username="adm")
    results = ingest_uploads(admin, [Upload()], access_store)
    lines = audit.entries(access_store, action="upload")
    assert lines["actor"].to_list() == ["adm"]
    assert lines["detail"].to_list() == [results[0].summary]  # the ingest's summary line
    assert lines["detail"][0].startswith("certs.csv: 1 row")


def test_server_listens_on_localhost_only() -> None:
    import tomllib

    config = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"
    assert tomllib.loads(config.read_text())["server"]["address"] == "127.0.0.1"
