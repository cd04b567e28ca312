"""``reseller-desk user …``: staff accounts from the command line, through the same services
as 設定 → 担当者.

    user add --login ID --name 氏名 [--role clerk|manager] [--as MANAGER]
    user list
    user set-role LOGIN clerk|manager --as MANAGER
    user deactivate LOGIN --as MANAGER      user activate LOGIN --as MANAGER
    user reset-password LOGIN --as MANAGER  (prints the temporary password, once)
    user passwd LOGIN                        (one's own password: asks the current one)

``--as`` names the manager doing it, who logs in with their password (asked, or the first
line of standard input with ``--password-stdin``; reseller_desk.cli_login, as for every
command that changes data). A refusal is one Japanese line on stderr and exit status 2
(``cli.main``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from reseller_desk import cli_login
from reseller_desk.cli_login import Passwords
from reseller_desk.services.errors import ValidationFailed

if TYPE_CHECKING:
    from reseller_desk.db.database import Database
    from reseller_desk.services.permissions import Actor

#: (parser) -> None: adds --db to a subcommand (cli._add_db).
AddDb = Callable[[argparse.ArgumentParser], None]
#: (--db) -> the opened database (cli._open).
OpenDb = Callable[[str | None], "Database"]

STDIN_HELP = cli_login.STDIN_HELP


def add_parser(sub: argparse._SubParsersAction, add_db: AddDb) -> None:
    user = sub.add_parser("user", help="担当者（スタッフ）の登録・一覧・役割・無効化・パスワード")
    user_sub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    add = user_sub.add_parser("add", help="担当者を登録する（最初の一人は管理者）")
    add_db(add)
    add.add_argument("--login", required=True, help="ログインID（半角英数字）")
    add.add_argument("--name", required=True, help="氏名（画面と操作履歴に表示）")
    add.add_argument("--role", choices=("manager", "clerk"), default="clerk", help="manager=管理者, clerk=事務")
    add.add_argument("--as", dest="as_login", metavar="MANAGER",
                     help="登録を行う管理者のログインID（担当者が既にいるとき必要。パスワードを尋ねます）")
    add.add_argument("--password-stdin", action="store_true",
                     help=STDIN_HELP.format(lines="1行目: 新しい担当者、2行目: --as の管理者"))

    listing = user_sub.add_parser("list", help="担当者の一覧")
    add_db(listing)

    def managed(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = user_sub.add_parser(name, help=help_text)
        add_db(parser)
        parser.add_argument("login", metavar="LOGIN", help="対象の担当者のログインID")
        cli_login.add_arguments(parser, who="操作を行う管理者", metavar="MANAGER",
                                stdin_lines="--as の管理者のパスワード")
        return parser

    managed("set-role", "担当者の役割を変える").add_argument("role", choices=("manager", "clerk"), metavar="ROLE",
                                                       help="manager=管理者, clerk=事務")
    managed("deactivate", "担当者を無効にする（削除はしません。ログインできなくなります）")
    managed("activate", "無効にした担当者を元に戻す")
    managed("reset-password", "パスワードをリセットする（仮パスワードを一度だけ表示）")

    passwd = user_sub.add_parser("passwd", help="自分のパスワードを変更する（今のパスワードを尋ねます）")
    add_db(passwd)
    passwd.add_argument("login", metavar="LOGIN", help="自分のログインID")
    passwd.add_argument("--password-stdin", action="store_true",
                        help=STDIN_HELP.format(lines="1行目: 今のパスワード、2行目: 新しいパスワード"))


def cmd_user(args: argparse.Namespace, open_db: OpenDb) -> int:
    db = open_db(args.db)
    try:
        if args.user_command == "list":
            return _list(db)
        passwords = Passwords(args.password_stdin)
        if args.user_command == "add":
            return _add(db, args, passwords)
        if args.user_command == "passwd":
            return _passwd(db, args, passwords)
        return _manage(db, args, passwords)
    except ValidationFailed as error:
        for message in error.errors.values():
            print(f"エラー: {message}", file=sys.stderr)
        return 2
    finally:
        db.dispose()


def _list(db: Database) -> int:
    from reseller_desk.services import staff

    for member in staff.list_staff(db):
        flags = ("" if member.active else "（無効）") + ("（デモ用）" if member.demo_account else "")
        flags += "（パスワード変更待ち）" if member.must_change_password else ""
        flags += f"（{member.waiting_until:%H:%M}までログイン待機）" if member.waiting_until else ""
        print(f"{member.login:<12} {member.name}  {member.role.label}{flags}")
    return 0


def _as_manager(db: Database, login_id: str, passwords: Passwords) -> Actor:
    return cli_login.log_in(db, login_id, passwords, who="管理者")


def _add(db: Database, args: argparse.Namespace, passwords: Passwords) -> int:
    from reseller_desk.services import staff

    password = passwords.ask(f"新しい担当者 {args.login} のパスワード: ", new=True)
    if not staff.has_staff(db):
        if args.role != "manager":
            print("最初の担当者は管理者です（--role manager）。", file=sys.stderr)
            return 2
        staff.create_first_manager(db, args.login, args.name, password)
    else:
        if not args.as_login:
            print("担当者は既に登録されています。登録を行う管理者を --as で指定してください。", file=sys.stderr)
            return 2
        staff.add_staff(db, _as_manager(db, args.as_login, passwords), args.login, args.name, args.role, password)
    print(f"担当者 {args.login}（{args.name}）を登録しました。")
    return 0


def _manage(db: Database, args: argparse.Namespace, passwords: Passwords) -> int:
    from reseller_desk.services import staff
    from reseller_desk.services.permissions import Role

    actor = _as_manager(db, args.as_login, passwords)
    # A one-shot command has no screen that could be stale: it changes the account as it reads
    # it now, so it passes the version it just read (the services want the version shown).
    target = staff.find_staff(db, args.login)
    version = target.row_version
    if args.user_command == "set-role":
        changed = staff.change_role(db, actor, target.id, args.role, expected_version=version)
        print(f"{changed.name}（{changed.login}）の役割を「{Role(args.role).label}」にしました。")
    elif args.user_command in ("deactivate", "activate"):
        changed = staff.set_active(db, actor, target.id, args.user_command == "activate", expected_version=version)
        state = "有効に戻しました" if changed.active else "無効にしました（ログインできません）"
        print(f"{changed.name}（{changed.login}）を{state}。")
    else:  # reset-password
        reset = staff.reset_password(db, actor, target.id, expected_version=version)
        print(f"{reset.staff.name}（{reset.staff.login}）の仮パスワード: {reset.password}")
        print("この仮パスワードは今だけ表示します。本人に伝えてください。次のログインで本人が新しいパスワードに変更します。")
    return 0


def _passwd(db: Database, args: argparse.Namespace, passwords: Passwords) -> int:
    from reseller_desk.services import auth

    current = passwords.ask(f"{args.login} の今のパスワード: ")
    actor = auth.login(db, args.login, current)
    auth.change_own_password(db, actor, current, passwords.ask("新しいパスワード: ", new=True))
    print(f"{actor.name}（{actor.login}）のパスワードを変更しました。")
    return 0
