"""``reseller-desk usage import FILE --month 2026-11``: a providers' usage file (通話料) brought
in through the same services as the window's 請求 → 通話料の取込.

    usage import FILE --month YYYY-MM --db … --as LOGIN [--password-stdin] [--drop-bad]
    usage import FILE --month YYYY-MM --db … --dry-run [--drop-bad]   (no log-in: only reads)

The preview's counts come first (rows, valid rows, numbers, total), then each fault one line
``行 12 列 日時: …`` on stderr. With a fault and without ``--drop-bad`` the exit status is 2 and
nothing is imported; ``--dry-run`` says what an import would do and writes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reseller_desk import cli_login

if TYPE_CHECKING:
    from reseller_desk.db.database import Database
    from reseller_desk.services.billing.usage import UsagePreview

#: (parser) -> None: adds --db to a subcommand (cli._add_db).
AddDb = Callable[[argparse.ArgumentParser], None]
#: (--db) -> the opened database (cli._open).
OpenDb = Callable[[str | None], "Database"]
#: (text) -> the text safe to print (cli.terminal_safe).
Safe = Callable[[str], str]

_MONTH = re.compile(r"(\d{4})[-/](\d{1,2})")


def month_argument(text: str) -> dt.date:
    """``2026-11`` (or 2026/11) as the first day of that month."""
    found = _MONTH.fullmatch(text.strip())
    if found is not None and 1 <= int(found[2]) <= 12:
        return dt.date(int(found[1]), int(found[2]), 1)
    raise argparse.ArgumentTypeError(f"対象月 {text!r} は YYYY-MM で指定してください（例: 2026-11）。")


def add_parser(sub: argparse._SubParsersAction, add_db: AddDb) -> None:
    usage = sub.add_parser("usage", help="通話料（プロバイダの利用明細）を扱う")
    usage_sub = usage.add_subparsers(dest="usage_command", metavar="ACTION", required=True)
    importing = usage_sub.add_parser(
        "import", help="通話料ファイルを取り込む（CSV: UTF-8 か Shift_JIS。全行が正しいか、--drop-bad のときだけ取込）")
    importing.add_argument("file", metavar="FILE",
                           help="1行目が見出しの CSV（1行に1通話。README「通話料ファイルの形式」）")
    importing.add_argument("--month", required=True, type=month_argument, metavar="YYYY-MM",
                           help="通話の月（請求する利用月）")
    add_db(importing)
    importing.add_argument("--drop-bad", action="store_true", help="誤りのある行を除いて、正しい行だけ取り込む")
    importing.add_argument("--dry-run", action="store_true", help="確認だけ行い、何も取り込まない（ログイン不要）")
    cli_login.add_arguments(importing, who="取込を行う担当者（事務・管理者）", required=False)


def cmd_usage(args: argparse.Namespace, open_db: OpenDb, safe: Safe) -> int:
    from reseller_desk.services.billing.usage import UsageRefused, import_usage, preview_usage, read_usage_file

    if not args.dry_run and not args.as_login:
        print("取り込むには、取込を行う担当者を --as で指定してください（確認だけなら --dry-run）。", file=sys.stderr)
        return 2
    data = read_usage_file(args.file)
    name = Path(args.file).name
    db = open_db(args.db)
    try:
        if args.dry_run:
            preview = preview_usage(db, data, name, args.month)
            _show(preview, safe)
            refused = preview.file_refused or preview.valid == 0 or (preview.problems and not args.drop_bad)
            print("確認のみです。何も取り込んでいません。"
                  + ("この内容では取り込めません。" if refused else f"取り込むと {preview.added:,}件を追加します。"))
            return 2 if refused else 0
        actor = cli_login.acting(db, args)
        try:
            result = import_usage(db, actor, data, name, args.month, drop_bad=args.drop_bad)
        except UsageRefused as error:
            _show(error.preview, safe)
            print(f"エラー: {error}", file=sys.stderr)
            return 2
    finally:
        db.dispose()
    _show(result, safe)
    print(safe(result.imported_text()))
    return 0


def _show(preview: UsagePreview, safe: Safe) -> None:
    print(safe(f"{preview.file_name}: {preview.summary()}"))
    for problem in preview.problems:
        print(safe(f"行 {problem.row} 列 {problem.column}: {problem.reason}"), file=sys.stderr)
