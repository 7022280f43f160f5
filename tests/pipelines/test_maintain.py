"""`python -m pipelines maintain` (issue 24 goal 5, docs/contract.md; pipelines/maintain.py):
the store keeps its contents, the snapshots no reader needs go, the current one stays, one
`maintain` line is audited and the audit chain still verifies."""

from __future__ import annotations

import getpass
from pathlib import Path

import duckdb
import pytest

from pipelines import audit
from pipelines.__main__ import main
from pipelines.maintain import run_maintenance
from pipelines.store import connect, connect_write, current_snapshot, snapshot_dir

TABLES = ("certificate_holders", "certificates", "sites", "ref_limits")


def _write(store: Path, holder: str) -> None:
    """One write through connect_write: it publishes a snapshot."""
    with connect_write(store) as con:
        con.execute("insert into certificate_holders (holder_id, holder_name) values (?, ?)",
                    [holder, f"Holder {holder}"])
        con.execute("insert into certificates (certificate_number, scheme, holder_id,"
                    " issued_on) values (?, 'brl9341', ?, date '2020-01-01')",
                    [f"BRL-{holder}", holder])


def _counts(store: Path) -> dict[str, int]:
    con = connect(store)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


@pytest.fixture
def published(store_path: Path) -> Path:
    """A store with two published snapshots: 000001 (after the first write, stale) and
    000002 (after the second, current)."""
    _write(store_path, "H1")
    _write(store_path, "H2")
    names = sorted(p.name for p in snapshot_dir(store_path).glob("*.duckdb"))
    assert names == ["000001.duckdb", "000002.duckdb"]
    assert current_snapshot(store_path).name == "000002.duckdb"
    return store_path


def test_maintain_keeps_the_data_and_the_current_snapshot(published: Path) -> None:
    before = _counts(published)
    # two holders and two certificates written above; ref_limits is reference data (> 0)
    assert before["certificate_holders"] == 2 and before["certificates"] == 2
    assert before["ref_limits"] > 0
    folder = snapshot_dir(published)
    (folder / ".000003.duckdb.partial").write_bytes(b"half a copy")  # a crashed writer's
    (folder / "notes.txt").write_text("not the store's")

    summary = run_maintenance(published)

    assert summary["snapshots_removed"] == ["000001.duckdb"]
    assert summary["snapshot_kept"] == "000002.duckdb"
    assert summary["partial_removed"] == [".000003.duckdb.partial"]
    assert sorted(p.name for p in folder.iterdir()) == ["000002.duckdb", "CURRENT",
                                                        "notes.txt"]
    assert current_snapshot(published).name == "000002.duckdb"
    assert summary["bytes_after"] < summary["bytes_before"]  # a whole store copy less
    assert _counts(published) == before
    # the current snapshot holds what the store holds
    con = duckdb.connect(str(folder / "000002.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from certificates").fetchone()[0] == 2
    finally:
        con.close()


def test_maintain_writes_one_audit_line_and_the_chain_verifies(published: Path) -> None:
    audit.record(published, "anna", "login", "password", "10.0.0.1")  # a line before
    run_maintenance(published)
    lines = audit.entries(published, action="maintain")
    assert lines.height == 1
    line = lines.row(0, named=True)
    assert line["actor"] == f"cli:{getpass.getuser()}"
    assert line["client"].startswith("host:")
    assert line["detail"].startswith("checkpoint; 1 old snapshot(s) removed (000001.duckdb),"
                                     " kept 000002.duckdb;")
    assert audit.entries(published).height == 2  # nothing else was written
    result = audit.verify(published)
    assert result.ok, result.message
    assert main(["audit", "verify", "--db", str(published)]) == 0


def test_a_store_written_behind_the_snapshots_back_is_published_first(
        published: Path) -> None:
    """A write without connect_write, its WAL left behind (a killed process): maintenance
    folds the WAL in and publishes the store as it is, then removes both older snapshots."""
    con = duckdb.connect(str(published))
    con.execute("pragma disable_checkpoint_on_shutdown")
    con.execute("insert into certificate_holders (holder_id, holder_name) values ('H3', 'x')")
    con.close()
    wal = published.with_name(published.name + ".wal")
    assert wal.exists()

    summary = run_maintenance(published)

    assert not wal.exists()
    assert summary["snapshots_removed"] == ["000001.duckdb", "000002.duckdb"]
    assert summary["snapshot_kept"] == "000003.duckdb"
    snap = duckdb.connect(str(snapshot_dir(published) / "000003.duckdb"), read_only=True)
    try:
        assert snap.execute("select count(*) from certificate_holders").fetchone()[0] == 3
    finally:
        snap.close()
    assert _counts(published)["certificate_holders"] == 3


def test_maintain_on_the_command_line(published: Path, capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    assert main(["maintain", "--db", str(published)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"maintained {published}: checkpoint; 1 old snapshot(s) removed")
    assert audit.entries(published, action="maintain").height == 1
    # a second run has nothing left to remove, and says so
    assert main(["maintain", "--db", str(published)]) == 0
    assert "0 old snapshot(s) removed, kept 000002.duckdb" in capsys.readouterr().out
    assert audit.entries(published, action="maintain").height == 2
    # no store: wrong usage, nothing created, nothing audited
    missing = tmp_path / "nothing.duckdb"
    assert main(["maintain", "--db", str(missing)]) == 2
    assert not missing.exists()
    assert "no store at" in capsys.readouterr().err
