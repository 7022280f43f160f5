"""The audit log's hash chain (issue 24, goal 5; docs/security.md "Audit log and public
register"): the hash of a line worked out by hand from its definition, `audit verify` on an
intact log (exit 0, one OK line) and on logs changed behind the database's back (a line
changed, removed at the start, middle or end, inserted), concurrent writers, a log from
before the chain, and the command-line runs that must leave a line."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pipelines import audit
from pipelines.__main__ import main
from pipelines.authfile import auth_path, connect

REPO_ROOT = Path(__file__).resolve().parents[2]
EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # sha256(b"")


@pytest.fixture
def log(tmp_path: Path) -> Path:
    """A store path with three audit lines (the store file itself is not needed)."""
    store = tmp_path / "s.duckdb"
    audit.record(store, "anna", "login", "password", "10.0.0.1")
    audit.record(store, "anna", "export", "lots.csv (3 rows)", "10.0.0.1")
    audit.record(store, "anna", "logout", "", "10.0.0.1")
    return store


def rows(store: Path) -> list[tuple]:
    with sqlite3.connect(auth_path(store)) as con:
        return con.execute("select id, at, actor, action, detail, client, prev_hash, hash"
                           " from audit_log order by id").fetchall()


def tamper(store: Path, *sql: str, params: tuple = ()) -> None:
    """Edit the file directly, as someone with access to it would: triggers dropped."""
    con = sqlite3.connect(auth_path(store), isolation_level=None)
    try:
        for name in ("audit_log_no_update", "audit_log_no_delete", "audit_log_chained"):
            con.execute(f"drop trigger if exists {name}")
        for statement in sql:
            con.execute(statement, params if "?" in statement else ())
    finally:
        con.close()


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_line_hash_is_sha256_of_the_documented_serialisation(log: Path) -> None:
    (one, at1, *_rest1), (two, at2, *_rest2), _ = rows(log)
    # docs/security.md: JSON array [id, at, actor, action, detail, client, prev_hash], no
    # spaces; the first line of a new log follows sha256 of nothing.
    h1 = sha(f'[1,"{at1}","anna","login","password","10.0.0.1","{EMPTY}"]')
    h2 = sha(f'[2,"{at2}","anna","export","lots.csv (3 rows)","10.0.0.1","{h1}"]')
    stored = rows(log)
    assert (one, two) == (1, 2)
    assert stored[0][6:] == (EMPTY, h1)
    assert stored[1][6:] == (h1, h2)
    assert stored[2][6] == h2


def run_verify(store: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines", "audit", "verify", "--db",
                           str(store)], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=120)


def test_verify_intact_log_exits_0_with_one_ok_line(log: Path) -> None:
    import duckdb

    duckdb.connect(str(log)).close()  # the command names the store; the log is beside it
    done = run_verify(log)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("OK: 3 lines, hash chain intact")
    assert rows(log)[-1][7] in lines[0]  # the head, to note elsewhere


def test_a_changed_line_is_named(log: Path) -> None:
    tamper(log, "update audit_log set detail = 'nothing' where id = 2")
    result = audit.verify(log)
    assert not result.ok and result.first_bad_id == 2
    assert result.message == "line 2 was changed: its content does not match its hash"


def test_a_changed_line_with_its_hash_recomputed_is_named(log: Path) -> None:
    _, (two, at2, actor, action, _detail, client, prev, _h), _ = rows(log)
    forged = audit.line_hash(two, at2, actor, action, "nothing", client, prev)
    tamper(log, "update audit_log set detail = 'nothing', hash = ? where id = 2",
           params=(forged,))
    result = audit.verify(log)
    assert (result.ok, result.first_bad_id) == (False, 2)
    assert result.message.startswith("line 2 was changed (or replaced): line 3 does not")


@pytest.mark.parametrize(("removed", "first_bad", "message"), [
    (1, 1, "line 1 was removed: line 2 follows line 0"),
    (2, 2, "line 2 was removed: line 3 follows line 1"),
    (3, 3, "lines 3-3 were removed: the log ends at line 2, its head records line 3"),
])
def test_a_removed_line_is_named(log: Path, removed: int, first_bad: int,
                                 message: str) -> None:
    tamper(log, f"delete from audit_log where id = {removed}")
    result = audit.verify(log)
    assert (result.ok, result.first_bad_id, result.message) == (False, first_bad, message)


def test_an_inserted_line_is_named(log: Path) -> None:
    # a line added at the end with a correct hash chain, but not by record()
    *_, (three, *_x, h3) = rows(log)
    at = "2026-01-01T00:00:00.000Z"
    forged = audit.line_hash(4, at, "mallory", "login", "password", "1.2.3.4", h3)
    tamper(log, "insert into audit_log values (4, ?, 'mallory', 'login', 'password',"
                " '1.2.3.4', ?, ?)", params=(at, h3, forged))
    result = audit.verify(log)
    assert (result.ok, result.first_bad_id) == (False, 4)
    assert result.message.startswith("line 4 was inserted")
    # a line without a hash in the middle of the chain (ids shifted to make room)
    tamper(log, "delete from audit_log where id = 4",
           "update audit_log set id = id + 10 where id = 3",
           "insert into audit_log (id, at, actor, action, detail, client)"
           " values (3, 'x', 'mallory', 'login', '', '')")
    result = audit.verify(log)
    assert (result.ok, result.first_bad_id) == (False, 3)
    assert result.message.startswith("line 3 was inserted: it has no hash")


def test_cli_exit_1_names_the_first_bad_line(log: Path) -> None:
    import duckdb

    duckdb.connect(str(log)).close()
    tamper(log, "update audit_log set actor = 'bob' where id = 2",
           "update audit_log set actor = 'bob' where id = 3")
    done = run_verify(log)
    assert done.returncode == 1
    assert done.stdout.strip() == ("audit log: line 2 was changed: its content does not "
                                   "match its hash")


def test_plain_inserts_and_edits_are_refused(log: Path) -> None:
    with sqlite3.connect(auth_path(log)) as con:
        with pytest.raises(sqlite3.IntegrityError, match="pipelines.audit.record"):
            con.execute("insert into audit_log (actor, action) values ('x', 'login')")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("delete from audit_log where id = 3")


def test_concurrent_writers_do_not_fork_the_chain(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    audit.record(store, "setup", "init")
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for i in range(15):
                audit.record(store, f"user{number}", "export", f"file {i}", f"10.0.0.{number}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    lines = rows(store)
    assert [line[0] for line in lines] == list(range(1, 8 * 15 + 2))
    # one chain: every line follows the one before it, none shares a predecessor
    assert [line[6] for line in lines[1:]] == [line[7] for line in lines[:-1]]
    assert audit.verify(store).ok


def test_a_log_from_before_the_chain_starts_with_a_chain_start_line(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    # the auth file as issue 10 left it: lines without hashes
    with connect(store) as con:
        con.execute("insert into audit_log (at, actor, action, detail, client) values"
                    " ('2025-01-01T08:00:00.000Z', 'anna', 'login', 'password', '10.0.0.1'),"
                    " ('2025-01-01T09:00:00.000Z', 'anna', 'logout', '', '10.0.0.1')")
    assert audit.verify(store).ok  # nothing chained yet: nothing to contradict
    audit.record(store, "bob", "login", "password", "10.0.0.2")
    lines = rows(store)
    assert [line[3] for line in lines] == ["login", "logout", "chain_start", "login"]
    # the chain_start line's previous hash covers the two old lines (canonical, newline)
    old = (sha('[1,"2025-01-01T08:00:00.000Z","anna","login","password","10.0.0.1",null]\n'
               '[2,"2025-01-01T09:00:00.000Z","anna","logout","","10.0.0.1",null]\n'))
    assert lines[2][6] == old
    assert lines[2][4].startswith("hash chain starts; the 2 earlier lines (ids 1-2)")
    assert audit.verify(store).ok
    tamper(store, "update audit_log set detail = 'sso' where id = 1")
    result = audit.verify(store)
    assert (result.ok, result.first_bad_id) == (False, 3)
    assert "written before the chain" in result.message


def test_cli_commands_leave_a_line(tmp_path: Path, report_store: Path) -> None:
    store = report_store  # tests/sql/yearly_report_data.py's store, a copy of this test's
    assert main(["init", "--db", str(store)]) == 0
    assert main(["refresh", "--db", str(store)]) == 0
    out = tmp_path / "named.xlsx"
    assert main(["report", "--db", str(store), "--year", "2024", "--scheme", "pkvw",
                 "--with-names", "--out", str(out)]) == 0
    assert main(["report", "--db", str(store), "--year", "2024", "--scheme", "pkvw",
                 "--frozen-at", "2025-02-01", "--out", str(tmp_path / "f.xlsx")]) == 0
    assert main(["report", "--db", str(store), "--year", "2024", "--scheme", "pkvw",
                 "--out", str(tmp_path / "a.xlsx")]) == 0
    lines = audit.entries(store)
    assert lines["action"].to_list() == ["report", "report_frozen", "report_names",
                                         "refresh", "init"]
    assert all(actor.startswith("cli:") for actor in lines["actor"])
    assert all(client.startswith("host:") for client in lines["client"])
    assert lines["detail"][2] == (f"year 2024, scheme pkvw, with names yes, frozen at -, "
                                  f"file {out.resolve()}")
    assert audit.verify(store).ok
