"""Users and the audit log: the `users` command line, argon2 hashes, owner-only files,
failed-login slow-down, the append-only log, demo accounts (docs/contract.md)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import duckdb
import pytest

from pipelines import audit, users
from pipelines.authfile import auth_path
from tests.conftest import DemoBuild, copy_store
from tests.pipelines.conftest import CliRun


@pytest.fixture
def holder_store(store_path: Path) -> Path:
    con = duckdb.connect(str(store_path))
    con.execute("insert into certificate_holders (holder_id, holder_name) values"
                " ('H1', 'Groen Substraat BV'), ('H2', 'Groen Substraat BV')")
    con.close()
    return store_path


def test_users_cli_add_list_passwd_disable(cli: CliRun, holder_store: Path) -> None:
    db = str(holder_store)
    done = cli("users", "add", "anna", "--role", "management", "--db", db, "--password-stdin",
               stdin="a long password\n")
    assert done.returncode == 0, done.stderr
    # Two holders with the same name: the producer belongs to the one named by id.
    done = cli("users", "add", "piet", "--role", "producer", "--holder", "H2", "--db", db,
               "--password-stdin", stdin="another password\n")
    assert done.returncode == 0, done.stderr
    listed = cli("users", "list", "--db", db)
    assert listed.stdout.splitlines() == ["anna\tmanagement\t-\t-\tactive",
                                          "piet\tproducer\tH2\t-\tactive"]
    assert cli("users", "passwd", "piet", "--db", db, "--password-stdin",
               stdin="a new password!\n").returncode == 0
    assert users.authenticate(db, "piet", "a new password!").user is not None
    assert users.authenticate(db, "piet", "another password").user is None
    assert cli("users", "disable", "piet", "--db", db).returncode == 0
    assert cli("users", "list", "--db", db).stdout.splitlines()[1].endswith("disabled")
    assert users.authenticate(db, "piet", "a new password!").user is None
    actions = audit.entries(db)["action"].to_list()
    assert {"user_add", "user_passwd", "user_disable"} <= set(actions)


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["--role", "boss"], "a long password\n", "invalid choice: 'boss'"),
    (["--role", "producer"], "a long password\n", "a producer needs at least one --holder"),
    (["--role", "producer", "--holder", "Groen Substraat BV"], "a long password\n",
     "unknown holder_id 'Groen Substraat BV'"),
    (["--role", "finance", "--holder", "H1"], "a long password\n", "for producers only"),
    (["--role", "finance"], "short\n", "password too short"),
    (["--role", "finance"], "", "standard input is empty"),
])
def test_users_add_wrong_usage_exits_2_with_one_line(cli: CliRun, holder_store: Path,
                                                    args: list[str], stdin: str,
                                                    message: str) -> None:
    done = cli("users", "add", "bob", *args, "--db", str(holder_store), "--password-stdin",
               stdin=stdin)
    assert done.returncode == 2
    assert message in done.stderr
    assert users.list_users(holder_store) == []


def test_users_errors_on_names_and_missing_store(cli: CliRun, holder_store: Path,
                                                 tmp_path: Path) -> None:
    db = str(holder_store)
    bad = cli("users", "add", "bad name", "--role", "admin", "--db", db, "--password-stdin",
              stdin="a long password\n")
    assert bad.returncode == 2 and "user name 'bad name'" in bad.stderr
    assert cli("users", "disable", "nobody", "--db", db).returncode == 2
    missing = cli("users", "list", "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "no store at" in missing.stderr
    assert not auth_path(tmp_path / "none.duckdb").exists()
    helped = cli("users", "add", "--help")
    assert helped.returncode == 0
    for option in ("--role", "--holder", "--email", "--password-stdin", "--db"):
        assert option in helped.stdout


def test_passwords_are_argon2_hashes_and_files_are_owner_only(cli: CliRun, holder_store: Path,
                                                             tmp_path: Path) -> None:
    users.add_user(holder_store, "anna", "admin", "a long password")
    with sqlite3.connect(auth_path(holder_store)) as con:
        (hashed,) = con.execute("select password_hash from users").fetchone()
    assert hashed.startswith("$argon2id$") and "a long password" not in hashed
    assert stat.S_IMODE(os.stat(auth_path(holder_store)).st_mode) == 0o600
    fresh = tmp_path / "fresh.duckdb"
    assert cli("init", "--db", str(fresh)).returncode == 0
    assert stat.S_IMODE(os.stat(fresh).st_mode) == 0o600


def test_login_wait_doubles_and_then_lets_the_user_in(holder_store: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_LOGIN_FREE_USER", "1")
    monkeypatch.setenv("CERT_LOGIN_DELAY_BASE_S", "10")
    users.add_user(holder_store, "anna", "admin", "a long password")
    t = 1_000_000.0
    assert users.authenticate(holder_store, "anna", "wrong", "c1", now=t).user is None
    # 1 failure = the free one used up: wait 10 s (base * 2**0) from the failure
    assert users.login_wait(holder_store, "anna", "c1", now=t + 1) == pytest.approx(9)
    refused = users.authenticate(holder_store, "anna", "a long password", "c1", now=t + 5)
    assert refused.user is None and "Try again in 5 seconds" in refused.message
    assert users.authenticate(holder_store, "anna", "wrong", "c1", now=t + 11).user is None
    assert users.login_wait(holder_store, "anna", "c1", now=t + 11) == pytest.approx(20)
    assert users.authenticate(holder_store, "anna", "a long password", "c1",
                              now=t + 32).user is not None
    assert users.login_wait(holder_store, "anna", "c1", now=t + 32) == 0  # reset


def test_audit_log_is_append_only(holder_store: Path) -> None:
    audit.record(holder_store, "anna", "export", "lots.csv")
    with sqlite3.connect(auth_path(holder_store)) as con:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("update audit_log set actor = 'someone else'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("delete from audit_log")
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(holder_store, "anna", "exprot")


def test_cli_ingest_is_audited(cli: CliRun, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    certs = tmp_path / "certs.csv"
    certs.write_text("certificate_number;scheme;holder_id;holder_name\nK1;pkvw;H1;Slot BV\n")
    assert cli("ingest", "--db", str(db), str(certs)).returncode == 0
    lines = audit.entries(db, action="ingest")
    assert lines["detail"].to_list() == [f"{certs}: 1 row loaded, 0 rows quarantined"]
    assert lines["actor"][0].startswith("cli:")


def test_demo_store_has_demo_accounts_and_init_has_none(cli: CliRun, tmp_path: Path,
                                                       demo_build: DemoBuild) -> None:
    # The run's demo store (`python -m pipelines demo`, built once: tests/conftest.py); it
    # is shared, so it is only read here, and the logins and the init below use a copy.
    assert demo_build.returncode == 0, demo_build.stderr
    built = demo_build.db
    accounts = {u.username: u for u in users.list_users(built)}
    assert set(accounts) == set(users.ROLES)
    assert all(u.is_demo for u in accounts.values())
    assert users.is_demo_store(built)
    producer = accounts["producer"]
    con = duckdb.connect(str(built), read_only=True)
    n_lots = con.execute("select count(*) from lots join certificates using"
                         " (certificate_number) where holder_id = ? and scheme = 'brl9341'",
                         [producer.holder_ids[0]]).fetchone()[0]
    con.close()
    assert n_lots > 0  # the demo producer's holder has BRL 9341 lots
    # The mark names the store `demo` built: a copy elsewhere is no demo store until marked
    # (as `demo` marks the store it builds), and only then do the demo passwords log in.
    demo = copy_store(built, tmp_path / "demo.duckdb")
    assert not users.is_demo_store(demo)
    users.mark_demo_store(demo)
    for role, password in users.DEMO_PASSWORDS.items():
        assert users.authenticate(demo, role, password).user.role == role
    # A store built by init: no accounts at all.
    fresh = tmp_path / "fresh.duckdb"
    assert cli("init", "--db", str(fresh)).returncode == 0
    assert users.list_users(fresh) == []
    assert not users.is_demo_store(fresh)
    # Even when an old users file of a demo store lies beside the new store's path.
    demo.unlink()
    assert cli("init", "--db", str(demo)).returncode == 0
    assert users.list_users(demo) == []


def test_openid_connect_identity_maps_to_a_user_by_email(cli: CliRun, holder_store: Path) -> None:
    done = cli("users", "add", "piet", "--role", "producer", "--holder", "H1", "--email",
               "Piet@Example.org", "--db", str(holder_store))
    assert done.returncode == 0, done.stderr  # no password asked: OpenID Connect only
    user = users.user_by_email(holder_store, "piet@example.org")
    assert user is not None and (user.username, user.role, user.holder_ids) == (
        "piet", "producer", ("H1",))
    assert users.user_by_email(holder_store, "other@example.org") is None
    assert users.authenticate(holder_store, "piet", "").user is None  # no password login
    again = cli("users", "add", "jan", "--role", "admin", "--email", "piet@example.org",
                "--db", str(holder_store))
    assert again.returncode == 2 and "belongs to another user" in again.stderr


def test_the_chosen_language_is_kept_per_user(tmp_path: Path) -> None:
    # issue 27: the dashboard's language choice is saved with the account, read at login
    store = tmp_path / "store.duckdb"
    users.add_user(store, "anna", "management", "a long enough password", check_holders=False)
    assert users.get_user(store, "anna").lang is None  # not chosen: CERT_LANG, else Dutch
    assert users.set_language(store, "anna", "en-GB") is True  # normalised
    assert users.get_user(store, "anna").lang == "en"
    assert users.authenticate(store, "anna", "a long enough password").user.lang == "en"
    assert users.set_language(store, "nobody", "nl") is False
    with pytest.raises(users.UserError, match="unknown language"):
        users.set_language(store, "anna", "fr")


def test_an_auth_file_of_before_the_language_gets_the_column(tmp_path: Path) -> None:
    # a file made at schema version 2 (no users.lang) keeps its users and gains the column
    store = tmp_path / "old.duckdb"
    con = sqlite3.connect(auth_path(store))
    con.executescript("""
        create table users (username text primary key, role text not null,
            password_hash text, email text unique, holder_ids text not null default '[]',
            disabled_at text, is_demo integer not null default 0,
            created_at text not null default 'x');
        insert into users (username, role) values ('bert', 'finance');
        pragma user_version = 2;
    """)
    con.close()
    assert users.get_user(store, "bert").lang is None
    users.set_language(store, "bert", "nl")
    assert users.get_user(store, "bert").lang == "nl"
