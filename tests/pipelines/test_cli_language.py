"""The command line's own messages (issue 27 point 4): English unless CERT_LANG says
otherwise, Dutch under CERT_LANG=nl; what scripts read (the sql command's CSV/JSON, exit
codes, the users list) is the same in both. Expected Dutch written by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines import audit
from pipelines.maintain import describe
from tests.pipelines.conftest import CliRun

CERTS = ("certificate_number;scheme;holder_id;holder_name\n"
         "K1;pkvw;H1;Slot BV\nK2;unknown;H2;X\n")


@pytest.fixture
def certs(tmp_path: Path) -> Path:
    path = tmp_path / "certs.csv"
    path.write_text(CERTS)
    return path


def test_ingest_speaks_english_without_cert_lang(cli: CliRun, tmp_path: Path, certs: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CERT_LANG", raising=False)
    done = cli("ingest", "--db", str(tmp_path / "s.duckdb"), str(certs))
    assert done.returncode == 0
    assert done.stdout.splitlines() == [f"{certs}: 1 row loaded, 1 row quarantined"]
    assert "certs.csv, line 3, column scheme: unknown scheme 'unknown'" in done.stderr


def test_ingest_speaks_dutch_under_cert_lang_nl(cli: CliRun, tmp_path: Path, certs: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_LANG", "nl")
    db = tmp_path / "s.duckdb"
    done = cli("ingest", "--db", str(db), str(certs))
    assert done.returncode == 0
    assert done.stdout.splitlines() == [f"{certs}: 1 rij geladen, 1 rij in quarantaine"]
    assert "certs.csv, regel 3, kolom scheme: onbekende scheme 'unknown' (verwacht: " \
        in done.stderr
    again = cli("ingest", "--db", str(db), str(certs))
    assert again.stdout.splitlines() == [f"{certs}: 0 rijen geladen, 1 rij in quarantaine"]
    missing = cli("ingest", "--db", str(db), str(tmp_path / "nope.csv"))
    assert missing.returncode == 1  # exit codes do not change with the language
    assert missing.stdout.startswith(f"{tmp_path / 'nope.csv'}: niet ingelezen: ")


def test_ingest_stores_the_english_summary_in_the_audit_log(
        cli: CliRun, tmp_path: Path, certs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the audit log is stored text: English whatever the operator reads
    monkeypatch.setenv("CERT_LANG", "nl")
    db = tmp_path / "s.duckdb"
    assert cli("ingest", "--db", str(db), str(certs)).returncode == 0
    details = audit.entries(db, action="ingest")["detail"].to_list()
    assert details == [f"{certs}: 1 row loaded, 1 row quarantined"]


@pytest.mark.parametrize("lang, expected", [
    (None, "error: no store at {db}; create it with: python -m pipelines init --db {db}"),
    ("en", "error: no store at {db}; create it with: python -m pipelines init --db {db}"),
    ("nl", "fout: geen opslag in {db}; maak die met: python -m pipelines init --db {db}"),
])
def test_store_errors_follow_cert_lang(cli: CliRun, tmp_path: Path, lang: str | None,
                                       expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if lang is None:
        monkeypatch.delenv("CERT_LANG", raising=False)
    else:
        monkeypatch.setenv("CERT_LANG", lang)
    db = tmp_path / "none.duckdb"
    done = cli("sql", "--db", str(db), "select 1")
    assert done.returncode == 2
    assert done.stderr.strip() == expected.format(db=db)


def test_usage_errors_and_init_in_dutch(cli: CliRun, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_LANG", "nl")
    db = tmp_path / "s.duckdb"
    done = cli("init", "--db", str(db))
    assert done.stdout.strip() == f"opslag klaar: {db}"
    bad = cli("demo", "--db", str(db), "--scale", "0")
    assert bad.returncode == 2
    assert bad.stderr.strip() == ("fout: python -m pipelines demo: argument --scale: "
                                  "moet 1 of meer zijn, niet 0 (zie --help)")


def test_machine_readable_output_is_the_same_in_both_languages(
        cli: CliRun, tmp_path: Path, certs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.duckdb"
    assert cli("ingest", "--db", str(db), str(certs)).returncode == 0
    query = "select certificate_number, scheme from certificates order by 1"
    outputs = {}
    for lang in ("en", "nl"):
        monkeypatch.setenv("CERT_LANG", lang)
        outputs[lang] = (cli("sql", "--db", str(db), query).stdout,
                         cli("sql", "--db", str(db), "--format", "json", query).stdout)
    assert outputs["nl"] == outputs["en"]
    assert outputs["nl"][0] == "certificate_number,scheme\nK1,pkvw\n"
    assert json.loads(outputs["nl"][1]) == [{"certificate_number": "K1", "scheme": "pkvw"}]


def test_users_and_audit_verify_in_dutch(cli: CliRun, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.duckdb"
    assert cli("init", "--db", str(db)).returncode == 0
    monkeypatch.setenv("CERT_LANG", "nl")
    added = cli("users", "add", "anna", "--role", "college", "--password-stdin", "--db",
                str(db), stdin="a long enough secret\n")
    assert added.stdout.strip() == "gebruiker anna toegevoegd (rol college)"
    twice = cli("users", "add", "anna", "--role", "college", "--password-stdin", "--db",
                str(db), stdin="a long enough secret\n")
    assert twice.returncode == 2
    assert twice.stderr.strip() == "users add: gebruiker 'anna' bestaat al"
    # the list is for scripts: tab-separated codes, not translated
    assert cli("users", "list", "--db", str(db)).stdout == "anna\tcollege\t-\t-\tactive\n"
    verified = cli("audit", "verify", "--db", str(db))
    assert verified.returncode == 0
    # init and users add: two lines, both chained
    assert verified.stdout.startswith("OK: 2 regels, hashketen intact (2 geketend), kop ")


def test_maintenance_summary_in_both_languages() -> None:
    summary = {"snapshots_removed": ["000001.duckdb"], "snapshot_kept": "000002.duckdb",
               "partial_removed": ["x.tmp", "y.tmp"], "bytes_before": 3_450_000,
               "bytes_after": 1_200_000, "seconds": 0.5}
    assert describe(summary) == (  # English: the audit log's detail
        "checkpoint; 1 old snapshot(s) removed (000001.duckdb), kept 000002.duckdb; "
        "2 unfinished copy(ies) removed; 3.5 MB -> 1.2 MB on disk; 0.50 s")
    assert describe(summary, "nl") == (
        "checkpoint; 1 oude snapshot(s) verwijderd (000001.duckdb), bewaard: 000002.duckdb; "
        "2 onvoltooide kopie(ën) verwijderd; 3,5 MB -> 1,2 MB op schijf; 0,50 s")


def test_help_in_dutch_under_cert_lang_nl(cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_LANG", "nl")
    text = " ".join(cli("demo", "--help").stdout.split())  # argparse wraps at 80 columns
    assert "volumefactor, een geheel getal van 1 of meer" in text
    assert "--scale N" in text  # the option names do not change
    monkeypatch.setenv("CERT_LANG", "en")
    assert "volume multiplier, a whole number of 1 or more" in " ".join(
        cli("demo", "--help").stdout.split())


def test_report_refusal_in_dutch(cli: CliRun, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.duckdb"
    assert cli("init", "--db", str(db)).returncode == 0
    monkeypatch.setenv("CERT_LANG", "nl")
    done = cli("report", "--db", str(db), "--year", "2015", "--out", str(tmp_path / "r.xlsx"))
    assert done.returncode == 2
    assert done.stderr.strip() == "rapport geweigerd: geen gegevens voor enig schema in 2015"


def test_notes_in_dutch(cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the note is written while the file is read, in a reading thread of its own
    monkeypatch.setenv("CERT_LANG", "nl")
    certs = tmp_path / "certs.csv"
    certs.write_text("certificate_number;scheme;holder_id;holder_name;kleur\n"
                     "K1;pkvw;H1;Slot BV;groen\n")
    done = cli("ingest", "--db", str(tmp_path / "s.duckdb"), str(certs))
    assert done.returncode == 0
    assert "  let op: kolommen niet gelezen (geen kolommen van certificate): kleur" \
        in done.stderr.splitlines()
