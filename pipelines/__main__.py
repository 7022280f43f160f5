"""Command line: python -m pipelines init|demo|ingest|report (see docs/contract.md)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

from pipelines.config import settings
from pipelines.i18n import LANGUAGES, cli_language
from pipelines.i18n.cli import _
from pipelines.ingest import KINDS
from pipelines.ingest.kinds import SCHEMES
from pipelines.ingest.sikb0101 import KIND as SIKB_KIND

# A DuckDB store file carries this at byte 8; anything else named by --db is not a store.
DUCKDB_MAGIC = b"DUCK"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a whole number: {text}").format(text=repr(text))) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_("must be 1 or more, not {value}").format(value=value))
    return value


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a date YYYY-MM-DD: {text}").format(text=repr(text))) from None


class _OneLineParser(argparse.ArgumentParser):
    """Usage errors in one line (argparse prints the usage above them), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, _("error: {prog}: {message} (see --help)").format(prog=self.prog,
                                                                   message=message) + "\n")


def _parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="python -m pipelines",
                                     description=_("Certification monitoring store"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", type=Path, default=None, metavar="PATH",
                       help=_("the store file (a DuckDB file; default {path}, or the "
                              "environment variable CERT_DB)").format(path=settings().db_path))
        return p

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=summary, description=summary)

    with_db(command("init", _("create the store, or bring an existing one up to date "
                              "(schema, reference data, views); its data is kept")))
    refresh = with_db(command("refresh", _("recompute the materialized tables of an existing "
                                           "store (ingest does this itself)")))
    refresh.add_argument("--scheme", default=None, metavar="SCHEME",
                         choices=("billing", "brl9341", "lifecycle", "pkvw", "process"),
                         help=_("only the stored tables of this scheme's rules (sql/rules/"
                                "SCHEME/): billing, brl9341, lifecycle, pkvw or process;"
                                " default: every stored table"))
    sql = with_db(command("sql", _("print the result of one query on the store (read-only)")))
    sql.add_argument("query", metavar="QUERY", help=_("one SQL statement, e.g. \"select *"
                                                     " from lot_status\""))
    sql.add_argument("--as-of", default=None, type=_as_of, metavar="YYYY-MM-DD",
                     help=_("the date the status views answer for (default: the store's"
                            " settings.as_of, else today)"))
    sql.add_argument("--format", choices=("csv", "json"), default="csv",
                     help=_("csv (with a header row, the default) or json (an array of"
                            " objects)"))
    demo = with_db(command("demo", _("build the deterministic demo data set: write its "
                                     "input files and ingest them into the store")))
    demo.add_argument("--scale", type=_positive, default=1, metavar="N",
                      help=_("volume multiplier, a whole number of 1 or more (1: about "
                             "14 000 analyses, 10: about 90 000; default 1)"))
    demo.add_argument("--files-dir", type=Path, default=None, metavar="DIR",
                      help=_("where the generated input files are written (default: the "
                             "folder <store name>_files beside the store; environment "
                             "variable CERT_DEMO_FILES)"))
    ingest = with_db(command("ingest", _("ingest CSV/XLSX files; prints one line per file, "
                                         "bad rows go to the quarantine with their reason")))
    ingest.add_argument("files", nargs="+", type=Path, metavar="FILE",
                        help=_("CSV (comma, semicolon, tab or |; UTF-8 or Windows-1252) or "
                               "XLSX files; master data is taken before the facts naming it"))
    ingest.add_argument("--kind", choices=sorted([*KINDS, SIKB_KIND]), metavar="KIND",
                        help=_("the kind of every FILE, when its header does not tell: "
                               "{kinds} (default: detected per file)").format(
                                   kinds=", ".join(sorted([*KINDS, SIKB_KIND]))))
    # === issue 25: the lot of a SIKB0101 file with one sample ===
    for option, what in (("lot", "lot_id"), ("site", "site_id"),
                         ("certificate", "certificate_number")):
        ingest.add_argument(f"--{option}", default=None, metavar=what.upper(),
                            help=_("SIKB0101 file with one sample and no sampling record:"
                                   " the {what} its analyses belong to").format(what=what))
    # === end issue 25 ===
    ingest.add_argument("--verbose", "-v", action="store_true",
                        help=_("print the reason of every quarantined row (default: the "
                               "first 5 per file)"))
    # === issue 25: the watched inbox (pipelines/watch.py) ===
    watch = with_db(command("watch", _("ingest every file that lands in DIR once it is "
                                       "complete; move it to DIR/done/ or DIR/failed/ with a "
                                       "report; stop with Ctrl-C or SIGTERM")))
    watch.add_argument("inbox", type=Path, metavar="DIR", help=_("the folder watched"))
    watch.add_argument("--settle", type=float, default=2.0, metavar="SECONDS",
                       help=_("a file not renamed into DIR is complete once its size and "
                              "time stayed the same this long (default 2)"))
    # === end issue 25 ===
    report = with_db(command("report", _("yearly report to the College of Experts")))
    report.add_argument("--year", type=int, required=True, metavar="YYYY",
                        help=_("the calendar year reported on"))
    report.add_argument("--scheme", default=None, metavar="SCHEME",
                        help=_("only this scheme: {schemes} (default: every scheme)").format(
                            schemes=", ".join(SCHEMES)))
    report.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help=_("the file written: .xlsx or .pdf"))
    # === issue 10: users (pipelines/users_cli.py) ===
    from pipelines.users_cli import add_users_parser
    add_users_parser(commands, with_db)
    # === end users ===
    # === issue 11: yearly report options ===
    report.add_argument("--frozen-at", default=None, metavar="TIMESTAMP",
                        help=_("leave out everything ingested after this moment "
                               "(YYYY-MM-DD[ HH:MM[:SS]])"))
    report.add_argument("--with-names", action="store_true", default=None,
                        help=_("include holder names (default: counts only; setting "
                               "CERT_REPORT_WITH_NAMES=1)"))
    # === end issue 11 ===
    # issue 27: the report in the reader's language, Dutch unless asked otherwise
    report.add_argument("--lang", choices=LANGUAGES, default=None,
                        help=_("the report's language (default: CERT_LANG, else nl)"))
    # === issue 26 point 13: the daily digest (pipelines/digest.py) ===
    from pipelines.digest import ROLES as DIGEST_ROLES
    digest = with_db(command(
        "digest", _("mail (or print) each role what became due, overdue or newly found since "
                    "its previous digest, with links into the dashboard")))
    digest.add_argument("--role", action="append", choices=DIGEST_ROLES, default=None,
                        help=_("whose digest: management (every worklist item), finance (the "
                               "billing items), producer (each producer user's own holders);"
                               " repeat for more; default: all three"))
    recipients = digest.add_mutually_exclusive_group()
    recipients.add_argument("--to", default=None, metavar="ADDRESS",
                            help=_("mail the role's digest to ADDRESS (needs --role; for "
                                   "producer ADDRESS must be a producer user's e-mail). "
                                   "Without --to or --to-users the digests are printed"))
    recipients.add_argument("--to-users", action="store_true",
                            help=_("mail each active user of the role that has an e-mail "
                                   "address (python -m pipelines users email NAME ADDRESS) "
                                   "its own digest"))
    digest.add_argument("--smtp", default=None, metavar="HOST:PORT",
                        help=_("the SMTP server that takes the mail (default {server}, "
                               "environment variable CERT_SMTP)").format(
                                   server=settings().smtp_server))
    # === end issue 26 ===
    # === issue 24: maintenance, audited (pipelines/maintain.py) ===
    maintain = with_db(command("maintain", _("housekeeping of the store: checkpoint, expire "
                                             "old snapshots, remove unfinished copies; "
                                             "written to the audit log")))
    maintain.add_argument("--json", action="store_true",
                          help=_("print what was done as JSON (default: one line)"))
    # === end maintenance ===
    # === issue 24: the audit log's hash chain ===
    audit = commands.add_parser("audit", help=_("the audit log (in <store>.auth.sqlite)"),
                                description=_("The audit log kept beside the store."))
    audit_commands = audit.add_subparsers(dest="audit_command", required=True,
                                          metavar="SUBCOMMAND")
    with_db(audit_commands.add_parser(
        "verify", help=_("check the hash chain: exit 1 at the first line changed, removed or "
                         "inserted, 0 and one OK line otherwise"),
        description=_("Walk the audit log's SHA-256 hash chain (docs/security.md) and name "
                      "the first line that was changed, removed or inserted (exit 1).")))
    # === end issue 24 ===
    return parser


def _store_problem(path: Path, must_exist: bool) -> str | None:
    """Why ``path`` cannot be used as the store, in one line (None: it can)."""
    if path.is_dir():
        return _("{path} is a directory, not a store file").format(path=path)
    if path.exists():
        try:
            with path.open("rb") as handle:
                head = handle.read(12)
        except OSError as exc:
            return _("cannot read the store {path}: {reason}").format(path=path,
                                                                     reason=exc.strerror)
        if not head:
            return _("{path} is an empty file, not a store; remove it or name another file"
                     ).format(path=path)
        if head[8:12] != DUCKDB_MAGIC:
            return _("{path} is not a store (not a DuckDB file); name another file").format(
                path=path)
        return None
    if must_exist:
        return _("no store at {path}; create it with: python -m pipelines init --db {path}"
                 ).format(path=path)
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        return _("cannot create a store at {path}: {folder} is not a writable folder").format(
            path=path, folder=parent)
    return None


def _one_line(exc: BaseException) -> str:
    from pipelines.ingest.read import printable

    if isinstance(exc, OSError) and exc.strerror:
        return printable(f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror,
                         300)
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return printable(lines[0] if lines else type(exc).__name__, 300)


# Commands that write the store in bulk: they yield the CPU to the dashboard's readers.
WRITING_COMMANDS = frozenset({"ingest", "refresh", "demo", "watch", "maintain"})


def _lower_priority(niceness: int) -> None:
    """Runs this process at least at ``niceness``: readers first (issue 12). With 20
    sessions and 5 ingests on 2 cores, reader p95 during the ingests went from 2.3 s to
    0.8 s once the ingests ran at nice 10 (bench/concurrency.py); an ingest's own time
    hardly changes, as the dashboard is idle most of the time. Called twice, it does not
    lower it further."""
    if niceness > 0 and hasattr(os, "nice"):
        current = os.nice(0)
        if current < niceness:
            os.nice(niceness - current)


def main(argv: list[str] | None = None) -> int:
    # Every file a command writes (the store, its WAL and lock, reports, the demo's files)
    # holds names: owner-only, whatever the caller's umask (issue 24). Restored after, for
    # callers that run main() in their own process (tests).
    from pipelines.files import PRIVATE_UMASK
    previous = os.umask(PRIVATE_UMASK)
    try:
        return _main(argv)
    finally:
        os.umask(previous)


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    db_path = Path(args.db or settings().db_path)
    must_exist = args.command in ("refresh", "report", "sql", "audit", "digest", "maintain")
    problem = _store_problem(db_path, must_exist)
    if problem:
        print(_("error: {problem}").format(problem=problem), file=sys.stderr)
        # naming a store that is not there is wrong usage (2), like the report's refusals
        return 2 if must_exist and not db_path.exists() else 1
    if args.command in WRITING_COMMANDS:
        _lower_priority(settings().writer_nice)
    try:
        return _run(args, db_path)
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:  # every failure is one line and an exit code, no traceback
        print(_("error: {problem}").format(problem=_one_line(exc)), file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, db_path: Path) -> int:
    from pipelines.audit import record_cli  # issue 24: every command that changes or exports
    if args.command == "init":
        from pipelines.store import init_store
        from pipelines.users import drop_demo_accounts
        created = not Path(db_path).exists()
        print(_("store ready: {path}").format(path=init_store(db_path)))
        if created:  # a new store has no demo accounts, even beside an old users file
            drop_demo_accounts(db_path)
        record_cli(db_path, "init", "store created" if created else "store brought up to date")
        return 0

    if args.command == "audit":  # issue 24
        from pipelines.audit import verify
        result = verify(db_path)
        print(result.message if result.ok
              else _("audit log: {problem}").format(problem=result.message))
        return 0 if result.ok else 1

    if args.command == "users":  # issue 10
        from pipelines.users_cli import run_users
        return run_users(args, Path(db_path))

    if args.command == "refresh":
        from pipelines.store import connect_write, refresh
        with connect_write(db_path) as con:
            names = refresh(con, scheme=args.scheme)
        record_cli(db_path, "refresh", (f"scheme {args.scheme}: " if args.scheme else "")
                   + (", ".join(names) or "nothing to refresh"))
        print(_("refreshed: {tables}").format(tables=", ".join(names)) if names
              else _("refreshed: nothing to refresh"))
        return 0

    if args.command == "maintain":  # issue 24: audited inside run_maintenance
        from pipelines.maintain import describe, run_maintenance
        summary = run_maintenance(db_path)
        if args.json:
            import json
            print(json.dumps(summary, indent=2))
        else:
            print(_("maintained {path}: {summary}").format(
                path=db_path, summary=describe(summary, cli_language())))
        return 0

    if args.command == "sql":
        return _print_query(db_path, args.query, args.as_of, args.format)

    if args.command == "demo":
        from pipelines.demo import build_demo
        build_demo(db_path, scale=args.scale, files_dir=args.files_dir)
        record_cli(db_path, "demo", f"demo store built, scale {args.scale}")
        print(_("demo store ready: {path}").format(path=db_path))
        return 0

    if args.command == "ingest":
        from pipelines.ingest import ingest_files
        from pipelines.store import connect_write, init_store
        if not db_path.exists():
            init_store(db_path)
        with connect_write(db_path) as con:
            results = ingest_files(con, args.files, args.kind, sikb_options={
                "lot": args.lot, "site": args.site, "certificate": args.certificate},
                source="cli")
        from pipelines.audit import record_ingest  # issue 10: the audit log
        record_ingest(db_path, results)
        for result in results:
            print(result.summary_in(cli_language()))
            for note in result.notes:
                print("  " + _("note: {note}").format(note=note), file=sys.stderr)
            shown = result.problems if args.verbose else result.problems[:5]
            for problem in shown:
                print(f"  {problem}", file=sys.stderr)
            if len(result.problems) > len(shown) or result.rows_quarantined > len(shown):
                print("  " + _("... (all reasons are in the quarantine table)"), file=sys.stderr)
        return 1 if any(r.error for r in results) else 0

    if args.command == "digest":  # issue 26 point 13
        from pipelines.digest import DigestError
        from pipelines.digest import run as run_digest
        try:
            return run_digest(db_path, args.role, args.to, args.to_users, args.smtp)
        except DigestError as exc:
            print(_("error: digest: {problem}").format(problem=exc), file=sys.stderr)
            return 2

    if args.command == "watch":  # issue 25
        from pipelines.watch import run
        return run(db_path, args.inbox, args.settle)

    if args.command == "report":
        from pipelines.report.cli import run_report
        code = run_report(Path(db_path), args)
        if code == 0:  # issue 24: a report made, frozen or with names is audited
            _audit_report(db_path, args)
        return code
    return 2


def _print_query(db_path: Path, query: str, as_of: date | None, fmt: str) -> int:
    """``sql``: one query on a read-only connection, its result on standard output."""
    import polars as pl

    from pipelines.store import connect

    con = connect(db_path)
    try:
        if as_of is not None:
            con.execute("set variable as_of = ?::date", [as_of])
        relation = con.sql(query)
        if relation is None:  # a statement without a result (set, pragma)
            frame = pl.DataFrame()
        else:
            if fmt == "csv":  # CSV has no lists or structs: write those cells as JSON
                nested = ("[]", "STRUCT", "MAP", "UNION")
                relation = relation.project(", ".join(
                    f'to_json("{n}")::varchar as "{n}"' if any(m in str(t) for m in nested)
                    else f'"{n}"' for n, t in zip(relation.columns, relation.types,
                                                  strict=True)))
            frame = relation.pl()
    finally:
        con.close()
    if fmt == "json":
        sys.stdout.write(frame.write_json() + "\n")
    else:
        sys.stdout.write(frame.write_csv())
    return 0


def _audit_report(db_path: Path, args: argparse.Namespace) -> None:
    from pipelines.audit import record_cli
    from pipelines.report.model import with_names_default
    with_names = with_names_default() if args.with_names is None else args.with_names
    action = "report_names" if with_names else "report_frozen" if args.frozen_at else "report"
    detail = (f"year {args.year}, scheme {args.scheme or 'all'}, with names "
              f"{'yes' if with_names else 'no'}, frozen at {args.frozen_at or '-'}, "
              f"file {Path(args.out).resolve()}")
    record_cli(db_path, action, detail)


if __name__ == "__main__":
    sys.exit(main())
