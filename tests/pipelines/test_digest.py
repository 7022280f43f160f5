"""The daily digest (issue 26 point 13): ``python -m pipelines digest`` against a real SMTP
server (aiosmtpd on 127.0.0.1, a free port).

Store: tests/dashboard/mgmt_store.py, as of 2025-06-30 (settings.as_of). Holder H1 "Groen
Substraat BV" has BRL-001, holder H2 "Veilig Wonen BV" has P1. Its worklist, by hand (the
store's docstring gives the arithmetic):

  P1       deviation D1         A found 2025-03-10, deadline 2025-05-10: overdue 51 days
  P1       deviation D2         B found 2025-04-05, deadline 2025-07-05: due in 5 days
  P1       suspension           suspended from 2025-05-11 (D1), withdrawal 2025-11-11: due
  P1       audits 2025          PKVW, an audit every 18 months (CCV PKVW §4.2.2); issued
                                2020-01-01 and never audited: due 2021-07-01, overdue
  BRL-001  audits 2025          A1 2024-10-01, next within 6 months: due 2025-04-01, overdue
  BRL-001  INV1                 due 2025-05-31, unpaid: overdue 30 days
  BRL-001  2025-04 · HOURLY     invoiced 100.00, the tariff expects nothing: found
  BRL-001  lab report R1 / R2   no lab named, so no accreditation (BRL 9341 §1.4): found

Which role gets which (sql/marts/digest_items.sql): management all 9; finance the billing
kinds (INV1, 2025-04 · HOURLY); a producer its own holder's items except the body's invoice
check: H1 -> audits 2025, INV1, R1, R2 of BRL-001; H2 -> D1, D2, suspension, audits 2025
of P1.
"""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from pipelines import audit, users
from pipelines.__main__ import main
from pipelines.digest import recipients
from pipelines.store import connect, refresh
from tests.conftest import REPO_ROOT
from tests.dashboard.mgmt_store import AS_OF, build

BASE = "https://monitor.example.org"
PASSWORD = "a long password for tests"


class Inbox:
    """aiosmtpd handler: keeps every message it is given."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.mails.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, str]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, f"127.0.0.1:{port}"
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build(tmp_path_factory.mktemp("digest") / "template.duckdb")
    con = connect(path, read_only=False)
    try:
        con.execute("update settings set as_of = ?", [AS_OF])
    finally:
        con.close()
    return path


@pytest.fixture
def db(tmp_path: Path, _template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store.duckdb"
    shutil.copyfile(_template, path)
    monkeypatch.setenv("CERT_DASHBOARD_URL", BASE + "/")
    # these tests read the English mail (issue 27: Dutch is the default, tested below)
    monkeypatch.setenv("CERT_LANG", "en")
    return path


def write(db: Path, *statements: str, do_refresh: bool = False) -> None:
    con = connect(db, read_only=False)
    try:
        for sql in statements:
            con.execute(sql)
        if do_refresh:
            refresh(con)
    finally:
        con.close()


def digest(db: Path, *args: str) -> int:
    return main(["digest", "--db", str(db), *args])


def parts(message: EmailMessage) -> tuple[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    # SMTP carries CRLF line ends
    return text.replace("\r\n", "\n"), html.replace("\r\n", "\n")


ITEM = re.compile(r"^- [^:\n]+: (\S+) \([^)\n]*\) · (.+)$", re.M)


def listed(text: str) -> set[tuple[str, str]]:
    """(certificate, subject) of every item the text part lists."""
    return set(ITEM.findall(text))


H1_ITEMS = {("BRL-001", "audits 2025"), ("BRL-001", "INV1"),
            ("BRL-001", "lab report R1 (lab not named)"),
            ("BRL-001", "lab report R2 (lab not named)")}
H2_ITEMS = {("P1", "D1"), ("P1", "D2"), ("P1", "withdrawal / lapse"), ("P1", "audits 2025")}
MISMATCH = ("BRL-001", "2025-04 · HOURLY")


def test_first_digest_arrives_with_both_parts_links_and_every_item(
        db: Path, smtp: tuple[Inbox, str]) -> None:
    inbox, server = smtp
    assert digest(db, "--role", "management", "--to", "boss@example.org",
                  "--smtp", server) == 0
    assert len(inbox.mails) == 1
    rcpt, message = inbox.mails[0]
    assert rcpt == ["boss@example.org"]
    assert message["Subject"] == ("Certification monitor: 9 new items for management, "
                                  "as of 30 June 2025")  # en_GB date (issue 27)
    text, html = parts(message)
    assert listed(text) == H1_ITEMS | H2_ITEMS | {MISMATCH}
    assert "First digest: every item on your list now (9)" in text
    # by state: overdue D1, both audits, INV1; due D2 and the withdrawal; found the rest
    assert "Became overdue (4)" in text and "Became due (2)" in text
    assert "Newly found (3)" in text
    assert "overdue for 51 days (due 10 May 2025)" in text
    assert "due in 5 days (5 July 2025)" in text
    # links into the dashboard (CERT_DASHBOARD_URL), with the pages' own URL filters
    deviations = f"{BASE}/certificates?section=deviations&certificate=P1"
    check = f"{BASE}/billing?section=check&certificate=BRL-001&period=2025-04"
    assert deviations in text and check in text and f"{BASE}/overview" in text
    assert f'href="{deviations.replace("&", "&amp;")}"' in html
    assert f'href="{check.replace("&", "&amp;")}"' in html
    assert html.count("<a href=") == 9 + 1  # one per item and the dashboard's
    # recorded (every item, all listed) and audited
    con = connect(db)
    try:
        assert con.execute("select role, recipient, username, as_of, n_items, n_listed"
                           " from digest_log").fetchall() == [
            ("management", "boss@example.org", None, date(2025, 6, 30), 9, 9)]
        assert con.execute("select count(*), count(*) filter (where listed)"
                           " from digest_log_items").fetchone() == (9, 9)
    finally:
        con.close()
    lines = audit.entries(db, action="digest")
    assert lines.height == 1
    assert "management -> boss@example.org: 9 new of 9 items" in lines["detail"][0]


def test_second_digest_lists_only_what_is_new(db: Path, smtp: tuple[Inbox, str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    inbox, server = smtp
    args = ("--role", "management", "--to", "boss@example.org", "--smtp", server)
    assert digest(db, *args) == 0
    # Six days on D2's deadline (2025-07-05) has passed: it became overdue. A third lot L3,
    # produced 2025-06-15 and not tested, makes BRL-001's series overdue: fewer than 5
    # observations, so every lot is tested (BRL 9341 bijlage II) and L3 was not.
    write(db, "update settings set as_of = date '2025-07-06'",
          "insert into lots (site_id, lot_id, certificate_number, product, produced_on)"
          " values ('S1', 'L3', 'BRL-001', 'boomgranulaat', date '2025-06-15')",
          do_refresh=True)
    assert digest(db, *args) == 0
    assert len(inbox.mails) == 2
    text, html = parts(inbox.mails[1][1])
    assert listed(text) == {("P1", "D2"), ("BRL-001", "S1 · boomgranulaat · arsenic")}
    assert "Became overdue (2)" in text and "Became due" not in text
    assert "New since the previous digest of" in text
    assert "2 of the 10 items on your list now" in text
    plan = f"{BASE}/sampling-plan?cert=BRL-001&site=S1&product=boomgranulaat"
    assert plan in text and f'href="{plan.replace("&", "&amp;")}"' in html
    # nothing changed since: no mail, said on standard error
    capsys.readouterr()
    assert digest(db, *args) == 0
    assert len(inbox.mails) == 2
    assert "nothing new since" in capsys.readouterr().err


def test_each_producer_receives_only_its_own_holders_items(
        db: Path, smtp: tuple[Inbox, str], capsys: pytest.CaptureFixture[str]) -> None:
    inbox, server = smtp
    users.add_user(db, "groen", "producer", PASSWORD, holder_ids=("H1",),
                   email="groen@example.org")
    users.add_user(db, "veilig", "producer", PASSWORD, holder_ids=("H2",),
                   email="veilig@example.org")
    users.add_user(db, "nomail", "producer", PASSWORD, holder_ids=("H1",))
    users.add_user(db, "anna", "management", PASSWORD, email="anna@example.org")
    assert digest(db, "--role", "producer", "--to-users", "--smtp", server) == 0
    mails = {rcpt[0]: parts(message) for rcpt, message in inbox.mails}
    assert sorted(mails) == ["groen@example.org", "veilig@example.org"]  # not anna, nomail
    groen_text, groen_html = mails["groen@example.org"]
    veilig_text, veilig_html = mails["veilig@example.org"]
    assert listed(groen_text) == H1_ITEMS  # not the body's invoice check, nor P1's items
    assert listed(veilig_text) == H2_ITEMS
    for body in (groen_text, groen_html):
        assert not re.search(r"\bP1\b", body) and "Veilig Wonen" not in body
    for body in (veilig_text, veilig_html):
        assert "BRL-001" not in body and "Groen Substraat" not in body
    assert f"{BASE}/my-certificates" in groen_text
    assert "/certificates?" not in groen_text + veilig_text  # a page producers cannot open
    assert "producer user nomail has no e-mail address" in capsys.readouterr().err

    # --to with a producer: only the address of a producer user, and only its own items
    assert digest(db, "--role", "producer", "--to", "stranger@example.org",
                  "--smtp", server) == 2
    assert digest(db, "--role", "producer", "--to", "anna@example.org",
                  "--smtp", server) == 2
    assert len(inbox.mails) == 2
    con = connect(db)
    try:
        assert con.execute("select username, recipient, holder_ids, n_listed from digest_log"
                           " order by username").fetchall() == [
            ("groen", "groen@example.org", "H1", 4), ("veilig", "veilig@example.org", "H2", 4)]
    finally:
        con.close()
    # a disabled user gets no digest
    users.disable_user(db, "veilig")
    wanted, _ = recipients(db, ["producer"], None, True)
    assert [(r.username, r.address, r.holder_ids) for r in wanted] == [
        ("groen", "groen@example.org", ("H1",))]


def test_hostile_holder_name_is_escaped_in_the_html_part(
        db: Path, smtp: tuple[Inbox, str]) -> None:
    inbox, server = smtp
    hostile = '<script>alert("x")</script>\n- Fake: P9 & <a href="http://evil.example">'
    write(db, f"update certificate_holders set holder_name = '{hostile}' where holder_id = 'H1'")
    assert digest(db, "--role", "finance", "--to", "money@example.org",
                  "--smtp", server) == 0
    text, html = parts(inbox.mails[0][1])
    assert "<script>" not in html and "evil.example\">" not in html
    assert ('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; - Fake: P9 &amp; &lt;a '
            'href=&quot;http://evil.example&quot;&gt;') in html
    assert html.count("<a href=") == 2 + 1  # INV1, 2025-04 · HOURLY and the dashboard
    # the newline in the name cannot start a line of its own in the text part
    assert not re.search(r"^- Fake", text, re.M)
    assert len(re.findall(r"^- ", text, re.M)) == 2


def test_deviation_detail_markup_is_escaped(db: Path, smtp: tuple[Inbox, str]) -> None:
    inbox, server = smtp
    assert digest(db, "--role", "management", "--to", "boss@example.org",
                  "--smtp", server) == 0
    text, html = parts(inbox.mails[0][1])
    # D1's requirement as ingested: 'R1 <b>hinge</b> **x**'
    assert "category A, R1 &lt;b&gt;hinge&lt;/b&gt; **x**" in html and "<b>" not in html
    assert "category A, R1 <b>hinge</b> **x**" in text


def test_without_to_the_digest_is_printed_and_nothing_is_mailed(
        db: Path, smtp: tuple[Inbox, str]) -> None:
    inbox, server = smtp
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", "digest", "--db", str(db), "--role", "finance",
         "--smtp", server], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        env={**__import__("os").environ, "CERT_DASHBOARD_URL": BASE})
    assert done.returncode == 0, done.stderr
    assert inbox.mails == []
    assert done.stdout.startswith("To: (printed)\nSubject: Certification monitor: 2 new items"
                                  " for finance, as of 30 June 2025\n")
    assert listed(done.stdout) == {("BRL-001", "INV1"), MISMATCH}
    assert f"{BASE}/billing?section=receivables&certificate=BRL-001" in done.stdout
    con = connect(db)
    try:
        assert con.execute("select role, recipient, delivery, n_listed from digest_log"
                           ).fetchall() == [("finance", "(printed)", "stdout", 2)]
    finally:
        con.close()


def test_wrong_usage_exits_2_in_one_line(db: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    assert digest(db, "--to", "boss@example.org") == 2  # which role's digest?
    assert digest(db, "--role", "management", "--to", "not an address") == 2
    assert digest(db, "--role", "management", "--to", "boss@example.org",
                  "--smtp", "localhost:port") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("error: digest: ") for line in err)


def test_users_email_sets_the_digest_address(db: Path) -> None:
    users.add_user(db, "groen", "producer", PASSWORD, holder_ids=("H1",))
    assert main(["users", "email", "groen", "groen@example.org", "--db", str(db)]) == 0
    assert users.get_user(db, "groen").email == "groen@example.org"
    assert main(["users", "email", "groen", "nonsense", "--db", str(db)]) == 2
    assert audit.entries(db, action="user_email")["detail"].to_list() == [
        "groen email=groen@example.org"]


def test_a_long_digest_lists_the_first_items_of_each_part_and_counts_the_rest(
        db: Path, smtp: tuple[Inbox, str], monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, server = smtp
    monkeypatch.setenv("CERT_DIGEST_MAX_ITEMS", "2")
    assert digest(db, "--role", "management", "--to", "boss@example.org",
                  "--smtp", server) == 0
    text, html = parts(inbox.mails[0][1])
    # overdue 4 (2 listed, 2 more), due 2 (both), found 3 (2 listed, 1 more)
    assert len(listed(text)) == 6
    assert "Became overdue (4)" in text and "Newly found (3)" in text
    assert f"- and 2 more: {BASE}/overview" in text
    assert f"- and 1 more: {BASE}/overview" in text
    assert "And 2 more" in html and "And 1 more" in html
    # every item counts as told: the next digest has nothing new
    assert digest(db, "--role", "management", "--to", "boss@example.org",
                  "--smtp", server) == 0
    assert len(inbox.mails) == 1


def test_unreachable_smtp_server_exits_1_and_records_nothing(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    closed = _free_port()  # nothing listens there
    assert digest(db, "--role", "finance", "--to", "money@example.org",
                  "--smtp", f"127.0.0.1:{closed}") == 1
    assert capsys.readouterr().err.startswith(f"error: SMTP server 127.0.0.1:{closed}: ")
    con = connect(db)
    try:
        assert con.execute("select count(*) from digest_log").fetchall() == [(0,)]
    finally:
        con.close()
    assert audit.entries(db, action="digest").height == 0


def test_a_store_made_before_the_digest_gets_its_tables_and_keeps_its_data(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(db, "drop view digest_items", "drop table digest_log_items",
          "drop table digest_log")
    assert digest(db, "--role", "finance") == 0
    assert listed(capsys.readouterr().out) == {("BRL-001", "INV1"), MISMATCH}
    con = connect(db)
    try:
        assert con.execute("select count(*) from digest_log").fetchall() == [(1,)]
        assert con.execute("select count(*) from deviations").fetchall() == [(3,)]
    finally:
        con.close()


# --- issue 27: each mail in its recipient's language ---------------------------------------


def test_the_digest_is_dutch_by_default(db: Path, smtp: tuple[Inbox, str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CERT_LANG")
    inbox, server = smtp
    assert digest(db, "--role", "management", "--to", "boss@example.org",
                  "--smtp", server) == 0
    (_rcpt, message), = inbox.mails
    # strip: the header is folded before its first word, which leaves a space when parsed
    assert message["Subject"].strip() == ("Certificatiemonitor: 9 nieuwe punten voor "
                                          "directie, peildatum 30 juni 2025")
    text, html = parts(message)
    assert listed(text) == H1_ITEMS | H2_ITEMS | {MISMATCH}  # the same items
    assert "Eerste overzicht: alle punten die nu op uw lijst staan (9)." in text
    assert "Te laat geworden (4)" in text and "Aan de beurt gekomen (2)" in text
    assert "51 dagen te laat (uiterlijk 10 mei 2025)" in text
    assert "over 5 dagen (5 juli 2025)" in text
    assert '<html lang="nl">' in html and ">Openen</a>" in html
    assert "Certification monitor" not in text and "overdue for" not in text


def test_each_mail_in_its_recipients_language(db: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.digest import Recipient, _read, message

    monkeypatch.delenv("CERT_LANG")
    english, dutch = _read(db, [Recipient("management", "a@example.org", lang="en"),
                                Recipient("management", "b@example.org")])
    subjects = [message(d, BASE, "monitor@example.org", 20)["Subject"]
                for d in (english, dutch, english)]
    assert subjects == [
        "Certification monitor: 9 new items for management, as of 30 June 2025",
        "Certificatiemonitor: 9 nieuwe punten voor directie, peildatum 30 juni 2025",
        "Certification monitor: 9 new items for management, as of 30 June 2025"]
    # a language code without a catalogue falls back to the default, not to an error
    assert Recipient("management", None, lang="fr").language() == "nl"
