"""The command line acts as someone: every command that changes data takes ``--as LOGIN`` and
logs that staff member in with their password, asked at the terminal or read from the first
line(s) of standard input with ``--password-stdin``. The services then apply the same role
rules as in the window, and the audit log names that person. Commands that only read need no
log-in.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reseller_desk.db.database import Database
    from reseller_desk.services.permissions import Actor

STDIN_HELP = "パスワードを標準入力から読む（1行に1つ。{lines}）"


def add_arguments(parser: argparse.ArgumentParser, *, who: str, required: bool = True,
                  stdin_lines: str | None = None, metavar: str = "LOGIN") -> None:
    """``--as`` (the login ID of ``who``, e.g. 「取込を行う担当者」) and ``--password-stdin``."""
    parser.add_argument("--as", dest="as_login", metavar=metavar, required=required,
                        help=f"{who}のログインID（パスワードを尋ねます）")
    parser.add_argument("--password-stdin", action="store_true",
                        help=STDIN_HELP.format(lines=stdin_lines or "--as の担当者のパスワード"))


class Passwords:
    """Where passwords come from: the terminal (asked, a new one twice), or standard input
    one per line (--password-stdin)."""

    def __init__(self, from_stdin: bool) -> None:
        self.lines = sys.stdin.read().splitlines() if from_stdin else None

    def ask(self, prompt: str, *, new: bool = False) -> str:
        if self.lines is not None:
            if not self.lines:
                raise ValueError("標準入力にパスワードがありません。")
            return self.lines.pop(0)
        first = getpass.getpass(prompt)
        if new and getpass.getpass("もう一度: ") != first:
            raise ValueError("パスワードが一致しません。")
        return first


def log_in(db: Database, login_id: str, passwords: Passwords, *, who: str = "担当者") -> Actor:
    """``login_id`` logged in with the password ``passwords`` gives; one whose password was
    reset must change it first (as the window asks before anything else)."""
    from reseller_desk.services import auth

    actor = auth.login(db, login_id, passwords.ask(f"{who} {login_id} のパスワード: "))
    if auth.must_change_password(db, actor):
        raise ValueError(f"{login_id} のパスワードはリセットされています。"
                         f"先に reseller-desk user passwd {login_id} で変更してください。")
    return actor


def acting(db: Database, args: argparse.Namespace, *, who: str = "担当者") -> Actor:
    """The staff member ``--as`` names, logged in (``--password-stdin``: from standard input)."""
    return log_in(db, args.as_login, Passwords(args.password_stdin), who=who)
