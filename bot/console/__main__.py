"""Manage advisor accounts: ``python -m bot.console advisors add NAME --role advisor|admin``.

The password is asked twice on the terminal, or read from standard input with
``--password-stdin``. There is no default account and no default password."""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.console.accounts import ROLES, AccountError, AccountStore
from bot.console.db import Database
from bot.settings import Settings


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Passwort: ")
    if first != getpass.getpass("Passwort wiederholen: "):
        raise AccountError("the passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.console")
    sub = parser.add_subparsers(dest="group", required=True)
    advisors = sub.add_parser("advisors", help="advisor accounts")
    cmds = advisors.add_subparsers(dest="command", required=True)
    add = cmds.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="advisor")
    add.add_argument("--password-stdin", action="store_true")
    passwd = cmds.add_parser("passwd", help="set a new password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    remove = cmds.add_parser("remove", help="delete an account")
    remove.add_argument("name")
    cmds.add_parser("list", help="list the accounts")
    args = parser.parse_args(argv)

    store = AccountStore(Database(Settings.from_env().console_database))
    try:
        if args.command == "add":
            advisor = store.add(args.name, args.role, _password(args.password_stdin))
            print(f"account {advisor.name!r} ({advisor.role}) created")
        elif args.command == "passwd":
            store.set_password(args.name, _password(args.password_stdin))
            print(f"password of {args.name!r} changed")
        elif args.command == "remove":
            if not store.remove(args.name):
                raise AccountError(f"no account named {args.name!r}")
            print(f"account {args.name!r} removed")
        else:
            for a in store.all():
                print(f"{a.name}\t{a.role}\t{'active' if a.active else 'locked'}")
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
