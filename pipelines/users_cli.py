"""``python -m pipelines users add|passwd|disable|list`` (docs/contract.md)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from pipelines import users
from pipelines.i18n.cli import _


def add_users_parser(commands: argparse._SubParsersAction,
                     with_db: Callable[[argparse.ArgumentParser], argparse.ArgumentParser]
                     ) -> None:
    parser = commands.add_parser(
        "users", help=_("dashboard users (kept in <store>.auth.sqlite beside the store)"),
        description=_("Dashboard users and their roles. Users are kept in the file "
                      "<store>.auth.sqlite beside the store (owner-only), with argon2 "
                      "password hashes; every change goes to the audit log."))
    sub = parser.add_subparsers(dest="users_command", required=True)
    add = with_db(sub.add_parser("add", help=_("add a user")))
    add.add_argument("name", metavar="NAME",
                     help=_("user name: letters, digits, '.', '_', '@', '-'"))
    add.add_argument("--role", required=True, choices=users.ROLES,
                     help=_("management: everything; finance: billing and certificates; "
                            "college: aggregates and the yearly report; producer: only its "
                            "own holders' rows (needs --holder); admin: users, uploads, audit "
                            "log"))
    add.add_argument("--holder", action="append", default=[], metavar="HOLDER_ID",
                     help=_("a holder_id (not a name) the producer belongs to; repeat for "
                            "more"))
    add.add_argument("--email", default=None,
                     help=_("the e-mail of the OpenID Connect identity that logs in as this "
                            "user (st.login); without a password the user logs in only so"))
    add.add_argument("--password-stdin", action="store_true",
                     help=_("read the password from the first line of standard input "
                            "(otherwise it is asked for, unless --email is given)"))
    passwd = with_db(sub.add_parser("passwd", help=_("set a user's password")))
    passwd.add_argument("name", metavar="NAME")
    passwd.add_argument("--password-stdin", action="store_true",
                        help=_("read the password from the first line of standard input"))
    email = with_db(sub.add_parser(
        "email", help=_("set or change a user's e-mail address (the daily digest goes there;"
                        " it is also the OpenID Connect identity of the user)")))
    email.add_argument("name", metavar="NAME")
    email.add_argument("address", metavar="ADDRESS")
    disable = with_db(sub.add_parser("disable", help=_("disable a user (out at the next "
                                                       "page load)")))
    disable.add_argument("name", metavar="NAME")
    with_db(sub.add_parser("list", help=_("list the users")))


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise users.UserError(_("--password-stdin: standard input is empty"))
        return line.rstrip("\r\n")
    first = getpass.getpass(_("Password: "))
    if getpass.getpass(_("Password again: ")) != first:
        raise users.UserError(_("the two passwords differ"))
    return first


def run_users(args: argparse.Namespace, db_path: Path) -> int:
    from pipelines.audit import cli_actor

    actor = cli_actor()
    if not db_path.exists():
        print(_("users {command}: no store at {path} (create it with python -m pipelines "
                "init)").format(command=args.users_command, path=db_path), file=sys.stderr)
        return 2
    try:
        if args.users_command == "add":
            password = None
            if args.password_stdin or args.email is None:
                password = _password(args.password_stdin)
            user = users.add_user(db_path, args.name, args.role, password,
                                  holder_ids=args.holder, email=args.email, actor=actor)
            print(_("user {name} added (role {role})").format(name=user.username,
                                                                 role=user.role))
        elif args.users_command == "passwd":
            users.set_password(db_path, args.name, _password(args.password_stdin),
                               actor=actor)
            print(_("password of {name} changed").format(name=args.name))
        elif args.users_command == "email":
            users.set_email(db_path, args.name, args.address, actor=actor)
            print(_("e-mail of {name} set").format(name=args.name))
        elif args.users_command == "disable":
            users.disable_user(db_path, args.name, actor=actor)
            print(_("user {name} disabled").format(name=args.name))
        else:
            for user in users.list_users(db_path):
                print("\t".join([user.username, user.role, ",".join(user.holder_ids) or "-",
                                 user.email or "-", "disabled" if user.disabled else "active",
                                 "demo" if user.is_demo else ""]).rstrip())
    except users.UserError as exc:
        print(_("users {command}: {problem}").format(command=args.users_command, problem=exc),
              file=sys.stderr)
        return 2
    return 0
