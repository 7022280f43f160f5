"""The daily digest: ``python -m pipelines digest`` (issue 26 point 13; README "Daily digest").

Each recipient gets what became due, overdue or newly found since its previous digest: the
rows of the view ``digest_items`` (sql/marts/digest_items.sql: the worklist's items, which
role gets which kind, the state due / overdue / found) whose (item_key, state) was not in
the previous digest of the same series (role × recipient × producer user). Every digest
made is recorded in ``digest_log`` / ``digest_log_items`` (sql/schema/080_digests.sql) with
all the items it covered, and audited (action ``digest``).

- First digest of a series: there is nothing to compare with, so it lists every item the
  recipient has now (a baseline); each part of the mail lists up to
  ``settings().digest_max_items`` and says how many more there are, with a link.
- Producers: a producer's rows are chosen by the holder ids of its user entry
  (pipelines/users.py), in SQL, never by a name; ``--to`` with ``--role producer`` must be
  the e-mail of a producer user, so another holder's items cannot be sent anywhere else.
- Mail: one ``EmailMessage`` with a plain-text and an HTML alternative; every ingested text
  (holder names, details) is escaped with ``html.escape`` in the HTML part and put on one
  line in the text part; headers hold no ingested text.
- Language (issue 27): each mail in its recipient's language, ``use_language`` per mail:
  the user's own choice (``lang`` of the users table, when it has one), else CERT_LANG,
  else Dutch. The operator's lines on standard error stay English.
"""

from __future__ import annotations

import html
import re
import smtplib
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import polars as pl

from pipelines.config import settings
from pipelines.i18n import N_, _, cli, current_language, fmt, ngettext, use_language
from pipelines.i18n.keys import render_detail
from pipelines.pages import may_open
from pipelines.worklist import WORKLIST_KINDS

ROLES = ("management", "finance", "producer")
PRINTED = "(printed)"  # digest_log.recipient of a digest printed on standard output
STATES = {"overdue": N_("Became overdue"), "due": N_("Became due"),
          "found": N_("Newly found")}
ROLE_NAMES = {"management": N_("management"), "finance": N_("finance"),
              "producer": N_("producer")}
# The page each role starts from (dashboard/navigation.py url paths).
HOME = {"management": "overview", "finance": "billing", "producer": "my-certificates"}
INVOICE_KINDS = ("invoice_unpaid", "invoice_mismatch", "invoice_index_missing")


class DigestError(ValueError):
    """Wrong usage, in one line (exit code 2)."""


@dataclass(frozen=True)
class Recipient:
    role: str
    address: str | None  # None: printed on standard output
    username: str | None = None  # the producer user whose holders it covers
    holder_ids: tuple[str, ...] = ()
    lang: str | None = None  # the user's own language; None: CERT_LANG, else Dutch

    def language(self) -> str:
        """The mail's language: the user's, when it is one we have, else the default."""
        try:
            return current_language(self.lang)
        except ValueError:  # a code we have no catalogue for
            return current_language()

    @property
    def recipient(self) -> str:
        return self.address or PRINTED

    def label(self) -> str:
        who = f" {self.username} (holders {', '.join(self.holder_ids)})" if self.username \
            else ""
        return f"{self.role}{who} -> {self.recipient}"


@dataclass(frozen=True)
class Digest:
    recipient: Recipient
    as_of: date
    previous_at: datetime | None  # the series' previous digest; None: the first
    items: pl.DataFrame  # every item the recipient has now, with is_new

    @property
    def new(self) -> pl.DataFrame:
        return self.items.filter(pl.col("is_new"))


# --- who gets which digest -----------------------------------------------------------------


def recipients(db: Path, roles: Sequence[str], to: str | None,
               to_users: bool) -> tuple[list[Recipient], list[str]]:
    """The digests to make, and notes for standard error (users left out and why)."""
    from pipelines import users

    active = [u for u in users.list_users(db) if not u.disabled]
    out: list[Recipient] = []
    notes: list[str] = []
    for role in roles:
        if role == "producer":
            producers = [u for u in active if u.role == "producer" and u.holder_ids]
            if to is not None:
                match = [u for u in producers if u.email and u.email.lower() == to.lower()]
                if not match:
                    raise DigestError(cli._(
                        "no active producer user has the e-mail {address}: a producer's "
                        "digest goes only to the address of its own user entry (set it with"
                        " python -m pipelines users email NAME ADDRESS)").format(
                            address=repr(to)))
                out += [Recipient(role, u.email, u.username, u.holder_ids, _lang(u))
                        for u in match]
                continue
            if not producers:
                notes.append(cli._("no active producer user: no producer digest"))
            for u in producers:
                if to_users and not u.email:
                    notes.append(cli._(
                        "producer user {name} has no e-mail address: no digest (python -m "
                        "pipelines users email {name} ADDRESS)").format(name=u.username))
                    continue
                out.append(Recipient(role, u.email if to_users else None, u.username,
                                     u.holder_ids, _lang(u)))
        elif to is not None:
            out.append(Recipient(role, to))
        elif to_users:
            staff = [u for u in active if u.role == role]
            for u in staff:
                if u.email:
                    out.append(Recipient(role, u.email, lang=_lang(u)))
                else:
                    notes.append(cli._("{role} user {name} has no e-mail address: no digest"
                                       ).format(role=role, name=u.username))
            if not staff:
                notes.append(cli._("no active {role} user: no {role} digest").format(role=role))
        else:
            out.append(Recipient(role, None))
    # one digest per role × address (two users sharing a team address get one mail)
    return list(dict.fromkeys(out)), notes


def _lang(user: object) -> str | None:
    """A user's saved language (the users table's ``lang``, issue 27), if it has one."""
    return getattr(user, "lang", None) or None


# --- what is new -----------------------------------------------------------------------


_ITEMS_SQL = """
    with previous as (
        select digest_id, sent_at from digest_log
        where role = $role and recipient = $recipient
          and username is not distinct from $username
        order by sent_at desc, digest_id
        limit 1
    ),
    told as (
        select item_key, state from digest_log_items
        where digest_id in (select digest_id from previous)
    )
    select d.*, t.item_key is null as is_new
    from {source} as d
    left join told as t on t.item_key = d.item_key and t.state = d.state
    where d.role = $role and {scope}
    order by d.priority, d.due_on nulls last, d.certificate_number, d.subject
"""


def collect(con: duckdb.DuckDBPyConnection, recipient: Recipient,
            source: str = "digest_items") -> Digest:
    """The recipient's items now, each marked new or not (one read-only query). ``source``:
    the view, or a temporary copy of it made once for many recipients."""
    params: dict[str, object] = {"role": recipient.role, "recipient": recipient.recipient,
                                 "username": recipient.username}
    scope = "true"
    if recipient.role == "producer":
        # the producer's own holders, by id from the users table: in SQL, never by name
        scope = "list_contains($holders::varchar[], d.holder_id)"
        params["holders"] = list(recipient.holder_ids)
    items = con.sql(_ITEMS_SQL.format(scope=scope, source=source), params=params).pl()
    previous = con.execute(
        "select max(sent_at) from digest_log where role = ? and recipient = ?"
        " and username is not distinct from ?",
        [recipient.role, recipient.recipient, recipient.username]).fetchall()
    # fetchall, not fetchone: DuckDB refuses the next query while a result is unfinished
    as_of = con.execute("select as_of from as_of_date").fetchall()
    return Digest(recipient, as_of[0][0], previous[0][0], items)


# --- the mail ------------------------------------------------------------------------


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(value: object) -> str:
    """Ingested text on one line: a newline in a holder name cannot start a line of its own
    in the text part."""
    return "" if value is None else _CONTROL.sub(" ", str(value)).strip()


def _may_open(role: str, page: str) -> bool:
    return may_open(role, page)


def item_link(base_url: str, role: str, item: dict[str, object]) -> str:
    """The dashboard page (and its URL filters) that shows an item, as the Overview's
    worklist links it; a page the role may not open falls back to the role's home page."""
    cert = str(item["certificate_number"])
    kind = item["kind"]
    page, params = HOME[role], {}
    if kind == "sampling_overdue" and _may_open(role, "sampling-plan"):
        page, params = "sampling-plan", {"cert": cert, "site": str(item["site_id"]),
                                         "product": str(item["product"])}
    elif kind in INVOICE_KINDS and _may_open(role, "billing"):
        page = "billing"
        params = {"section": "receivables" if kind == "invoice_unpaid" else "check",
                  "certificate": cert}
        if kind != "invoice_unpaid" and item.get("period"):
            params["period"] = str(item["period"])
    elif _may_open(role, "certificates"):
        page = "certificates"
        params = {"section": {"deviation": "deviations", "audit_overdue": "audits",
                              "process_finding": "findings"}.get(str(kind), "detail"),
                  "certificate": cert}
    return f"{base_url}/{page}" + (f"?{urlencode(params)}" if params else "")


def _kind_label(kind: str) -> str:
    # the glossary's labels are English msgids (docs/i18n.md): translated here
    return _(WORKLIST_KINDS[kind]) if kind in WORKLIST_KINDS else kind


def _when(item: dict[str, object]) -> str:
    due, days = item["due_on"], item["days"]
    if item["state"] == "found":
        return _("found {day}").format(day=fmt.date(due)) if due else _("found")
    if due is None:
        return _("no date yet")
    day = fmt.date(due)
    if days < 0:
        return ngettext("overdue for {n} day (due {day})", "overdue for {n} days (due {day})",
                        -days).format(n=-days, day=day)
    if days == 0:
        return _("due today ({day})").format(day=day)
    return ngettext("due in {n} day ({day})", "due in {n} days ({day})", days).format(
        n=days, day=day)


def _detail(item: dict[str, object]) -> str:
    """The item's detail in the current language (the worklist's message key), else the
    English as stored."""
    return render_detail(item.get("detail_key"), item.get("detail_args"),
                         str(item["detail"] or ""))


def _rule(item: dict[str, object]) -> str:
    return render_detail(item.get("rule_key"), item.get("rule_args"), str(item["rule"] or ""))


def _who(item: dict[str, object]) -> str:
    name = one_line(item["holder_name"])
    return one_line(item["certificate_number"]) + (f" ({name})" if name else "")


def _role(role: str) -> str:
    return _(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def subject_line(digest: Digest) -> str:
    """The mail's subject: counts, role and date only (no ingested text in a header)."""
    n = digest.new.height
    return ngettext("Certification monitor: {n} new item for {role}, as of {day}",
                    "Certification monitor: {n} new items for {role}, as of {day}", n).format(
        n=n, role=_role(digest.recipient.role), day=fmt.date(digest.as_of))


def _intro(digest: Digest) -> str:
    total = digest.items.height
    if digest.previous_at is None:
        return _("First digest: every item on your list now ({total}). Later digests list "
                 "only what became due, overdue or newly found since the one before.").format(
            total=total)
    return _("New since the previous digest of {moment}: {n} of the {total} items on your "
             "list now.").format(moment=fmt.date_time(digest.previous_at),
                                 n=digest.new.height, total=total)


def _parts(digest: Digest, max_items: int) -> list[tuple[str, list[dict], int]]:
    """(state, the items listed, how many more) per state with new items."""
    out = []
    for state in STATES:
        rows = digest.new.filter(pl.col("state") == state).to_dicts()
        if rows:
            out.append((state, rows[:max_items], max(0, len(rows) - max_items)))
    return out


def text_body(digest: Digest, base_url: str, max_items: int) -> str:
    role = digest.recipient.role
    home = f"{base_url}/{HOME[role]}"
    lines = [_("Certification monitor: daily digest for {role}, as of {day}").format(
                 role=_role(role), day=fmt.date(digest.as_of)), "", _intro(digest), ""]
    for state, rows, more in _parts(digest, max_items):
        lines += [f"{_(STATES[state])} ({len(rows) + more})", ""]
        for item in rows:
            lines += [
                f"- {_kind_label(str(item['kind']))}: {_who(item)} · "
                f"{one_line(item['subject'])}",
                f"  {_when(item)}. {one_line(_detail(item))}",
                "  " + _("Rule: {rule} ({article})").format(
                    rule=one_line(_rule(item)), article=one_line(item["article"])),
                f"  {item_link(base_url, role, item)}",
            ]
        if more:
            lines.append("- " + _("and {n} more: {link}").format(n=more, link=home))
        lines.append("")
    lines += [_("Open the dashboard: {link}").format(link=home), ""]
    return "\n".join(lines)


def html_body(digest: Digest, base_url: str, max_items: int) -> str:
    """The HTML part: every value escaped (html.escape), links in quoted attributes."""
    e = html.escape
    role = digest.recipient.role
    home = e(f"{base_url}/{HOME[role]}", quote=True)
    heading = _("Daily digest for {role}, as of {day}").format(role=_role(role),
                                                               day=fmt.date(digest.as_of))
    out = ["<!DOCTYPE html>", f'<html lang="{current_language()}"><head><meta charset="utf-8">',
           f"<title>{e(subject_line(digest))}</title></head>",
           '<body style="font-family: sans-serif">',
           f"<h1>{e(heading)}</h1>",
           f"<p>{e(_intro(digest))}</p>"]
    cell = 'style="border-bottom: 1px solid #ccc; padding: 4px; vertical-align: top"'
    # outside the f-strings below, where the extractor would not see them
    open_label, open_more, open_home = _("Open"), _("open the dashboard"), \
        _("Open the dashboard")
    for state, rows, more in _parts(digest, max_items):
        out.append(f"<h2>{e(_(STATES[state]))} ({len(rows) + more})</h2>")
        out.append('<table style="border-collapse: collapse"><tr>'
                   + "".join(f"<th {cell}>{e(h)}</th>" for h in (
                       _("What"), _("Certificate"), _("Subject"), _("When"), _("Detail"),
                       _("Rule"), _("Article"), "")) + "</tr>")
        for item in rows:
            link = e(item_link(base_url, role, item), quote=True)
            values = (_kind_label(str(item["kind"])), _who(item), one_line(item["subject"]),
                      _when(item), one_line(_detail(item)), one_line(_rule(item)),
                      one_line(item["article"]))
            out.append("<tr>" + "".join(f"<td {cell}>{e(v)}</td>" for v in values)
                       + f'<td {cell}><a href="{link}">{e(open_label)}</a></td></tr>')
        out.append("</table>")
        if more:
            out.append("<p>" + e(_("And {n} more:").format(n=more))
                       + f' <a href="{home}">{e(open_more)}</a>.</p>')
    out.append(f'<p><a href="{home}">{e(open_home)}</a></p></body></html>')
    return "\n".join(out)


def message(digest: Digest, base_url: str, sender: str, max_items: int) -> EmailMessage:
    """The mail, in its recipient's language."""
    with use_language(digest.recipient.language()):
        return _message(digest, base_url, sender, max_items)


def _message(digest: Digest, base_url: str, sender: str, max_items: int) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject_line(digest)
    msg["From"] = sender
    msg["To"] = digest.recipient.recipient
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(text_body(digest, base_url, max_items))
    msg.add_alternative(html_body(digest, base_url, max_items), subtype="html")
    return msg


# --- sending, recording ------------------------------------------------------------------


def smtp_address(text: str) -> tuple[str, int]:
    """HOST:PORT (port 25 when left out; [::1]:25 for an IPv6 address)."""
    host, sep, port = text.rpartition(":")
    if not sep or "]" in port:
        host, port = text, "25"
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise DigestError(cli._("--smtp {text}: give HOST:PORT, e.g. localhost:25").format(
            text=repr(text)))
    return host, int(port)


def record(db: Path, made: list[tuple[Digest, str, datetime]]) -> None:
    """Write the digests made (digest, delivery, when) in one transaction of the store's
    write path; the series' next digest compares with them."""
    if not made:
        return
    from pipelines.store import connect_write

    logs, items = [], []
    for digest, delivery, sent_at in made:
        digest_id = str(uuid.uuid4())
        r = digest.recipient
        logs.append({"digest_id": digest_id, "role": r.role, "recipient": r.recipient,
                     "username": r.username, "holder_ids": ",".join(r.holder_ids) or None,
                     "as_of": digest.as_of, "sent_at": sent_at, "delivery": delivery,
                     "n_items": digest.items.height, "n_listed": digest.new.height})
        items += [{"digest_id": digest_id, "item_key": k, "state": s, "listed": n}
                  for k, s, n in digest.items.select("item_key", "state", "is_new").rows()]
    log_frame = pl.DataFrame(logs, schema={
        "digest_id": pl.String, "role": pl.String, "recipient": pl.String,
        "username": pl.String, "holder_ids": pl.String, "as_of": pl.Date,
        "sent_at": pl.Datetime("us"), "delivery": pl.String, "n_items": pl.Int32,
        "n_listed": pl.Int32})
    item_frame = pl.DataFrame(items, schema={"digest_id": pl.String, "item_key": pl.String,
                                             "state": pl.String, "listed": pl.Boolean})
    with connect_write(db) as con:
        con.register("new_digest_log", log_frame.to_arrow())
        con.register("new_digest_items", item_frame.to_arrow())
        con.execute("begin transaction")
        con.execute("insert into digest_log by name select * from new_digest_log")
        con.execute("insert into digest_log_items by name select * from new_digest_items")
        con.execute("commit")
        con.unregister("new_digest_log")
        con.unregister("new_digest_items")


def _audit(db: Path, digest: Digest, delivery: str) -> None:
    from pipelines.audit import record_cli

    r = digest.recipient
    record_cli(db, "digest", f"{r.label()}: {digest.new.height} new of {digest.items.height}"
                             f" items, as of {digest.as_of:%Y-%m-%d}, {delivery}")


def _read(db: Path, wanted: list[Recipient]) -> list[Digest]:
    from pipelines.store import connect, init_store

    for attempt in (1, 2):
        con = connect(db, read_only=True)
        try:
            # the worklist is computed once (about a second at scale 1), not per recipient;
            # each recipient's rows are still chosen in SQL
            con.execute("create temp table digest_now as select * from digest_items")
            return [collect(con, r, "digest_now") for r in wanted]
        except duckdb.CatalogException:
            if attempt == 2:
                raise
        finally:
            con.close()
        # a store made before the digest (no digest_items / digest_log): bring its schema
        # and views up to date, as the dashboard does on start; its data is kept
        init_store(db)
    raise AssertionError("unreachable")


def run(db: Path, roles: Sequence[str] | None, to: str | None, to_users: bool,
        smtp: str | None) -> int:
    """The command: make, send or print, record and audit each digest. Exit code."""
    cfg = settings()
    if to is not None and not roles:
        raise DigestError(cli._("--to ADDRESS sends one role's digest: name the role with "
                                "--role (management, finance or producer)"))
    if to is not None and not _looks_like_address(to):
        raise DigestError(cli._("--to {address}: not an e-mail address").format(
            address=repr(to)))
    host_port = smtp_address(smtp or cfg.smtp_server)
    wanted, notes = recipients(db, list(dict.fromkeys(roles or ROLES)), to, to_users)
    for note in notes:
        print(cli._("note: {note}").format(note=note), file=sys.stderr)
    digests = _read(db, wanted)
    made: list[tuple[Digest, str, datetime]] = []
    failed = 0
    smtp_conn: smtplib.SMTP | None = None
    delivery = f"smtp {host_port[0]}:{host_port[1]}"
    try:
        for digest in digests:
            r = digest.recipient
            if digest.new.is_empty():
                print(cli._("{recipient}: nothing new since {at} (no digest)").format(
                    recipient=r.label(), at=f"{digest.previous_at:%Y-%m-%d %H:%M}")
                      if digest.previous_at else
                      cli._("{recipient}: nothing new since ever (no digest)").format(
                          recipient=r.label()), file=sys.stderr)
                continue
            msg = message(digest, cfg.dashboard_url, cfg.mail_from, cfg.digest_max_items)
            if r.address is None:
                with use_language(r.language()):
                    body = text_body(digest, cfg.dashboard_url, cfg.digest_max_items)
                sys.stdout.write(f"To: {PRINTED}\nSubject: {msg['Subject']}\n\n{body}\n")
                made.append((digest, "stdout", datetime.now()))
                continue
            if smtp_conn is None:
                try:
                    smtp_conn = smtplib.SMTP(*host_port, timeout=30)
                except OSError as exc:
                    raise RuntimeError(cli._("SMTP server {server}: {problem}").format(
                        server=f"{host_port[0]}:{host_port[1]}",
                        problem=exc.strerror or exc)) from exc
            try:
                smtp_conn.send_message(msg)
            except smtplib.SMTPRecipientsRefused as exc:
                failed += 1
                print(cli._("{recipient}: refused by the SMTP server ({refused})").format(
                    recipient=r.label(), refused=exc.recipients), file=sys.stderr)
                continue
            made.append((digest, delivery, datetime.now()))
            print(cli.ngettext("{recipient}: {new} new of {n} item, sent",
                               "{recipient}: {new} new of {n} items, sent",
                               digest.items.height).format(
                recipient=r.label(), new=digest.new.height, n=digest.items.height))
    finally:
        if smtp_conn is not None:
            try:
                smtp_conn.quit()
            except smtplib.SMTPException:
                smtp_conn.close()
        # what went out is recorded even when a later mail failed: not told twice
        record(db, made)
        for digest, how, _sent_at in made:
            _audit(db, digest, how)
    return 1 if failed else 0


def _looks_like_address(text: str) -> bool:
    from pipelines.users import EMAIL

    return bool(EMAIL.fullmatch(text))
