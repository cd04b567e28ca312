"""The command line: the same services as the window.

``reseller-desk`` (or ``python -m reseller_desk``) with no subcommand opens the window.
Every subcommand takes ``--db`` with a file path or a SQLAlchemy URL; without it, the embedded
database in the user data folder is used.
"""

from __future__ import annotations

import argparse
import logging
import sys
import unicodedata
from collections.abc import Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING

from reseller_desk import (
    __version__,
    cli_bill,
    cli_debit,
    cli_export,
    cli_invoices,
    cli_login,
    cli_payments,
    cli_usage,
    cli_user,
    cli_verify,
)

if TYPE_CHECKING:
    from reseller_desk.db.database import Database

log = logging.getLogger("reseller_desk.cli")

DB_HELP = ("データベースのファイルパス、または SQLAlchemy URL（例: postgresql+psycopg://user@host/db）。"
           "省略時はユーザーデータフォルダの SQLite")


def _add_db(parser: argparse.ArgumentParser, top: bool = False) -> None:
    # On subcommands the default is SUPPRESS so that "reseller-desk --db X demo" keeps X.
    parser.add_argument("--db", metavar="PATH|URL", default=None if top else argparse.SUPPRESS, help=DB_HELP)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reseller-desk",
        description="Reseller Desk: クラウドPBX・IP電話 取次店の事務処理。サブコマンドなしで画面を開きます。",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_db(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")

    window = sub.add_parser("window", help="画面を開く（サブコマンドなしと同じ）")
    _add_db(window)
    window.add_argument("--demo", action="store_true",
                        help="デモ用データベースを開く（--db 省略時は専用のファイル。新しければデモデータを作成）")

    demo = sub.add_parser("demo", help="デモデータ入りのデータベースを作る（新しいか、デモ用のデータベースだけ）")
    _add_db(demo)
    demo.add_argument("--customers", type=int, default=300, metavar="N", help="作成する顧客数（既定 300）")
    demo.add_argument("--seed", type=int, default=1, help="乱数の種（同じ種なら同じデータ）")

    migrate = sub.add_parser("migrate", help="データベースを最新のスキーマに更新する")
    _add_db(migrate)

    status = sub.add_parser("status", help="データベースの状態（スキーマ版・件数）を表示する")
    _add_db(status)

    customers = sub.add_parser("customers", help="顧客を検索して一覧表示する")
    _add_db(customers)
    customers.add_argument("query", nargs="?", default="", help="名称・フリガナ・電話番号・メール・法人番号")
    customers.add_argument("--limit", type=int, default=50)

    profiles = sub.add_parser("profiles", help="約款プロファイルとプラン・オプションを表示する")
    _add_db(profiles)

    cli_user.add_parser(sub, _add_db)
    cli_invoices.add_parser(sub, _add_db)

    backup = sub.add_parser("backup", help="データベースのバックアップを作る（管理者。PostgreSQL は pg_dump）")
    _add_db(backup)
    backup.add_argument("--out", metavar="FILE|FOLDER", default=None,
                        help="保存先の新しいファイル（.sqlite3 / .dump）、またはフォルダ（拡張子のない名前。"
                             "日時の入った名前で保存。省略時はユーザーデータフォルダの backups）")
    cli_login.add_arguments(backup, who="バックアップを行う管理者", metavar="MANAGER",
                            stdin_lines="--as の管理者のパスワード")

    importing = sub.add_parser("import", help="ファイルからデータを取り込む")
    import_sub = importing.add_subparsers(dest="import_command", metavar="WHAT", required=True)
    contracts = import_sub.add_parser(
        "contracts", help="既存の契約を取り込む（移行。CSV: UTF-8 か Shift_JIS、または .xlsx。全件正しいときだけ取込）")
    contracts.add_argument("file", metavar="FILE", help="1行目が見出しの CSV か .xlsx（1行に1契約）")
    _add_db(contracts)
    contracts.add_argument("--dry-run", action="store_true", help="確認だけ行い、何も取り込まない")
    cli_login.add_arguments(contracts, who="取込を行う担当者（事務・管理者）")

    cli_usage.add_parser(sub, _add_db)
    cli_verify.add_parser(sub, _add_db)
    cli_bill.add_parser(sub, _add_db)
    cli_export.add_parser(sub, _add_db)
    cli_debit.add_parser(sub, _add_db)
    cli_payments.add_parser(sub, _add_db)

    restore = sub.add_parser("restore", help="バックアップを空のデータベースに復元する（データのある所には復元しない）")
    restore.add_argument("file", metavar="FILE", help="reseller-desk backup で作ったファイル")
    _add_db(restore)
    return parser


from reseller_desk.services.errors import ValidationFailed  # noqa: E402 - light module

#: What each subcommand may do to the database it opens (L2). Only the CREATING_COMMANDS
#: create one (and the window, at its first start). The READ_COMMANDS never write: they refuse
#: a database that is missing or not at this version's schema instead of creating or upgrading
#: it. Every other command opens an existing database and upgrades it.
CREATING_COMMANDS = frozenset({"demo", "migrate", "restore"})
READ_COMMANDS = frozenset({"status", "customers", "profiles", "user list", "verify", "invoices list",
                           "invoices pdf"})
_command: ContextVar[str | None] = ContextVar("reseller_desk_command", default=None)


def _command_name(args: argparse.Namespace) -> str:
    sub = (getattr(args, "user_command", None) or getattr(args, "import_command", None)
           or getattr(args, "usage_command", None) or getattr(args, "invoices_command", None))
    return f"{args.command} {sub}" if sub else str(args.command)


def _open(target: str | None) -> Database:
    """The database of the running subcommand, opened as :data:`CREATING_COMMANDS` and
    :data:`READ_COMMANDS` say."""
    from reseller_desk.db.database import Database

    command = _command.get()
    if command in READ_COMMANDS:
        return Database.open(target, readonly=True)
    return Database.open(target, create=command in CREATING_COMMANDS)


def cmd_demo(args: argparse.Namespace) -> int:
    from reseller_desk.demo import fill_demo

    if args.customers < 0:
        print("--customers は 0 以上で指定してください。", file=sys.stderr)
        return 2
    db = _open(args.db)
    try:
        summary = fill_demo(db, customers=args.customers, seed=args.seed)
    except ValidationFailed as error:  # which field of which demo record (probe L9)
        print(f"エラー: {error}", file=sys.stderr)
        for field, message in error.errors.items():
            print(f"  {field}: {message}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    from reseller_desk.demo import DEMO_STAFF

    print(f"デモデータを作成しました: 顧客 {summary.customers} 件、契約 {summary.contracts} 件、"
          f"プラン {summary.plans} 件、オプション {summary.options} 件、申込 {summary.applications} 件、"
          f"請求書 {summary.invoices} 件 ({db.url})")
    print("デモ用アカウント（パスワードは公開されています。実運用のデータベースでは使わないでください）:")
    for login, name, role, password in DEMO_STAFF:
        label = "管理者" if role == "manager" else "事務"
        print(f"  ログインID {login:<6} パスワード {password:<12} {name}（{label}）")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    db = _open(args.db)
    print(f"スキーマ {db.current_revision()} ({db.shown_url})")
    db.dispose()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from reseller_desk.services import customers, settings

    db = _open(args.db)
    try:
        company = settings.get_company(db)
        print(f"データベース: {db.shown_url}")
        _warn_if_others_can_read(db)
        print(f"スキーマ: {db.current_revision()}")
        print(f"会社名: {terminal_safe(company.name) or '（未設定）'}")
        print(f"顧客数: {customers.count_customers(db)}")
        print(f"プラン数: {len(settings.list_plans(db))}  オプション数: {len(settings.list_options(db))}")
    finally:
        db.dispose()
    return 0


def _warn_if_others_can_read(db: Database) -> None:
    """Files from before issue 7 (or copied with another mode) stay as they are: say so."""
    from reseller_desk.db.sqlite_file import sqlite_file
    from reseller_desk.private_files import readable_by_others

    file = sqlite_file(db.engine.url)
    if file is not None and file.path.exists() and readable_by_others(file.path):
        print(f"注意: データベースのファイルを他のユーザーも読めます。chmod 600 {file.path} で所有者だけにできます。")


def cmd_customers(args: argparse.Namespace) -> int:
    from reseller_desk.services import customers

    db = _open(args.db)
    try:
        ids = customers.customer_ids(db, args.query)
        for row in customers.customer_rows(db, ids[: args.limit]):
            line = f"{row.id:>7}  {row.kind.label}  {row.name}（{row.name_kana}）  {row.phone}  {row.email}"
            print(terminal_safe(line))
        print(f"{len(ids)}件" + (f"（先頭 {args.limit} 件を表示）" if len(ids) > args.limit else ""))
    finally:
        db.dispose()
    return 0


def cmd_profiles(args: argparse.Namespace) -> int:
    from reseller_desk.services import settings

    db = _open(args.db)
    try:
        for profile in settings.list_profiles():
            print(f"[{profile.key}] {profile.name}（{profile.provider}） 版 {profile.version} "
                  f"{profile.effective_from.isoformat()} から")
            for label, records in (("プラン", settings.list_plans(db, profile.key)),
                                   ("オプション", settings.list_options(db, profile.key))):
                for record in records:
                    p = record.details
                    line = f"  {label} {p.code:<12} {p.name}  月額 ¥{p.monthly_fee:,}  初期 ¥{p.initial_fee:,}"
                    print(terminal_safe(line))
    finally:
        db.dispose()
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from reseller_desk.services import backup

    db = _open(args.db)
    try:
        made = backup.make_backup(db, cli_login.acting(db, args, who="管理者"), args.out)
    finally:
        db.dispose()
    print(f"バックアップを作成しました: {made.path}（{made.size:,} バイト）")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """``import contracts FILE``: every fault one line ``行 12 列 プラン: …`` and exit status 2,
    nothing imported; otherwise the summary (services.contracts.importing)."""
    from reseller_desk.services.contracts.import_file import ImportRefused, read_import_file
    from reseller_desk.services.contracts.importing import import_contracts

    db = _open(args.db)
    try:
        actor = cli_login.acting(db, args)
        try:
            file = read_import_file(args.file)
            result = import_contracts(db, actor, file.rows, dry_run=args.dry_run, source_name=file.name)
        except ImportRefused as refused:
            for error in refused.row_errors:
                print(terminal_safe(str(error)), file=sys.stderr)
            print(f"エラー: {refused}", file=sys.stderr)
            return 2
    finally:
        db.dispose()
    print(terminal_safe(result.summary()))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore into an empty target, then open it as the window would (an older backup is
    upgraded) and print what it holds, to compare with ``status`` of the original."""
    from reseller_desk.services import backup, database_info

    restored = backup.restore_backup(args.file, args.db)
    print(f"復元しました: {args.file} → {restored.target}（バックアップのスキーマ {restored.revision}）")
    db = _open(args.db)
    try:
        state = database_info.database_state(db)
        print(f"スキーマ: {db.current_revision()}  顧客数: {state.customers}  担当者数: {state.staff}")
    finally:
        db.dispose()
    return 0


def cmd_window(args: argparse.Namespace) -> int:
    from reseller_desk.ui.app import run_app

    return run_app(args.db, demo=getattr(args, "demo", False))


COMMANDS = {
    None: cmd_window,
    "window": cmd_window,
    "demo": cmd_demo,
    "migrate": cmd_migrate,
    "status": cmd_status,
    "customers": cmd_customers,
    "profiles": cmd_profiles,
    "user": lambda args: cli_user.cmd_user(args, _open),
    "invoices": lambda args: cli_invoices.cmd_invoices(args, _open, terminal_safe),
    "backup": cmd_backup,
    "import": cmd_import,
    "usage": lambda args: cli_usage.cmd_usage(args, _open, terminal_safe),
    "restore": cmd_restore,
    "verify": lambda args: cli_verify.cmd_verify(args, _open, terminal_safe),
    "bill": lambda args: cli_bill.cmd_bill(args, _open, terminal_safe),
    "export": lambda args: cli_export.cmd_export(args, _open, terminal_safe),
    "debit": lambda args: cli_debit.cmd_debit(args, _open, terminal_safe),
    "payments": lambda args: cli_payments.cmd_payments(args, _open, terminal_safe),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand. Whatever goes wrong ends as one short Japanese line on stderr and
    exit status 2: never a traceback, never SQL parameters (the engines hide them). The full
    error goes to the log when one is set up (never to stderr)."""
    args = build_parser().parse_args(argv)
    token = _command.set(_command_name(args))
    try:
        return COMMANDS[args.command](args)
    except Exception as error:  # noqa: BLE001 - the one place a command's failure is worded
        message = error_message(error)
        if message is None:
            raise
        log.error("コマンド %s が失敗しました", _command.get(), exc_info=error)  # only to a log set up
        print(f"エラー: {terminal_safe(message, keep_newlines=True)}", file=sys.stderr)
        return 2
    finally:
        _command.reset(token)


def terminal_safe(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` as the terminal should show it: control and format characters (ESC, BEL, CR,
    RLO, zero-width …) and lone surrogates written as visible escapes such as \\x1b, so that
    what a database holds can neither drive the terminal nor break a line (probe P6.3)."""
    def escape(ch: str) -> str:
        if keep_newlines and ch == "\n":
            return ch
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return "".join(escape(ch) if _unshown(ch) else ch for ch in text)


def _unshown(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") and ch != "\t"


def error_message(error: BaseException) -> str | None:
    """The one line the CLI prints for ``error``, or None for a bug (which keeps its traceback)."""
    from sqlalchemy.exc import SQLAlchemyError

    from reseller_desk.db.errors import GENERIC_MESSAGE, os_reason, user_message
    from reseller_desk.services.errors import ServiceError

    if isinstance(error, ServiceError | ValueError):
        return str(error)
    words = user_message(error)  # ours (DatabaseError), or what SQLite or the server reported
    if words is not None:
        return words
    if isinstance(error, SQLAlchemyError):
        return GENERIC_MESSAGE
    if isinstance(error, OSError):
        where = f": {error.filename}" if error.filename else ""
        return f"ファイルを読み書きできません（{os_reason(error)}）{where}"
    return None


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
